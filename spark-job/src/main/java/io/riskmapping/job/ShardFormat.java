package io.riskmapping.job;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The file format of a split's shards, detected from the shard names: {@code part-NNNNN.csv},
 * {@code .tsv} (either optionally {@code .gz}) or {@code .parquet}; Spark's own names
 * ({@code part-NNNNN-<uuid>-c000.snappy.parquet}, {@code part-NNNNN-<uuid>-c000.csv.gz}) too.
 */
public enum ShardFormat {
    CSV("csv", ","),
    TSV("tsv", "\t"),
    PARQUET("parquet", null);

    /** A shard name: part-NNNNN, an optional Spark suffix, then the extension. */
    private static final Pattern SHARD = Pattern.compile("^part-(\\d{5})(?:[-.].*)?\\.(csv|tsv|csv\\.gz|tsv\\.gz|parquet)$");

    private final String label;
    private final String separator;

    ShardFormat(String label, String separator) {
        this.label = label;
        this.separator = separator;
    }

    public String label() {
        return label;
    }

    /** The field separator of a text format; null for Parquet. */
    public String separator() {
        return separator;
    }

    public boolean isText() {
        return this != PARQUET;
    }

    /** A detected shard name: its format, whether it is gzipped, and its number. */
    public record Detected(ShardFormat format, boolean gzip, int number) {
        /** "csv", "csv.gz", "tsv.gz", "parquet". */
        public String describe() {
            return format.label + (gzip ? ".gz" : "");
        }
    }

    /** The format of a shard file name, or null when the name is not a shard's. */
    public static Detected detect(String fileName) {
        Matcher m = SHARD.matcher(fileName);
        if (!m.matches()) {
            return null;
        }
        String ext = m.group(2);
        ShardFormat f = ext.startsWith("csv") ? CSV : ext.startsWith("tsv") ? TSV : PARQUET;
        return new Detected(f, ext.endsWith(".gz"), Integer.parseInt(m.group(1)));
    }
}
