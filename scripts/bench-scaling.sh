#!/usr/bin/env bash
# Scaling runs of the benchmark (docs/performance.md, "Scaling"), each program a whole process:
#
#   scripts/bench-scaling.sh fields [rounds]   fit time for 12, 24 and 48 fields, one JVM (FitScaling),
#                                              on a 48-field train split of 1M rows (Parquet)
#   scripts/bench-scaling.sh rows [rounds]     medium (3M/1M/1M rows) against 4x medium (12M/4M/4M),
#                                              Parquet: plain copy and training job, interleaved
#   scripts/bench-scaling.sh memory            5M train rows plus a field of exactly 1,000,000
#                                              categories: the training job with a 1 GiB driver
#
# Environment as scripts/bench.sh (BENCH_DIR, MASTER); data sets are generated on first use.
# Writes $BENCH_DIR/results-<run>.csv and summary-<run>.csv and prints the summary.
set -euo pipefail
run="${1:-}"; rounds="${2:-3}"
case "$run" in fields|rows|memory) ;; *) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;; esac
# shellcheck source=bench-common.sh
. "$(dirname "${BASH_SOURCE[0]}")/bench-common.sh"
results="$work/results-$run.csv"
echo "program,round,seconds,peak_rss_kib" > "$results"

job() {  # job NAME ROUND DATA_DIR
  measure "$1" "$2" io.riskmapping.job.RiskTableMappingJob --job-type training --input-dir "$3/parquet" \
    --output-dir "$work/out-$1" --hyperparameters "$3/hyperparameters.json" --overwrite --no-report
}

case "$run" in
fields)
  data="$work/data-fields48"
  [[ -d "$data/parquet" ]] || jvm io.riskmapping.bench.BenchData "$data" large parquet --rows 1000000,8,8 --fields 48
  jvm io.riskmapping.bench.FitScaling "$data/parquet/train" parquet 12,24,48 "$rounds" 2>"$work/fields.log" \
    | tee "$work/fields.out"
  grep -A 10 '^fields,' "$work/fields.out" > "$work/summary-fields.csv"
  ;;
rows)
  medium="$work/data-medium"; large="$work/data-large"
  [[ -d "$medium/parquet" ]] || jvm io.riskmapping.bench.BenchData "$medium" medium parquet
  [[ -d "$large/parquet" ]] || jvm io.riskmapping.bench.BenchData "$large" large parquet --rows 12000000,4000000,4000000
  for r in $(seq 1 "$rounds"); do
    measure copy_medium "$r" io.riskmapping.bench.PlainCopy "$medium/parquet" "$work/copy-medium" parquet train,val,test
    job job_medium "$r" "$medium"
    measure copy_large "$r" io.riskmapping.bench.PlainCopy "$large/parquet" "$work/copy-large" parquet train,val,test
    job job_large "$r" "$large"
  done
  {
    echo "program,median_medium_s,median_4x_s,growth"
    for p in copy job; do
      m=$(median "${p}_medium"); l=$(median "${p}_large")
      echo "$p,$m,$l,$(LC_ALL=C printf '%.2f' "$(echo "scale=6; $l / $m" | bc)")"
    done
  } | tee "$work/summary-rows.csv"
  ;;
memory)
  data="$work/data-wide"
  [[ -d "$data/parquet" ]] || jvm io.riskmapping.bench.BenchData "$data" large parquet --rows 5000000,500000,500000 \
    --wide-categories 1000000
  jvm_script "$work/.jvm1g" 1g
  LAUNCHER="$work/.jvm1g" job job_1g 1 "$data"
  grep -E 'fit: done|transform .*rows|^ +wide ' "$work/job_1g.log" >&2 || true
  {
    echo "program,seconds,peak_rss_kib"
    echo "job_1g,$(median job_1g),$(peak job_1g)"
  } | tee "$work/summary-memory.csv"
  ;;
esac
