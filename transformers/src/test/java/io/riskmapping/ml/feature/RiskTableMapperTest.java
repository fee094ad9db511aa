package io.riskmapping.ml.feature;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.riskmapping.artifacts.RiskTable;
import io.riskmapping.artifacts.RiskTableMap;
import io.riskmapping.testing.SparkTestSession;

class RiskTableMapperTest {

    @TempDir
    Path tmp;

    /*
     * Tiny table, hand-computed. Fit rows (label 0/1): 10, events 4 -> p = 0.4.
     * smoothFactor 0.2 -> m = floor(10 * 0.2) = 2; countThreshold 5.
     *   c = A: n = 6, k = 2 -> (6 * 2/6 + 2 * 0.4) / (6 + 2) = 2.8 / 8 = 0.35
     *   c = B: n = 2 < 5 -> p = 0.4
     *   c = null (2 rows): not a bin; C only on unlabelled rows: not a bin
     *   x (numeric text): 1, 1.0, 01, +1 are one category 1 -> 0.35; 2.5 -> n = 2 -> 0.4
     */
    static final String TINY = String.join("\n",
            "c,x,y",
            "A,1,1", "A,1.0,1", "A,01,0", "A,1,0", "A,+1,0", "A,1,0",
            "B,2.5,1", "B,2.5,0",
            ",,1", ",,0",
            "C,7,-1", "A,1,", "C,7,-1") + "\n";

    private Dataset<Row> tiny() {
        return SparkTestSession.csv(tmp, "tiny.csv", TINY);
    }

    private static RiskTableMapper mapper() {
        return new RiskTableMapper().setInputCols("c", "x").setLabelCol("y")
                .setSmoothFactor(0.2).setCountThreshold(5).setParseNumericStrings(true);
    }

    @Test
    void tinyTableMatchesHandComputedRisks() {
        RiskTableMapperModel model = mapper().fit(tiny());
        RiskTable c = model.riskTables().get("c");
        assertEquals(RiskTable.Mode.CATEGORICAL, c.mode());
        assertEquals(0.4, c.defaultBin(), 1e-15);
        assertEquals(Map.of("A", 0.35, "B", 0.4).keySet(), c.bins().keySet());
        assertEquals(0.35, c.bins().get("A"), 1e-15);
        assertEquals(0.4, c.bins().get("B"), 1e-15);

        RiskTable x = model.riskTables().get("x");
        assertEquals(RiskTable.Mode.NUMERIC, x.mode());
        assertEquals(2, x.bins().size(), "1, 1.0, 01 and +1 are one numeric category: " + x.bins());
        assertEquals(0.35, x.bins().get(1.0), 1e-15);
        assertEquals(0.4, x.bins().get(2.5), 1e-15);

        FitStatistics s = model.statistics();
        assertEquals(13, s.trainRows());
        assertEquals(10, s.fitRows());
        assertEquals(4, s.events());
        assertEquals(2, s.smoothSamples());
        assertEquals(3, s.fields().get(0).distinct(), "A, B and C (C only on unlabelled rows)");
        assertEquals(2, s.fields().get(0).nullRows());
    }

    @Test
    void transformMapsNullsAndUnseenToTheDefaultAndKeepsOtherColumns() {
        RiskTableMapperModel model = mapper().fit(tiny());
        Dataset<Row> test = SparkTestSession.csv(tmp.resolve("t"), "test.csv",
                "c,x,y,other\nA,1.00,0,keep me\nB,2.5,1, spaced \nZ,abc,0,z\n,,,n\nC,7,1,c\n");
        List<Row> rows = model.transform(test).collectAsList();
        assertEquals(List.of("c", "x", "y", "other"), List.of(model.transform(test).columns()));
        assertEquals(DataTypes.DoubleType, model.transform(test).schema().apply("c").dataType());
        double[][] expected = {{0.35, 0.35}, {0.4, 0.4}, {0.4, 0.4}, {0.4, 0.4}, {0.4, 0.4}};
        String[] other = {"keep me", " spaced ", "z", "n", "c"};
        for (int i = 0; i < rows.size(); i++) {
            assertEquals(expected[i][0], rows.get(i).getDouble(0), 1e-15, "row " + i + " c");
            assertEquals(expected[i][1], rows.get(i).getDouble(1), 1e-15, "row " + i + " x");
            assertEquals(other[i], rows.get(i).getString(3));
        }
    }

    @Test
    void countThresholdAndSmoothingEdges() {
        // countThreshold 0 and smoothFactor 0: the raw event rate, B = 1/2.
        RiskTableMapperModel raw = mapper().setSmoothFactor(0.0).setCountThreshold(0).fit(tiny());
        assertEquals(0.5, raw.riskTables().get("c").bins().get("B"), 1e-15);
        assertEquals(1.0 / 3, raw.riskTables().get("c").bins().get("A"), 1e-15);
        assertEquals(0, raw.statistics().smoothSamples());
        // countThreshold 7 > n(A) = 6: every category gets the prior.
        RiskTableMapperModel strict = mapper().setCountThreshold(7).fit(tiny());
        assertEquals(0.4, strict.riskTables().get("c").bins().get("A"), 1e-15);
    }

    @Test
    void columnsAtTheDistinctLimitAreSkippedAndLeftUnchanged() {
        // c has 3 distinct values (A, B, C): skipped at maxUniqueThreshold 3, kept at 4.
        RiskTableMapperModel model = mapper().setMaxUniqueThreshold(3).fit(tiny());
        assertNull(model.riskTables().get("c"));
        assertFalse(model.statistics().fields().get(0).mapped());
        assertTrue(model.statistics().fields().get(0).skipReason().contains("3 distinct"));
        assertNull(model.riskTables().get("x"), "x has 1, 2.5 and 7: 3 distinct");
        Dataset<Row> out = model.transform(tiny());
        assertEquals(DataTypes.StringType, out.schema().apply("c").dataType());
        assertEquals(1, mapper().setMaxUniqueThreshold(4).fit(tiny()).riskTables().get("c").bins().get("A") > 0 ? 1 : 0);
    }

    @Test
    void stringColumnsStayCategoricalUnlessParsingIsOn() {
        RiskTableMapperModel model = mapper().setParseNumericStrings(false).fit(tiny());
        RiskTable x = model.riskTables().get("x");
        assertEquals(RiskTable.Mode.CATEGORICAL, x.mode());
        assertTrue(x.bins().containsKey("1.0") && x.bins().containsKey("01"), x.bins().toString());
    }

    @Test
    void numericTextMergesByValueAndOverflowIsMissing() {
        // "1" and "1.0" are one key (n = 2, k = 1); "1e999" overflows to infinity and counts as
        // missing with the empty value: 2 null rows, of which 1 event; distinct keys 1 and 2.
        Dataset<Row> df = SparkTestSession.csv(tmp.resolve("overflow"), "x.csv", "x,y\n1,1\n1.0,0\n1e999,1\n2,0\n,0\n");
        RiskTableMapperModel model = new RiskTableMapper().setInputCols("x").setLabelCol("y").setParseNumericStrings(true)
                .setSmoothFactor(0.0).setCountThreshold(1).fit(df);
        FieldStatistics x = model.statistics().fields().get(0);
        assertEquals(RiskTable.Mode.NUMERIC, x.mode());
        assertEquals(2, x.distinct());
        assertEquals(2, x.nullRows());
        assertEquals(2, x.nullCounts()[0]);
        assertEquals(1, x.nullCounts()[1]);
        assertEquals(java.util.List.of(1.0, 2.0), java.util.List.copyOf(x.counts().keySet()));
        assertEquals(0.5, model.riskTables().get("x").bins().get(1.0), 1e-15);
        assertEquals(0.0, model.riskTables().get("x").bins().get(2.0), 1e-15);
    }

    @Test
    void labelValuesOutsideTheDomainAreNamed() {
        for (String bad : new String[] {"2", "yes", "0.5"}) {
            Dataset<Row> df = SparkTestSession.csv(tmp.resolve(bad), "bad.csv", "c,y\nA,1\nB,0\nA," + bad + "\n");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new RiskTableMapper().setInputCols("c").setLabelCol("y").fit(df));
            assertTrue(e.getMessage().contains("'" + bad + "'") && e.getMessage().contains("'y'"), e.getMessage());
        }
        Dataset<Row> unlabelled = SparkTestSession.csv(tmp.resolve("u"), "u.csv", "c,y\nA,-1\nB,\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RiskTableMapper().setInputCols("c").setLabelCol("y").fit(unlabelled));
        assertTrue(e.getMessage().contains("no labelled rows"), e.getMessage());
    }

    @Test
    void numericColumnsAreNumericModeAndNaNIsNull() {
        Dataset<Row> df = SparkTestSession.get().range(0, 100)
                .select(functions.when(functions.col("id").mod(10).equalTo(0), Double.NaN)
                                .otherwise(functions.col("id").mod(3).cast(DataTypes.DoubleType)).as("v"),
                        functions.col("id").mod(2).as("label"));
        RiskTableMapperModel model = new RiskTableMapper().setInputCols("v").setCountThreshold(0).setSmoothFactor(0).fit(df);
        RiskTable v = model.riskTables().get("v");
        assertEquals(RiskTable.Mode.NUMERIC, v.mode());
        assertEquals(List.of(0.0, 1.0, 2.0), List.copyOf(v.bins().keySet()));
        assertEquals(10, model.statistics().fields().get(0).nullRows(), "NaN counts as null");
    }

    /*
     * German Credit train split (600 rows, 200 bad): p = 1/3, m = floor(600 * 0.01) = 6.
     * Counts by awk over the CSV shards:
     *   checking_status '<0' 167 rows / 100 bad -> (100 + 6/3) / 173 = 102/173
     *   checking_status '>=200' 32 / 7 -> 9/38;  'no checking' 243 / 28 -> 30/249
     *   purpose 'domestic appliance' 5 / 2 -> (2 + 2) / 11; 'retraining' 5 / 1 -> 3/11
     *   num_dependents (numeric text) 1: 503 / 166 -> 168/509; 2: 97 / 34 -> 36/103
     */
    @Test
    void germanCreditRisksMatchHandComputedCounts() {
        RiskTableMapperModel model = new RiskTableMapper()
                .setInputCols("checking_status", "purpose", "num_dependents").setLabelCol("class")
                .setParseNumericStrings(true).fit(SparkTestSession.germanCreditTrain());
        RiskTableMap t = model.riskTables();
        assertEquals(1.0 / 3, t.get("checking_status").defaultBin(), 1e-12);
        assertEquals(102.0 / 173, t.get("checking_status").bins().get("<0"), 1e-12);
        assertEquals(9.0 / 38, t.get("checking_status").bins().get(">=200"), 1e-12);
        assertEquals(30.0 / 249, t.get("checking_status").bins().get("no checking"), 1e-12);
        assertEquals(4.0 / 11, t.get("purpose").bins().get("domestic appliance"), 1e-12);
        assertEquals(3.0 / 11, t.get("purpose").bins().get("retraining"), 1e-12);
        assertEquals(RiskTable.Mode.NUMERIC, t.get("num_dependents").mode());
        assertEquals(168.0 / 509, t.get("num_dependents").bins().get(1.0), 1e-12);
        assertEquals(36.0 / 103, t.get("num_dependents").bins().get(2.0), 1e-12);
        // count threshold 6: the 5-row purposes fall back to the prior
        RiskTableMapperModel strict = new RiskTableMapper().setInputCols("purpose").setLabelCol("class")
                .setCountThreshold(6).fit(SparkTestSession.germanCreditTrain());
        assertEquals(1.0 / 3, strict.riskTables().get("purpose").bins().get("retraining"), 1e-12);
    }

    @Test
    void tablesDoNotDependOnPartitioning() {
        String[] cols = {"checking_status", "credit_history", "purpose", "savings_status", "employment", "age"};
        RiskTableMapper m = new RiskTableMapper().setInputCols(cols).setLabelCol("class").setParseNumericStrings(true);
        Dataset<Row> train = SparkTestSession.germanCreditTrain();
        RiskTableMap one = m.fit(train.coalesce(1)).riskTables();
        RiskTableMap many = m.fit(train.repartition(7)).riskTables();
        RiskTableMap byShard = m.fit(train).riskTables();
        assertEquals(one, many);
        assertEquals(one, byShard);
        assertEquals(6, one.size());
    }

    @Test
    void schemaErrorsNameTheColumn() {
        Dataset<Row> df = tiny();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RiskTableMapper().setInputCols("nope").setLabelCol("y").fit(df));
        assertTrue(e.getMessage().contains("'nope'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new RiskTableMapper().setInputCols("c").setLabelCol("lbl").fit(df));
        assertTrue(e.getMessage().contains("'lbl'"), e.getMessage());
    }

    @Test
    void largeTablesUseTheBroadcastLookupWithTheSameValues() {
        // 200 categories (above the CASE WHEN limit): row i has category i % 200, label 1 when i % 200 < 50.
        Dataset<Row> df = SparkTestSession.get().range(0, 4000)
                .select(functions.col("id").mod(200).cast(DataTypes.StringType).as("c"),
                        functions.when(functions.col("id").mod(200).lt(50), 1).otherwise(0).as("label"));
        RiskTableMapperModel model = new RiskTableMapper().setInputCols("c").setOutputCols("r")
                .setMaxUniqueThreshold(1000).fit(df);
        assertTrue(model.riskTables().get("c").bins().size() > RiskTableMapperModel.NATIVE_LOOKUP_MAX_BINS);
        // p = 0.25, m = 40, n = 20 per category: risky ones (20 + 10) / 60 = 0.5, others 10 / 60
        List<Row> rows = model.transform(df).select("c", "r").collectAsList();
        for (Row r : rows) {
            double expected = Integer.parseInt(r.getString(0)) < 50 ? 0.5 : 10.0 / 60;
            assertEquals(expected, r.getDouble(1), 1e-15);
        }
    }

    @Test
    void largeTablesGiveTheDefaultForUnseenAndNullKeysAndMatchLongAndNonAsciiKeysExactly() {
        // 300 categories, short (at most 16 UTF-8 bytes: held in the probe's slot) and long (held
        // apart): "k<i>" for i % 3 == 0, "Zürich-東京-<i>" (20+ bytes) for i % 3 == 1, "<i>-" + 17
        // x's for i % 3 == 2. Each category on 20 rows, label 1 when i < 60: p = 0.2, m = 60 (0.01 of
        // 6000 fitted rows), n = 20, so risky ones (20 + 12) / 80 = 0.4, the others 12 / 80 = 0.15.
        String name = "CASE pmod(id, 3) WHEN 0 THEN concat('k', cast(id AS STRING))"
                + " WHEN 1 THEN concat('Zürich-東京-', cast(id AS STRING)) ELSE concat(cast(id AS STRING), '-', repeat('x', 17)) END";
        Dataset<Row> train = SparkTestSession.get().range(0, 6000).selectExpr("pmod(id, 300) AS id")
                .selectExpr(name + " AS c", "CASE WHEN id < 60 THEN 1 ELSE 0 END AS label");
        RiskTableMapperModel model = new RiskTableMapper().setInputCols("c").setOutputCols("r")
                .setSmoothFactor(0.01).setCountThreshold(1).setMaxUniqueThreshold(1000).fit(train);
        RiskTable table = model.riskTables().get("c");
        assertEquals(300, table.bins().size());
        assertEquals(0.2, table.defaultBin(), 1e-15);
        // Known keys 0..299, unseen 300..449 (same shapes, so same lengths and prefixes), and nulls;
        // one more unseen key differs from a known long key only in its last byte.
        Dataset<Row> probe = SparkTestSession.get().range(0, 460)
                .selectExpr("CASE WHEN id >= 450 THEN NULL ELSE id END AS id")
                .selectExpr("id", name + " AS c")
                .union(SparkTestSession.get().range(1).selectExpr("-1L AS id", "concat('1-', repeat('x', 16), 'y') AS c"));
        List<Row> rows = model.transform(probe).select("id", "c", "r").collectAsList();
        assertEquals(461, rows.size());
        for (Row r : rows) {
            double expected = r.isNullAt(0) || r.getLong(0) < 0 || r.getLong(0) >= 300 ? 0.2 : r.getLong(0) < 60 ? 0.4 : 0.15;
            assertEquals(expected, r.getDouble(2), 1e-15, "category " + r.get(1));
        }
        // handleInvalid = error: an unseen long key through the large table is named in the error.
        Exception e = assertThrows(Exception.class, () -> model.copy(new org.apache.spark.ml.param.ParamMap()).setHandleInvalid("error")
                .transform(probe.filter("id = 302")).collectAsList());
        assertTrue(String.valueOf(e.getMessage()).contains("unseen category '302-xxxxxxxxxxxxxxxxx'"), e.getMessage());
    }
}
