#!/usr/bin/env bash
# The sketch merge and serde micro-benchmarks (HyperLogLog, Count-Min, reservoir) against their baselines, with
# the machine's load recorded next to the numbers.
#   benchmarks/sketch-serde.sh [NAME] [JAR]
# NAME (default sketch-serde) names the outputs: benchmarks/results/NAME.json (JMH's JSON, for the report
# generator) and benchmarks/results/NAME.txt (JMH's table, with `uptime` before and after the run). JAR defaults to
# benchmarks/target/benchmarks.jar, built first if missing. JMH_ARGS overrides the run settings (default: one fork,
# 2 warm-up and 3 measured iterations of 1 s, which is short: the machine is shared). Exit 2 on a bad argument.
set -euo pipefail
cd "$(dirname "$0")/.."
name=${1:-sketch-serde}
jar=${2:-benchmarks/target/benchmarks.jar}
case "$name" in
  */* | .* | '') echo "sketch-serde.sh: NAME must be a plain file name, not '$name'" >&2; exit 2 ;;
esac
if [ ! -f "$jar" ]; then
  if [ "$#" -ge 2 ]; then echo "sketch-serde.sh: no jar at $jar" >&2; exit 2; fi
  mvn -B -ntp -q -pl operators,benchmarks -am -DskipTests package
fi
pattern='io\.streamsketch\.benchmarks\.(HyperLogLogBenchmark\.(ours|dataSketches)(Merge|MergeChanging|MergeEstimate|FlushPartial|Serialize|Deserialize)|CountMinSketchBenchmark\.(ours|streamLib)(Merge|Serialize|Deserialize)|SkipReservoirBenchmark\.(ours|theirs)(Merge|Serialize|Deserialize))$'
# shellcheck disable=SC2086
args=${JMH_ARGS:--f 1 -wi 2 -w 1 -i 3 -r 1}
out=benchmarks/results/$name
{
  echo "# java -jar $jar '$pattern' $args -rf json -rff $out.json"
  echo "# $(java -version 2>&1 | head -1); $(nproc) cores; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
  echo "# before: $(uptime)"
} > "$out.txt"
# shellcheck disable=SC2086
java -jar "$jar" "$pattern" $args -rf json -rff "$out.json" | grep -E '^(Benchmark|[A-Za-z]+Benchmark\.)' >> "$out.txt"
echo "# after: $(uptime)" >> "$out.txt"
cat "$out.txt"
