package io.riskmapping.artifacts.bench;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.IntFunction;

import io.riskmapping.artifacts.ArtifactScorers;
import io.riskmapping.artifacts.ImputeDict;
import io.riskmapping.artifacts.RiskScorer;
import io.riskmapping.artifacts.RiskTable;
import io.riskmapping.artifacts.RiskTableMap;

/**
 * Micro-benchmark of single-record scoring latency. Not a unit test (Surefire does not run it):
 * run it with {@code scripts/bench-scorer.sh}.
 *
 * <p>Tables: the 13 categorical fields of German Credit with their real categories (2&ndash;10
 * bins each), one categorical table of 10,000 categories ({@code merchant_id}) and one
 * numeric-mode table ({@code duration}, the 33 German Credit durations); an impute dict for
 * {@code duration}, {@code credit_amount} and {@code age}. Records: 22 fields (the 20 German Credit
 * attributes, {@code merchant_id}, {@code class}) as text, as read from CSV, drawn from a pool of
 * 4,096 records with about 3% unseen categories, 17% unseen merchant ids and 5% missing numbers.
 *
 * <p>Measured, single-threaded, each case after its own warm-up:
 * <ul>
 *   <li>{@code ArtifactScorers.score(record)}: every call timed with {@link System#nanoTime()}
 *       (exact histogram at 1 ns resolution), so the median and p99 are per-call latencies and
 *       include one {@code nanoTime} pair (its cost is printed); throughput from a separate loop
 *       without timers;</li>
 *   <li>{@code RiskScorer.score(value)}: too fast to time one call, so calls are timed in batches
 *       of {@value #BATCH}; median and p99 are over the per-call averages of the batches.</li>
 * </ul>
 *
 * <p>Options: {@code --warmup SECONDS} (default 5), {@code --seconds SECONDS} (default 10, per
 * case), {@code --seed N}.
 */
public final class ScorerLatencyBenchmark {

    private static final int POOL = 4096;
    private static final int BATCH = 1000;
    /** Latencies up to this many ns are counted exactly; longer ones in one overflow bucket (max kept). */
    private static final int HISTOGRAM_NS = 1_000_000;

    static final Map<String, List<String>> GERMAN_CREDIT = new LinkedHashMap<>();

    static {
        GERMAN_CREDIT.put("checking_status", List.of("0<=X<200", "<0", ">=200", "no checking"));
        GERMAN_CREDIT.put("credit_history", List.of("all paid", "critical/other existing credit", "delayed previously",
                "existing paid", "no credits/all paid"));
        GERMAN_CREDIT.put("purpose", List.of("business", "domestic appliance", "education", "furniture/equipment", "new car",
                "other", "radio/tv", "repairs", "retraining", "used car"));
        GERMAN_CREDIT.put("savings_status", List.of("100<=X<500", "500<=X<1000", "<100", ">=1000", "no known savings"));
        GERMAN_CREDIT.put("employment", List.of("1<=X<4", "4<=X<7", "<1", ">=7", "unemployed"));
        GERMAN_CREDIT.put("personal_status", List.of("female div/dep/mar", "male div/sep", "male mar/wid", "male single"));
        GERMAN_CREDIT.put("other_parties", List.of("co applicant", "guarantor", "none"));
        GERMAN_CREDIT.put("property_magnitude", List.of("car", "life insurance", "no known property", "real estate"));
        GERMAN_CREDIT.put("other_payment_plans", List.of("bank", "none", "stores"));
        GERMAN_CREDIT.put("housing", List.of("for free", "own", "rent"));
        GERMAN_CREDIT.put("job", List.of("high qualif/self emp/mgmt", "skilled", "unemp/unskilled non res", "unskilled resident"));
        GERMAN_CREDIT.put("own_telephone", List.of("none", "yes"));
        GERMAN_CREDIT.put("foreign_worker", List.of("no", "yes"));
    }

    static final int[] DURATIONS = {4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 18, 20, 21, 22, 24, 26, 27, 28, 30, 33,
        36, 39, 40, 42, 45, 47, 48, 54, 60, 72};

    static final int MERCHANTS = 10_000;

    /** Field order of a record: German Credit's ARFF order, then merchant_id and class. */
    static final List<String> RECORD_FIELDS = List.of("checking_status", "duration", "credit_history", "purpose",
            "credit_amount", "savings_status", "employment", "installment_commitment", "personal_status", "other_parties",
            "residence_since", "property_magnitude", "age", "other_payment_plans", "housing", "existing_credits", "job",
            "num_dependents", "own_telephone", "foreign_worker", "merchant_id", "class");

    /** Keeps results alive so the JIT cannot drop the work. */
    private static volatile long sink;

    private ScorerLatencyBenchmark() {
    }

    public static void main(String[] args) {
        double warmup = 5;
        double seconds = 10;
        long seed = 20240517L;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--warmup" -> warmup = Double.parseDouble(args[++i]);
                case "--seconds" -> seconds = Double.parseDouble(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (options: --warmup SECONDS, --seconds SECONDS, --seed N)");
            }
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        RiskTableMap tables = tables(rnd);
        ImputeDict impute = new ImputeDict(Map.of("duration", 20.903, "credit_amount", 3271.258, "age", 35.546));
        ArtifactScorers scorers = ArtifactScorers.of(tables, impute);
        List<Map<String, Object>> records = records(rnd);

        printEnvironment(tables, warmup, seconds);
        long overhead = nanoTimeOverhead();
        System.out.printf(Locale.ROOT, "System.nanoTime() pair overhead (median): %d ns%n%n", overhead);
        System.out.printf(Locale.ROOT, "%-52s %12s %12s %18s%n", "case", "median", "p99", "throughput");

        recordCase(scorers, records, warmup, seconds);

        String[] purposeValues = values(i -> pick(rnd, GERMAN_CREDIT.get("purpose"), 0.03, "unseen purpose"));
        valueCase("RiskScorer.score, purpose (10 bins, text)", scorers.risk("purpose"), purposeValues, warmup, seconds);
        String[] merchantValues = values(i -> String.format(Locale.ROOT, "m%05d", rnd.nextInt(MERCHANTS * 6 / 5)));
        valueCase("RiskScorer.score, merchant_id (10,000 bins, text)", scorers.risk("merchant_id"), merchantValues, warmup, seconds);
        String[] durationText = values(i -> Integer.toString(DURATIONS[rnd.nextInt(DURATIONS.length)] + (rnd.nextInt(20) == 0 ? 1 : 0)));
        valueCase("RiskScorer.score, duration (numeric, text \"24\")", scorers.risk("duration"), durationText, warmup, seconds);
        Integer[] durationInts = new Integer[POOL];
        for (int i = 0; i < POOL; i++) {
            durationInts[i] = DURATIONS[rnd.nextInt(DURATIONS.length)];
        }
        valueCase("RiskScorer.score, duration (numeric, Integer 24)", scorers.risk("duration"), durationInts, warmup, seconds);
        System.out.printf(Locale.ROOT, "%nload average at the end: %s (sink %d)%n", loadAverage(), sink);
    }

    // ------------------------------------------------------------------ data

    static RiskTableMap tables(SplittableRandom rnd) {
        List<RiskTable> out = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : GERMAN_CREDIT.entrySet()) {
            Map<Object, Double> bins = new LinkedHashMap<>();
            for (String c : e.getValue()) {
                bins.put(c, 0.1 + 0.5 * rnd.nextDouble());
            }
            out.add(new RiskTable(e.getKey(), RiskTable.Mode.CATEGORICAL, 1 / 3.0, bins));
        }
        Map<Object, Double> merchants = new LinkedHashMap<>();
        for (int m = 0; m < MERCHANTS; m++) {
            merchants.put(String.format(Locale.ROOT, "m%05d", m), rnd.nextDouble());
        }
        out.add(new RiskTable("merchant_id", RiskTable.Mode.CATEGORICAL, 1 / 3.0, merchants));
        Map<Object, Double> durations = new LinkedHashMap<>();
        for (int d : DURATIONS) {
            durations.put((double) d, 0.1 + 0.5 * rnd.nextDouble());
        }
        out.add(new RiskTable("duration", RiskTable.Mode.NUMERIC, 1 / 3.0, durations));
        return new RiskTableMap(out);
    }

    static List<Map<String, Object>> records(SplittableRandom rnd) {
        List<Map<String, Object>> out = new ArrayList<>(POOL);
        for (int i = 0; i < POOL; i++) {
            Map<String, Object> r = new LinkedHashMap<>();
            for (String f : RECORD_FIELDS) {
                List<String> cats = GERMAN_CREDIT.get(f);
                Object v;
                if (cats != null) {
                    v = pick(rnd, cats, 0.03, "unseen " + f);
                } else if (f.equals("merchant_id")) {
                    v = String.format(Locale.ROOT, "m%05d", rnd.nextInt(MERCHANTS * 6 / 5));
                } else if (f.equals("duration")) {
                    v = rnd.nextInt(20) == 0 ? null : Integer.toString(DURATIONS[rnd.nextInt(DURATIONS.length)]);
                } else if (f.equals("credit_amount") || f.equals("age")) {
                    v = rnd.nextInt(20) == 0 ? "" : Integer.toString(19 + rnd.nextInt(5000));
                } else {
                    v = Integer.toString(rnd.nextInt(5));
                }
                r.put(f, v);
            }
            out.add(r);
        }
        return out;
    }

    private static String pick(SplittableRandom rnd, List<String> cats, double unseen, String unseenValue) {
        return rnd.nextDouble() < unseen ? unseenValue : cats.get(rnd.nextInt(cats.size()));
    }

    private static String[] values(IntFunction<String> f) {
        String[] out = new String[POOL];
        for (int i = 0; i < POOL; i++) {
            out[i] = f.apply(i);
        }
        return out;
    }

    // ----------------------------------------------------------------- cases

    private static void recordCase(ArtifactScorers scorers, List<Map<String, Object>> pool, double warmup, double seconds) {
        @SuppressWarnings("unchecked")
        Map<String, Object>[] records = pool.toArray(new Map[0]);
        // Warm-up: timed the same way, results thrown away.
        timedRecords(scorers, records, warmup, new long[HISTOGRAM_NS + 1]);
        long[] histogram = new long[HISTOGRAM_NS + 1];
        long[] maxAndCount = timedRecords(scorers, records, seconds, histogram);
        double throughput = untimedRecordThroughput(scorers, records, seconds);
        print("ArtifactScorers.score(record), 15 tables, 22 fields", percentile(histogram, maxAndCount[1], 0.5),
                percentile(histogram, maxAndCount[1], 0.99), throughput, "records/s");
        System.out.printf(Locale.ROOT, "%-52s %d calls timed, max %.1f us%n", "", maxAndCount[1], maxAndCount[0] / 1000.0);
    }

    /** Returns {max ns, calls}. */
    private static long[] timedRecords(ArtifactScorers scorers, Map<String, Object>[] records, double seconds, long[] histogram) {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        long calls = 0;
        long max = 0;
        long acc = 0;
        int i = 0;
        while (true) {
            Map<String, Object> r = records[i];
            long t0 = System.nanoTime();
            Map<String, Object> out = scorers.score(r);
            long t1 = System.nanoTime();
            acc += out.size() + Double.doubleToRawLongBits((Double) out.get("merchant_id"));
            long d = t1 - t0;
            histogram[(int) Math.min(d, HISTOGRAM_NS)]++;
            max = Math.max(max, d);
            calls++;
            i = (i + 1) & (POOL - 1);
            if (i == 0 && t1 > end) {
                break;
            }
        }
        sink += acc;
        return new long[] {max, calls};
    }

    private static double untimedRecordThroughput(ArtifactScorers scorers, Map<String, Object>[] records, double seconds) {
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long calls = 0;
        long acc = 0;
        long now;
        do {
            for (Map<String, Object> r : records) {
                acc += scorers.score(r).size();
            }
            calls += records.length;
            now = System.nanoTime();
        } while (now < end);
        sink += acc;
        return calls / ((now - start) / 1e9);
    }

    private static void valueCase(String name, RiskScorer scorer, Object[] values, double warmup, double seconds) {
        batchedValues(scorer, values, warmup, null);
        List<Double> perCall = new ArrayList<>();
        double throughput = batchedValues(scorer, values, seconds, perCall);
        double[] sorted = perCall.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        print(name, sorted[(int) Math.min(sorted.length - 1, Math.floor(0.5 * sorted.length))],
                sorted[(int) Math.min(sorted.length - 1, Math.floor(0.99 * sorted.length))], throughput, "values/s");
    }

    /** Times batches of {@link #BATCH} calls; adds per-call averages (ns) to {@code perCall}; returns calls/s. */
    private static double batchedValues(RiskScorer scorer, Object[] values, double seconds, List<Double> perCall) {
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long calls = 0;
        double acc = 0;
        int i = 0;
        long now;
        do {
            long t0 = System.nanoTime();
            for (int k = 0; k < BATCH; k++) {
                acc += scorer.score(values[i]);
                i = (i + 1) & (POOL - 1);
            }
            now = System.nanoTime();
            if (perCall != null) {
                perCall.add((now - t0) / (double) BATCH);
            }
            calls += BATCH;
        } while (now < end);
        sink += Double.doubleToRawLongBits(acc);
        return calls / ((now - start) / 1e9);
    }

    // -------------------------------------------------------------- helpers

    private static long percentile(long[] histogram, long total, double q) {
        long rank = (long) Math.ceil(q * total);
        long seen = 0;
        for (int ns = 0; ns < histogram.length; ns++) {
            seen += histogram[ns];
            if (seen >= rank) {
                return ns;
            }
        }
        return HISTOGRAM_NS;
    }

    private static long nanoTimeOverhead() {
        long[] d = new long[1_000_001];
        for (int rep = 0; rep < 2; rep++) {
            for (int i = 0; i < d.length; i++) {
                long t0 = System.nanoTime();
                long t1 = System.nanoTime();
                d[i] = t1 - t0;
            }
        }
        java.util.Arrays.sort(d);
        return d[d.length / 2];
    }

    private static void print(String name, double medianNs, double p99Ns, double throughput, String unit) {
        System.out.printf(Locale.ROOT, "%-52s %12s %12s %18s%n", name, ns(medianNs), ns(p99Ns),
                String.format(Locale.ROOT, "%,.0f %s", throughput, unit));
    }

    private static String ns(double ns) {
        return ns >= 1000 ? String.format(Locale.ROOT, "%.2f us", ns / 1000) : String.format(Locale.ROOT, "%.1f ns", ns);
    }

    /** /proc/loadavg (Linux), to show whether other work shared the CPUs; "n/a" elsewhere. */
    private static String loadAverage() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException | RuntimeException e) {
            return "n/a";
        }
    }

    private static void printEnvironment(RiskTableMap tables, double warmup, double seconds) {
        Runtime rt = Runtime.getRuntime();
        System.out.printf(Locale.ROOT, "JVM: %s %s (%s), %s%n", System.getProperty("java.vm.name"),
                System.getProperty("java.runtime.version"), System.getProperty("java.vendor"),
                ManagementFactory.getRuntimeMXBean().getInputArguments());
        System.out.printf(Locale.ROOT, "OS: %s %s %s, %d available processors, max heap %d MiB%n",
                System.getProperty("os.name"), System.getProperty("os.version"), System.getProperty("os.arch"),
                rt.availableProcessors(), rt.maxMemory() >> 20);
        int bins = 0;
        for (RiskTable t : tables.list()) {
            bins += t.bins().size();
        }
        System.out.printf(Locale.ROOT, "tables: %d (13 German Credit fields with 2-10 bins, merchant_id with %,d bins, "
                + "duration numeric with %d bins; %,d bins in all); impute: 3 columns; records: %d fields, pool of %,d%n",
                tables.size(), MERCHANTS, DURATIONS.length, bins, RECORD_FIELDS.size(), POOL);
        System.out.printf(Locale.ROOT, "single thread; warm-up %.0f s and measurement %.0f s per case; load average at the start: %s%n",
                warmup, seconds, loadAverage());
    }
}
