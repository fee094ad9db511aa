package io.riskmapping.job;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.Project;
import org.apache.spark.sql.catalyst.plans.logical.Union;
import org.junit.jupiter.api.AfterEach;
import org.apache.spark.sql.execution.FileSourceScanExec;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.WholeStageCodegenExec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.riskmapping.ml.feature.compat.ScalaCollections;
import io.riskmapping.testing.SparkTestSession;

/** The session settings of the transform passes: what they hold, and that they are undone. */
class ShardIOTest {

    private static final String EXCLUDED = "spark.sql.optimizer.excludedRules";
    private static final String OTHER_RULE = "org.apache.spark.sql.catalyst.optimizer.ConstantFolding";

    private final SparkSession spark = SparkTestSession.get();

    @AfterEach
    void unset() {
        spark.conf().unset(EXCLUDED);
    }

    @Test
    void theUnionRuleIsAddedAfterTheSessionsOwnExclusionsOnce() {
        assertEquals(ShardIO.PUSH_PROJECTION_THROUGH_UNION, ShardIO.transformSettings(spark).get(EXCLUDED));
        spark.conf().set(EXCLUDED, OTHER_RULE);
        assertEquals(OTHER_RULE + "," + ShardIO.PUSH_PROJECTION_THROUGH_UNION, ShardIO.transformSettings(spark).get(EXCLUDED));
        spark.conf().set(EXCLUDED, OTHER_RULE + ", " + ShardIO.PUSH_PROJECTION_THROUGH_UNION);
        assertEquals(OTHER_RULE + ", " + ShardIO.PUSH_PROJECTION_THROUGH_UNION, ShardIO.transformSettings(spark).get(EXCLUDED));
    }

    /*
     * A projection over a union of two scans: Spark's optimizer copies it into both children unless
     * the rule is excluded (a misspelt rule name would be ignored, and this test would fail).
     */
    @Test
    void underTheSettingsAProjectionStaysAboveTheUnion() {
        Dataset<Row> union = spark.range(0, 10, 1, 1).union(spark.range(10, 20, 1, 1)).select(col("id").plus(1).as("next"));
        assertInstanceOf(Union.class, optimized(union), "Spark's default pushes the projection into the union");
        LogicalPlan[] under = new LogicalPlan[1];
        ShardIO.withSettings(spark, ShardIO.transformSettings(spark), () -> under[0] = optimized(
                spark.range(0, 10, 1, 1).union(spark.range(10, 20, 1, 1)).select(col("id").plus(1).as("next"))));
        assertInstanceOf(Project.class, under[0]);
        assertInstanceOf(Union.class, ((Project) under[0]).child());
        assertFalse(spark.conf().contains(EXCLUDED), "the setting is unset again");
    }

    @Test
    void settingsComeBackWhenTheBodyFails() {
        spark.conf().set("spark.sql.files.maxPartitionBytes", "1234");
        try {
            assertThrows(IllegalStateException.class, () -> ShardIO.withSettings(spark,
                    Map.of("spark.sql.files.maxPartitionBytes", "99", EXCLUDED, OTHER_RULE), () -> {
                        assertEquals("99", spark.conf().get("spark.sql.files.maxPartitionBytes"));
                        throw new IllegalStateException("body failed");
                    }));
            assertEquals("1234", spark.conf().get("spark.sql.files.maxPartitionBytes"));
            assertFalse(spark.conf().contains(EXCLUDED));
        } finally {
            spark.conf().unset("spark.sql.files.maxPartitionBytes");
        }
    }

    /*
     * Three shards read as three scans under a union: each scan is a code-generation stage. Under
     * the settings the three stages generate the same code, so Spark compiles one class (its code
     * cache is keyed by the code); by default each stage's class name carries its id.
     */
    @Test
    @SuppressWarnings("unchecked")
    void underTheSettingsTheShardsScansShareOneGeneratedClass(@TempDir Path dir) {
        for (int i = 0; i < 3; i++) {
            spark.range(i * 10, i * 10 + 10, 1, 1).selectExpr("id", "cast(id AS STRING) AS c")
                    .write().parquet(dir.resolve("part-0000" + i).toString());
        }
        java.util.function.Supplier<Dataset<Row>> union = () -> {
            Dataset<Row> u = null;
            for (int i = 0; i < 3; i++) {
                Dataset<Row> shard = spark.read().parquet(dir.resolve("part-0000" + i).toString());
                u = u == null ? shard : u.union(shard);
            }
            return u.select(col("id").plus(1).as("next"), col("c"));
        };
        assertEquals(3, scanStageCodes(union.get()).size(), "by default, one class per stage");
        Set<String>[] under = new Set[1];
        ShardIO.withSettings(spark, ShardIO.transformSettings(spark), () -> under[0] = scanStageCodes(union.get()));
        assertEquals(1, under[0].size());
        assertFalse(spark.conf().contains(ShardIO.USE_ID_IN_CLASS_NAME), "the setting is unset again");
    }

    /** The distinct generated code of the plan's code-generation stages that read files. */
    private static Set<String> scanStageCodes(Dataset<Row> df) {
        Set<String> codes = new HashSet<>();
        List<SparkPlan> pending = new ArrayList<>(List.of(df.queryExecution().executedPlan()));
        while (!pending.isEmpty()) {
            SparkPlan node = pending.remove(pending.size() - 1);
            if (node instanceof WholeStageCodegenExec stage && stage.child().collectLeaves().head() instanceof FileSourceScanExec) {
                codes.add(stage.doCodeGen()._2().body());
            }
            pending.addAll(ScalaCollections.asJava(node.children()));
        }
        return codes;
    }

    private static LogicalPlan optimized(Dataset<Row> df) {
        return df.queryExecution().optimizedPlan();
    }

    /*
     * The first Parquet shard's schema is read from the Spark schema in its footer, without a
     * Spark job: it must be the schema Spark itself reads the file with (every field nullable,
     * nested ones too; field metadata kept), for files Spark wrote with non-null, nested, decimal,
     * date and timestamp columns and German Credit's shards. A footer without Spark's schema
     * (another writer) gives null: Spark infers it.
     */
    @Test
    void theFootersSparkSchemaIsTheSchemaSparkReads(@TempDir Path tmp) throws java.io.IOException {
        org.apache.hadoop.conf.Configuration conf = spark.sparkContext().hadoopConfiguration();
        Dataset<Row> data = spark.range(0, 50, 1, 1).selectExpr("id", "cast(id as string) as s",
                "array(id, id + 1) as a", "map(cast(id as string), named_struct('x', id, 'y', cast(id as double))) as m",
                "named_struct('p', id, 'q', array(named_struct('r', id))) as st", "cast(id as decimal(12, 3)) as d",
                "date_add(date'2020-01-01', cast(id as int)) as day", "timestamp'2020-01-01 00:00:00' as ts");
        Dataset<Row> described = data.withColumn("s", col("s").as("s", new org.apache.spark.sql.types.MetadataBuilder()
                .putString("comment", "a described column").build()));
        described.write().parquet(tmp.resolve("spark").toString());
        List<Path> files = new ArrayList<>();
        try (var list = java.nio.file.Files.list(tmp.resolve("spark"))) {
            list.filter(f -> f.getFileName().toString().endsWith(".parquet")).forEach(files::add);
        }
        Path credit = SparkTestSession.germanCredit("parquet");
        for (String split : new String[] {"train", "val", "test"}) {
            try (var list = java.nio.file.Files.list(credit.resolve(split))) {
                list.forEach(files::add);
            }
        }
        for (Path f : files) {
            org.apache.spark.sql.types.StructType fromFooter = ShardIO.sparkSchema(ShardIO.footerSchema(new org.apache.hadoop.fs.Path(f.toString()), conf));
            org.apache.spark.sql.types.StructType read = spark.read().parquet(f.toString()).schema();
            assertEquals(read, fromFooter, f.toString());
            assertEquals(read.json(), fromFooter.json(), "with the fields' metadata: " + f);
        }
        // the non-null columns were written as such, and are read nullable
        assertFalse(data.schema().apply("id").nullable());
        // a Parquet file from another writer: no Spark schema in its footer
        org.apache.hadoop.fs.Path other = new org.apache.hadoop.fs.Path(tmp.resolve("other.parquet").toString());
        org.apache.parquet.schema.MessageType type = org.apache.parquet.schema.MessageTypeParser.parseMessageType(
                "message m { required int64 id; optional binary s (UTF8); }");
        try (org.apache.parquet.hadoop.ParquetWriter<org.apache.parquet.example.data.Group> w =
                org.apache.parquet.hadoop.example.ExampleParquetWriter.builder(other).withType(type).withConf(conf).build()) {
            w.write(new org.apache.parquet.example.data.simple.SimpleGroupFactory(type).newGroup().append("id", 1L).append("s", "x"));
        }
        assertEquals(null, ShardIO.sparkSchema(ShardIO.footerSchema(other, conf)));
        assertEquals(2, spark.read().parquet(other.toString()).schema().size(), "Spark infers it");
    }

    /*
     * ShardIO.check reads each shard's header or footer once; ShardIO.read then takes them from the
     * checked split and reads none again: after the shards are overwritten (another header, bytes that
     * are not Parquet), reading the checked splits still gives the first schemas, while reading the
     * unchecked ones fails on the new content.
     */
    @Test
    void readTakesTheHeadersAndFootersCheckRead(@TempDir Path tmp) throws java.io.IOException {
        org.apache.hadoop.conf.Configuration conf = spark.sparkContext().hadoopConfiguration();
        org.apache.hadoop.fs.Path in = new org.apache.hadoop.fs.Path(tmp.toUri());
        for (int i = 0; i < 2; i++) {
            JobHarness.write(tmp.resolve("csv/part-0000" + i + ".csv"), "c,n,y\nA,1,1\n");
            spark.range(0, 5, 1, 1).selectExpr("id", "cast(id AS STRING) AS c").write().parquet(tmp.resolve("p" + i).toString());
            try (var files = java.nio.file.Files.list(tmp.resolve("p" + i))) {
                Path part = files.filter(f -> f.getFileName().toString().endsWith(".parquet")).findFirst().orElseThrow();
                java.nio.file.Files.createDirectories(tmp.resolve("parquet"));
                java.nio.file.Files.move(part, tmp.resolve("parquet/part-0000" + i + ".parquet"));
            }
        }
        Split csv = ShardIO.check(Split.discover(in, "csv", conf), conf);
        Split parquet = ShardIO.check(Split.discover(in, "parquet", conf), conf);
        assertEquals(List.of("c", "n", "y"), csv.shards().get(1).header());
        JobHarness.write(tmp.resolve("csv/part-00001.csv"), "x,n,y\nA,1,1\n");
        JobHarness.write(tmp.resolve("parquet/part-00001.parquet"), "not Parquet");
        assertEquals(List.of("c", "n", "y"), List.of(ShardIO.read(spark, csv).get(1).data().columns()));
        assertEquals(List.of("id", "c"), List.of(ShardIO.read(spark, parquet).get(1).data().columns()));
        assertThrows(JobException.class, () -> ShardIO.read(spark, Split.discover(in, "csv", conf)), "header differs");
        assertThrows(JobException.class, () -> ShardIO.read(spark, Split.discover(in, "parquet", conf)), "not Parquet");
    }
}
