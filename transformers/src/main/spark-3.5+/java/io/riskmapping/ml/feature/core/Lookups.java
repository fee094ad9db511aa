package io.riskmapping.ml.feature.core;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import java.io.ByteArrayOutputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.unsafe.types.UTF8String;

import io.riskmapping.artifacts.RiskTable;
import io.riskmapping.ml.feature.compat.SparkShims;

/**
 * Table lookups as Column expressions, shared by the model stages: up to
 * {@link #NATIVE_LOOKUP_MAX_BINS} entries a native {@code CASE WHEN}; more, a hash table broadcast
 * once per model and Spark context (see {@link Broadcasts}). A text table ({@link Table}) is probed
 * by the value's UTF-8 bytes inside Spark's generated code: the expression is Catalyst's
 * {@code Invoke} of {@link Probe#valueOr} on the column's {@code UTF8String}, so no bytes are
 * copied, no Java {@code String} is decoded and no result is boxed. A numeric-mode table (Double
 * keys) is probed by a one-argument function. The result is null when the key is null, and null
 * (or the given value) when the key is absent.
 *
 * <p>Measured alternatives ({@code io.riskmapping.bench.LookupBench} and docs/performance.md, "Measured design choices"): one
 * broadcast hash join per field costs more CPU than the broadcast map; a map literal with {@code element_at} scans its keys linearly; a primitive open-addressing map
 * (fastutil) keyed by String is no faster than {@link HashMap}. What helps is not decoding a String
 * per value and touching fewer cache lines per probe: a large table's cost is its cache misses.
 */
public final class Lookups {

    /** Tables up to this many entries are applied as a native CASE WHEN. */
    public static final int NATIVE_LOOKUP_MAX_BINS = 64;

    private Lookups() {
    }

    /** The table's value for the key; null when the key is null or absent. */
    public static Column lookup(Column key, Map<Object, Double> table, Broadcasts broadcasts, JavaSparkContext jsc) {
        return lookup(key, table, null, broadcasts, jsc);
    }

    /**
     * The table's value for the key: null when the key is null; when the key is absent, null if
     * {@code absent} is null, else {@code absent}.
     */
    public static Column lookup(Column key, Map<Object, Double> table, Double absent, Broadcasts broadcasts, JavaSparkContext jsc) {
        if (table.size() <= NATIVE_LOOKUP_MAX_BINS) {
            Column found = null;
            for (Map.Entry<Object, Double> e : table.entrySet()) {
                Column cond = key.equalTo(lit(e.getKey()));
                found = found == null ? when(cond, lit(e.getValue())) : found.when(cond, lit(e.getValue()));
            }
            if (found == null) {
                return absent == null ? lit(null).cast(DataTypes.DoubleType) : when(key.isNotNull(), lit(absent));
            }
            return absent == null ? found : when(key.isNotNull(), found.otherwise(lit(absent)));
        }
        Broadcast<Table> bins = broadcasts.of(table, jsc);
        if (bins.value().isText()) {
            return new Probe(bins).column(key.cast(DataTypes.StringType), absent);
        }
        Column found = udf(new Lookup(bins), DataTypes.DoubleType).apply(key);
        return absent == null ? found : when(key.isNotNull(), coalesce(found, lit(absent)));
    }

    /**
     * The broadcast copies of one model's large tables, made on first use and reused by every later
     * transform with the same Spark context (a job transforms three splits with one model: one
     * broadcast per table, not three). Keyed by the table's identity; a model's tables never change.
     */
    public static final class Broadcasts {
        private final Map<Map<Object, Double>, Broadcast<Table>> made = new IdentityHashMap<>();
        private SparkContext context;

        public synchronized Broadcast<Table> of(Map<Object, Double> table, JavaSparkContext jsc) {
            if (context != jsc.sc() || jsc.sc().isStopped()) {
                made.clear();
                context = jsc.sc();
            }
            return made.computeIfAbsent(table, t -> jsc.broadcast(new Table(t)));
        }
    }

    /** Probes a broadcast numeric table; null when the key is null or absent. Holds only the broadcast handle. */
    static final class Lookup implements UDF1<Object, Double> {
        private static final long serialVersionUID = 1L;
        private final Broadcast<Table> bins;

        Lookup(Broadcast<Table> bins) {
            this.bins = bins;
        }

        @Override
        public Double call(Object key) {
            return key == null ? null : bins.value().get(key);
        }
    }

    /**
     * The object that Spark's generated code calls to probe a broadcast text table: it travels with
     * the query plan as a literal and holds only the broadcast handle. Public (with public methods)
     * because generated classes call it; not an API.
     */
    public static final class Probe implements Serializable {
        private static final long serialVersionUID = 1L;
        private final Broadcast<Table> bins;

        Probe(Broadcast<Table> bins) {
            this.bins = bins;
        }

        /** The value of a key, or {@code absent} when the table does not hold it. */
        public double valueOr(UTF8String key, double absent) {
            return bins.value().getText(key, absent);
        }

        /** The value of a key; null when the table does not hold it. */
        public Double value(UTF8String key) {
            return bins.value().getText(key);
        }

        /**
         * Catalyst's {@code Invoke} of {@link #valueOr} (or {@link #value} when {@code absent} is
         * null) on a string key: null keys give null without a call (propagateNull).
         */
        Column column(Column key, Double absent) {
            List<Column> args = absent == null ? List.of(key) : List.of(key, lit(absent));
            return SparkShims.get().invoke(this, absent == null ? "value" : "valueOr", DataTypes.DoubleType, absent == null, args);
        }

        @Override
        public String toString() {
            return "RiskTableLookup(" + bins.value().size() + " keys, broadcast " + bins.id() + ")";
        }
    }

    /**
     * A broadcast table. Text keys (every key a String, as a categorical {@link RiskTable} holds
     * them) are kept as UTF-8 bytes in an open-addressing table probed with a value's bytes, so a
     * lookup decodes no String. Other keys (numeric mode: Double) stay in a {@code HashMap}.
     *
     * <p>A text table is one {@code long[]} of slots, four longs each: the key's head (hash and
     * length), the value's bits, and the key as {@link Utf8Keys} holds it (inline up to 16 bytes). A
     * probe of a short key therefore reads one slot (one or two cache lines) and nothing else, where
     * separate arrays of slots, offsets, key bytes and values cost four cache misses per probe of a
     * large table. At most half the slots are used
     * (linear probing). Plain arrays, so that Java serialization and
     * Kryo both carry the table as it is (Spark broadcasts with {@code spark.serializer}).
     */
    public static final class Table implements Serializable {
        private static final long serialVersionUID = 4L;
        /** Longs per slot: head (see {@link Utf8Keys}), value bits, key word 0, key word 1. */
        private static final int STRIDE = 4;
        private final HashMap<Object, Double> map;
        private final long[] slots;
        /** The bytes of keys longer than {@link Utf8Keys#INLINE_BYTES}, one after another. */
        private final byte[] longKeys;
        private final int mask;
        private final int size;
        /** {@link #textAt}'s texts by slot, made where the table is probed. */
        private transient String[] texts;
        /** {@link #asciiAt}'s texts by slot, made where the table is probed. */
        private transient byte[][] asciiTexts;

        Table(Map<Object, Double> bins) {
            boolean text = true;
            for (Object key : bins.keySet()) {
                text &= key instanceof String;
            }
            size = bins.size();
            if (!text) {
                map = new HashMap<>(Math.max(16, (int) (bins.size() / 0.75f) + 1));
                map.putAll(bins);
                slots = null;
                longKeys = null;
                mask = 0;
                return;
            }
            map = null;
            int capacity = Integer.highestOneBit(Math.max(2, size) * 2 - 1) << 1;
            mask = capacity - 1;
            slots = new long[Math.multiplyExact(capacity, STRIDE)];
            ByteArrayOutputStream longer = new ByteArrayOutputStream();
            for (Map.Entry<Object, Double> e : bins.entrySet()) {
                byte[] k = ((String) e.getKey()).getBytes(StandardCharsets.UTF_8);
                UTF8String key = UTF8String.fromBytes(k);
                int h = Utf8Keys.hash(key);
                int at = h & mask;
                while (slots[at * STRIDE] != 0) {
                    at = (at + 1) & mask;
                }
                int j = at * STRIDE;
                slots[j] = Utf8Keys.head(h, k.length);
                slots[j + 1] = Double.doubleToRawLongBits(e.getValue());
                if (k.length <= Utf8Keys.INLINE_BYTES) {
                    slots[j + 2] = Utf8Keys.word(key, 0);
                    slots[j + 3] = Utf8Keys.word(key, 8);
                } else {
                    slots[j + 2] = longer.size();
                    longer.write(k, 0, k.length);
                }
            }
            longKeys = longer.toByteArray();
        }

        boolean isText() {
            return slots != null;
        }

        int size() {
            return size;
        }

        /** The value of a key (text or numeric); null when absent. */
        Double get(Object key) {
            if (isText()) {
                return key instanceof String text ? getText(text.getBytes(StandardCharsets.UTF_8)) : null;
            }
            return map.get(key);
        }

        /** The value of a text key given as UTF-8 bytes; null when absent (or when the keys are not text). */
        Double getText(byte[] utf8) {
            return getText(UTF8String.fromBytes(utf8));
        }

        /** The value of a text key; null when absent (or when the keys are not text). */
        Double getText(UTF8String key) {
            int j = find(key);
            return j < 0 ? null : Double.longBitsToDouble(slots[j + 1]);
        }

        /** The value of a text key, or {@code absent} when the table does not hold it (or its keys are not text). */
        public double getText(UTF8String key, double absent) {
            int j = find(key);
            return j < 0 ? absent : Double.longBitsToDouble(slots[j + 1]);
        }

        /** The number of slots of a text table (0 otherwise): slots are 0 .. capacity - 1. */
        int capacity() {
            return slots == null ? 0 : slots.length / STRIDE;
        }

        /** The slot of a text key, or -1 when the table does not hold it (or its keys are not text). */
        public int slotOf(UTF8String key) {
            int j = find(key);
            return j < 0 ? -1 : j / STRIDE;
        }

        /** The value in a slot {@link #slotOf} returned. */
        double valueAt(int slot) {
            return Double.longBitsToDouble(slots[slot * STRIDE + 1]);
        }

        /**
         * The value in a slot as Spark writes a double in CSV ({@link Double#toString}), made once per
         * slot where the table is probed (an executor's tasks share its broadcast table) and kept
         * there, not serialized. Concurrent tasks may make the same text twice (Strings are
         * immutable: a racing write stores an equal text).
         */
        public String textAt(int slot) {
            String[] t = texts;
            if (t == null) {
                t = new String[capacity()];
                texts = t;
            }
            String text = t[slot];
            if (text == null) {
                text = Double.toString(valueAt(slot));
                t[slot] = text;
            }
            return text;
        }

        /** {@link #textAt}'s text as its bytes (ASCII), made once per slot where the table is probed. */
        public byte[] asciiAt(int slot) {
            byte[][] t = asciiTexts;
            if (t == null) {
                t = new byte[capacity()][];
                asciiTexts = t;
            }
            byte[] text = t[slot];
            if (text == null) {
                text = Double.toString(valueAt(slot)).getBytes(StandardCharsets.US_ASCII);
                t[slot] = text;
            }
            return text;
        }

        /** The first long of the key's slot; -1 when the table does not hold the key (or its keys are not text). */
        private int find(UTF8String key) {
            if (!isText()) {
                return -1;
            }
            int h = Utf8Keys.hash(key);
            long head = Utf8Keys.head(h, key.numBytes());
            boolean inline = key.numBytes() <= Utf8Keys.INLINE_BYTES;
            long w0 = inline ? Utf8Keys.word(key, 0) : 0;
            long w1 = inline ? Utf8Keys.word(key, 8) : 0;
            for (int i = h & mask;; i = (i + 1) & mask) {
                int j = i * STRIDE;
                if (slots[j] == 0) {
                    return -1;
                }
                if (Utf8Keys.matches(slots, j, j + 2, head, key, w0, w1, longKeys)) {
                    return j;
                }
            }
        }
    }
}
