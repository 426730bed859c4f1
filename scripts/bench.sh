#!/usr/bin/env bash
# make bench: runs every benchmark and rewrites BENCHMARKS.md with the machine it ran on.
# Options are passed to each benchmark (e.g. --size-mib 256 --reps 3 for a quick look).
set -euo pipefail
cd "$(dirname "$0")/.."

mvn -B -q -DskipTests package
mvn -B -q -pl dedupe dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/bench.classpath >/dev/null
work=${BENCH_DIR:-dedupe/target/bench}
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
cp="dedupe/target/classes:dedupe/target/test-classes:$(cat dedupe/target/bench.classpath)"
java -Xmx4g -cp "$cp" io.granary.dedupe.bench.ChunkStoreBench --dir "$work" \
  --report "$work/chunk-store.md" "$@"

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
} > BENCHMARKS.md
echo "wrote BENCHMARKS.md"
