#!/usr/bin/env bash
# The sessions job's two implementations, alternated run by run on the same generated input (1,000,000 events,
# seed 42), so that a noisy shared machine penalises both alike; prints Flink's job runtime and the process CPU time.
#   benchmarks/sessions-interleaved.sh
set -uo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp)
echo "| backend | round | implementation | job runtime (s) | process CPU (user+sys, s) |"
echo "|---|---|---|---|---|"
for backend in hashmap rocksdb; do
  for round in 1 2 3; do
    for impl in sessionizer windows; do
      cp=$(mktemp -d)
      TIMEFORMAT='%U %S'
      t=$( { time java -jar jobs/target/streamsketch-jobs.jar sessions --events 1000000 --state-backend $backend --checkpoint-dir $cp --implementation $impl > "$out" 2>/dev/null; } 2>&1 )
      rm -rf $cp
      r=$(sed -n 's/.* finished in \([0-9.]*\) s/\1/p' "$out")
      cpu=$(echo $t | awk '{printf "%.1f", $1+$2}')
      echo "| $backend | $round | $impl | $r | $cpu |"
    done
  done
done
rm -f "$out"
