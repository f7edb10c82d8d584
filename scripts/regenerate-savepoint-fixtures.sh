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
log=$(mktemp -t regenerate-fixtures.XXXXXX.log)
echo "regenerating the fixtures of release $release (Maven output: $log)"
if ! mvn -B -ntp -pl jobs -am verify \
    -Dtest=SketchSerializerUpgradeTest -Dit.test='SavepointCompatibilityIT#writeFixtures' \
    -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false \
    -Dstreamsketch.fixtures.release="$release" >"$log" 2>&1; then
  echo "error: the build failed; see $log" >&2
  exit 1
fi
echo "written:"
du -sh "operators/src/test/resources/serializer-snapshots/$release" "jobs/src/test/resources/savepoints/$release"
