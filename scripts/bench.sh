#!/usr/bin/env bash
# Benchmark: the training job and the validation job against a plain Spark copy of the same data
# (the floor) and against Spark MLlib's StringIndexer + TargetEncoder, each a whole process, rounds
# interleaved (copy, job, mllib, validation, copy of val; again ...) so ratios hold on a busy machine.
#
#   scripts/bench.sh [small|medium|large] [csv|parquet] [rounds]        (defaults: small parquet 3)
#   (rounds 0: summarize the existing results file again, without running anything)
#
# Environment: BENCH_DIR (default out/bench), MASTER (default local[2]), DRIVER_MEMORY (default 4g),
# MLLIB=0 to leave MLlib out (MLLIB_ROUNDS=1 to run it in the first round only), BENCH_ROWS=train,val,test
# for the large size (default 4x medium); HYPERPARAMETERS=file to run the job with other
# hyperparameters than the data set's (e.g. another target_type), BENCH_TAG=name to keep their
# results apart (results-<size>-<format>-<tag>.csv; no chart is drawn for a tagged run).
# Writes $BENCH_DIR/results-<size>-<format>.csv (one line per run: program, round, seconds, peak RSS
# in KiB) and summary-<size>-<format>.csv (medians and ratios), prints them, and redraws the chart.
set -euo pipefail
size="${1:-small}"; format="${2:-parquet}"; rounds="${3:-3}"
# shellcheck source=bench-common.sh
. "$(dirname "${BASH_SOURCE[0]}")/bench-common.sh"
data="$work/data-$size"
tag="${BENCH_TAG:+-$BENCH_TAG}"
results="$work/results-$size-$format$tag.csv"
if [[ ! -d "$data/$format" ]]; then
  echo "generating the $size data set in $data ..." >&2
  if [[ "$size" == large ]]; then
    jvm io.riskmapping.bench.BenchData "$data" large csv,parquet --rows "${BENCH_ROWS:-12000000,4000000,4000000}"
  else
    jvm io.riskmapping.bench.BenchData "$data" "$size" csv,parquet
  fi
fi
mkdir -p "$work/valin" && rm -rf "$work/valin/validation" && ln -s "$data/$format/val" "$work/valin/validation"

# rounds = 0: no runs, only the summary (and chart) of an earlier results file
[[ "$rounds" == 0 ]] || echo "program,round,seconds,peak_rss_kib" > "$results"

for r in $(seq 1 "$rounds"); do
  measure copy "$r" io.riskmapping.bench.PlainCopy "$data/$format" "$work/copy" "$format" train,val,test
  measure job "$r" io.riskmapping.job.RiskTableMappingJob --job-type training --input-dir "$data/$format" \
    --output-dir "$work/job" --hyperparameters "${HYPERPARAMETERS:-$data/hyperparameters.json}" --overwrite --no-report
  if [[ "${MLLIB:-1}" != 0 && "$r" -le "${MLLIB_ROUNDS:-$rounds}" ]]; then
    measure mllib "$r" io.riskmapping.bench.MllibBaseline "$data/$format" "$work/mllib" "$format"
  fi
  measure validation "$r" io.riskmapping.job.RiskTableMappingJob --job-type validation --input-dir "$work/valin" \
    --output-dir "$work/validation" --model-artifacts-input "$work/job/model_artifacts" --overwrite --no-report
  measure copy_val "$r" io.riskmapping.bench.PlainCopy "$data/$format" "$work/copyval" "$format" val
done

copy=$(median copy); job=$(median job); val=$(median validation); copyval=$(median copy_val); mllib=$(median mllib)
# a ratio rounded to two decimals (bc alone would truncate: 1.1599 must read 1.16, not 1.15)
ratio() { LC_ALL=C printf '%.2f' "$(echo "scale=6; $1 / $2" | bc)"; }
{
  echo "size,format,program,median_seconds,ratio,peak_rss_kib"
  echo "$size,$format,copy,$copy,1.00,$(peak copy)"
  echo "$size,$format,job,$job,$(ratio "$job" "$copy"),$(peak job)"
  [[ -n "$mllib" ]] && echo "$size,$format,mllib,$mllib,$(ratio "$mllib" "$copy"),$(peak mllib)"
  echo "$size,$format,copy_val,$copyval,1.00,$(peak copy_val)"
  echo "$size,$format,validation,$val,$(ratio "$val" "$copyval"),$(peak validation)"
} | tee "$work/summary-$size-$format$tag.csv"
[[ -n "$tag" ]] || jvm io.riskmapping.bench.BenchChart "$work" "$root/docs/performance-chart.svg" >&2 || true
