package io.riskmapping.bench;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The benchmark's floor: a plain Spark copy of splits in the same format (read, write, nothing else).
 * Usage: {@code PlainCopy INPUT OUTPUT csv|parquet split[,split...]}.
 */
public final class PlainCopy {

    private PlainCopy() {
    }

    public static void main(String[] args) {
        SparkSession spark = SparkSession.builder().appName("plain-copy").getOrCreate();
        for (String split : args[3].split(",")) {
            String in = args[0] + "/" + split;
            String out = args[1] + "/" + split;
            if ("csv".equals(args[2])) {
                Dataset<Row> df = spark.read().option("header", "true").csv(in);
                df.write().mode("overwrite").option("header", "true").csv(out);
            } else {
                spark.read().parquet(in).write().mode("overwrite").parquet(out);
            }
        }
        spark.stop();
    }
}
