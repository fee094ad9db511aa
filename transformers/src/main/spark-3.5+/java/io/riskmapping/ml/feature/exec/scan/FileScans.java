package io.riskmapping.ml.feature.exec.scan;

import java.util.List;
import java.util.Optional;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.execution.ColumnarToRowExec;
import org.apache.spark.sql.execution.FileSourceScanExec;
import org.apache.spark.sql.execution.InputAdapter;
import org.apache.spark.sql.execution.LogicalRDD;
import org.apache.spark.sql.execution.ProjectExec;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.WholeStageCodegenExec;

import io.riskmapping.ml.feature.compat.ScalaCollections;

/**
 * The file scan under a DataFrame whose physical plan is that scan with at most a selection of its
 * columns above it (whole-stage code generation, a columnar-to-row step and projections of plain
 * columns; no filter, no computed column, no cache): what {@code exec.parquet.ParquetBatches} and
 * {@code exec.csv.CsvFiles} read instead of Spark's rows.
 */
public final class FileScans {

    private FileScans() {
    }

    /** A file scan, and for each column of the DataFrame it was found under, that column's index in the scan's output. */
    public record Found(FileSourceScanExec scan, int[] outputs) {
        /** The scan's output column that the DataFrame's column {@code i} is. */
        public Attribute output(int i) {
            return ScalaCollections.asJava(scan.output()).get(outputs[i]);
        }
    }

    /** The file scan under {@code data}, or none when {@code data} is not a plain file scan (see the class comment). */
    public static Optional<Found> of(Dataset<Row> data) {
        SparkPlan root = data.queryExecution().executedPlan();
        List<Attribute> wanted = ScalaCollections.asJava(root.output());
        SparkPlan p = root;
        while (true) {
            if (p instanceof WholeStageCodegenExec w) {
                p = w.child();
            } else if (p instanceof InputAdapter a) {
                p = a.child();
            } else if (p instanceof ColumnarToRowExec c) {
                p = c.child();
            } else if (p instanceof ProjectExec pr && onlyAttributes(pr)) {
                p = pr.child();
            } else {
                break;
            }
        }
        if (!(p instanceof FileSourceScanExec scan)) {
            return Optional.empty();
        }
        List<Attribute> scanned = ScalaCollections.asJava(scan.output());
        int[] at = new int[wanted.size()];
        for (int i = 0; i < at.length; i++) {
            at[i] = -1;
            for (int j = 0; j < scanned.size(); j++) {
                if (scanned.get(j).exprId().equals(wanted.get(i).exprId())) {
                    at[i] = j;
                }
            }
            if (at[i] < 0) {
                return Optional.empty();
            }
        }
        return Optional.of(new Found(scan, at));
    }

    private static boolean onlyAttributes(ProjectExec p) {
        for (NamedExpression e : ScalaCollections.asJava(p.projectList())) {
            if (!(e instanceof AttributeReference)) {
                return false;
            }
        }
        return true;
    }

    /**
     * For each of {@code order} in turn (paths or URIs), the index in {@code files} of the same
     * file, compared by path; none unless {@code order} names exactly {@code files}, each once.
     */
    public static Optional<int[]> positions(List<org.apache.hadoop.fs.Path> files, List<String> order) {
        java.util.Map<String, Integer> byPath = new java.util.HashMap<>();
        for (int i = 0; i < files.size(); i++) {
            byPath.put(files.get(i).toUri().getPath(), i);
        }
        int[] at = new int[order.size()];
        for (int i = 0; i < at.length; i++) {
            Integer p = byPath.remove(new org.apache.hadoop.fs.Path(order.get(i)).toUri().getPath());
            if (p == null) {
                return Optional.empty();
            }
            at[i] = p;
        }
        return byPath.isEmpty() ? Optional.of(at) : Optional.empty();
    }

    /**
     * The last entry {@code {partition, ...}} a mapping's accumulator holds for one partition (its
     * task added one as its partition ended), or null when it holds none.
     */
    public static long[] partitionEntry(org.apache.spark.util.CollectionAccumulator<long[]> entries, int partition) {
        long[] out = null;
        for (long[] e : entries.value()) {
            if (e[0] == partition) {
                out = e;
            }
        }
        return out;
    }

    /**
     * The number of partitions of a DataFrame that a fast path returned (those of its scan or of
     * its files), read from its plan without planning it when it is an RDD's.
     */
    public static int partitions(Dataset<Row> mapped) {
        if (mapped.queryExecution().logical() instanceof LogicalRDD rdd) {
            return rdd.rdd().getNumPartitions();
        }
        return mapped.queryExecution().toRdd().getNumPartitions();
    }
}
