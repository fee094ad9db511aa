package io.riskmapping.ml.feature.exec.parquet;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.spark.Partition;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.execution.datasources.FilePartition;
import org.apache.spark.sql.execution.datasources.PartitionedFile;
import org.apache.spark.sql.execution.vectorized.OnHeapColumnVector;
import org.apache.spark.sql.execution.vectorized.WritableColumnVector;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import org.apache.spark.unsafe.types.UTF8String;
import org.apache.spark.util.CollectionAccumulator;

import io.riskmapping.artifacts.RiskTable;
import io.riskmapping.ml.feature.compat.SparkShims;
import io.riskmapping.ml.feature.core.Lookups;
import io.riskmapping.ml.feature.core.TableMapping;
import io.riskmapping.ml.feature.core.DriftBuckets;
import io.riskmapping.ml.feature.exec.scan.FileScans;

/**
 * A risk-table model's transform ({@link TableMapping}) computed from a Parquet scan's column
 * batches: each dictionary-encoded column is mapped once per dictionary id (one decode and one probe
 * per distinct value of a row group), then per row by an array index; other columns pass through as read.
 *
 * <p>Applies when {@code handleInvalid} is {@code keep}, every mapped column is a string column with
 * a categorical table, and the data is a plain Parquet scan (see {@link ParquetBatches}: a
 * selection of columns at most, no filter, no computed column). Otherwise {@link #transform}
 * finds none and the caller ({@link io.riskmapping.ml.feature.exec.TransformPaths}) takes the
 * model's own transform. The values are the model's: the table's value of a known category, its default for a null or unseen one (the same {@link Lookups.Table}
 * probe); the output schema is the model's (each output column a non-null double, in place of a
 * same-named column, else appended).
 *
 * <p>The result is a DataFrame over the mapped rows (Spark's {@code internalCreateDataFrame}): its
 * plan is an RDD scan, so Spark does not push later filters into the Parquet scan; the job uses it
 * to write a split, where nothing follows. Why: a plain copy decodes and re-encodes every string;
 * this decodes each distinct one once per row group (the measurement: docs/performance.md, "Measured design choices").
 */
public final class ColumnarMapping {

    private ColumnarMapping() {
    }

    /**
     * The mapping's transform of {@code dataset}, read from its Parquet column batches; none when that
     * does not apply (see the class comment).
     *
     * @throws IllegalArgumentException as the model's {@code transformSchema} ({@link TableMapping#outputSchema})
     *         for a missing input column or a clash of output columns
     */
    public static Optional<Dataset<Row>> transform(TableMapping spec, Dataset<?> dataset) {
        return transform(spec, dataset, Map.of());
    }

    /**
     * As {@link #transform(TableMapping, Dataset)}, also counting each listed input column's rows
     * per bucket ({@link DriftBuckets}) as the rows are mapped.
     *
     * @param buckets input column &rarr; its buckets (columns without a table are not counted)
     */
    public static Optional<Dataset<Row>> transform(TableMapping spec, Dataset<?> dataset, Map<String, DriftBuckets> buckets) {
        return transform(spec, dataset, buckets, null).map(Shards::data);
    }

    /**
     * The mapped rows of a scan of several files with one partition per file, in a given order,
     * and the rows each partition held.
     *
     * @param rows one entry {@code {partition, rows}} per partition, added as its last batch is mapped
     */
    public record Shards(Dataset<Row> data, CollectionAccumulator<long[]> rows) {
        /** The rows partition {@code index} held (0 until it was mapped). */
        public long rows(int index) {
            long[] e = FileScans.partitionEntry(rows, index);
            return e == null ? 0 : e[1];
        }
    }

    /**
     * As {@link #transform(TableMapping, Dataset, Map)}, with partition i the rows of
     * {@code files.get(i)} (each a file of the scan as a path or URI; all the scan's files, each
     * once), whatever the order of Spark's partitions; none also when the files are not exactly
     * the scan's, or when a partition of the scan is not one whole file (Spark packs small files
     * together and splits large ones: the caller plans the scan with {@code
     * spark.sql.files.openCostInBytes} and {@code maxPartitionBytes} both larger than any file).
     * A split of several shards is then mapped by one scan. With {@code files} null, Spark's
     * partitions as they are.
     */
    public static Optional<Shards> transform(TableMapping spec, Dataset<?> dataset, Map<String, DriftBuckets> buckets, List<String> files) {
        Dataset<Row> data = dataset.toDF();
        spec.outputSchema().apply(data.schema());
        if (spec.errorOnInvalid()) {
            return Optional.empty();
        }
        ParquetBatches.Scan scan = ParquetBatches.scan(data).orElse(null);
        if (scan == null) {
            return Optional.empty();
        }
        StructType in = data.schema();
        String[] inputCols = spec.inputCols();
        String[] outputCols = spec.outputCols();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(data.sparkSession().sparkContext());
        // the output columns: the input's, each passed through, then mapped ones in place or appended
        List<Out> out = new ArrayList<>();
        for (int c = 0; c < in.fields().length; c++) {
            out.add(new Out(in.fields()[c], c, null, 0.0, null));
        }
        int inputs = out.size();
        for (int i = 0; i < inputCols.length; i++) {
            RiskTable t = spec.tables().get(inputCols[i]);
            if (t == null) {
                continue;
            }
            int from = indexOf(out.subList(0, inputs), inputCols[i]);
            if (from < 0 || t.mode() != RiskTable.Mode.CATEGORICAL || !(in.fields()[from].dataType() instanceof StringType)) {
                return Optional.empty();
            }
            Out mapped = new Out(new StructField(outputCols[i], DataTypes.DoubleType, false, org.apache.spark.sql.types.Metadata.empty()),
                    from, spec.broadcasts().of(t.bins(), jsc), t.defaultBin(), buckets.get(inputCols[i]));
            int j = indexOf(out, outputCols[i]);
            if (j < 0) {
                out.add(mapped);
            } else {
                out.set(j, mapped);
            }
        }
        int n = out.size();
        int[] batchColumn = new int[n];
        double[] defaultValue = new double[n];
        @SuppressWarnings("unchecked")
        Broadcast<Lookups.Table>[] byColumn = new Broadcast[n];
        DriftBuckets[] counted = new DriftBuckets[n];
        StructField[] fields = new StructField[n];
        for (int j = 0; j < n; j++) {
            Out o = out.get(j);
            fields[j] = o.field();
            batchColumn[j] = scan.columns()[o.source()];
            byColumn[j] = o.table();
            defaultValue[j] = o.absent();
            counted[j] = o.buckets();
        }
        int[] order = null;
        if (files != null) {
            order = inOrder(scan.exec().inputRDD().partitions(), files).orElse(null);
            if (order == null) {
                return Optional.empty();
            }
        }
        RDD<ColumnarBatch> batches = scan.exec().executeColumnar();
        if (order != null) {
            batches = SparkShims.get().inOrder(batches, order);
        }
        CollectionAccumulator<long[]> counts = jsc.sc().collectionAccumulator("columnar mapping: rows by partition");
        JavaRDD<InternalRow> rows = batches.toJavaRDD().mapPartitions(new Mapping(batchColumn, byColumn, defaultValue, counted, counts));
        return Optional.of(new Shards(SparkShims.get().internalCreateDataFrame(data.sparkSession(), rows.rdd(), new StructType(fields)), counts));
    }

    /**
     * For each of {@code files} in turn, the index of the scan partition that is exactly that
     * whole file; none unless each partition is one whole file and the files are exactly the scan's.
     */
    static Optional<int[]> inOrder(Partition[] partitions, List<String> files) {
        List<org.apache.hadoop.fs.Path> paths = new ArrayList<>();
        for (Partition part : partitions) {
            if (!(part instanceof FilePartition fp) || fp.files().length != 1) {
                return Optional.empty();
            }
            PartitionedFile f = fp.files()[0];
            if (f.start() != 0 || f.length() != f.fileSize()) {
                return Optional.empty();
            }
            paths.add(f.toPath()); // partition i at index i
        }
        return FileScans.positions(paths, files);
    }

    /** An output column: its field, the input column it comes from, and (mapped) its table, default and buckets. */
    private record Out(StructField field, int source, Broadcast<Lookups.Table> table, double absent, DriftBuckets buckets) {
    }

    private static int indexOf(List<Out> columns, String name) {
        for (int j = 0; j < columns.size(); j++) {
            if (columns.get(j).field().name().equals(name)) {
                return j;
            }
        }
        return -1;
    }

    /** One partition's batches, mapped: output column j is batch column {@code batchColumn[j]}, through table j if any. */
    private static final class Mapping implements FlatMapFunction<Iterator<ColumnarBatch>, InternalRow> {
        private static final long serialVersionUID = 1L;
        private final int[] batchColumn;
        private final Broadcast<Lookups.Table>[] tables;
        private final double[] defaults;
        private final DriftBuckets[] buckets;
        private final CollectionAccumulator<long[]> rowCounts;

        Mapping(int[] batchColumn, Broadcast<Lookups.Table>[] tables, double[] defaults, DriftBuckets[] buckets,
                CollectionAccumulator<long[]> rowCounts) {
            this.batchColumn = batchColumn;
            this.tables = tables;
            this.defaults = defaults;
            this.buckets = buckets;
            this.rowCounts = rowCounts;
        }

        @Override
        public Iterator<InternalRow> call(Iterator<ColumnarBatch> input) {
            int n = batchColumn.length;
            Lookups.Table[] table = new Lookups.Table[n];
            for (int j = 0; j < n; j++) {
                table[j] = tables[j] == null ? null : tables[j].value();
            }
            return new Iterator<>() {
                private final OnHeapColumnVector[] mapped = new OnHeapColumnVector[n];
                private final int[] capacity = new int[n];
                private final Object[] identity = new Object[n];
                private final double[][] byId = new double[n][];
                private final int[][] bucketById = new int[n][];
                private final Object[] bucketIdentity = new Object[n];
                private final long[][] counts = new long[n][];
                private Iterator<InternalRow> rows = Collections.emptyIterator();
                private long rowsRead;
                private boolean counted;

                @Override
                public boolean hasNext() {
                    while (!rows.hasNext()) {
                        if (!input.hasNext()) {
                            if (!counted) {
                                counted = true;
                                org.apache.spark.TaskContext task = org.apache.spark.TaskContext.get();
                                rowCounts.add(new long[] {task == null ? 0 : task.partitionId(), rowsRead});
                            }
                            return false;
                        }
                        // the rows of one batch are all read before the next batch overwrites its vectors
                        ColumnarBatch batch = input.next();
                        rowsRead += batch.numRows();
                        rows = map(batch).rowIterator();
                    }
                    return true;
                }

                @Override
                public InternalRow next() {
                    if (!hasNext()) {
                        throw new java.util.NoSuchElementException();
                    }
                    return rows.next();
                }

                private ColumnarBatch map(ColumnarBatch batch) {
                    int rowsIn = batch.numRows();
                    ColumnVector[] out = new ColumnVector[n];
                    for (int j = 0; j < n; j++) {
                        ColumnVector v = batch.column(batchColumn[j]);
                        if (table[j] == null) {
                            out[j] = v;
                            continue;
                        }
                        if (capacity[j] < rowsIn) {
                            capacity[j] = Math.max(rowsIn, 4096);
                            mapped[j] = new OnHeapColumnVector(capacity[j], DataTypes.DoubleType);
                        }
                        ParquetBatches.Ids ids = v instanceof WritableColumnVector w && w.hasDictionary() ? ParquetBatches.ids(w) : null;
                        map(j, v, ids, rowsIn, mapped[j]);
                        if (buckets[j] != null) {
                            count(j, v, ids, rowsIn);
                        }
                        out[j] = mapped[j];
                    }
                    ColumnarBatch result = new ColumnarBatch(out);
                    result.setNumRows(rowsIn);
                    return result;
                }

                /** Counts the batch's rows of column j per bucket (each dictionary id's bucket decided once), then passes the counts on. */
                private void count(int j, ColumnVector v, ParquetBatches.Ids ids, int rowsIn) {
                    DriftBuckets b = buckets[j];
                    long[] c = counts[j] == null ? counts[j] = new long[b.size()] : counts[j];
                    java.util.Arrays.fill(c, 0);
                    int ofNull = b.ofNull();
                    if (ids != null) {
                        WritableColumnVector w = (WritableColumnVector) v;
                        if (bucketIdentity[j] != ids.identity()) {
                            int[] bucket = new int[ids.size()];
                            for (int id = 0; id < bucket.length; id++) {
                                bucket[id] = b.of(UTF8String.fromBytes(ids.decoder().decodeToBinary(id)).toString());
                            }
                            bucketById[j] = bucket;
                            bucketIdentity[j] = ids.identity();
                        }
                        int[] bucket = bucketById[j];
                        WritableColumnVector dictIds = w.getDictionaryIds();
                        for (int k = 0; k < rowsIn; k++) {
                            c[w.isNullAt(k) ? ofNull : bucket[dictIds.getDictId(k)]]++;
                        }
                    } else {
                        for (int k = 0; k < rowsIn; k++) {
                            c[v.isNullAt(k) ? ofNull : b.of(v.getUTF8String(k).toString())]++;
                        }
                    }
                    b.add(c);
                }

                /** Maps the batch's rows of column j: by dictionary id when {@code ids} (the vector's Parquet dictionary) is given. */
                private void map(int j, ColumnVector v, ParquetBatches.Ids ids, int rowsIn, OnHeapColumnVector to) {
                    Lookups.Table t = table[j];
                    double absent = defaults[j];
                    if (ids != null) {
                        WritableColumnVector w = (WritableColumnVector) v;
                        if (identity[j] != ids.identity()) {
                            double[] values = new double[ids.size()];
                            for (int id = 0; id < values.length; id++) {
                                values[id] = t.getText(UTF8String.fromBytes(ids.decoder().decodeToBinary(id)), absent);
                            }
                            byId[j] = values;
                            identity[j] = ids.identity();
                        }
                        double[] values = byId[j];
                        WritableColumnVector dictIds = w.getDictionaryIds();
                        boolean nulls = w.numNulls() > 0;
                        for (int k = 0; k < rowsIn; k++) {
                            to.putDouble(k, nulls && w.isNullAt(k) ? absent : values[dictIds.getDictId(k)]);
                        }
                        return;
                    }
                    for (int k = 0; k < rowsIn; k++) {
                        to.putDouble(k, v.isNullAt(k) ? absent : t.getText(v.getUTF8String(k), absent));
                    }
                }
            };
        }
    }
}
