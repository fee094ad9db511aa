package io.riskmapping.ml.feature.exec;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.riskmapping.ml.feature.RiskTableMapper;
import io.riskmapping.ml.feature.RiskTableMapperModel;
import io.riskmapping.ml.feature.core.CountMerge;
import io.riskmapping.ml.feature.core.Lookups;
import io.riskmapping.ml.feature.core.RiskTableAggregation;
import io.riskmapping.ml.feature.core.TableMapping;
import io.riskmapping.testing.SparkTestSession;

/**
 * Each fast path is taken, not silently its fallback, on the Spark line this build is for (the
 * suite runs on every line's profile): German Credit read from its test-data files as Parquet and as
 * CSV is counted from column batches and from CSV records, mapped from column batches and from CSV
 * records; the counts are summed by the count merge; a table above
 * {@link Lookups#NATIVE_LOOKUP_MAX_BINS} bins is probed in its broadcast. Each case also shows the
 * fallback, so that the assertion can fail.
 */
class FastPathsTakenTest {

    private static final String[] FIELDS = {"checking_status", "credit_history", "purpose", "savings_status"};

    private static SparkSession spark;
    private static Path data;

    @BeforeAll
    static void session() {
        spark = SparkTestSession.get();
        data = SparkTestSession.repoRoot().resolve("test-data/german-credit");
    }

    private static Dataset<Row> parquet(String split) {
        return spark.read().parquet(data.resolve("parquet").resolve(split).toString());
    }

    /** As the job reads CSV shards: every column a string, multi-line records. */
    private static Dataset<Row> csv(String split) {
        return spark.read().option("header", "true").option("multiLine", "true").option("mode", "FAILFAST")
                .csv(data.resolve("csv").resolve(split).toString());
    }

    @Test
    void theFitCountsColumnBatchesAndCsvRecords() {
        assertEquals(CountSources.Kind.PARQUET_BATCHES, CountSources.choose(parquet("train"), "class", FIELDS).kind());
        assertEquals(CountSources.Kind.CSV_RECORDS, CountSources.choose(csv("train"), "class", FIELDS).kind());
        // a computed column is no plain scan: Spark's rows
        Dataset<Row> computed = parquet("train").withColumn("purpose", concat(col("purpose"), lit("!")));
        assertEquals(CountSources.Kind.SPARK_ROWS, CountSources.choose(computed, "class", FIELDS).kind());
    }

    @Test
    void theCountsAreSummedByTheCountMerge() {
        Iterator<Row> merged = RiskTableAggregation.sums(spark, CountSources.choose(parquet("train"), "class", FIELDS).partials());
        assertEquals(CountMerge.class, merged.getClass().getEnclosingClass(), merged.getClass().getName());
        spark.conf().set(CountMerge.ENABLED, "false");
        try {
            Iterator<Row> sql = RiskTableAggregation.sums(spark, CountSources.choose(parquet("train"), "class", FIELDS).partials());
            assertNotEquals(CountMerge.class, sql.getClass().getEnclosingClass());
        } finally {
            spark.conf().unset(CountMerge.ENABLED);
        }
    }

    /**
     * As the job's pass settings plan a split: each shard one partition ({@code maxPartitionBytes}
     * and {@code openCostInBytes} 1 TiB), which the one-scan paths require.
     */
    @Test
    void splitsAreMappedFromColumnBatchesAndCsvRecords() {
        String wholeFile = String.valueOf(1L << 40);
        spark.conf().set("spark.sql.files.maxPartitionBytes", wholeFile);
        spark.conf().set("spark.sql.files.openCostInBytes", wholeFile);
        try {
            mapSplits();
        } finally {
            spark.conf().unset("spark.sql.files.maxPartitionBytes");
            spark.conf().unset("spark.sql.files.openCostInBytes");
        }
    }

    private static void mapSplits() {
        RiskTableMapperModel model = new RiskTableMapper().setInputCols(FIELDS).setLabelCol("class").fit(parquet("train"));
        Optional<TableMapping> mapping = Optional.of(model.tableMapping());

        List<String> parquetFiles = shardFiles(data.resolve("parquet/val"));
        List<Dataset<Row>> parquetShards = parquetFiles.stream().map(f -> spark.read().parquet(f)).toList();
        TransformPaths.Path batches = TransformPaths.choose(mapping, false, () -> parquet("val"), parquetShards, parquetFiles,
                Map.of(), Map.of());
        // the split as one scan, or (when Spark did not plan it one partition per shard) each shard's scan: column batches
        assertTrue(batches instanceof TransformPaths.BatchScan || batches instanceof TransformPaths.Batches b && b.shards().size() == 3,
                batches.toString());

        List<String> csvFiles = shardFiles(data.resolve("csv/val"));
        List<Dataset<Row>> csvShards = csvFiles.stream().map(f -> spark.read().option("header", "true").option("multiLine", "true")
                .option("mode", "FAILFAST").csv(f)).toList();
        TransformPaths.Path records = TransformPaths.choose(mapping, true, () -> csv("val"), csvShards, csvFiles, Map.of(), Map.of());
        assertInstanceOf(TransformPaths.Records.class, records);

        // no mapping the tables alone can do (e.g. imputed fields): Spark's rows
        assertInstanceOf(TransformPaths.Rows.class, TransformPaths.choose(Optional.empty(), false, () -> parquet("val"), parquetShards,
                parquetFiles, Map.of(), Map.of()));
        // a computed input column: no plain scan, Spark's rows
        Dataset<Row> computed = parquet("val").withColumn("purpose", concat(col("purpose"), lit("!")));
        assertInstanceOf(TransformPaths.Rows.class, TransformPaths.choose(mapping, false, () -> computed, List.of(computed),
                parquetFiles.subList(0, 1), Map.of(), Map.of()));
    }

    /** 500 categories: above the native CASE WHEN's 64 bins, so the table is broadcast and probed. */
    @Test
    void largeTablesAreProbedInTheirBroadcast() {
        Dataset<Row> rows = spark.range(5_000).select(concat(lit("k"), col("id").mod(500).cast(DataTypes.StringType)).as("k"),
                col("id").mod(3).equalTo(0).cast(DataTypes.IntegerType).as("y"));
        RiskTableMapperModel model = new RiskTableMapper().setInputCols(new String[] {"k"}).setOutputCols(new String[] {"k_risk"})
                .setLabelCol("y").setMaxUniqueThreshold(1_000).fit(rows);
        String plan = model.transform(rows).queryExecution().analyzed().toString();
        assertTrue(plan.contains("RiskTableLookup(500 keys, broadcast"), plan);
        String small = new RiskTableMapper().setInputCols(new String[] {"k"}).setOutputCols(new String[] {"k_risk"}).setLabelCol("y")
                .fit(rows.filter(col("id").mod(500).lt(10))).transform(rows).queryExecution().analyzed().toString();
        assertFalse(small.contains("RiskTableLookup"), small);
    }

    /** A split folder's shards ({@code part-*}) in name order, as the job lists them. */
    private static List<String> shardFiles(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith("part-")).sorted().map(f -> f.toUri().toString()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
