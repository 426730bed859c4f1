#!/usr/bin/env bash
# make bench: runs every benchmark and rewrites BENCHMARKS.md with the machine it ran on.
# Options are passed to each benchmark (e.g. --size-mib 256 --reps 3 for a quick look).
set -euo pipefail
cd "$(dirname "$0")/.."

# One build: every module's jar, and each module's test classpath for its benchmark.
mvn -B -q -DskipTests package dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/bench.classpath >/dev/null
work=${BENCH_DIR:-target/bench}
mkdir -p "$work"

machine() {
  echo "- date: $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "- CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) cores"
  echo "- memory: $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
  echo "- OS: $(. /etc/os-release; echo "$PRETTY_NAME"), kernel $(uname -r)"
  echo "- file system of the benchmark directory: $(df -T "$work" | awk 'NR==2 {print $2}')"
  echo "- load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
}

header=$(machine)
# bench MODULE CLASS REPORT [options]: runs one module's benchmark in a JVM of its own.
bench() {
  local module=$1 class=$2 report=$3
  shift 3
  local cp="$module/target/classes:$module/target/test-classes:$(cat "$module/target/bench.classpath")"
  java -Xmx4g -cp "$cp" "$class" --dir "$work" --report "$work/$report" "$@"
}
bench dedupe io.granary.dedupe.bench.ChunkStoreBench chunk-store.md "$@"
bench snapshots io.granary.snapshots.bench.VolumeBench volumes.md "$@"
scripts/bench-nbd.sh "$work" "$work/nbd.md" "$@"
scripts/bench-objectstore.sh "$work" "$work/objectstore.md" "$@"
scripts/bench-replication.sh "$work" "$work/replication.md" "$@"
scripts/bench-fuse.sh "$work" "$work/fuse.md" "$@"
scripts/bench-cli.sh "$work" "$work/cli.md" "$@"

{
  echo "# Benchmarks"
  echo
  echo "Written by \`make bench\` (\`scripts/bench.sh\`); every figure comes from one run in which"
  echo "Granary and its peers worked on the same bytes on the same machine. These 2-core machines"
  echo "are shared and noisy: compare the ratios, not the absolute numbers."
  echo
  echo "Machine:"
  echo
  echo "$header"
  echo "- load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  cat "$work/chunk-store.md"
  echo
  cat "$work/volumes.md"
  echo
  cat "$work/nbd.md"
  echo
  cat "$work/objectstore.md"
  echo
  cat "$work/replication.md"
  echo
  cat "$work/fuse.md"
  echo
  cat "$work/cli.md"
} > BENCHMARKS.md
echo "wrote BENCHMARKS.md"
