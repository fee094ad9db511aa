package io.riskmapping.job.tools;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * Makes {@code test-data/german-credit/} from the UCI German Credit ARFF file: label {@code class}
 * as 0/1 (bad = 1), a fixed 60/20/20 split (shuffle with seed 20240517) into train/val/test of
 * 3 shards each, as CSV, TSV and Parquet (numeric fields as int). Run by
 * {@code scripts/make-german-credit-data.sh}; the output is committed, so this runs only when
 * the data set must be rebuilt.
 */
public final class GermanCreditConverter {

    static final String[] NUMERIC = {"duration", "credit_amount", "installment_commitment", "residence_since",
        "age", "existing_credits", "num_dependents"};

    public static void main(String[] args) throws IOException {
        Path arff = Paths.get(args[0]);
        Path out = Paths.get(args[1]);
        List<String> header = new ArrayList<>();
        List<List<String>> rows = new ArrayList<>();
        boolean data = false;
        for (String line : Files.readAllLines(arff, StandardCharsets.UTF_8)) {
            String t = line.trim();
            if (t.isEmpty() || t.startsWith("%")) {
                continue;
            }
            if (!data && t.toLowerCase().startsWith("@attribute")) {
                header.add(t.split("\\s+")[1]);
            } else if (t.equalsIgnoreCase("@data")) {
                data = true;
            } else if (data) {
                List<String> row = splitArff(t);
                int c = row.size() - 1;
                row.set(c, switch (row.get(c)) {
                    case "bad" -> "1";
                    case "good" -> "0";
                    default -> throw new IllegalStateException("class " + row.get(c));
                });
                rows.add(row);
            }
        }
        if (rows.size() != 1000 || header.size() != 21) {
            throw new IllegalStateException(rows.size() + " rows, " + header.size() + " columns");
        }
        Collections.shuffle(rows, new Random(20240517L));
        String[] splits = {"train", "val", "test"};
        int[] sizes = {600, 200, 200};
        int start = 0;
        for (int s = 0; s < 3; s++) {
            List<List<String>> split = rows.subList(start, start + sizes[s]);
            start += sizes[s];
            for (int shard = 0; shard < 3; shard++) {
                int from = split.size() * shard / 3;
                int to = split.size() * (shard + 1) / 3;
                List<List<String>> part = split.subList(from, to);
                String name = String.format("part-%05d", shard);
                write(out.resolve("csv").resolve(splits[s]).resolve(name + ".csv"), header, part, ',');
                write(out.resolve("tsv").resolve(splits[s]).resolve(name + ".tsv"), header, part, '\t');
            }
        }
        writeParquet(out, header);
    }

    static List<String> splitArff(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (ch == '\'') {
                quoted = !quoted;
            } else if (ch == ',' && !quoted) {
                out.add(cur.toString().trim());
                cur.setLength(0);
            } else {
                cur.append(ch);
            }
        }
        out.add(cur.toString().trim());
        return out;
    }

    static void write(Path file, List<String> header, List<List<String>> rows, char sep) throws IOException {
        Files.createDirectories(file.getParent());
        StringBuilder sb = new StringBuilder();
        sb.append(String.join(String.valueOf(sep), header)).append('\n');
        for (List<String> r : rows) {
            for (int i = 0; i < r.size(); i++) {
                if (i > 0) {
                    sb.append(sep);
                }
                String v = r.get(i);
                if (v.indexOf(sep) >= 0 || v.indexOf('"') >= 0) {
                    v = '"' + v.replace("\"", "\"\"") + '"';
                }
                sb.append(v);
            }
            sb.append('\n');
        }
        Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
    }

    static void writeParquet(Path out, List<String> header) throws IOException {
        SparkSession spark = SparkSession.builder().master("local[1]").appName("german-credit-converter")
                .config("spark.ui.enabled", "false").getOrCreate();
        try {
            for (String split : new String[] {"train", "val", "test"}) {
                for (int shard = 0; shard < 3; shard++) {
                    String name = String.format("part-%05d", shard);
                    Dataset<Row> df = spark.read().option("header", "true").option("inferSchema", "false")
                            .csv(out.resolve("csv").resolve(split).resolve(name + ".csv").toString());
                    for (String c : NUMERIC) {
                        df = df.withColumn(c, functions.col(c).cast(DataTypes.IntegerType));
                    }
                    df = df.withColumn("class", functions.col("class").cast(DataTypes.IntegerType));
                    Path tmp = out.resolve("parquet-tmp");
                    df.coalesce(1).write().mode("overwrite").parquet(tmp.toString());
                    Path target = out.resolve("parquet").resolve(split).resolve(name + ".parquet");
                    Files.createDirectories(target.getParent());
                    try (Stream<Path> files = Files.list(tmp)) {
                        Path part = files.filter(p -> p.getFileName().toString().endsWith(".parquet")).findFirst().orElseThrow();
                        Files.move(part, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    }
                    try (Stream<Path> files = Files.walk(tmp)) {
                        files.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
                    }
                }
            }
        } finally {
            spark.stop();
        }
    }
}
