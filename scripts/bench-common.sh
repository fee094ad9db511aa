# Shared by scripts/bench.sh and scripts/bench-scaling.sh (sourced, not run): the classpath of the
# benchmark programs (the bench module's jar, then the line's job jar, which the benchmark measures,
# then their dependencies; the jars are built if missing), one JVM launcher per program, and
# `measure`, which runs a program as a whole process and appends "name,round,seconds,peak_rss_kib"
# to $results.
#
# Environment: SPARK_LINE (the Spark line, as for scripts/risk-table-mapping; default 4.2), BENCH_DIR
# (default out/bench), MASTER (default local[2]), DRIVER_MEMORY (default 4g).
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${BENCH_DIR:-$root/out/bench}"
master="${MASTER:-local[2]}"
# shellcheck source=spark-line.sh
. "$root/scripts/spark-line.sh"
# shellcheck source=java-flags.sh
. "$root/scripts/java-flags.sh"
line_module bench
cp="$module_jar:$jar:$(cat "$module_classpath_file")"
export SPARK_LOCAL_IP=127.0.0.1
mkdir -p "$work"

# jvm_script FILE HEAP: a launcher for one whole JVM with that heap; log4j at WARN except the
# DAGScheduler's "Job N finished" lines, so that each log shows its Spark jobs.
jvm_script() {
  cat > "$1" <<EOS
#!/usr/bin/env bash
exec java -Xmx$2 $SPARK_JAVA_FLAGS -Dspark.master=$master -Dspark.ui.enabled=false \\
  -Dlog4j2.configurationFile=$root/conf/log4j2-bench.properties -cp "$cp" "\$@"
EOS
  chmod +x "$1"
}
jvm_script "$work/.jvm" "${DRIVER_MEMORY:-4g}"
jvm() { "$work/.jvm" "$@"; }

# measure NAME ROUND CLASS ARGS...   (set LAUNCHER to use another jvm_script); each run starts after a sync
measure() {
  local name=$1 round=$2; shift 2
  local launcher="${LAUNCHER:-$work/.jvm}" t0 t1 rss="" status=0
  # the previous program's output to disk first: otherwise its write-back (the kernel flushes dirty
  # pages about 30 s after they are written) lands in this program's time
  sync
  t0=$(date +%s.%N)
  if [[ -x /usr/bin/time ]]; then
    /usr/bin/time -f "%M" -o "$work/.rss" "$launcher" "$@" >"$work/$name.log" 2>&1 || status=$?
    rss=$(tail -n 1 "$work/.rss")
  else
    "$launcher" "$@" >"$work/$name.log" 2>&1 || status=$?
  fi
  t1=$(date +%s.%N)
  local secs; secs=$(echo "$t1 - $t0" | bc)
  if [[ $status != 0 ]]; then
    echo "  $name failed (exit $status): see $work/$name.log" >&2
    return $status
  fi
  echo "$name,$round,$secs,$rss" >> "$results"
  printf '  round %s  %-12s %7.1f s  peak RSS %s KiB  %s Spark jobs\n' "$round" "$name" "$secs" "${rss:-?}" \
    "$(grep -c 'Job [0-9]* finished' "$work/$name.log" || true)" >&2
}

median() { { grep "^$1," "$results" || true; } | cut -d, -f3 | sort -g | awk '{a[NR]=$1} END {if (NR==0) print ""; else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
peak() { { grep "^$1," "$results" || true; } | cut -d, -f4 | sort -g | tail -n 1; }
