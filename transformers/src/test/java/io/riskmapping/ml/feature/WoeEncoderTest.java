package io.riskmapping.ml.feature;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.riskmapping.artifacts.WoeScorer;
import io.riskmapping.artifacts.WoeTable;
import io.riskmapping.artifacts.WoeTableMapCodec;
import io.riskmapping.testing.SparkTestSession;

class WoeEncoderTest {

    static final String[] PUBLISHED = {"checking_status", "credit_history", "savings_status", "purpose", "property_magnitude"};

    @TempDir
    Path tmp;

    static Dataset<Row> all;
    static WoeEncoderModel german;

    @BeforeAll
    static void fitOnAllOfGermanCredit() {
        all = SparkTestSession.get().read().option("header", "true")
                .csv(SparkTestSession.germanCredit("csv").resolve("*").resolve("part-*.csv").toString());
        german = new WoeEncoder().setInputCols(PUBLISHED).setOutputCols("cs_woe", "ch_woe", "ss_woe", "pu_woe", "pm_woe")
                .setLabelCol("class").setProbabilityCol("p").setExplanationCol("why").fit(all);
    }

    @Test
    void germanCreditInformationValuesMatchThePublishedFigures() {
        assertEquals(1000, all.count());
        double[] published = {0.6660, 0.2932, 0.1960, 0.1692, 0.1126};
        for (int i = 0; i < PUBLISHED.length; i++) {
            WoeStatistics.Field f = german.statistics(PUBLISHED[i], "1");
            assertEquals(published[i], Math.round(f.iv() * 10000) / 10000.0, 0.0, PUBLISHED[i] + " IV " + f.iv());
            assertTrue(f.ivSe() > 0 && f.ivCiLower() >= 0 && f.ivCiLower() <= f.iv() && f.iv() <= f.ivCiUpper(), PUBLISHED[i]);
        }
        assertTrue(german.isBinary());
    }

    @Test
    void theRiskTableFitGivesTheSameInformationValuesWithoutAnotherPass() {
        FitStatistics fit = new RiskTableMapper().setInputCols(PUBLISHED).setLabelCol("class").fit(all).statistics();
        List<InformationValues.Row> ranking = InformationValues.of(fit, 0.95);
        assertEquals(List.of("checking_status", "credit_history", "savings_status", "purpose", "property_magnitude"),
                ranking.stream().map(InformationValues.Row::field).toList(), "sorted by IV");
        assertEquals(0.6660, Math.round(ranking.get(0).iv() * 10000) / 10000.0, 0.0);
        assertEquals(german.statistics("purpose", "1").ivSe(), ranking.get(3).ivSe(), 1e-12);
    }

    @Test
    void aModelBuiltFromTheArtifactTransformsTheSame() {
        WoeEncoderModel fromTables = WoeEncoderModel.fromWoeTables(WoeTableMapCodec.fromJson(WoeTableMapCodec.toJson(german.woeTables()), "w.json"));
        List<Row> expected = german.copy(new org.apache.spark.ml.param.ParamMap()).setOutputCols(PUBLISHED).transform(all)
                .select(PUBLISHED[0], PUBLISHED[1]).collectAsList();
        assertEquals(expected, fromTables.transform(all).select(PUBLISHED[0], PUBLISHED[1]).collectAsList());
        assertThrows(IllegalStateException.class, fromTables::summary);
    }

    @Test
    void woeSignSeAndIntervalsBehave() {
        for (String field : PUBLISHED) {
            WoeStatistics.Field f = german.statistics(field, "1");
            double prior = 300.0 / 1000;
            for (WoeStatistics.Bin b : f.bins()) {
                assertEquals(Math.signum(b.eventRate() - prior), Math.signum(b.woe()), field + " " + b.key() + ": riskier than the whole <=> WOE > 0");
                assertTrue(b.se() > 0 && b.ciLower() < b.woe() && b.woe() < b.ciUpper(), field + " " + b.key());
            }
        }
        // checking_status '<0': 135 bad of 274 -> WOE = ln((135/300) / (139/700))
        WoeStatistics.Bin lt0 = german.statistics("checking_status", "1").bins().stream().filter(b -> "<0".equals(b.key())).findFirst().orElseThrow();
        assertEquals(135, lt0.events());
        assertEquals(Math.log((135.0 / 300) / (139.0 / 700)), lt0.woe(), 1e-12);
    }

    @Test
    void posteriorLogitIsPriorLogitPlusTheSumOfWoe() {
        List<Row> rows = german.transform(all).select("cs_woe", "ch_woe", "ss_woe", "pu_woe", "pm_woe", "p", "p_ci_lower", "p_ci_upper", "why")
                .limit(200).collectAsList();
        double priorLogit = Math.log(0.3 / 0.7);
        for (Row r : rows) {
            double sum = 0;
            for (int i = 0; i < 5; i++) {
                sum += r.getDouble(i);
            }
            double p = r.getDouble(5);
            assertEquals(priorLogit + sum, Math.log(p / (1 - p)), 1e-9);
            assertTrue(r.getDouble(6) <= p && p <= r.getDouble(7));
            Map<String, Double> why = r.getJavaMap(8);
            assertEquals(10 * r.getDouble(0) / Math.log(10), why.get("checking_status"), 1e-12, "decibans = 10 log10(exp(WOE))");
        }
    }

    @Test
    void sparseAndZeroCellsStayFinite() {
        // category Z: only events; category Y: only non-events; one row each
        Dataset<Row> df = SparkTestSession.csv(tmp, "z.csv", "c,y\nA,1\nA,0\nA,0\nB,1\nB,0\nZ,1\nY,0\n,1\n");
        WoeEncoderModel m = new WoeEncoder().setInputCols("c").setLabelCol("y").setProbabilityCol("p").fit(df);
        WoeStatistics.Field f = m.statistics("c", "1");
        f.bins().forEach(b -> assertTrue(Double.isFinite(b.woe()) && Double.isFinite(b.se()) && b.se() > 0, String.valueOf(b.key())));
        assertTrue(Double.isFinite(f.iv()) && Double.isFinite(f.ivSe()));
        m.transform(df).select("c", "p").collectAsList().forEach(r -> assertTrue(Double.isFinite(r.getDouble(0)) && Double.isFinite(r.getDouble(1))));
    }

    @Test
    void nullsAreTheirOwnBinAndUnseenCategoriesScoreZero() {
        Dataset<Row> df = SparkTestSession.csv(tmp.resolve("n"), "n.csv", "c,y\nA,1\nA,0\nB,0\nB,0\n,1\n,1\n,0\n");
        WoeEncoderModel m = new WoeEncoder().setInputCols("c").setOutputCols("w").setLabelCol("y").fit(df);
        WoeTable t = m.woeTables().get("c", "1");
        // B = 3, G = 4; null bin: 2 events / 1 non-event -> ln((2/3) / (1/4))
        assertEquals(Math.log((2.0 / 3) / (1.0 / 4)), t.nullWoe(), 1e-12);
        Dataset<Row> test = SparkTestSession.csv(tmp.resolve("t"), "t.csv", "c,y\nA,1\n,0\nQ,1\n");
        List<Row> rows = m.transform(test).select("w").collectAsList();
        assertEquals(t.woe().get("A"), rows.get(0).getDouble(0), 0.0);
        assertEquals(t.nullWoe(), rows.get(1).getDouble(0), 0.0);
        assertEquals(0.0, rows.get(2).getDouble(0), 0.0);
        WoeScorer scorer = new WoeScorer(t);
        assertEquals(rows.get(0).getDouble(0), scorer.score("A"), 0.0);
        assertEquals(rows.get(1).getDouble(0), scorer.score(null), 0.0);
        assertEquals(0.0, scorer.score("Q"), 0.0);
        Exception e = assertThrows(Exception.class, () -> m.setHandleInvalid("error").transform(test).collectAsList());
        assertTrue(RiskTableMapperCitizenshipTest.rootMessage(e).contains("column 'c': unseen category 'Q'"), RiskTableMapperCitizenshipTest.rootMessage(e));
    }

    @Test
    void multiclassIsOneVsRestAndProbabilitiesSumToOne() {
        // class is A/B/C by purpose groups: a 3-class label made from German Credit
        Dataset<Row> df = all.withColumn("cls", functions.when(functions.col("purpose").isin("new car", "used car"), "car")
                .when(functions.col("purpose").isin("radio/tv", "furniture/equipment"), "home").otherwise("other"));
        WoeEncoderModel multi = new WoeEncoder().setInputCols("checking_status", "housing").setLabelCol("cls").setProbabilityCol("p").fit(df);
        assertEquals(List.of("car", "home", "other"), multi.classes());
        Dataset<Row> out = multi.transform(df);
        assertTrue(List.of(out.columns()).containsAll(List.of("checking_status_car", "checking_status_home", "housing_other", "checking_status")));
        for (Row r : out.select("p").collectAsList()) {
            List<Double> ps = r.getList(0);
            assertEquals(3, ps.size());
            assertEquals(1.0, ps.get(0) + ps.get(1) + ps.get(2), 1e-12);
        }
        // class "home" one-vs-rest equals a binary fit with home as the event
        Dataset<Row> binary = df.withColumn("is_home", functions.when(functions.col("cls").equalTo("home"), 1).otherwise(0));
        WoeEncoderModel b = new WoeEncoder().setInputCols("checking_status", "housing").setLabelCol("is_home").fit(binary);
        assertEquals(b.woeTables().get("checking_status", "1").woe(), multi.woeTables().get("checking_status", "home").woe());
        assertEquals(b.statistics("housing", "1").iv(), multi.statistics("housing", "home").iv(), 1e-15);
    }

    @Test
    void rareCategoriesAreGroupedAsOther() {
        WoeEncoderModel top3 = new WoeEncoder().setInputCols("purpose").setLabelCol("class").setMaxCategories(3).fit(all);
        List<Object> keys = top3.statistics("purpose", "1").bins().stream().map(WoeStatistics.Bin::key).toList();
        // the three most frequent purposes in all 1,000 rows: radio/tv 280, new car 234, furniture/equipment 181
        assertEquals(List.of("furniture/equipment", "new car", "radio/tv", "__other__"), keys);
        WoeTable t = top3.woeTables().get("purpose", "1");
        assertEquals(t.woe().get("education"), t.woe().get("business"), "merged categories share the other bin's WOE");
        WoeEncoderModel share = new WoeEncoder().setInputCols("purpose").setLabelCol("class").setCategoryShare(0.5).fit(all);
        // 280 + 234 = 514 >= 500: two categories cover half of the rows
        assertEquals(3, share.statistics("purpose", "1").bins().size());
    }

    @Test
    void summaryHasCategoryAndFieldRows() {
        Dataset<Row> s = german.summary();
        assertEquals(5, s.filter("row_type = 'field'").count());
        Row cs = s.filter("row_type = 'field' and field = 'checking_status'").first();
        assertEquals(0.6660, Math.round(cs.getDouble(cs.fieldIndex("iv")) * 10000) / 10000.0, 0.0);
        assertEquals(4, cs.getInt(cs.fieldIndex("n_bins")));
        double contributions = s.filter("row_type = 'category' and field = 'checking_status'")
                .agg(functions.sum("iv_contribution")).first().getDouble(0);
        assertEquals(cs.getDouble(cs.fieldIndex("iv")), contributions, 1e-12);
    }

    @Test
    void savesLoadsAndExportsTheArtifact() throws IOException {
        german.write().overwrite().save(tmp.resolve("woe").toString());
        WoeEncoderModel loaded = WoeEncoderModel.load(tmp.resolve("woe").toString());
        assertEquals(german.woeTables(), loaded.woeTables());
        assertEquals(german.transform(all).select("cs_woe", "p").collectAsList(), loaded.transform(all).select("cs_woe", "p").collectAsList());
        byte[] json = WoeTableMapCodec.toJson(german.woeTables());
        assertEquals(german.woeTables(), WoeTableMapCodec.fromJson(json, "woe_table_map.json"));
        assertNull(german.woeTables().get("purpose", "1").nullWoe(), "no nulls in German Credit: no null bin");
        new WoeEncoder().setInputCols("c").setLabelCol("y").setConfidenceLevel(0.9).save(tmp.resolve("est").toString());
        assertEquals(0.9, WoeEncoder.load(tmp.resolve("est").toString()).getConfidenceLevel());
    }
}
