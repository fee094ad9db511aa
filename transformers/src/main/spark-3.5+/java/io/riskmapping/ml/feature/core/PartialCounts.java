package io.riskmapping.ml.feature.core;

import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;


/**
 * The map side of the fit's aggregation: one partition's (column, category, label class) counts,
 * kept in one table per column ({@link TextCounts} for text, a {@code HashMap} for numeric keys)
 * and emitted as partial rows for the fit to sum by key ({@link CountMerge}).
 *
 * <p>Input: Spark's internal rows of {@code (y int, k_0 .. k_{m-1})}, where {@code y} is the label
 * class ({@link KeyColumns#labelClass}: 0, 1, -1 unlabelled, 2 invalid) and {@code k_i}
 * is column i's key, text ({@code UTF8String}) or, for a numeric column, a double. The text is
 * probed without copying, by its bytes; only a new key is copied. Output: rows of {@link #SCHEMA}, one per (column, key) seen, plus one row with
 * {@code f = -1} holding the partition's label classes.
 *
 * <p>Why not Spark's own hash aggregation of an unpivoted row per value: one small map per column
 * keeps the low-cardinality columns in cache, and no unpivoted row is built per value. A text key
 * costs one cache line to probe ({@link TextCounts}), where a {@code HashMap<UTF8String, long[]>}
 * costs several (entry, key object, key bytes, counts). The measurements: docs/performance.md, "Measured design choices". Memory is bounded like Spark's partial aggregation: once the tables hold more than
 * {@code flushBytes} (by default 1/16 of the executor's heap: 64 to 171 bytes of slots per text key,
 * depending on the table's fill, about 100 per numeric key) or {@code flushEntries} keys, they are
 * emitted and cleared, so a task never holds more. With a 4 GiB heap the medium benchmark's
 * partitions (about 570,000 keys each) are counted in one go; with 1 GiB they are flushed.
 */
public final class PartialCounts implements FlatMapFunction<Iterator<InternalRow>, Row> {
    private static final long serialVersionUID = 1L;

    /** The share of the executor's heap that one task's tables may hold before they are emitted. */
    public static final int HEAP_SHARE = 16;
    /** Estimated bytes of one numeric key in a {@code HashMap} (entry, boxed key, counts). */
    private static final int NUMERIC_KEY_BYTES = 100;

    /** The partial rows: field index (-1: the label row), text key, numeric key, counts. */
    public static final StructType SCHEMA = new StructType()
            .add("f", DataTypes.IntegerType, false)
            .add("s", DataTypes.StringType, true)
            .add("d", DataTypes.DoubleType, true)
            .add("n0", DataTypes.LongType, false)
            .add("n1", DataTypes.LongType, false)
            .add("rows", DataTypes.LongType, false)
            .add("nbad", DataTypes.LongType, false);

    private final boolean[] numeric;
    private final long flushEntries;
    private final long flushBytes;

    /** Counts flushed at 1/{@link #HEAP_SHARE} of the executor's heap. */
    public PartialCounts(boolean[] numeric) {
        this(numeric, Long.MAX_VALUE, -1);
    }

    /**
     * @param flushEntries keys held before a flush
     * @param flushBytes bytes of tables held before a flush; -1: 1/{@link #HEAP_SHARE} of the executor's heap
     */
    public PartialCounts(boolean[] numeric, long flushEntries, long flushBytes) {
        this.numeric = numeric.clone();
        this.flushEntries = flushEntries;
        this.flushBytes = flushBytes;
    }

    @Override
    public Iterator<Row> call(Iterator<InternalRow> input) {
        return new RowCounting(input, numeric, flushEntries, budget(flushBytes));
    }

    /** The byte budget of one task's tables: {@code flushBytes}, or 1/{@link #HEAP_SHARE} of the heap when -1. */
    public static long budget(long flushBytes) {
        return flushBytes >= 0 ? flushBytes : Runtime.getRuntime().maxMemory() / HEAP_SHARE;
    }

    /**
     * One partition's counting: {@link #fill} counts input into the tables until the input ends or
     * the tables outgrow the budget, then their rows are emitted and the tables cleared; repeated
     * until the input ends, then the label row.
     */
    public abstract static class Counting implements Iterator<Row> {
        protected final boolean[] numeric;
        protected final TextCounts[] texts;
        protected final Map<Object, long[]>[] numbers;
        protected final long[] label = new long[4];
        protected final long budget;
        private Iterator<Row> pending = java.util.Collections.emptyIterator();
        private boolean labelEmitted;

        protected Counting(boolean[] numeric, long budget) {
            this.numeric = numeric;
            this.budget = budget;
            texts = new TextCounts[numeric.length];
            numbers = newMaps(numeric.length);
            for (int i = 0; i < numeric.length; i++) {
                if (numeric[i]) {
                    numbers[i] = new HashMap<>();
                } else {
                    texts[i] = new TextCounts();
                }
            }
        }

        /** Whether input is left to count. */
        protected abstract boolean more();

        /** Counts input into the (empty) tables until the input ends or they outgrow {@link #budget}. */
        protected abstract void fill();

        @Override
        public final boolean hasNext() {
            while (!pending.hasNext()) {
                if (!more()) {
                    if (labelEmitted) {
                        return false;
                    }
                    labelEmitted = true;
                    pending = List.of(RowFactory.create(-1, null, null, label[0], label[1], label[2], label[3])).iterator();
                    return true;
                }
                fill();
                pending = new Emitting(texts, numbers);
            }
            return true;
        }

        @Override
        public final Row next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return pending.next();
        }

        /**
         * The same counts as this iterator's rows, written straight into the fit's shuffle
         * buffers ({@link CountMerge}): each flush of the tables as it is filled, then the label;
         * text keys as the bytes the tables hold. Use either this or the rows, not both.
         */
        final Iterator<scala.Tuple2<Integer, byte[]>> buffers(ShuffleBuffers out) {
            return new Iterator<>() {
                private boolean done;

                @Override
                public boolean hasNext() {
                    while (out.ready.isEmpty() && !done) {
                        if (more()) {
                            fill();
                            drain();
                        } else {
                            done = true;
                            out.label(label[0], label[1], label[2], label[3]);
                            out.passAll();
                        }
                    }
                    return !out.ready.isEmpty();
                }

                @Override
                public scala.Tuple2<Integer, byte[]> next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    return out.ready.poll();
                }

                /** Writes every table's keys into the buffers, each table then replaced by an empty one. */
                private void drain() {
                    for (int f = 0; f < texts.length; f++) {
                        int field = f;
                        if (texts[f] != null) {
                            texts[f].forEach((key, n0, n1, rows, invalid) -> {
                                if (key == null) {
                                    out.nulls(field, n0, n1, rows, invalid);
                                } else {
                                    out.text(field, key, n0, n1, rows, invalid);
                                }
                            });
                            texts[f] = new TextCounts();
                        } else {
                            for (Map.Entry<Object, long[]> e : numbers[f].entrySet()) {
                                long[] c = e.getValue();
                                if (e.getKey() == null) {
                                    out.nulls(field, c[0], c[1], c[2], c[3]);
                                } else {
                                    out.number(field, (Double) e.getKey(), c[0], c[1], c[2], c[3]);
                                }
                            }
                            numbers[f] = new HashMap<>();
                        }
                    }
                }
            };
        }

        /** The bytes the tables hold: text slots and long keys, an estimate per numeric key. */
        protected long bytes(long numericEntries) {
            long b = numericEntries * NUMERIC_KEY_BYTES;
            for (TextCounts t : texts) {
                if (t != null) {
                    b += t.bytes();
                }
            }
            return b;
        }
    }

    /** Counting of internal rows {@code (y, k_0 .. k_{m-1})}. */
    private static final class RowCounting extends Counting {
        private final Iterator<InternalRow> input;
        private final long flushEntries;

        RowCounting(Iterator<InternalRow> input, boolean[] numeric, long flushEntries, long budget) {
            super(numeric, budget);
            this.input = input;
            this.flushEntries = flushEntries;
        }

        @Override
        protected boolean more() {
            return input.hasNext();
        }

        @Override
        protected void fill() {
            long entries = 0; // the tables are empty: the previous Emitting replaced each one it drained
            long numericEntries = 0;
            int m = numeric.length;
            while (input.hasNext() && entries < flushEntries) {
                long before = entries;
                InternalRow row = input.next();
                int y = row.getInt(0);
                TextCounts.add(label, y);
                for (int i = 0; i < m; i++) {
                    if (!numeric[i]) {
                        TextCounts counts = texts[i];
                        if (row.isNullAt(i + 1)) {
                            counts.addNull(y);
                        } else if (counts.add(row.getUTF8String(i + 1), y)) {
                            entries++;
                        }
                        continue;
                    }
                    Map<Object, long[]> counts = numbers[i];
                    Object key = row.isNullAt(i + 1) ? null : (Object) row.getDouble(i + 1);
                    long[] c = counts.get(key);
                    if (c == null) {
                        c = new long[4];
                        counts.put(key, c);
                        entries++;
                        numericEntries++;
                    }
                    TextCounts.add(c, y);
                }
                if (entries != before && bytes(numericEntries) > budget) {
                    break;
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<Object, long[]>[] newMaps(int n) {
        return new Map[n];
    }

    /**
     * Emits the tables' counts field by field, each key once; a drained table is replaced by an
     * empty one (so a partition never holds more than one flush of keys).
     */
    private static final class Emitting implements Iterator<Row> {
        private final TextCounts[] texts;
        private final Map<Object, long[]>[] numbers;
        private int field = -1;
        private Iterator<Row> rows = java.util.Collections.emptyIterator();

        Emitting(TextCounts[] texts, Map<Object, long[]>[] numbers) {
            this.texts = texts;
            this.numbers = numbers;
        }

        @Override
        public boolean hasNext() {
            while (!rows.hasNext()) {
                if (field >= 0) {
                    if (texts[field] != null) {
                        texts[field] = new TextCounts();
                    } else {
                        numbers[field] = new HashMap<>();
                    }
                }
                if (++field >= texts.length) {
                    field = texts.length - 1;
                    return false;
                }
                rows = texts[field] != null ? texts[field].rows(field) : numericRows(field, numbers[field]);
            }
            return true;
        }

        @Override
        public Row next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return rows.next();
        }

        private static Iterator<Row> numericRows(int field, Map<Object, long[]> counts) {
            Iterator<Map.Entry<Object, long[]>> entries = counts.entrySet().iterator();
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return entries.hasNext();
                }

                @Override
                public Row next() {
                    Map.Entry<Object, long[]> e = entries.next();
                    long[] c = e.getValue();
                    return RowFactory.create(field, null, e.getKey(), c[0], c[1], c[2], c[3]);
                }
            };
        }
    }
}
