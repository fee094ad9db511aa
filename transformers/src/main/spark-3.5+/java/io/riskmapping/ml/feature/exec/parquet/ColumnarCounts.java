package io.riskmapping.ml.feature.exec.parquet;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.execution.FileSourceScanExec;
import org.apache.spark.sql.execution.vectorized.Dictionary;
import org.apache.spark.sql.execution.vectorized.WritableColumnVector;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import org.apache.spark.unsafe.types.UTF8String;

import io.riskmapping.ml.feature.core.KeyColumns;
import io.riskmapping.ml.feature.core.PartialCounts;
import io.riskmapping.ml.feature.core.TextCounts;

/**
 * The map side of the fit read straight from a Parquet scan's column batches: each text column is
 * counted by Parquet dictionary id, and each id's text is decoded once per dictionary (a column
 * chunk of a row group) instead of once per row.
 *
 * <p>Chosen by {@link io.riskmapping.ml.feature.exec.CountSources} when the data is a plain Parquet scan (Spark's vectorized
 * reader; at most a selection of columns above it: no filter, no computed column), every input
 * column is a string and the label is a number (byte, short, int, long, float or double); otherwise
 * the fit counts Spark's rows with {@link PartialCounts}, with the same result. A batch whose
 * column is not dictionary-encoded (a page Parquet wrote plain, e.g. once a column's dictionary
 * outgrew its page) is counted value by value in the same {@link TextCounts}.
 *
 * <p>Output: the rows of {@link PartialCounts#SCHEMA}, as {@link PartialCounts} emits them; the
 * label classes are {@link KeyColumns#labelClass}'s (0, 1; null and -1 unlabelled;
 * anything else invalid, NaN included).
 *
 * <p>Why: decoding each value's text (Spark's {@code getUTF8String} copies it out of the
 * dictionary page) cost as much CPU as all the counting (docs/performance.md, "Measured design choices").
 *
 * <p>The scan and its dictionaries are found by {@link ParquetBatches} (which reads Spark internals
 * by reflection; without them {@link #plan} finds none and the fit takes the row path).
 */
public final class ColumnarCounts implements FlatMapFunction<Iterator<ColumnarBatch>, Row> {
    private static final long serialVersionUID = 1L;

    /** A dictionary is drained before its int counts could overflow. */
    private static final long MAX_ROWS_PER_DICTIONARY = Integer.MAX_VALUE / 2;

    private final int labelIndex;
    private final DataType labelType;
    private final int[] keyIndexes;
    private final long flushBytes;

    /**
     * @param labelIndex the label's column in the batches
     * @param labelType the label's type (numeric, see the class comment)
     * @param keyIndexes each input column's column in the batches (string columns)
     * @param flushBytes bytes of tables held before a flush; -1: 1/{@link PartialCounts#HEAP_SHARE} of the heap
     */
    ColumnarCounts(int labelIndex, DataType labelType, int[] keyIndexes, long flushBytes) {
        this.labelIndex = labelIndex;
        this.labelType = labelType;
        this.keyIndexes = keyIndexes.clone();
        this.flushBytes = flushBytes;
    }

    /** A Parquet scan to count, and where the label and each input column are in its batches. */
    public record Plan(FileSourceScanExec scan, int labelIndex, DataType labelType, int[] keyIndexes) {
        /** The partial counts of the scan's batches, one partition per scan partition. */
        public JavaRDD<Row> partials(long flushBytes) {
            return scan.executeColumnar().toJavaRDD().mapPartitions(new ColumnarCounts(labelIndex, labelType, keyIndexes, flushBytes));
        }
    }

    /**
     * The plan of counting {@code data}'s columns from its Parquet scan's batches, or none when the
     * columnar path does not apply (see the class comment) and the rows must be counted instead.
     */
    public static Optional<Plan> plan(Dataset<Row> data, String labelCol, String[] inputCols) {
        DataType labelType = data.schema().apply(labelCol).dataType();
        if (!isNumericLabel(labelType)) {
            return Optional.empty();
        }
        List<Column> columns = new ArrayList<>();
        columns.add(KeyColumns.quoted(labelCol));
        for (String c : inputCols) {
            if (!(data.schema().apply(c).dataType() instanceof StringType)) {
                return Optional.empty();
            }
            columns.add(KeyColumns.quoted(c));
        }
        return ParquetBatches.scan(data.select(columns.toArray(new Column[0]))).map(scan -> {
            int[] at = scan.columns();
            return new Plan(scan.exec(), at[0], labelType, java.util.Arrays.copyOfRange(at, 1, at.length));
        });
    }

    private static boolean isNumericLabel(DataType t) {
        return t instanceof ByteType || t instanceof ShortType || t instanceof IntegerType || t instanceof LongType
                || t instanceof FloatType || t instanceof DoubleType;
    }

    @Override
    public Iterator<Row> call(Iterator<ColumnarBatch> input) {
        return new BatchCounting(input, new boolean[keyIndexes.length], PartialCounts.budget(flushBytes));
    }

    private static int labelClass(long v) {
        return v == 1 ? 1 : v == 0 ? 0 : v == -1 ? KeyColumns.UNLABELLED : KeyColumns.INVALID;
    }

    /** The label classes of a batch's first {@code n} rows into {@code ys}. */
    private void labelClasses(ColumnVector v, int n, int[] ys) {
        boolean nulls = v.hasNull();
        if (labelType instanceof IntegerType) {
            for (int k = 0; k < n; k++) {
                ys[k] = nulls && v.isNullAt(k) ? KeyColumns.UNLABELLED : labelClass(v.getInt(k));
            }
        } else if (labelType instanceof LongType) {
            for (int k = 0; k < n; k++) {
                ys[k] = nulls && v.isNullAt(k) ? KeyColumns.UNLABELLED : labelClass(v.getLong(k));
            }
        } else if (labelType instanceof DoubleType) {
            for (int k = 0; k < n; k++) {
                ys[k] = nulls && v.isNullAt(k) ? KeyColumns.UNLABELLED : KeyColumns.classOf(v.getDouble(k));
            }
        } else if (labelType instanceof FloatType) {
            for (int k = 0; k < n; k++) {
                ys[k] = nulls && v.isNullAt(k) ? KeyColumns.UNLABELLED : KeyColumns.classOf((double) v.getFloat(k));
            }
        } else if (labelType instanceof ShortType) {
            for (int k = 0; k < n; k++) {
                ys[k] = nulls && v.isNullAt(k) ? KeyColumns.UNLABELLED : labelClass(v.getShort(k));
            }
        } else {
            for (int k = 0; k < n; k++) {
                ys[k] = nulls && v.isNullAt(k) ? KeyColumns.UNLABELLED : labelClass(v.getByte(k));
            }
        }
    }

    /**
     * One column's counts by id of its current dictionary: {@code counts[id * 4 + (y & 3)]}, so
     * slot 0 is n0, 1 is n1, 2 invalid, 3 unlabelled; and its null rows the same way.
     */
    private static final class ByDictionary {
        private Object identity;
        private Dictionary dictionary;
        private int ids;
        private int[] counts = new int[0];
        private final long[] nulls = new long[4];
        private long rows;

        /** Whether the vector's dictionary is this one; else drains the counts and takes it on. */
        void use(Object identity, Dictionary dictionary, int ids, TextCounts into) {
            if (identity != this.identity || rows > MAX_ROWS_PER_DICTIONARY) {
                drain(into);
                this.identity = identity;
                this.ids = ids;
                if (counts.length < ids * 4) {
                    counts = new int[ids * 4];
                }
            }
            this.dictionary = dictionary;
        }

        void count(WritableColumnVector v, int n, int[] ys) {
            WritableColumnVector dictIds = v.getDictionaryIds();
            int[] c = counts;
            if (v.numNulls() == 0) {
                for (int k = 0; k < n; k++) {
                    c[dictIds.getDictId(k) << 2 | (ys[k] & 3)]++;
                }
            } else {
                for (int k = 0; k < n; k++) {
                    if (v.isNullAt(k)) {
                        nulls[ys[k] & 3]++;
                    } else {
                        c[dictIds.getDictId(k) << 2 | (ys[k] & 3)]++;
                    }
                }
            }
            rows += n;
        }

        /** Adds the counts to the table (each id with rows decoded once) and clears them; returns the new keys. */
        long drain(TextCounts into) {
            long added = 0;
            int[] c = counts;
            for (int id = 0; id < ids; id++) {
                int b = id << 2;
                long all = (long) c[b] + c[b + 1] + c[b + 2] + c[b + 3];
                if (all == 0) {
                    continue;
                }
                if (into.add(UTF8String.fromBytes(dictionary.decodeToBinary(id)), c[b], c[b + 1], all, c[b + 2])) {
                    added++;
                }
                c[b] = 0;
                c[b + 1] = 0;
                c[b + 2] = 0;
                c[b + 3] = 0;
            }
            if (nulls[0] + nulls[1] + nulls[2] + nulls[3] > 0) {
                into.addNulls(nulls[0], nulls[1], nulls[0] + nulls[1] + nulls[2] + nulls[3], nulls[2]);
                java.util.Arrays.fill(nulls, 0);
            }
            identity = null;
            dictionary = null;
            ids = 0;
            rows = 0;
            return added;
        }

        long bytes() {
            return 4L * counts.length;
        }
    }

    /** Counting of column batches (every input column text). */
    private final class BatchCounting extends PartialCounts.Counting {
        private final Iterator<ColumnarBatch> input;
        private final ByDictionary[] byDictionary;
        private int[] ys = new int[0];

        BatchCounting(Iterator<ColumnarBatch> input, boolean[] numeric, long budget) {
            super(numeric, budget);
            this.input = input;
            byDictionary = new ByDictionary[numeric.length];
            for (int i = 0; i < byDictionary.length; i++) {
                byDictionary[i] = new ByDictionary();
            }
        }

        @Override
        protected boolean more() {
            return input.hasNext();
        }

        @Override
        protected void fill() {
            while (input.hasNext()) {
                ColumnarBatch batch = input.next();
                int n = batch.numRows();
                if (ys.length < n) {
                    ys = new int[n];
                }
                labelClasses(batch.column(labelIndex), n, ys);
                for (int k = 0; k < n; k++) {
                    TextCounts.add(label, ys[k]);
                }
                boolean added = false;
                for (int i = 0; i < keyIndexes.length; i++) {
                    added |= count(i, batch.column(keyIndexes[i]), n);
                }
                if (added && bytes() > budget) {
                    break;
                }
            }
            for (int i = 0; i < byDictionary.length; i++) {
                byDictionary[i].drain(texts[i]);
            }
        }

        /** Counts column {@code i} of a batch; true when its table may have grown. */
        private boolean count(int i, ColumnVector v, int n) {
            if (v instanceof WritableColumnVector w && w.hasDictionary()) {
                ParquetBatches.Ids ids = ParquetBatches.ids(w);
                if (ids != null) {
                    boolean changed = byDictionary[i].identity != ids.identity();
                    byDictionary[i].use(ids.identity(), ids.decoder(), ids.size(), texts[i]);
                    byDictionary[i].count(w, n, ys);
                    return changed;
                }
            }
            TextCounts t = texts[i];
            boolean added = false;
            for (int k = 0; k < n; k++) {
                if (v.isNullAt(k)) {
                    t.addNull(ys[k]);
                } else {
                    added |= t.add(v.getUTF8String(k), ys[k]);
                }
            }
            return added;
        }

        private long bytes() {
            long b = bytes(0);
            for (ByDictionary d : byDictionary) {
                b += d.bytes();
            }
            return b;
        }
    }
}
