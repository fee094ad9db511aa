package io.riskmapping.ml.feature;

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
 * and emitted as partial rows for {@link RiskTableAggregation} to sum by key.
 *
 * <p>Input: Spark's internal rows of {@code (y int, k_0 .. k_{m-1})}, where {@code y} is the label
 * class ({@link RiskTableAggregation#labelClass}: 0, 1, -1 unlabelled, 2 invalid) and {@code k_i}
 * is column i's key, text ({@code UTF8String}) or, for a numeric column, a double. The text is
 * probed without copying, by its bytes; only a new key is copied. Output: rows of {@link #SCHEMA}, one per (column, key) seen, plus one row with
 * {@code f = -1} holding the partition's label classes.
 *
 * <p>Why not Spark's own hash aggregation of an unpivoted row per value: measured on the 3M-row
 * benchmark train split, that costs about 9 s of a warm 11.5 s fit, this about 4.5 s of 7 s
 * (docs/performance.md): one small map per column keeps the low-cardinality columns in cache, and
 * no unpivoted row is built per value. A text key costs one cache line to probe ({@link TextCounts});
 * the {@code HashMap<UTF8String, long[]>} it replaced cost several (entry, key object, key bytes,
 * counts), and measured on the same split the partial counts took about 30% less (docs/performance.md,
 * item 15). Memory is bounded like Spark's partial aggregation: once the tables hold more than
 * {@code flushBytes} (by default 1/16 of the executor's heap: 64 to 171 bytes of slots per text key,
 * depending on the table's fill, about 100 per numeric key) or {@code flushEntries} keys, they are
 * emitted and cleared, so a task never holds more. With a 4 GiB heap the medium benchmark's
 * partitions (about 570,000 keys each) are counted in one go; with 1 GiB they are flushed.
 */
final class PartialCounts implements FlatMapFunction<Iterator<InternalRow>, Row> {
    private static final long serialVersionUID = 1L;

    /** The share of the executor's heap that one task's tables may hold before they are emitted. */
    static final int HEAP_SHARE = 16;
    /** Estimated bytes of one numeric key in a {@code HashMap} (entry, boxed key, counts). */
    private static final int NUMERIC_KEY_BYTES = 100;

    /** The partial rows: field index (-1: the label row), text key, numeric key, counts. */
    static final StructType SCHEMA = new StructType()
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
    PartialCounts(boolean[] numeric) {
        this(numeric, Long.MAX_VALUE, -1);
    }

    /**
     * @param flushEntries keys held before a flush
     * @param flushBytes bytes of tables held before a flush; -1: 1/{@link #HEAP_SHARE} of the executor's heap
     */
    PartialCounts(boolean[] numeric, long flushEntries, long flushBytes) {
        this.numeric = numeric.clone();
        this.flushEntries = flushEntries;
        this.flushBytes = flushBytes;
    }

    @Override
    public Iterator<Row> call(Iterator<InternalRow> input) {
        return new RowCounting(input, numeric, flushEntries, budget(flushBytes));
    }

    /** The byte budget of one task's tables: {@code flushBytes}, or 1/{@link #HEAP_SHARE} of the heap when -1. */
    static long budget(long flushBytes) {
        return flushBytes >= 0 ? flushBytes : Runtime.getRuntime().maxMemory() / HEAP_SHARE;
    }

    /** Counts {n0, n1, rows, invalid} of one key. */
    static void add(long[] c, int y) {
        if (y == 0) {
            c[0]++;
        } else if (y == 1) {
            c[1]++;
        } else if (y == RiskTableAggregation.INVALID) {
            c[3]++;
        }
        c[2]++;
    }

    /**
     * One partition's counting: {@link #fill} counts input into the tables until the input ends or
     * the tables outgrow the budget, then their rows are emitted and the tables cleared; repeated
     * until the input ends, then the label row.
     */
    abstract static class Counting implements Iterator<Row> {
        final boolean[] numeric;
        final TextCounts[] texts;
        final Map<Object, long[]>[] numbers;
        final long[] label = new long[4];
        final long budget;
        private Iterator<Row> pending = java.util.Collections.emptyIterator();
        private boolean labelEmitted;

        Counting(boolean[] numeric, long budget) {
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
        abstract boolean more();

        /** Counts input into the (empty) tables until the input ends or they outgrow {@link #budget}. */
        abstract void fill();

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
        final Iterator<scala.Tuple2<Integer, byte[]>> buffers(CountMerge.Buffers out) {
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
        long bytes(long numericEntries) {
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
        boolean more() {
            return input.hasNext();
        }

        @Override
        void fill() {
            long entries = 0; // the tables are empty: the previous Emitting replaced each one it drained
            long numericEntries = 0;
            int m = numeric.length;
            while (input.hasNext() && entries < flushEntries) {
                long before = entries;
                InternalRow row = input.next();
                int y = row.getInt(0);
                add(label, y);
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
                    add(c, y);
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

    /**
     * One field's counts of text keys: an open-addressing table of 64-byte slots (one cache line:
     * the key as {@link Utf8Keys} holds it, then n0, n1, rows, invalid), probed with the row's own
     * {@code UTF8String} (no copy, no String; a new key's bytes are copied into the slot or the
     * long-key array once). At most 3/4 of the slots are used; the table doubles beyond.
     */
    static final class TextCounts {
        /** Longs per slot: head, key word 0, key word 1, n0, n1, rows, invalid, unused. */
        private static final int STRIDE = 8;
        private static final int INITIAL_CAPACITY = 256;
        private long[] slots = new long[INITIAL_CAPACITY * STRIDE];
        private int mask = INITIAL_CAPACITY - 1;
        private int size;
        private byte[] longKeys = new byte[0];
        private int longKeysUsed;
        private final long[] nulls = new long[4];
        private boolean anyNull;
        /** Whether the last {@link #slot} call inserted its key. */
        private boolean inserted;

        void addNull(int y) {
            anyNull = true;
            PartialCounts.add(nulls, y);
        }

        /** Counts {@code n0, n1, rows, invalid} rows of null keys at once. */
        void addNulls(long n0, long n1, long rows, long invalid) {
            anyNull = true;
            nulls[0] += n0;
            nulls[1] += n1;
            nulls[2] += rows;
            nulls[3] += invalid;
        }

        /** Counts one row of the key; true when the key is new to this table. */
        boolean add(UTF8String key, int y) {
            count(slot(key), y);
            return settle();
        }

        /** Counts {@code n0, n1, rows, invalid} rows of the key at once; true when the key is new to this table. */
        boolean add(UTF8String key, long n0, long n1, long rows, long invalid) {
            int j = slot(key);
            slots[j + 3] += n0;
            slots[j + 4] += n1;
            slots[j + 5] += rows;
            slots[j + 6] += invalid;
            return settle();
        }

        /** The key's slot (the index of its head), a new one when the key is new ({@link #inserted}). */
        private int slot(UTF8String key) {
            int len = key.numBytes();
            int h = Utf8Keys.hash(key);
            long head = Utf8Keys.head(h, len);
            boolean inline = len <= Utf8Keys.INLINE_BYTES;
            long w0 = inline ? Utf8Keys.word(key, 0) : 0;
            long w1 = inline ? Utf8Keys.word(key, 8) : 0;
            for (int i = h & mask;; i = (i + 1) & mask) {
                int j = i * STRIDE;
                if (slots[j] == 0) {
                    slots[j] = head;
                    if (inline) {
                        slots[j + 1] = w0;
                        slots[j + 2] = w1;
                    } else {
                        slots[j + 1] = appendLongKey(key);
                    }
                    inserted = true;
                    return j;
                }
                if (Utf8Keys.matches(slots, j, j + 1, head, key, w0, w1, longKeys)) {
                    return j;
                }
            }
        }

        /**
         * Once the slot {@link #slot} returned holds its counts: true when it was a new key, and then
         * the table doubles if it is more than 3/4 full (which moves the slots).
         */
        private boolean settle() {
            if (!inserted) {
                return false;
            }
            inserted = false;
            if (++size > (mask + 1) / 4 * 3) {
                grow();
            }
            return true;
        }

        int size() {
            return size;
        }

        /** The bytes of the slots and of the long keys' array. */
        long bytes() {
            return 8L * slots.length + longKeys.length;
        }

        private void count(int j, int y) {
            if (y == 0) {
                slots[j + 3]++;
            } else if (y == 1) {
                slots[j + 4]++;
            } else if (y == RiskTableAggregation.INVALID) {
                slots[j + 6]++;
            }
            slots[j + 5]++;
        }

        private long appendLongKey(UTF8String key) {
            int len = key.numBytes();
            if (longKeysUsed + len > longKeys.length) {
                longKeys = java.util.Arrays.copyOf(longKeys, Math.max(longKeysUsed + len, Math.max(1024, longKeys.length * 2)));
            }
            int at = longKeysUsed;
            key.writeToMemory(longKeys, org.apache.spark.unsafe.Platform.BYTE_ARRAY_OFFSET + at);
            longKeysUsed += len;
            return at;
        }

        private void grow() {
            long[] old = slots;
            int capacity = (mask + 1) * 2;
            slots = new long[Math.multiplyExact(capacity, STRIDE)];
            mask = capacity - 1;
            for (int j = 0; j < old.length; j += STRIDE) {
                if (old[j] != 0) {
                    int i = (int) (old[j] >>> 32) & mask;
                    while (slots[i * STRIDE] != 0) {
                        i = (i + 1) & mask;
                    }
                    System.arraycopy(old, j, slots, i * STRIDE, STRIDE);
                }
            }
        }

        /** What {@link #forEach} passes each key to. */
        interface KeyVisitor {
            /** A key's bytes (null for the null key) and counts. */
            void accept(byte[] key, long n0, long n1, long rows, long invalid);
        }

        /** Visits every key with its counts, then the null key when there was one. */
        void forEach(KeyVisitor visitor) {
            for (int j = 0; j < slots.length; j += STRIDE) {
                if (slots[j] != 0) {
                    visitor.accept(Utf8Keys.bytes(slots, j + 1, (int) slots[j] - 1, longKeys), slots[j + 3], slots[j + 4], slots[j + 5],
                            slots[j + 6]);
                }
            }
            if (anyNull) {
                visitor.accept(null, nulls[0], nulls[1], nulls[2], nulls[3]);
            }
        }

        /** The partial rows of this table: one per key (the null key last, when there was one). */
        Iterator<Row> rows(int field) {
            return new Iterator<>() {
                private int j = next(0);
                private boolean nullDone = !anyNull;

                private int next(int from) {
                    for (int at = from; at < slots.length; at += STRIDE) {
                        if (slots[at] != 0) {
                            return at;
                        }
                    }
                    return slots.length;
                }

                @Override
                public boolean hasNext() {
                    return j < slots.length || !nullDone;
                }

                @Override
                public Row next() {
                    if (j >= slots.length) {
                        if (nullDone) {
                            throw new NoSuchElementException();
                        }
                        nullDone = true;
                        return RowFactory.create(field, null, null, nulls[0], nulls[1], nulls[2], nulls[3]);
                    }
                    int len = (int) slots[j] - 1;
                    String key = Utf8Keys.text(slots, j + 1, len, longKeys);
                    Row r = RowFactory.create(field, key, null, slots[j + 3], slots[j + 4], slots[j + 5], slots[j + 6]);
                    j = next(j + STRIDE);
                    return r;
                }
            };
        }
    }
}
