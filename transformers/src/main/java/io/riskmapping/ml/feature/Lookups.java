package io.riskmapping.ml.feature;

import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import java.util.HashMap;
import java.util.Map;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;

/**
 * Table lookups as Column expressions, shared by the model stages: up to
 * {@link #NATIVE_LOOKUP_MAX_BINS} entries a native {@code CASE WHEN}; more, a hash map broadcast
 * once and probed by a one-argument function. The result is null when the key is null or absent.
 */
final class Lookups {

    /** Tables up to this many entries are applied as a native CASE WHEN. */
    static final int NATIVE_LOOKUP_MAX_BINS = 64;

    private Lookups() {
    }

    static Column lookup(Column key, Map<Object, Double> table, JavaSparkContext jsc) {
        if (table.size() <= NATIVE_LOOKUP_MAX_BINS) {
            Column found = null;
            for (Map.Entry<Object, Double> e : table.entrySet()) {
                Column cond = key.equalTo(lit(e.getKey()));
                found = found == null ? when(cond, lit(e.getValue())) : found.when(cond, lit(e.getValue()));
            }
            return found == null ? lit(null).cast(DataTypes.DoubleType) : found;
        }
        Broadcast<HashMap<Object, Double>> bins = jsc.broadcast(new HashMap<>(table));
        return udf(new Lookup(bins), DataTypes.DoubleType).apply(key);
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
