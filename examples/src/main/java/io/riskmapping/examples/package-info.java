/**
 * Runnable examples of the stages in a Spark ML {@code Pipeline} ({@code scripts/run-example}),
 * tested by this module's tests. The module depends on the stages ({@code transformers}) only.
 *
 * <p>May import: the public stages of {@code io.riskmapping.ml.feature} and Spark's public API only,
 * as a user's code would.
 */
package io.riskmapping.examples;
