/**
 * The artifacts the job writes and the Python side reads, without Spark: risk tables
 * ({@link io.riskmapping.artifacts.RiskTableMap}), WOE tables, imputation values and
 * {@code hyperparameters.json}; their JSON and pickle codecs; and the Spark-free scorers that map one
 * record at a time exactly as the batch job does ({@link io.riskmapping.artifacts.ArtifactScorers}).
 *
 * <p>May import: the JDK, Jackson and {@code net.razorvine:pickle}. Never Spark, never another
 * {@code io.riskmapping} package: every other module depends on this one, not the other way round.
 */
package io.riskmapping.artifacts;
