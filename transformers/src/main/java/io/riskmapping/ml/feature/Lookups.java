package io.riskmapping.ml.feature;

import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
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
 * {@link #NATIVE_LOOKUP_MAX_BINS} entries a native {@code CASE WHEN}; more, a hash map broadcast
 * once per model and Spark context (see {@link Broadcasts}) and probed by a one-argument function.
 * The result is null when the key is null or absent.
 *
 * <p>Measured alternatives ({@code io.riskmapping.bench.LookupBench}, docs/performance.md): one
 * broadcast hash join per field costs about twice the CPU of the broadcast map; a map literal with
 * {@code element_at} scans its keys linearly; a primitive open-addressing map (fastutil) is no
 * faster than {@link HashMap} here, since a large table's cost is the cache misses.
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
        return udf(new Lookup(broadcasts.of(table, jsc)), DataTypes.DoubleType).apply(key);
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

    /**
     * A broadcast table: a hash map that serializes as one block of (key, value) records instead of
     * an object graph (Java serialization of a 500k-entry {@code HashMap} spends most of its time
     * in the stream's handle table). Keys are String or Double, as {@link RiskTable} holds them (any
     * other key is written as an object).
     */
    static final class Table implements Serializable {
        private static final long serialVersionUID = 1L;
        private transient HashMap<Object, Double> map;

        Table(Map<Object, Double> bins) {
            map = new HashMap<>(Math.max(16, (int) (bins.size() / 0.75f) + 1));
            map.putAll(bins);
        }

        Double get(Object key) {
            return map.get(key);
        }

        private void writeObject(ObjectOutputStream out) throws IOException {
            out.defaultWriteObject();
            out.writeInt(map.size());
            for (Map.Entry<Object, Double> e : map.entrySet()) {
                if (e.getKey() instanceof String text) {
                    byte[] b = text.getBytes(StandardCharsets.UTF_8);
                    out.writeInt(b.length);
                    out.write(b);
                } else if (e.getKey() instanceof Double number) {
                    out.writeInt(-1);
                    out.writeDouble(number);
                } else {
                    out.writeInt(-2);
                    out.writeObject(e.getKey());
                }
                out.writeDouble(e.getValue());
            }
        }

        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
            int n = in.readInt();
            map = new HashMap<>(Math.max(16, (int) (n / 0.75f) + 1));
            for (int i = 0; i < n; i++) {
                int length = in.readInt();
                Object key;
                if (length == -1) {
                    key = in.readDouble();
                } else if (length == -2) {
                    key = in.readObject();
                } else {
                    byte[] b = new byte[length];
                    in.readFully(b);
                    key = new String(b, StandardCharsets.UTF_8);
                }
                map.put(key, in.readDouble());
            }
        }
    }
}
