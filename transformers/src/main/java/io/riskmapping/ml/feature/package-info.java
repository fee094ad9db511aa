/**
 * The public Spark ML stages of risk table mapping: each family's params, estimator, model and
 * their writer/reader ({@code RiskTableMapper*}, {@code WoeEncoder*}, {@code NumericBinner*},
 * {@code MissingValueImputer*}, {@link io.riskmapping.ml.feature.StageMetadata}), and the public
 * result and statistics types they return ({@link io.riskmapping.ml.feature.FitStatistics},
 * {@link io.riskmapping.ml.feature.FieldStatistics}, {@link io.riskmapping.ml.feature.InformationValues},
 * {@link io.riskmapping.ml.feature.WoeStatistics}).
 *
 * <p>Saved models and pipelines record these classes' names: none of them moves or is renamed.
 *
 * <p>May import: {@code io.riskmapping.ml.feature.exec} (the fit's count sources),
 * {@code io.riskmapping.ml.feature.core}, {@code io.riskmapping.ml.feature.compat},
 * {@code io.riskmapping.artifacts} and Spark. Nothing below imports back from here
 * ({@code LayersTest}): the stages hand the execution code plain values
 * ({@link io.riskmapping.ml.feature.core.TableMapping}) and turn its results
 * ({@link io.riskmapping.ml.feature.core.FitCounts}) into their public types.
 */
package io.riskmapping.ml.feature;
