#!/usr/bin/env bash
# Regenerates, with the code of this checkout, the committed compatibility fixtures of one release:
#   operators/src/test/resources/serializer-snapshots/<release>/  (serializer snapshots and serialized sketches)
#   jobs/src/test/resources/savepoints/<release>/                 (a savepoint of every stateful job, both backends)
# Run it when a release ships, then commit both folders; never regenerate an older release's folder.
# Takes about 3 minutes (16 short job runs). Usage: scripts/regenerate-savepoint-fixtures.sh RELEASE
set -euo pipefail

if [[ $# -ne 1 || ! $1 =~ ^[0-9A-Za-z][0-9A-Za-z._-]*$ ]]; then
  echo "usage: scripts/regenerate-savepoint-fixtures.sh RELEASE   (letters, digits, '.', '_', '-'; e.g. 0.2.0)" >&2
  exit 2
fi
release=$1
cd "$(dirname "$0")/.."
for folder in "operators/src/test/resources/serializer-snapshots/$release" "jobs/src/test/resources/savepoints/$release"; do
  if [[ -e $folder ]]; then
    echo "error: $folder exists; a release's fixtures are written once (delete it first if this release never shipped)" >&2
    exit 2
  fi
done
log=$(mktemp -t regenerate-fixtures.XXXXXX.log)
echo "regenerating the fixtures of release $release (Maven output: $log)"
# Compiles the writers and writes each module's test classpath (the reactor's modules as their class folders).
if ! mvn -B -ntp -pl jobs -am test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt >"$log" 2>&1; then
  echo "error: the build failed; see $log" >&2
  exit 1
fi
run() {
  local module=$1 main=$2
  (cd "$module" && java -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" "$main" "$release") \
    >>"$log" 2>&1 || { echo "error: $main failed; see $log" >&2; exit 1; }
}
run operators io.streamsketch.flink.serde.SketchSerializerFixtureWriter
run jobs io.streamsketch.jobs.savepoints.SavepointFixtureWriter
echo "written:"
du -sh "operators/src/test/resources/serializer-snapshots/$release" "jobs/src/test/resources/savepoints/$release"
