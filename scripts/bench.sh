#!/usr/bin/env bash
# Benchmark: the training job and the validation job against a plain Spark copy of the same data
# (the floor) and against Spark MLlib's StringIndexer + TargetEncoder, each a whole process, rounds
# interleaved (copy, job, mllib, validation, copy of val; again ...) so ratios hold on a busy machine.
#
#   scripts/bench.sh [small|medium] [csv|parquet] [rounds]        (defaults: small parquet 3)
#
# Environment: BENCH_DIR (default out/bench), MASTER (default local[2]), DRIVER_MEMORY (default 4g),
# MLLIB=0 to leave MLlib out. Writes $BENCH_DIR/results-<size>-<format>.csv (one line per run:
# program, round, seconds, peak RSS in KiB) and prints medians and ratios.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
size="${1:-small}"; format="${2:-parquet}"; rounds="${3:-3}"
work="${BENCH_DIR:-$root/out/bench}"; data="$work/data-$size"
master="${MASTER:-local[2]}"
target="$root/spark-job/target"
jar="$(ls "$target"/risk-table-mapping-job-*.jar 2>/dev/null | grep -v -e original- -e tests | head -n 1 || true)"
if [[ -z "$jar" || ! -f "$target/classpath.txt" ]]; then
  (cd "$root" && mvn -q -B -DskipTests package) >&2
  jar="$(ls "$target"/risk-table-mapping-job-*.jar | grep -v -e original- -e tests | head -n 1)"
fi
# shellcheck source=java-flags.sh
. "$root/scripts/java-flags.sh"
cp="$jar:$(cat "$target/classpath.txt")"
export SPARK_LOCAL_IP=127.0.0.1
mkdir -p "$work"
# one whole JVM process per program: jvm CLASS ARGS...
cat > "$work/.jvm" <<EOS
#!/usr/bin/env bash
exec java -Xmx${DRIVER_MEMORY:-4g} $SPARK_JAVA_FLAGS -Dspark.master=$master -Dspark.ui.enabled=false \\
  -Dlog4j2.configurationFile=$root/conf/log4j2.properties -cp "$cp" "\$@"
EOS
chmod +x "$work/.jvm"
jvm() { "$work/.jvm" "$@"; }
if [[ ! -d "$data/$format" ]]; then
  echo "generating the $size data set in $data ..." >&2
  jvm io.riskmapping.bench.BenchData "$data" "$size" csv,parquet
fi
mkdir -p "$work/valin" && rm -rf "$work/valin/validation" && ln -s "$data/$format/val" "$work/valin/validation"

results="$work/results-$size-$format.csv"
echo "program,round,seconds,peak_rss_kib" > "$results"
measure() {  # measure NAME ROUND CLASS ARGS...
  local name=$1 round=$2; shift 2
  local t0 t1 rss=""
  t0=$(date +%s.%N)
  if [[ -x /usr/bin/time ]]; then
    /usr/bin/time -f "%M" -o "$work/.rss" "$work/.jvm" "$@" >"$work/$name.log" 2>&1
    rss=$(tail -n 1 "$work/.rss")
  else
    jvm "$@" >"$work/$name.log" 2>&1
  fi
  t1=$(date +%s.%N)
  local secs; secs=$(echo "$t1 - $t0" | bc)
  echo "$name,$round,$secs,$rss" >> "$results"
  printf '  round %s  %-10s %7.1f s  peak RSS %s KiB\n' "$round" "$name" "$secs" "${rss:-?}" >&2
}

for r in $(seq 1 "$rounds"); do
  measure copy "$r" io.riskmapping.bench.PlainCopy "$data/$format" "$work/copy" "$format" train,val,test
  measure job "$r" io.riskmapping.job.RiskTableMappingJob --job-type training --input-dir "$data/$format" \
    --output-dir "$work/job" --hyperparameters "$data/hyperparameters.json" --overwrite --no-report
  if [[ "${MLLIB:-1}" != 0 ]]; then
    measure mllib "$r" io.riskmapping.bench.MllibBaseline "$data/$format" "$work/mllib" "$format"
  fi
  measure validation "$r" io.riskmapping.job.RiskTableMappingJob --job-type validation --input-dir "$work/valin" \
    --output-dir "$work/validation" --model-artifacts-input "$work/job/model_artifacts" --overwrite --no-report
  measure copy_val "$r" io.riskmapping.bench.PlainCopy "$data/$format" "$work/copyval" "$format" val
done

median() { grep "^$1," "$results" | cut -d, -f3 | sort -g | awk '{a[NR]=$1} END {if (NR==0) print ""; else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
peak() { grep "^$1," "$results" | cut -d, -f4 | sort -g | tail -n 1; }
copy=$(median copy); job=$(median job); val=$(median validation); copyval=$(median copy_val); mllib=$(median mllib)
{
  echo "size,format,program,median_seconds,ratio,peak_rss_kib"
  echo "$size,$format,copy,$copy,1.00,$(peak copy)"
  echo "$size,$format,job,$job,$(echo "scale=2; $job / $copy" | bc),$(peak job)"
  [[ -n "$mllib" ]] && echo "$size,$format,mllib,$mllib,$(echo "scale=2; $mllib / $copy" | bc),$(peak mllib)"
  echo "$size,$format,copy_val,$copyval,1.00,$(peak copy_val)"
  echo "$size,$format,validation,$val,$(echo "scale=2; $val / $copyval" | bc),$(peak validation)"
} | tee "$work/summary-$size-$format.csv"
