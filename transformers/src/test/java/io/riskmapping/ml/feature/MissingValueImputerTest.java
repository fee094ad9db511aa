package io.riskmapping.ml.feature;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.riskmapping.artifacts.ImputeDict;
import io.riskmapping.testing.SparkTestSession;

class MissingValueImputerTest {

    @TempDir
    Path tmp;

    /*
     * a: 20, 30, (null), 40, 40, (blank)  -> present 20, 30, 40, 40
     *    mean 32.5; exact median (relativeError 0): the smallest x with half the values <= x = 30; mode 40
     * b: 1.5, 1.5, 2, abc, (null), 2      -> present numbers 1.5, 1.5, 2, 2 ("abc" is not a number)
     *    mode: tie between 1.5 and 2 -> the smaller, 1.5
     */
    static final String DATA = "a,b,other\n20,1.5,x\n30,1.5,y\n,2,z\n40,abc,w\n40,,v\n ,2,u\n";

    private Dataset<Row> data() {
        return SparkTestSession.csv(tmp, "d.csv", DATA);
    }

    @Test
    void meanMedianAndModeMatchHandComputedValues() {
        MissingValueImputerModel mean = new MissingValueImputer().setInputCols("a").fit(data());
        assertEquals(32.5, mean.imputeDict().get("a"), 1e-12);
        MissingValueImputerModel perColumn = new MissingValueImputer().setInputCols("a", "b").setStrategies("median", "mode")
                .setRelativeError(0).fit(data());
        assertEquals(30.0, perColumn.imputeDict().get("a"), 0.0);
        assertEquals(1.5, perColumn.imputeDict().get("b"), 0.0);
        assertEquals(40.0, new MissingValueImputer().setInputCols("a").setStrategy("mode").fit(data()).imputeDict().get("a"), 0.0);
    }

    @Test
    void textColumnsKeepPresentTextAndFillMissingWithTheValue() {
        MissingValueImputerModel m = new MissingValueImputer().setInputCols("a", "b").fit(data());
        List<Row> rows = m.transform(data()).collectAsList();
        String[] a = {"20", "30", "32.5", "40", "40", "32.5"};
        String[] b = {"1.5", "1.5", "2", "abc", "1.75", "2"};
        for (int i = 0; i < a.length; i++) {
            assertEquals(a[i], rows.get(i).getString(0), "a row " + i);
            assertEquals(b[i], rows.get(i).getString(1), "b row " + i);
        }
        assertEquals(List.of("a", "b", "other"), List.of(m.transform(data()).columns()));
    }

    @Test
    void numericColumnsBecomeDoublesWithNullAndNaNFilled() {
        Dataset<Row> df = SparkTestSession.get().range(0, 10).select(
                functions.when(functions.col("id").equalTo(3), functions.lit(null))
                        .when(functions.col("id").equalTo(4), functions.lit(Double.NaN))
                        .otherwise(functions.col("id").cast(DataTypes.DoubleType)).as("v"));
        // present: 0,1,2,5,6,7,8,9 -> mean 38 / 8 = 4.75
        MissingValueImputerModel m = new MissingValueImputer().setInputCols("v").setOutputCols("v_filled").fit(df);
        assertEquals(4.75, m.imputeDict().get("v"), 1e-12);
        List<Row> rows = m.transform(df).select("v_filled").collectAsList();
        assertEquals(4.75, rows.get(3).getDouble(0));
        assertEquals(4.75, rows.get(4).getDouble(0));
        assertEquals(9.0, rows.get(9).getDouble(0));
    }

    @Test
    void aColumnWithNothingToComputeFromIsNamed() {
        Dataset<Row> df = SparkTestSession.csv(tmp.resolve("empty"), "e.csv", "a,b\n,1\n,2\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new MissingValueImputer().setInputCols("b", "a").fit(df));
        assertTrue(e.getMessage().contains("column 'a'"), e.getMessage());
        IllegalArgumentException s = assertThrows(IllegalArgumentException.class,
                () -> new MissingValueImputer().setInputCols("a").setStrategies("average").transformSchema(df.schema()));
        assertTrue(s.getMessage().contains("unknown strategy 'average'"), s.getMessage());
    }

    @Test
    void savesLoadsAndConvertsToTheImputeDict() throws IOException {
        MissingValueImputerModel m = new MissingValueImputer().setInputCols("a", "b").setStrategy("median").fit(data());
        m.write().overwrite().save(tmp.resolve("imp").toString());
        MissingValueImputerModel loaded = MissingValueImputerModel.load(tmp.resolve("imp").toString());
        assertEquals(m.imputeDict(), loaded.imputeDict());
        assertEquals("median", loaded.getStrategy());
        assertEquals(m.transform(data()).collectAsList(), loaded.transform(data()).collectAsList());
        MissingValueImputerModel fromDict = MissingValueImputerModel.fromImputeDict(new ImputeDict(Map.of("a", 7.0)));
        assertEquals("7", fromDict.transform(data()).collectAsList().get(2).getString(0));
        new MissingValueImputer().setInputCols("a").save(tmp.resolve("est").toString());
        assertEquals(List.of("a"), List.of(MissingValueImputer.load(tmp.resolve("est").toString()).getInputCols()));
    }
}
