/**
 * The fit report of a run: {@code report.html} (one self-contained page: JMustache template,
 * JFreeChart charts as inline SVG) and {@code run_summary.json}, with PSI and unseen shares
 * ({@link io.riskmapping.job.report.Drift}).
 *
 * <p>May import: JMustache, JFreeChart, Jackson and the JDK: the job hands it plain records. Never
 * {@code io.riskmapping.job} (the job calls the report, not the other way round) nor Spark.
 */
package io.riskmapping.job.report;
