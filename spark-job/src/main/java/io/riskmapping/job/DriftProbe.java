package io.riskmapping.job;

import static org.apache.spark.sql.functions.count_if;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;

import io.riskmapping.artifacts.RiskTable;
import io.riskmapping.job.report.Drift;
import io.riskmapping.ml.feature.RiskTableMapperModel;

/**
 * Counts, during a split's write pass (a Spark observation: no extra scan), what the fit report
 * needs to compare the split with train: per mapped field the rows with a null, with an unseen
 * category, and with each of the {@link #TOP} most frequent train categories.
 */
final class DriftProbe {

    /** Categories compared one by one; the rest of train's categories form one {@code __other__} bin. */
    static final int TOP = 30;
    /** Above this many known categories, unseen values are not counted (no PSI). */
    static final int MAX_KNOWN = 1000;

    private final FieldEncoding encoding;
    private final List<String> columns = new ArrayList<>();
    private final Map<String, List<Object>> top = new LinkedHashMap<>();
    private final List<Column> metrics = new ArrayList<>();
    private final Observation observation;

    DriftProbe(FieldEncoding encoding, Dataset<Row> data, String split) {
        this.encoding = encoding;
        this.observation = new Observation("drift-" + split + "-" + System.nanoTime());
        int i = 0;
        for (String c : encoding.columns()) {
            DataType type = data.schema().apply(c).dataType();
            RiskTable.Mode mode = encoding.mode(c);
            Column col = data.col("`" + c.replace("`", "``") + "`");
            Column key = RiskTableMapperModel.key(col, type, mode);
            Column missing = type instanceof NumericType ? key.isNull() : col.isNull();
            Map<Object, Double> known = encoding.values(c);
            Column unseen = known.size() <= MAX_KNOWN ? key.isNotNull().and(not(key.isin(known.keySet().toArray()))) : lit(false);
            if (mode == RiskTable.Mode.NUMERIC && type instanceof StringType) {
                unseen = unseen.or(key.isNull().and(col.isNotNull()));
            }
            List<Object> cats = topCategories(c);
            columns.add(c);
            top.put(c, cats);
            metrics.add(count_if(missing).as("n" + i));
            metrics.add(count_if(unseen).as("u" + i));
            for (int j = 0; j < cats.size(); j++) {
                metrics.add(count_if(key.equalTo(lit(cats.get(j)))).as("c" + i + "_" + j));
            }
            i++;
        }
    }

    private List<Object> topCategories(String column) {
        Map<Object, Long> counts = encoding.trainCounts(column);
        List<Object> keys = new ArrayList<>(counts != null ? counts.keySet() : encoding.values(column).keySet());
        if (counts != null) {
            keys.sort((a, b) -> Long.compare(counts.get(b), counts.get(a)));
        }
        return keys.subList(0, Math.min(TOP, keys.size()));
    }

    /** The data with the counters attached. */
    Dataset<Row> attach(Dataset<Row> data) {
        return data.observe(observation, metrics.get(0), metrics.subList(1, metrics.size()).toArray(new Column[0]));
    }

    /** After the write: one {@link Drift.FieldDrift} per field (PSI when train's counts are known). */
    List<Drift.FieldDrift> result(long rows) {
        Map<String, Object> m;
        try {
            m = observation.getAsJava();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the drift counters", e);
        }
        List<Drift.FieldDrift> out = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            String c = columns.get(i);
            long nulls = ((Number) m.get("n" + i)).longValue();
            long unseen = ((Number) m.get("u" + i)).longValue();
            Double psi = null;
            Map<Object, Long> train = encoding.trainCounts(c);
            long trainNulls = encoding.trainNulls(c);
            boolean unseenCounted = encoding.values(c).size() <= MAX_KNOWN;
            if (train != null && trainNulls >= 0 && unseenCounted && rows > 0) {
                Map<String, Long> expected = new LinkedHashMap<>();
                Map<String, Long> actual = new LinkedHashMap<>();
                long trainTop = 0;
                long splitTop = 0;
                List<Object> cats = top.get(c);
                for (int j = 0; j < cats.size(); j++) {
                    long e = train.getOrDefault(cats.get(j), 0L);
                    long a = ((Number) m.get("c" + i + "_" + j)).longValue();
                    expected.put("c" + j, e);
                    actual.put("c" + j, a);
                    trainTop += e;
                    splitTop += a;
                }
                long trainAll = train.values().stream().mapToLong(Long::longValue).sum();
                expected.put("__other__", trainAll - trainTop);
                actual.put("__other__", rows - nulls - unseen - splitTop);
                expected.put("__null__", trainNulls);
                actual.put("__null__", nulls);
                expected.put("__unseen__", 0L);
                actual.put("__unseen__", unseen);
                psi = Drift.psi(expected, actual);
            }
            out.add(new Drift.FieldDrift(ColumnNames.field(c), rows, rows == 0 ? 0 : (double) nulls / rows,
                    rows == 0 || !unseenCounted ? 0 : (double) unseen / rows, psi));
        }
        return out;
    }
}
