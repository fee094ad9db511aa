/**
 * Runnable examples of the stages in a Spark ML {@code Pipeline} ({@code scripts/run-example}),
 * tested by the job module's tests.
 *
 * <p>May import: the public stages of {@code io.riskmapping.ml.feature} and Spark's public API only,
 * as a user's code would.
 */
package io.riskmapping.examples;
