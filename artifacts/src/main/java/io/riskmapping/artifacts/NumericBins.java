package io.riskmapping.artifacts;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code numeric_bins} artifact: per binned field, its inner bin edges, and the method that
 * found them. File: {@link NumericBinsCodec}; binning rules: {@code docs/binning.md}.
 *
 * <p>A field with inner edges {@code e[0] < e[1] < ... < e[k-2]} has value bins {@code 0 .. k-1},
 * closed on the left: bin {@code j} holds {@code e[j-1] <= x < e[j]} (a value on an edge goes to
 * the upper bin, as in Spark's {@code Bucketizer}), with {@code e[-1] = -Infinity} and
 * {@code e[k-1] = +Infinity}; the missing bin is {@code k} (the number of inner edges plus one).
 * A value is missing when it is null, NaN or infinite, or text that is not a decimal number by
 * {@link NumericKeys#NUMBER_REGEX} (the job's {@code NumericBinnerModel} rule).
 */
public final class NumericBins implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The version written into {@code numeric_bins.json}; readers refuse newer versions. */
    public static final int FORMAT_VERSION = 1;

    /** Which side of a bin is closed: the left one ({@code e[j-1] <= x < e[j]}). */
    public static final String CLOSED = "left";

    private final String method;
    private final Map<String, double[]> edges;

    /**
     * @param method the binning method ({@code quantile}, {@code uniform}, {@code kmeans}, {@code tree})
     * @param innerEdges field &rarr; inner edges, strictly increasing and finite (copied)
     * @throws IllegalArgumentException naming the field when its edges are not finite or not strictly increasing
     * @throws NullPointerException     if an argument is null
     */
    public NumericBins(String method, Map<String, double[]> innerEdges) {
        this.method = Objects.requireNonNull(method, "method");
        LinkedHashMap<String, double[]> m = new LinkedHashMap<>();
        innerEdges.forEach((f, e) -> {
            double[] c = e.clone();
            for (int i = 0; i < c.length; i++) {
                if (!Double.isFinite(c[i]) || i > 0 && !(c[i - 1] < c[i])) {
                    throw new IllegalArgumentException("field '" + f + "': bin edges must be finite and strictly increasing, got "
                            + Arrays.toString(c));
                }
            }
            m.put(Objects.requireNonNull(f, "field"), c);
        });
        this.edges = Collections.unmodifiableMap(m);
    }

    /** The binning method. */
    public String method() {
        return method;
    }

    /** Field &rarr; inner edges, in order (unmodifiable map; the arrays are copies). */
    public Map<String, double[]> innerEdges() {
        LinkedHashMap<String, double[]> out = new LinkedHashMap<>();
        edges.forEach((f, e) -> out.put(f, e.clone()));
        return out;
    }

    /** The fields, in order. */
    public java.util.Set<String> fields() {
        return edges.keySet();
    }

    /** The number of fields. */
    public int size() {
        return edges.size();
    }

    /**
     * The missing bin of {@code field}: its number of inner edges plus one.
     *
     * @throws IllegalArgumentException naming the field when it has no bins
     */
    public int missingBin(String field) {
        return edgesOf(field).length + 1;
    }

    /**
     * The bin index of {@code value} in {@code field}'s bins, as the double the job writes: the
     * number of inner edges {@code <= x} for a number {@code x}, else the missing bin.
     *
     * @throws IllegalArgumentException naming the field when it has no bins
     */
    public double bin(String field, Object value) {
        return bin(edgesOf(field), value);
    }

    /** {@link #bin(String, Object)} over the given inner edges. */
    static double bin(double[] e, Object value) {
        Double x = NumericKeys.of(value);
        if (x == null) {
            return e.length + 1;
        }
        int lo = 0;
        int hi = e.length;
        while (lo < hi) {   // first edge > x
            int mid = (lo + hi) >>> 1;
            if (e[mid] <= x) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    double[] edgesOf(String field) {
        double[] e = edges.get(field);
        if (e == null) {
            throw new IllegalArgumentException("no bins for field '" + field + "'; binned fields: " + edges.keySet());
        }
        return e;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof NumericBins b) || !method.equals(b.method) || !edges.keySet().equals(b.edges.keySet())) {
            return false;
        }
        for (Map.Entry<String, double[]> e : edges.entrySet()) {
            if (!Arrays.equals(e.getValue(), b.edges.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = method.hashCode();
        for (Map.Entry<String, double[]> e : edges.entrySet()) {
            h = 31 * h + e.getKey().hashCode() ^ Arrays.hashCode(e.getValue());
        }
        return h;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("NumericBins(").append(method);
        edges.forEach((f, e) -> sb.append(", ").append(f).append('=').append(Arrays.toString(e)));
        return sb.append(')').toString();
    }
}
