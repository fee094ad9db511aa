package io.riskmapping.job;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.riskmapping.testing.SparkTestSession;

/** Reading shards: the Spark schema of a Parquet footer, and the headers and footers read once. */
class ShardReaderTest {

    private final SparkSession spark = SparkTestSession.get();

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
            org.apache.spark.sql.types.StructType fromFooter = ShardReader.sparkSchema(ShardReader.footerSchema(new org.apache.hadoop.fs.Path(f.toString()), conf));
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
        assertEquals(null, ShardReader.sparkSchema(ShardReader.footerSchema(other, conf)));
        assertEquals(2, spark.read().parquet(other.toString()).schema().size(), "Spark infers it");
    }

    /*
     * ShardReader.check reads each shard's header or footer once; ShardReader.read then takes them from the
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
        Split csv = ShardReader.check(Split.discover(in, "csv", conf), conf);
        Split parquet = ShardReader.check(Split.discover(in, "parquet", conf), conf);
        assertEquals(List.of("c", "n", "y"), csv.shards().get(1).header());
        JobHarness.write(tmp.resolve("csv/part-00001.csv"), "x,n,y\nA,1,1\n");
        JobHarness.write(tmp.resolve("parquet/part-00001.parquet"), "not Parquet");
        assertEquals(List.of("c", "n", "y"), List.of(ShardReader.read(spark, csv).get(1).data().columns()));
        assertEquals(List.of("id", "c"), List.of(ShardReader.read(spark, parquet).get(1).data().columns()));
        assertThrows(JobException.class, () -> ShardReader.read(spark, Split.discover(in, "csv", conf)), "header differs");
        assertThrows(JobException.class, () -> ShardReader.read(spark, Split.discover(in, "parquet", conf)), "not Parquet");
    }
}
