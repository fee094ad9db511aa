package io.riskmapping.ml.feature;

import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
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
     * lookup decodes no String and touches three arrays (measured on the medium train split: the
     * lookups' cost fell by about 30% against a {@code HashMap<String, Double>}, docs/performance.md).
     * Other keys (numeric mode: Double) stay in a {@code HashMap}. Either serializes as one block of
     * (key, value) records, not an object graph: Java serialization of a 500k-entry {@code HashMap}
     * spends most of its time in the stream's handle table.
     */
    static final class Table implements Serializable {
        private static final long serialVersionUID = 2L;
        private transient HashMap<Object, Double> map;
        /** Text table: per slot (hash << 32 | index + 1), 0 when empty; keys and values by index. */
        private transient long[] slots;
        private transient byte[][] keys;
        private transient double[] values;

        Table(Map<Object, Double> bins) {
            boolean text = true;
            for (Object key : bins.keySet()) {
                text &= key instanceof String;
            }
            if (text) {
                byte[][] k = new byte[bins.size()][];
                double[] v = new double[bins.size()];
                int n = 0;
                for (Map.Entry<Object, Double> e : bins.entrySet()) {
                    k[n] = ((String) e.getKey()).getBytes(StandardCharsets.UTF_8);
                    v[n++] = e.getValue();
                }
                index(k, v);
            } else {
                map = new HashMap<>(Math.max(16, (int) (bins.size() / 0.75f) + 1));
                map.putAll(bins);
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
            int h = hash(utf8);
            for (int i = h & mask;; i = (i + 1) & mask) {
                long slot = slots[i];
                if (slot == 0) {
                    return null;
                }
                if ((int) (slot >>> 32) == h) {
                    int at = (int) slot - 1;
                    if (Arrays.equals(keys[at], utf8)) {
                        return values[at];
                    }
                }
            }
        }

        private static int hash(byte[] b) {
            int h = Arrays.hashCode(b) * 0x9E3779B9;
            return h ^ (h >>> 15);
        }

        /** Builds the open-addressing text table (load factor at most 1/2, linear probing). */
        private void index(byte[][] k, double[] v) {
            int capacity = Integer.highestOneBit(Math.max(2, k.length) * 2 - 1) << 1;
            long[] s = new long[capacity];
            int mask = capacity - 1;
            for (int n = 0; n < k.length; n++) {
                int h = hash(k[n]);
                int i = h & mask;
                while (s[i] != 0) {
                    i = (i + 1) & mask;
                }
                s[i] = ((long) h << 32) | (n + 1L);
            }
            slots = s;
            keys = k;
            values = v;
        }

        private void writeObject(ObjectOutputStream out) throws IOException {
            out.defaultWriteObject();
            out.writeBoolean(isText());
            if (isText()) {
                out.writeInt(keys.length);
                for (int n = 0; n < keys.length; n++) {
                    out.writeInt(keys[n].length);
                    out.write(keys[n]);
                    out.writeDouble(values[n]);
                }
                return;
            }
            out.writeInt(map.size());
            for (Map.Entry<Object, Double> e : map.entrySet()) {
                if (e.getKey() instanceof Double number) {
                    out.writeBoolean(true);
                    out.writeDouble(number);
                } else {
                    out.writeBoolean(false);
                    out.writeObject(e.getKey());
                }
                out.writeDouble(e.getValue());
            }
        }

        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
            boolean text = in.readBoolean();
            int n = in.readInt();
            if (text) {
                byte[][] k = new byte[n][];
                double[] v = new double[n];
                for (int i = 0; i < n; i++) {
                    k[i] = new byte[in.readInt()];
                    in.readFully(k[i]);
                    v[i] = in.readDouble();
                }
                index(k, v);
                return;
            }
            map = new HashMap<>(Math.max(16, (int) (n / 0.75f) + 1));
            for (int i = 0; i < n; i++) {
                Object key = in.readBoolean() ? (Object) in.readDouble() : in.readObject();
                map.put(key, in.readDouble());
            }
        }
    }
}
