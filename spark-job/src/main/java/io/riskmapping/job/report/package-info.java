/**
 * The fit report of a run: {@code report.html} (one self-contained page: JMustache template,
 * JFreeChart charts as inline SVG) and {@code run_summary.json}, with PSI and unseen shares
 * ({@link io.riskmapping.job.report.Drift}).
 *
 * <p>May import: JMustache, JFreeChart, Jackson, the JDK and the Spark-free
 * {@code io.riskmapping.ml.feature.WoeStatistics} (the per-category WOE and IV of the report's
 * tables): the job hands it plain records. Never
 * {@code io.riskmapping.job} (the job calls the report, not the other way round) nor Spark.
 */
package io.riskmapping.job.report;
