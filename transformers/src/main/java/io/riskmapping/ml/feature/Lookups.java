package io.riskmapping.ml.feature;

import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;

import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;

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
        private final Map<Map<Object, Double>, Broadcast<HashMap<Object, Double>>> made = new IdentityHashMap<>();
        private SparkContext context;

        synchronized Broadcast<HashMap<Object, Double>> of(Map<Object, Double> table, JavaSparkContext jsc) {
            if (context != jsc.sc() || jsc.sc().isStopped()) {
                made.clear();
                context = jsc.sc();
            }
            return made.computeIfAbsent(table, t -> jsc.broadcast(new HashMap<>(t)));
        }
    }

    /** Probes a broadcast table; null when the key is null or absent. Holds only the broadcast handle. */
    static final class Lookup implements UDF1<Object, Double> {
        private static final long serialVersionUID = 1L;
        private final Broadcast<HashMap<Object, Double>> bins;

        Lookup(Broadcast<HashMap<Object, Double>> bins) {
            this.bins = bins;
        }

        @Override
        public Double call(Object key) {
            return key == null ? null : bins.value().get(key);
        }
    }
}
