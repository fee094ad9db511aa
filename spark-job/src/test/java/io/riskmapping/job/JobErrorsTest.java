package io.riskmapping.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import io.riskmapping.testing.SparkTestSession;

/**
 * Bad input: each case gets its documented exit code and one error line naming the file, field or
 * value; nothing is written to the output; the input is byte-for-byte unchanged. The table of
 * cases is docs/errors.md.
 */
class JobErrorsTest {

    static final String DATA = "c,n,y\nA,1,1\nA,2,0\nB,1,0\nB,2,1\nA,1,0\n";
    static final String HP = "{\"cat_field_list\": [\"c\", \"n\"], \"label_name\": \"y\"}";

    @TempDir
    Path tmp;

    /**
     * A case: prepares its input folder (a valid data set to start from) and returns the job's
     * arguments; {@code beforeFit}: the job must stop before the fit starts.
     */
    record Case(String name, int exitCode, String message, Map<String, String> env, Function<Layout, List<String>> setup,
            boolean beforeFit) {
        Case(String name, int exitCode, String message, Map<String, String> env, Function<Layout, List<String>> setup) {
            this(name, exitCode, message, env, setup, false);
        }
    }

    /** The folders of one case. */
    record Layout(Path input, Path output, Path hp, Path artifacts) {
        List<String> training() {
            return new ArrayList<>(List.of("--job-type", "training", "--input-dir", input.toString(), "--output-dir",
                    output.toString(), "--hyperparameters", hp.toString()));
        }

        List<String> validation() {
            return new ArrayList<>(List.of("--job-type", "validation", "--input-dir", input.toString(), "--output-dir",
                    output.toString(), "--model-artifacts-input", artifacts.toString()));
        }

        void write(String relative, String text) {
            JobHarness.write(input.resolve(relative), text);
        }

        void writeBytes(String relative, byte[] bytes) {
            try {
                Files.createDirectories(input.resolve(relative).getParent());
                Files.write(input.resolve(relative), bytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void delete(String relative) {
            try (Stream<Path> s = Files.walk(input.resolve(relative))) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void artifact(String name, String text) {
            JobHarness.write(artifacts.resolve(name), text);
        }
    }

    static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        Map<String, String> none = Map.of();
        c.add(new Case("input folder missing", 1, "input folder not found", none, l -> {
            l.delete("");
            return l.training();
        }));
        c.add(new Case("split folder missing", 1, "split folder not found", none, l -> {
            l.delete("val");
            return l.training();
        }));
        c.add(new Case("split without shards", 2, "no shards", none, l -> {
            l.delete("test/part-00000.csv");
            return l.training();
        }));
        c.add(new Case("shards of mixed formats", 2, "mixed formats", none, l -> {
            l.write("val/part-00001.tsv", "c\tn\ty\nA\t1\t1\n");
            return l.training();
        }));
        c.add(new Case("a file that is not a shard", 2, "notes.txt", none, l -> {
            l.write("train/notes.txt", "hello");
            return l.training();
        }));
        c.add(new Case("header differs between shards", 2, "header of part-00001.csv differs", none, l -> {
            l.write("train/part-00001.csv", "c,n,label\nA,1,1\n");
            return l.training();
        }));
        c.add(new Case("empty file", 2, "empty file", none, l -> {
            l.write("train/part-00001.csv", "");
            return l.training();
        }));
        c.add(new Case("duplicate header names", 2, "names column 'c' twice", none, l -> {
            for (String s : new String[] {"train", "val", "test"}) {
                l.write(s + "/part-00000.csv", "c,c,y\nA,1,1\n");
            }
            return l.training();
        }));
        c.add(new Case("ragged CSV row", 2, "Malformed CSV record: A,2", none, l -> {
            l.write("val/part-00000.csv", "c,n,y\nA,1,1\nA,2\n");
            return l.training();
        }));
        // with only text fields mapped, val is read as CSV records (CsvMapping), not Spark's rows
        c.add(new Case("ragged CSV row, text fields only", 2, "Malformed CSV record: A,2 (record 3 of", none, l -> {
            JobHarness.write(l.hp(), "{\"cat_field_list\": [\"c\"], \"label_name\": \"y\"}");
            l.write("val/part-00000.csv", "c,n,y\nA,1,1\nA,2\n");
            return l.training();
        }));
        c.add(new Case("bytes that are not UTF-8 in a CSV value, text fields only", 2, "field 'n' of", none, l -> {
            JobHarness.write(l.hp(), "{\"cat_field_list\": [\"c\"], \"label_name\": \"y\"}");
            l.writeBytes("val/part-00000.csv", latin1("c,n,y\nA,1,1\nB,2\u00e9,0\nC,\u00e9,1\n"));
            return l.training();
        }));
        c.add(new Case("corrupt Parquet shard", 2, "part-00000.parquet", none, l -> {
            l.delete("val/part-00000.csv");
            l.writeBytes("val/part-00000.parquet", "PAR1 this is not parquet".getBytes());
            return l.training();
        }));
        c.add(new Case("truncated gzip shard in val", 2, "split val: shard part-00000.csv.gz is not a complete gzip stream", none, l -> {
            l.delete("val/part-00000.csv");
            l.writeBytes("val/part-00000.csv.gz", truncated(gzip(DATA)));
            return l.training();
        }, true));
        // a gzipped shard longer than the header read's first million characters: found by the pass that
        // reads it (val's by Spark's CSV reader, train's by the fit, from CSV records: CsvFiles)
        for (String split : new String[] {"val", "train"}) {
            c.add(new Case("truncated gzip shard in " + split + ", past its first megabyte", 2, "split " + split
                    + ": shard part-00001.csv.gz is not a complete gzip stream (Unexpected end of input stream)", none, l -> {
                        l.delete(split + "/part-00000.csv");
                        l.writeBytes(split + "/part-00000.csv.gz", gzip(DATA));
                        l.writeBytes(split + "/part-00001.csv.gz", truncated(gzip(rows(200_000))));
                        return l.training();
                    }));
        }
        c.add(new Case("gzip shard that is not gzip", 2, "split val: shard part-00000.csv.gz is not gzip data", none, l -> {
            l.delete("val/part-00000.csv");
            l.write("val/part-00000.csv.gz", DATA);
            return l.training();
        }, true));
        c.add(new Case("corrupt Parquet footer in test", 2, "split test: shard part-00000.parquet is not a readable Parquet file", none, l -> {
            corruptParquet(l, "test", true);
            return l.training();
        }, true));
        c.add(new Case("corrupt Parquet page in val", 2, "split val: shard part-00000.parquet is not a readable Parquet file", none, l -> {
            corruptParquet(l, "val", false);
            return l.training();
        }));
        c.add(new Case("bytes that are not UTF-8 in a CSV value", 2, "field 'c' of", none, l -> {
            l.writeBytes("val/part-00000.csv", latin1("c,n,y\nA,1,1\nB\u00e9,2,0\n"));
            return l.training();
        }));
        c.add(new Case("bytes that are not UTF-8 in a CSV header", 2, "header column 2 holds bytes that are not valid UTF-8", none, l -> {
            l.writeBytes("train/part-00000.csv", latin1("c,n\u00b0,y\nA,1,1\n"));
            return l.training();
        }));
        c.add(new Case("label column missing", 2, "label column 'y' not found", none, l -> {
            JobHarness.write(l.hp(), "{\"cat_field_list\": [\"c\"], \"label_name\": \"y\"}");
            for (String s : new String[] {"train", "val", "test"}) {
                l.write(s + "/part-00000.csv", "c,n,label\nA,1,1\n");
            }
            return l.training();
        }));
        for (String bad : new String[] {"2", "yes", "0.5"}) {
            c.add(new Case("label value " + bad, 2, "'" + bad + "'", none, l -> {
                l.write("train/part-00000.csv", DATA + "B,1," + bad + "\n");
                return l.training();
            }));
        }
        c.add(new Case("every label null or -1", 2, "no labelled rows", none, l -> {
            l.write("train/part-00000.csv", "c,n,y\nA,1,-1\nB,2,\n");
            return l.training();
        }));
        c.add(new Case("field of cat_field_list missing", 2, "field 'missing' not found", none, l -> {
            JobHarness.write(l.hp(), "{\"cat_field_list\": [\"c\", \"missing\"], \"label_name\": \"y\"}");
            return l.training();
        }));
        c.add(new Case("mapped field missing from val", 2, "field 'n' not found in val", none, l -> {
            l.write("val/part-00000.csv", "c,y\nA,1\n");
            return l.training();
        }));
        c.add(new Case("hyperparameters missing", 1, "hyperparameters not found", none, l -> {
            l.hp().toFile().delete();
            return l.training();
        }));
        c.add(new Case("hyperparameters not JSON", 2, "not valid JSON", none, l -> {
            JobHarness.write(l.hp(), "{cat_field_list: [c");
            return l.training();
        }));
        c.add(new Case("negative smooth_factor", 2, "smooth_factor must be a number >= 0, got -0.5", none, l -> {
            JobHarness.write(l.hp(), "{\"cat_field_list\": [\"c\"], \"label_name\": \"y\", \"smooth_factor\": -0.5}");
            return l.training();
        }));
        c.add(new Case("smoothing without smoothing_mode count", 2, "smoothing 20 is given but smoothing_mode is \"fraction\"", none, l -> {
            JobHarness.write(l.hp(), "{\"cat_field_list\": [\"c\"], \"label_name\": \"y\", \"smoothing\": 20}");
            return l.training();
        }));
        c.add(new Case("negative smoothing", 2, "smoothing must be a number >= 0, got -1", none, l -> {
            JobHarness.write(l.hp(), "{\"cat_field_list\": [\"c\"], \"label_name\": \"y\", \"smoothing_mode\": \"count\", \"smoothing\": -1}");
            return l.training();
        }));
        c.add(new Case("unknown smoothing_mode", 2, "smoothing_mode must be one of fraction, count, auto, got \"bayes\"", none, l -> {
            JobHarness.write(l.hp(), "{\"cat_field_list\": [\"c\"], \"label_name\": \"y\", \"smoothing_mode\": \"bayes\"}");
            return l.training();
        }));
        c.add(new Case("too many categories with high_cardinality error", 2,
                "column 'c' has 2 distinct values, not below maxUniqueThreshold 2 (highCardinality 'error'", none, l -> {
            JobHarness.write(l.hp(), "{\"cat_field_list\": [\"c\"], \"label_name\": \"y\", \"max_unique_threshold\": 2, "
                    + "\"high_cardinality\": \"error\"}");
            return l.training();
        }));
        c.add(new Case("count_threshold below 0", 2, "count_threshold must be an integer >= 0, got -1", none, l -> {
            JobHarness.write(l.hp(), "{\"cat_field_list\": [\"c\"], \"label_name\": \"y\", \"count_threshold\": -1}");
            return l.training();
        }));
        c.add(new Case("count_threshold of the wrong type", 2, "count_threshold must be an integer >= 0, got \"5\"", none, l -> {
            JobHarness.write(l.hp(), "{\"cat_field_list\": [\"c\"], \"label_name\": \"y\", \"count_threshold\": \"5\"}");
            return l.training();
        }));
        c.add(new Case("unknown encoding", 2, "encoding must be \"risk_table\" or \"woe\", got \"onehot\"", none, l -> {
            JobHarness.write(l.hp(), "{\"cat_field_list\": [\"c\"], \"label_name\": \"y\", \"encoding\": \"onehot\"}");
            return l.training();
        }));
        c.add(new Case("woe encoding with num_folds", 2, "num_folds applies to the risk_table encoding only", none, l -> {
            JobHarness.write(l.hp(), "{\"cat_field_list\": [\"c\"], \"label_name\": \"y\", \"encoding\": \"woe\", \"num_folds\": 5}");
            return l.training();
        }));
        c.add(new Case("woe encoding with label value yes", 2, "label column 'y' holds values outside {0, 1, -1, null}: [0, 1, yes]", none, l -> {
            JobHarness.write(l.hp(), "{\"cat_field_list\": [\"c\"], \"label_name\": \"y\", \"encoding\": \"woe\"}");
            l.write("train/part-00000.csv", DATA + "B,1,yes\n");
            return l.training();
        }));
        c.add(new Case("empty cat_field_list", 2, "cat_field_list is empty", none, l -> {
            JobHarness.write(l.hp(), "{\"cat_field_list\": [], \"label_name\": \"y\"}");
            return l.training();
        }));
        c.add(new Case("environment override not a number", 2, "SMOOTH_FACTOR='lots'", Map.of("SMOOTH_FACTOR", "lots"), Layout::training));
        c.add(new Case("environment override not an integer", 2, "COUNT_THRESHOLD='2.5'", Map.of("COUNT_THRESHOLD", "2.5"), Layout::training));
        c.add(new Case("output equal to input", 2, "overlaps the input", none, l -> {
            List<String> a = l.training();
            a.set(5, l.input().toString());
            return a;
        }));
        c.add(new Case("output inside input", 2, "overlaps the input", none, l -> {
            List<String> a = l.training();
            a.set(5, l.input().resolve("train/out").toString());
            return a;
        }));
        c.add(new Case("output exists, no --overwrite", 2, "pass --overwrite", none, l -> {
            JobHarness.write(l.output().resolve("train/part-00000.csv"), "old");
            return l.training();
        }));
        c.add(new Case("output folder holds another file, no --overwrite", 2, "is not empty; pass --overwrite", none, l -> {
            JobHarness.write(l.output().resolve("notes.txt"), "keep me");
            return l.training();
        }));
        c.add(new Case("artifacts input inside the output", 2, "--model-artifacts-input", none, l -> {
            l.write("validation/part-00000.csv", DATA);
            JobHarness.write(l.output().resolve("model_artifacts/hyperparameters.json"), HP);
            List<String> a = l.validation();
            a.set(7, l.output().resolve("model_artifacts").toString());
            return a;
        }));
        c.add(new Case("artifacts output holding the output", 2, "holds the output folder", none, l -> {
            List<String> a = l.training();
            a.set(5, l.output().resolve("mapped").toString());
            a.addAll(List.of("--model-artifacts-output", l.output().toString()));
            return a;
        }));
        c.add(new Case("output folder is a file, with --overwrite", 2, "is a file", none, l -> {
            JobHarness.write(l.output(), "not a folder");
            List<String> a = l.training();
            a.add("--overwrite");
            return a;
        }));
        c.add(new Case("artifacts output is a file, with --overwrite", 2, "--model-artifacts-output", none, l -> {
            Path file = l.input().getParent().resolve("artifacts-file");
            JobHarness.write(file, "not a folder");
            List<String> a = l.training();
            a.addAll(List.of("--model-artifacts-output", file.toString(), "--overwrite"));
            return a;
        }));
        c.add(new Case("input through a link, output its real path, with --overwrite", 2, "link-to-in, which is file:", none, l -> {
            List<String> a = l.training();
            a.set(3, link(l.input().getParent().resolve("link-to-in"), l.input()).toString());
            a.set(5, l.input().toString());
            a.add("--overwrite");
            return a;
        }));
        c.add(new Case("output through a link to the input, with --overwrite", 2, "link-to-in, which is file:", none, l -> {
            List<String> a = l.training();
            a.set(5, link(l.input().getParent().resolve("link-to-in"), l.input()).toString());
            a.add("--overwrite");
            return a;
        }));
        c.add(new Case("output claimed by a live run", 2, "is claimed by another run", none, l -> {
            // a lock as a run in this very process would hold it: alive, refreshed just now
            JobHarness.write(l.output().getParent().resolve(".out.risk-table-mapping-lock"), "{\"host\": \"" + OutputClaim.host()
                    + "\", \"pid\": " + ProcessHandle.current().pid() + ", \"start\": \"2026-01-01T00:00:00Z\", \"run_id\": \"other\"}");
            return l.training();
        }));
        c.add(new Case("unknown hyperparameters key, with --strict", 2, "unknown key 'smoothing_factor' (did you mean 'smooth_factor'?)",
                none, l -> {
            JobHarness.write(l.hp(), "{\"cat_field_list\": [\"c\"], \"label_name\": \"y\", \"smoothing_factor\": 0.5}");
            List<String> a = l.training();
            a.add("--strict");
            return a;
        }));
        c.add(new Case("one label class on train", 2, "has one class only on train: 0 event(s) (1) and 3 non-event(s) (0)", none, l -> {
            l.write("train/part-00000.csv", "c,n,y\nA,1,0\nB,2,0\nA,1,0\nB,1,-1\n");
            return l.training();
        }));
        c.add(new Case("unknown option", 2, "Unknown option: '--smooth'", none, l -> {
            List<String> a = l.training();
            a.add("--smooth");
            return a;
        }));
        c.add(new Case("unknown job type", 2, "unknown job type 'train'", none, l -> {
            List<String> a = l.training();
            a.set(1, "train");
            return a;
        }));
        c.add(new Case("validation without artifacts option", 2, "--model-artifacts-input is required", none, l -> {
            l.write("validation/part-00000.csv", DATA);
            List<String> a = l.validation();
            return a.subList(0, 6);
        }));
        c.add(new Case("validation without risk tables", 1, "no risk_table_map.json or risk_table_map.pkl", none, l -> {
            l.write("validation/part-00000.csv", DATA);
            l.artifact("hyperparameters.json", HP);
            return l.validation();
        }));
        c.add(new Case("truncated JSON artifact", 2, "risk_table_map.json: not valid JSON", none, l -> {
            l.write("validation/part-00000.csv", DATA);
            l.artifact("risk_table_map.json", "{\"format\": \"risk_table_map\", \"format_version\": 1, \"risk_tables\": {\"c\": {\"mo");
            return l.validation();
        }));
        c.add(new Case("tampered JSON artifact", 2, "bin 'A' must be a number", none, l -> {
            l.write("validation/part-00000.csv", DATA);
            l.artifact("risk_table_map.json", "{\"format\": \"risk_table_map\", \"format_version\": 1, \"risk_tables\": {\"c\": "
                    + "{\"varName\": \"c\", \"type\": \"categorical\", \"mode\": \"categorical\", \"default_bin\": 0.4, \"bins\": {\"A\": \"x\"}}}}");
            return l.validation();
        }));
        c.add(new Case("artifact of a newer format version", 2, "format_version 9 is newer", none, l -> {
            l.write("validation/part-00000.csv", DATA);
            l.artifact("risk_table_map.json", "{\"format\": \"risk_table_map\", \"format_version\": 9, \"risk_tables\": {}}");
            return l.validation();
        }));
        c.add(new Case("unsafe pickle artifact", 2, "refused pickle opcode", none, l -> {
            l.write("validation/part-00000.csv", DATA);
            try {
                Files.createDirectories(l.artifacts());
                Files.write(l.artifacts().resolve("risk_table_map.pkl"), "cos\nsystem\n(S'echo pwned'\ntR.".getBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return l.validation();
        }));
        return c;
    }

    /** Some bytes gzipped. */
    static byte[] gzip(byte[] bytes) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (java.io.OutputStream gz = new java.util.zip.GZIPOutputStream(out)) {
            gz.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] gzip(String text) {
        return gzip(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** The bytes without their last 30: a gzip stream cut short (its trailer and the end of its data gone). */
    static byte[] truncated(byte[] bytes) {
        return java.util.Arrays.copyOf(bytes, bytes.length - 30);
    }

    /** {@link #DATA}'s header and {@code n} varied rows (about 10 characters each). */
    static String rows(int n) {
        StringBuilder text = new StringBuilder("c,n,y\n");
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < n; i++) {
            text.append((char) ('A' + random.nextInt(20))).append(random.nextInt(1000)).append(',').append(random.nextInt(9))
                    .append(',').append(random.nextInt(2)).append('\n');
        }
        return text.toString();
    }

    /**
     * Replaces the split's CSV shard by a Parquet shard of {@link #DATA} with 30 bytes flipped: the
     * first of its footer, or of its first page's header (after the magic number).
     */
    static void corruptParquet(Layout l, String split, boolean inFooter) {
        l.delete(split + "/part-00000.csv");
        byte[] parquet = parquet(l.input().resolveSibling("parquet-scratch"), DATA);
        int footer = (parquet[parquet.length - 8] & 0xff) | (parquet[parquet.length - 7] & 0xff) << 8; // its length (little-endian, < 64 KiB)
        int from = inFooter ? parquet.length - 8 - footer : 4;
        for (int i = from; i < from + 30; i++) {
            parquet[i] ^= 0x5a;
        }
        l.writeBytes(split + "/part-00000.parquet", parquet);
    }

    /** The bytes of a Parquet file of this CSV text, written by Spark in a scratch folder. */
    static byte[] parquet(Path scratch, String csv) {
        JobHarness.write(scratch.resolve("in.csv"), csv);
        SparkTestSession.get().read().option("header", "true").csv(scratch.resolve("in.csv").toString()).coalesce(1).write()
                .parquet(scratch.resolve("out").toString());
        try (Stream<Path> files = Files.list(scratch.resolve("out"))) {
            return Files.readAllBytes(files.filter(f -> f.getFileName().toString().endsWith(".parquet")).findFirst().orElseThrow());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Text in ISO-8859-1: bytes that are not valid UTF-8 for every character above U+007F. */
    static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path link(Path link, Path target) {
        try {
            return Files.createSymbolicLink(link, target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] latin1(String text) {
        return text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** Every case is a row of docs/errors.md with the same exit code. */
    @Test
    void everyCaseIsDocumented() throws IOException {
        String doc = Files.readString(SparkTestSession.repoRoot().resolve("docs/errors.md"));
        for (Case k : cases()) {
            assertTrue(doc.contains("| " + k.name() + " | " + k.exitCode() + " |"), "docs/errors.md lacks the row '| " + k.name()
                    + " | " + k.exitCode() + " |'");
        }
    }

    @TestFactory
    Stream<DynamicTest> eachBadInputGetsItsExitCodeAndLeavesNoOutput() throws IOException {
        SparkTestSession.get();
        // The messages seen, as docs/errors.md rows (target/errors-table.md), to keep the doc true.
        Path table = SparkTestSession.repoRoot().resolve("spark-job/target/errors-table.md");
        Files.createDirectories(table.getParent());
        Files.writeString(table, "");
        return cases().stream().map(k -> DynamicTest.dynamicTest(k.name(), () -> {
            Path dir = tmp.resolve(k.name().replaceAll("[^a-zA-Z0-9]+", "-"));
            Layout l = new Layout(dir.resolve("in"), dir.resolve("out"), dir.resolve("hp.json"), dir.resolve("artifacts"));
            for (String s : new String[] {"train", "val", "test"}) {
                l.write(s + "/part-00000.csv", DATA);
            }
            JobHarness.write(l.hp(), HP);
            Files.createDirectories(l.artifacts());
            List<String> args = k.setup().apply(l);
            Map<String, String> before = Files.exists(l.input()) ? JobHarness.checksums(l.input()) : Map.of();
            Map<String, String> outBefore = Files.exists(l.output()) ? JobHarness.checksums(l.output()) : null;
            List<String> hiddenBefore = JobHarness.names(dir).stream().filter(n -> n.startsWith(".")).toList();
            Map<String, String> env = new HashMap<>(k.env());
            JobHarness.Result r = JobHarness.run(env, args.toArray(new String[0]));
            assertEquals(k.exitCode(), r.exitCode(), r.toString());
            String firstLine = r.err().lines().filter(s -> s.startsWith("risk-table-mapping: error:")).findFirst().orElse("");
            assertTrue(firstLine.contains(k.message()), "expected '" + k.message() + "' in the error line:\n" + r);
            Files.writeString(table, "| " + k.name() + " | " + r.exitCode() + " | `" + firstLine.replace(dir.toString(), "…")
                    .replace("risk-table-mapping: error: ", "") + "` |\n", java.nio.file.StandardOpenOption.APPEND);
            assertTrue(r.out().isEmpty(), "no summary on failure: " + r.out());
            if (k.beforeFit()) {
                assertFalse(r.err().contains("] fit:"), "stopped before the fit:\n" + r);
            }
            if (Files.exists(l.input())) {
                assertEquals(before, JobHarness.checksums(l.input()), "input unchanged");
            }
            if (outBefore == null) {
                assertFalse(Files.exists(l.output()), "nothing written: " + JobHarness.names(l.output()));
            } else {
                assertEquals(outBefore, JobHarness.checksums(l.output()), "existing output unchanged");
            }
            assertEquals(hiddenBefore, JobHarness.names(dir).stream().filter(n -> n.startsWith(".")).toList(),
                    "no staging folder or lock left");
        }));
    }

    @Test
    void overwriteReplacesAnExistingOutput() {
        Path in = tmp.resolve("ow-in");
        for (String s : new String[] {"train", "val", "test"}) {
            JobHarness.write(in.resolve(s).resolve("part-00000.csv"), DATA);
        }
        Path hp = tmp.resolve("ow-hp.json");
        JobHarness.write(hp, HP);
        Path out = tmp.resolve("ow-out");
        JobHarness.write(out.resolve("train/part-00099.csv"), "stale");
        JobHarness.Result r = JobHarness.run("--job-type", "training", "--input-dir", in.toString(), "--output-dir", out.toString(),
                "--hyperparameters", hp.toString(), "--overwrite");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(List.of("part-00000.csv"), JobHarness.names(out.resolve("train")), "the old split folder is replaced");
    }

    /*
     * An output below folders that do not exist: a run that fails once its staging folder is there
     * (val lacks a mapped field) leaves none of the folders it made; a run that succeeds keeps them.
     */
    @Test
    void aFailedRunLeavesNoneOfTheOutputsParentFolders() {
        Path in = JobHarness.writeSplits(tmp.resolve("np-in"), DATA);
        Path hp = tmp.resolve("np-hp.json");
        JobHarness.write(hp, HP);
        Path out = tmp.resolve("np-out/a/b/out");
        JobHarness.write(in.resolve("val/part-00000.csv"), "c,y\nA,1\n");
        JobHarness.Result failed = JobHarness.run("--job-type", "training", "--input-dir", in.toString(), "--output-dir", out.toString(),
                "--hyperparameters", hp.toString(), "--no-report");
        assertEquals(2, failed.exitCode(), failed.toString());
        assertTrue(failed.err().contains("transform train:"), "failed after the train split was written:\n" + failed);
        assertFalse(Files.exists(tmp.resolve("np-out")), "no parent folder left: " + JobHarness.names(tmp));
        JobHarness.write(in.resolve("val/part-00000.csv"), DATA);
        JobHarness.Result r = JobHarness.run("--job-type", "training", "--input-dir", in.toString(), "--output-dir", out.toString(),
                "--hyperparameters", hp.toString(), "--no-report");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(List.of("out"), JobHarness.names(tmp.resolve("np-out/a/b")), "the output only, no lock or staging folder beside it");
    }

    /**
     * Hadoop's local file system writes a hidden checksum sidecar ({@code .NAME.crc}) beside each file
     * it writes; once the file is edited the sidecar is stale. Stale sidecars beside every shard do
     * not fail the run, and the output is that of the same input without them: CSV (the header read,
     * the fit from CSV records, the transform from Spark's rows) and Parquet (the footer read, Spark's
     * Parquet reader).
     */
    @Test
    void staleChecksumSidecarsAreIgnored() throws IOException {
        Path hp = tmp.resolve("crc-hp.json");
        JobHarness.write(hp, HP);
        for (String format : new String[] {"csv", "parquet"}) {
            Path plain = tmp.resolve("crc-" + format + "-plain");
            for (String s : new String[] {"train", "val", "test"}) {
                if (format.equals("csv")) {
                    JobHarness.write(plain.resolve(s).resolve("part-00000.csv"), DATA);
                } else {
                    Files.createDirectories(plain.resolve(s));
                    Files.write(plain.resolve(s).resolve("part-00000.parquet"), parquet(tmp.resolve("crc-scratch-" + s), DATA));
                }
            }
            Path stale = tmp.resolve("crc-" + format + "-stale");
            JobHarness.copyTree(plain, stale);
            org.apache.hadoop.fs.FileSystem local = org.apache.hadoop.fs.FileSystem.newInstanceLocal(new org.apache.hadoop.conf.Configuration());
            for (String s : new String[] {"train", "val", "test"}) {
                Path shard = stale.resolve(s).resolve("part-00000." + format);
                byte[] edited = Files.readAllBytes(shard);
                try (java.io.OutputStream out = local.create(new org.apache.hadoop.fs.Path(shard.toUri()), true)) {
                    out.write("the shard before an edit\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
                }
                Files.write(shard, edited); // the edit: the sidecar Hadoop wrote no longer matches
                assertTrue(Files.exists(shard.resolveSibling(".part-00000." + format + ".crc")), "a sidecar beside " + shard);
            }
            Map<String, String> before = JobHarness.checksums(stale);
            Map<String, Map<String, String>> outputs = new HashMap<>();
            for (Path in : List.of(plain, stale)) {
                Path out = tmp.resolve(in.getFileName() + "-out");
                JobHarness.Result r = JobHarness.run("--job-type", "training", "--input-dir", in.toString(), "--output-dir", out.toString(),
                        "--hyperparameters", hp.toString(), "--no-report");
                assertEquals(0, r.exitCode(), r.toString());
                Map<String, String> written = JobHarness.checksums(out);
                written.keySet().removeIf(f -> !f.endsWith("." + format) && !f.endsWith("risk_table_map.json"));
                outputs.put(in == plain ? "plain" : "stale", written);
            }
            assertEquals(outputs.get("plain"), outputs.get("stale"), format + ": the same output with stale sidecars");
            assertEquals(4, outputs.get("stale").size(), format + ": three shards and the tables: " + outputs.get("stale"));
            assertEquals(before, JobHarness.checksums(stale), format + ": input and sidecars unchanged");
        }
    }

    @Test
    void anUnknownKeyIsAWarningNamingTheNearestKeyAndIsKeptApart() throws IOException {
        Path in = JobHarness.writeSplits(tmp.resolve("uk-in"), DATA);
        Path hp = tmp.resolve("uk-hp.json");
        JobHarness.write(hp, "{\"cat_field_list\": [\"c\"], \"label_name\": \"y\", \"smoothing_factor\": 0.5, \"model_class\": \"xgb\"}");
        Path out = tmp.resolve("uk-out");
        JobHarness.Result r = JobHarness.run("--job-type", "training", "--input-dir", in.toString(), "--output-dir", out.toString(),
                "--hyperparameters", hp.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.err().contains("warning: " + hp + ": unknown keys 'smoothing_factor' (did you mean 'smooth_factor'?), 'model_class': not used"),
                r.err());
        com.fasterxml.jackson.databind.JsonNode written = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(out.resolve("model_artifacts/hyperparameters.json").toFile());
        assertEquals(0.01, written.get("smooth_factor").doubleValue(), "the default was used, and is written");
        assertFalse(written.has("smoothing_factor"), "the unknown key is not beside the used ones");
        assertEquals(0.5, written.get("unknown_keys").get("smoothing_factor").doubleValue());
        assertEquals("xgb", written.get("unknown_keys").get("model_class").textValue());
    }

    @Test
    void oneLabelClassIsAWarningWithAllowSingleClass() {
        Path in = JobHarness.writeSplits(tmp.resolve("one-in"), DATA);
        JobHarness.write(in.resolve("train/part-00000.csv"), "c,n,y\nA,1,1\nB,2,1\nA,1,1\n");
        Path hp = tmp.resolve("one-hp.json");
        JobHarness.write(hp, HP);
        Path out = tmp.resolve("one-out");
        JobHarness.Result r = JobHarness.run("--job-type", "training", "--input-dir", in.toString(), "--output-dir", out.toString(),
                "--hyperparameters", hp.toString(), "--allow-single-class");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.err().contains("warning: label column 'y' has one class only on train: 3 event(s) (1) and 0 non-event(s) (0)"), r.err());
        // every value gets the prior, 1
        assertEquals(List.of("c,n,y", "1.0,1.0,1", "1.0,1.0,0", "1.0,1.0,0", "1.0,1.0,1", "1.0,1.0,0"),
                readLines(out.resolve("val/part-00000.csv")));
    }

    @Test
    void helpExplainsEveryOptionAndExitsZero() {
        JobHarness.Result r = JobHarness.run("--help");
        assertEquals(0, r.exitCode());
        for (String opt : new String[] {"--job-type", "--input-dir", "--output-dir", "--hyperparameters", "--model-artifacts-input",
            "--model-artifacts-output", "--master", "--overwrite", "--strict", "--allow-single-class", "SMOOTH_FACTOR", "Exit codes"}) {
            assertTrue(r.out().contains(opt), opt + " in\n" + r.out());
        }
    }
}
