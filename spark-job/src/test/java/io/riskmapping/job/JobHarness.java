package io.riskmapping.job;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import com.univocity.parsers.csv.CsvParser;
import com.univocity.parsers.csv.CsvParserSettings;

import io.riskmapping.testing.SparkTestSession;

/** Runs the job in-process on the shared test SparkSession and reads what it wrote, independently of the job's code. */
final class JobHarness {

    /** What one run printed and returned. */
    record Result(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    private JobHarness() {
    }

    static Result run(Map<String, String> env, String... args) {
        SparkTestSession.get();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = RiskTableMappingJob.run(args, env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Result run(String... args) {
        return run(Map.of(), args);
    }

    static Path hyperparameters() {
        return SparkTestSession.repoRoot().resolve("conf/german-credit/hyperparameters.json");
    }

    static String[] training(Path input, Path output) {
        return new String[] {"--job-type", "training", "--input-dir", input.toString(), "--output-dir", output.toString(),
            "--hyperparameters", hyperparameters().toString()};
    }

    /** Rows of a CSV/TSV shard (header first), parsed with univocity as RFC 4180 text; gunzips .gz. */
    static List<String[]> readText(Path file) {
        CsvParserSettings s = new CsvParserSettings();
        s.getFormat().setDelimiter(file.toString().contains(".tsv") ? '\t' : ',');
        s.getFormat().setQuote('"');
        s.getFormat().setQuoteEscape('"');
        s.setLineSeparatorDetectionEnabled(true);
        s.setIgnoreLeadingWhitespaces(false);
        s.setIgnoreTrailingWhitespaces(false);
        s.setNullValue(null);
        s.setEmptyValue("");
        s.setMaxCharsPerColumn(-1);
        try (InputStream raw = Files.newInputStream(file);
                InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw) {
            return new CsvParser(s).parseAll(in, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies a folder tree. */
    static void copyTree(Path from, Path to) {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Relative path -> SHA-256 of every file below a folder: to prove the input is untouched. */
    static Map<String, String> checksums(Path dir) {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(p)) {
                    out.put(dir.relativize(p).toString(), sha256(Files.readAllBytes(p)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** SHA-256 of some bytes, in hex. */
    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** File names in a folder, sorted; empty when it does not exist. */
    static List<String> names(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            List<String> out = new ArrayList<>();
            s.forEach(p -> out.add(p.getFileName().toString()));
            out.sort(null);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code data} as the one shard {@code part-00000.csv} of each of train, val and test under {@code in}; returns {@code in}. */
    static Path writeSplits(Path in, String data) {
        for (String split : new String[] {"train", "val", "test"}) {
            write(in.resolve(split).resolve("part-00000.csv"), data);
        }
        return in;
    }

    static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
