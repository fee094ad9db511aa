package io.riskmapping.ml.feature.exec;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;

import io.riskmapping.ml.feature.core.FitCounts;
import io.riskmapping.ml.feature.core.KeyColumns;
import io.riskmapping.ml.feature.core.PartialCounts;
import io.riskmapping.ml.feature.core.RiskTableAggregation;
import io.riskmapping.ml.feature.exec.csv.CsvCounts;
import io.riskmapping.ml.feature.exec.parquet.ColumnarCounts;

/**
 * The fit's counts, and the one place that chooses where its partial counts come from: a plain
 * Parquet scan's column batches ({@link ColumnarCounts}), a plain multi-line CSV scan's records
 * ({@link CsvCounts}), else Spark's rows ({@link PartialCounts}). Every source gives the same
 * partial rows, summed by {@link RiskTableAggregation#sums} and read on the driver by
 * {@link RiskTableAggregation#summarize}.
 */
public final class CountSources {

    private CountSources() {
    }

    /** Where a fit's partial counts are read from. */
    public enum Kind {
        /** A Parquet scan's column batches, counted by dictionary id. */
        PARQUET_BATCHES("column batches"),
        /** A CSV scan's records, read from its files. */
        CSV_RECORDS("CSV records"),
        /** Spark's rows of the data, whatever its plan. */
        SPARK_ROWS("Spark's rows");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        /** How a progress line names it: "column batches", "CSV records" or "Spark's rows". */
        public String label() {
            return label;
        }
    }

    /** The source chosen for one fit, and its partial counts (rows of {@link PartialCounts#SCHEMA}, one partition per task). */
    public record Source(Kind kind, JavaRDD<Row> partials) {
    }

    /**
     * Counts {@code data}'s label and input columns in one distributed aggregation (see
     * {@link RiskTableAggregation}).
     *
     * @throws IllegalArgumentException for a label outside {0, 1, -1, null} (naming one) or no labelled row
     */
    public static FitCounts count(Dataset<?> data, String[] inputCols, String labelCol, boolean parseNumericStrings,
            int maxUniqueThreshold, RiskTableAggregation.HighCardinality highCardinality, double smoothFactor) {
        Dataset<Row> df = data.toDF();
        boolean[] numericType = new boolean[inputCols.length];
        for (int i = 0; i < inputCols.length; i++) {
            numericType[i] = df.schema().apply(inputCols[i]).dataType() instanceof NumericType;
        }
        Source source = choose(df, labelCol, inputCols);
        Iterator<Row> rows = RiskTableAggregation.sums(df.sparkSession(), source.partials());
        // An invalid label's text is fetched only when there is one: a string min() in the aggregation
        // would turn Spark's hash aggregation into a sort-based one, much slower (docs/performance.md).
        Column label = KeyColumns.quoted(labelCol);
        Column y = KeyColumns.labelClass(df, labelCol);
        Supplier<String> invalidExample = () -> df.filter(y.equalTo(KeyColumns.INVALID)).select(label.cast(DataTypes.StringType))
                .limit(1).collectAsList().get(0).getString(0);
        return RiskTableAggregation.summarize(rows, inputCols, labelCol, invalidExample, numericType, parseNumericStrings,
                maxUniqueThreshold, highCardinality, smoothFactor, source.kind().label());
    }

    /**
     * The source of {@code data}'s partial counts: its Parquet scan's column batches when the
     * columnar path applies, else its CSV scan's records when the record path applies, else Spark's
     * rows of the label class and one key per input column (text, or for a numeric column a numeric key).
     */
    public static Source choose(Dataset<Row> df, String labelCol, String[] inputCols) {
        Optional<ColumnarCounts.Plan> columnar = ColumnarCounts.plan(df, labelCol, inputCols);
        if (columnar.isPresent()) {
            return new Source(Kind.PARQUET_BATCHES, columnar.get().partials(-1));
        }
        Optional<JavaRDD<Row>> records = CsvCounts.partials(df, labelCol, inputCols, -1);
        if (records.isPresent()) {
            return new Source(Kind.CSV_RECORDS, records.get());
        }
        List<Column> keyed = new ArrayList<>();
        keyed.add(KeyColumns.labelClass(df, labelCol).as("y"));
        boolean[] numericType = new boolean[inputCols.length];
        for (int i = 0; i < inputCols.length; i++) {
            DataType t = df.schema().apply(inputCols[i]).dataType();
            Column c = KeyColumns.quoted(inputCols[i]);
            numericType[i] = t instanceof NumericType;
            keyed.add((numericType[i] ? KeyColumns.numericKey(c, t) : c.cast(DataTypes.StringType)).as("k" + i));
        }
        JavaRDD<Row> rows = df.select(keyed.toArray(new Column[0])).queryExecution().toRdd().toJavaRDD()
                .mapPartitions(new PartialCounts(numericType));
        return new Source(Kind.SPARK_ROWS, rows);
    }
}
