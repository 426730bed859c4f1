#!/usr/bin/env bash
# usage: dedupe/index-bench/run.sh STORE N [options]   (STORE: lmdb | mvstore | rocksdb; N: 10m, 40m ...)
#        dedupe/index-bench/run.sh crash STORE [--iterations 3] [--kill-after-ms 5000]
# The parent pom must be installed first: mvn -N install (from the repository root).
set -euo pipefail
cd "$(dirname "$0")"
mvn -q -B compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
main=io.granary.dedupe.indexbench.BenchRunner
if [[ ${1:-} == crash ]]; then main=io.granary.dedupe.indexbench.CrashCheck; shift; fi
exec java -Xmx4g -XX:+UseG1GC \
  --add-opens java.base/java.nio=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED \
  -cp "target/classes:$(cat target/cp.txt)" "$main" "$@"
