package io.riskmapping.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.riskmapping.testing.SparkTestSession;

/**
 * The README's example output ("What the run prints") against a real run of the README's own run
 * command on German Credit: the same lines in the same order, once paths and numbers (timings,
 * counts, versions, statistics) are replaced by placeholders. So the README cannot drift from what
 * the job prints.
 */
class ReadmeExampleTest {

    @TempDir
    Path tmp;

    @Test
    void readmeExampleOutputHasTheShapeOfARealRun() throws IOException {
        String readme = Files.readString(SparkTestSession.repoRoot().resolve("README.md"));

        JobHarness.Result run = JobHarness.run(jobArguments(runCommand(readme), tmp.resolve("german-credit")));
        assertEquals(0, run.exitCode(), run.toString());

        // what a terminal shows: the progress lines (stderr) while the job runs, then the summary (stdout)
        List<String> real = new ArrayList<>(run.err().lines().toList());
        real.addAll(run.out().lines().toList());
        assertEquals(shapes(exampleOutput(readme)), shapes(real), "README example output against a real run:\n" + run);
    }

    @Test
    void shapesKeepTheWordsAndReplacePathsAndNumbers() {
        assertEquals(List.of("[risk-table-mapping] fit: done in # s (# Spark jobs): # fields mapped, # skipped; # fitted rows, prior #",
                "[risk-table-mapping] publish: moving the staged folder to <path> (one rename)",
                "checking_status # # [#, #] #"),
                shapes(List.of("[risk-table-mapping] fit: done in 12.3 s (1 Spark jobs): 13 fields mapped, 0 skipped; 600 fitted rows, prior 0.333333",
                        "[risk-table-mapping] publish: moving the staged folder to file:/a/b-c/out/german-credit (one rename)",
                        "    checking_status       0.9453   0.1721  [0.6081, 1.2825]     4")));
    }

    /** The command of the README's {@code <!-- ci:run -->} block, as words. */
    static List<String> runCommand(String readme) {
        String block = between(readme, "<!-- ci:run -->", "<!-- /ci:run -->");
        List<String> lines = fenced(block);
        assertEquals(1, lines.size(), "one command line in the ci:run block: " + lines);
        List<String> words = Arrays.asList(lines.get(0).trim().split("\\s+"));
        assertEquals("scripts/risk-table-mapping", words.get(0));
        return words.subList(1, words.size());
    }

    /** The command's job options, with its relative paths taken from the repository root and the output in {@code output}. */
    static String[] jobArguments(List<String> command, Path output) {
        Path root = SparkTestSession.repoRoot();
        List<String> args = new ArrayList<>();
        for (int i = 0; i < command.size(); i++) {
            String word = command.get(i);
            args.add(word);
            if (word.equals("--output-dir")) {
                args.add(output.toString());
                i++;
            } else if (word.equals("--input-dir") || word.equals("--hyperparameters")) {
                args.add(root.resolve(command.get(++i)).toString());
            }
        }
        assertTrue(args.contains("--output-dir"), "the run command names an output folder: " + command);
        return args.toArray(String[]::new);
    }

    /** The first fenced block after the heading "## What the run prints". */
    static List<String> exampleOutput(String readme) {
        int heading = readme.indexOf("\n## What the run prints\n");
        assertTrue(heading >= 0, "README has the section \"What the run prints\"");
        List<String> lines = fenced(readme.substring(heading));
        assertFalse(lines.isEmpty(), "the section shows an example output");
        return lines;
    }

    /** The lines of the first ``` block in {@code text}. */
    private static List<String> fenced(String text) {
        int open = text.indexOf("```\n");
        int close = text.indexOf("\n```", open + 3);
        assertTrue(open >= 0 && close > open, "a fenced block");
        return text.substring(open + 4, close + 1).lines().toList();
    }

    private static String between(String text, String from, String to) {
        int start = text.indexOf(from);
        int end = text.indexOf(to, start);
        assertTrue(start >= 0 && end > start, from + " ... " + to);
        return text.substring(start, end);
    }

    /**
     * A line's shape: each Hadoop path {@code file:...} becomes {@code <path>}, each number (digits,
     * with decimals or version dots) {@code #}, and runs of blanks one space (columns widen with
     * their numbers).
     */
    static List<String> shapes(List<String> lines) {
        return lines.stream()
                .map(l -> l.replaceAll("file:\\S+", "<path>").replaceAll("\\d+(\\.\\d+)*", "#").replaceAll("\\s+", " ").strip())
                .collect(Collectors.toList());
    }
}
