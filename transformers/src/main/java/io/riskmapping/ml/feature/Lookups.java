package io.riskmapping.ml.feature;

import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;

import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;

import io.riskmapping.artifacts.RiskTable;

/**
 * Table lookups as Column expressions, shared by the model stages: up to
 * {@link #NATIVE_LOOKUP_MAX_BINS} entries a native {@code CASE WHEN}; more, a hash table broadcast
 * once per model and Spark context (see {@link Broadcasts}) and probed by a one-argument function,
 * text keys by their UTF-8 bytes ({@link Table}). The result is null when the key is null or absent.
 *
 * <p>Measured alternatives ({@code io.riskmapping.bench.LookupBench}, docs/performance.md): one
 * broadcast hash join per field costs about twice the CPU of the broadcast map; a map literal with
 * {@code element_at} scans its keys linearly; a primitive open-addressing map (fastutil) keyed by
 * String is no faster than {@link HashMap}, since a large table's cost is the cache misses; what
 * helps is not decoding a String per value (the byte-keyed {@link Table}).
 */
final class Lookups {

    /** Tables up to this many entries are applied as a native CASE WHEN. */
    static final int NATIVE_LOOKUP_MAX_BINS = 64;

    private Lookups() {
    }

    static Column lookup(Column key, Map<Object, Double> table, Broadcasts broadcasts, JavaSparkContext jsc) {
        if (table.size() <= NATIVE_LOOKUP_MAX_BINS) {
            Column found = null;
            for (Map.Entry<Object, Double> e : table.entrySet()) {
                Column cond = key.equalTo(lit(e.getKey()));
                found = found == null ? when(cond, lit(e.getValue())) : found.when(cond, lit(e.getValue()));
            }
            return found == null ? lit(null).cast(DataTypes.DoubleType) : found;
        }
        Broadcast<Table> bins = broadcasts.of(table, jsc);
        if (bins.value().isText()) {
            // Text keys are probed by their UTF-8 bytes: no Java String is decoded per value.
            return udf(new TextLookup(bins), DataTypes.DoubleType).apply(key.cast(DataTypes.BinaryType));
        }
        return udf(new Lookup(bins), DataTypes.DoubleType).apply(key);
    }

    /**
     * The broadcast copies of one model's large tables, made on first use and reused by every later
     * transform with the same Spark context (a job transforms three splits with one model: one
     * broadcast per table, not three). Keyed by the table's identity; a model's tables never change.
     */
    static final class Broadcasts {
        private final Map<Map<Object, Double>, Broadcast<Table>> made = new IdentityHashMap<>();
        private SparkContext context;

        synchronized Broadcast<Table> of(Map<Object, Double> table, JavaSparkContext jsc) {
            if (context != jsc.sc() || jsc.sc().isStopped()) {
                made.clear();
                context = jsc.sc();
            }
            return made.computeIfAbsent(table, t -> jsc.broadcast(new Table(t)));
        }
    }

    /** Probes a broadcast table; null when the key is null or absent. Holds only the broadcast handle. */
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

    /** Probes a broadcast text table with a value's UTF-8 bytes; null when the value is null or absent. */
    static final class TextLookup implements UDF1<byte[], Double> {
        private static final long serialVersionUID = 1L;
        private final Broadcast<Table> bins;

        TextLookup(Broadcast<Table> bins) {
            this.bins = bins;
        }

        @Override
        public Double call(byte[] utf8) {
            return utf8 == null ? null : bins.value().getText(utf8);
        }
    }

    /**
     * A broadcast table. Text keys (every key a String, as a categorical {@link RiskTable} holds
     * them) are kept as UTF-8 bytes in an open-addressing table probed with a value's bytes, so a
     * lookup decodes no String (measured on the medium train split: the lookups' cost fell by about
     * 30% against a {@code HashMap<String, Double>}, docs/performance.md). Other keys (numeric mode:
     * Double) stay in a {@code HashMap}.
     *
     * <p>A text table is four flat arrays (all keys' bytes in one array, their offsets, the values
     * and the slots), so it serializes quickly with Java serialization and with Kryo alike (Spark
     * broadcasts with {@code spark.serializer}): no per-key object, no serialization hook that one
     * serializer would skip.
     */
    static final class Table implements Serializable {
        private static final long serialVersionUID = 3L;
        private final HashMap<Object, Double> map;
        /** Text table: key i is {@code keyBytes[offsets[i] .. offsets[i + 1])}, its value {@code values[i]}. */
        private final byte[] keyBytes;
        private final int[] offsets;
        private final double[] values;
        /** Per slot (hash << 32 | index + 1), 0 when empty; load factor at most 1/2, linear probing. */
        private final long[] slots;

        Table(Map<Object, Double> bins) {
            boolean text = true;
            for (Object key : bins.keySet()) {
                text &= key instanceof String;
            }
            if (!text) {
                map = new HashMap<>(Math.max(16, (int) (bins.size() / 0.75f) + 1));
                map.putAll(bins);
                keyBytes = null;
                offsets = null;
                values = null;
                slots = null;
                return;
            }
            map = null;
            int n = bins.size();
            byte[][] k = new byte[n][];
            offsets = new int[n + 1];
            values = new double[n];
            int i = 0;
            for (Map.Entry<Object, Double> e : bins.entrySet()) {
                k[i] = ((String) e.getKey()).getBytes(StandardCharsets.UTF_8);
                offsets[i + 1] = Math.addExact(offsets[i], k[i].length);
                values[i++] = e.getValue();
            }
            keyBytes = new byte[offsets[n]];
            for (i = 0; i < n; i++) {
                System.arraycopy(k[i], 0, keyBytes, offsets[i], k[i].length);
            }
            int capacity = Integer.highestOneBit(Math.max(2, n) * 2 - 1) << 1;
            slots = new long[capacity];
            int mask = capacity - 1;
            for (i = 0; i < n; i++) {
                int h = hash(k[i], 0, k[i].length);
                int at = h & mask;
                while (slots[at] != 0) {
                    at = (at + 1) & mask;
                }
                slots[at] = ((long) h << 32) | (i + 1L);
            }
        }

        boolean isText() {
            return slots != null;
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
            if (!isText()) {
                return null;
            }
            int mask = slots.length - 1;
            int h = hash(utf8, 0, utf8.length);
            for (int i = h & mask;; i = (i + 1) & mask) {
                long slot = slots[i];
                if (slot == 0) {
                    return null;
                }
                if ((int) (slot >>> 32) == h) {
                    int at = (int) slot - 1;
                    if (Arrays.equals(keyBytes, offsets[at], offsets[at + 1], utf8, 0, utf8.length)) {
                        return values[at];
                    }
                }
            }
        }

        private static int hash(byte[] b, int from, int to) {
            int h = 1;
            for (int i = from; i < to; i++) {
                h = 31 * h + b[i];
            }
            h *= 0x9E3779B9;
            return h ^ (h >>> 15);
        }
    }
}
