#!/usr/bin/env bash
# Fuzzes the NBD server's decoders with Jazzer (docs/fuzzing.md): each fuzz test in turn, for
# SECONDS_PER_TARGET each, in its own JVM (libFuzzer fuzzes one target per process). Prints per
# target the executions and seconds from libFuzzer's last line, the peak RSS and the findings;
# exits 1 if any target found something. A finding is written next to the seeds, under
# nbd-server/src/test/resources/io/granary/nbd/fuzz/<Test>Inputs/, where every plain `mvn test`
# replays it once it is committed. The generated corpus stays in nbd-server/.cifuzz-corpus
# (ignored by git) and makes the next run start where this one stopped.
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET]   (default 300)
#        FUZZ_TARGETS="PipelineFuzzTest" scripts/fuzz.sh 600   (some targets only)
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-300}
if ! [[ $seconds =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: $0 [SECONDS_PER_TARGET]" >&2
  exit 2
fi
targets=(${FUZZ_TARGETS:-HandshakeFuzzTest TransmissionFuzzTest PipelineFuzzTest})
# The JVM alone takes about 1 GB of RSS with Jazzer's agent, its heap may grow to -Xmx2g (the
# surefire argLine) and Netty's direct buffers come on top: past this, memory is not bounded.
rss_limit_mb=4096
logs=nbd-server/target/fuzz
inputs=nbd-server/src/test/resources/io/granary/nbd/fuzz
mkdir -p "$logs"

# jazzer.internal.arg.N is how Jazzer 0.30's JUnit integration takes libFuzzer flags (arg 0 is
# argv[0]); the duration is jazzer.max_duration, which overrides @FuzzTest(maxDuration). Jazzer
# makes each test's @Timeout libFuzzer's per-input -timeout, but JUnit would also apply it to
# the whole fuzzing run, which is one invocation: JUnit's own timeouts are off here.
run() {
  JAZZER_FUZZ=1 mvn -B test -pl nbd-server -am -Dsurefire.failIfNoSpecifiedTests=false \
    -Dtest="io.granary.nbd.fuzz.$1" -Djazzer.max_duration="${seconds}s" \
    -Djunit.jupiter.execution.timeout.mode=disabled \
    -Djazzer.internal.arg.0=fuzz -Djazzer.internal.arg.1=-rss_limit_mb=$rss_limit_mb
}

failed=0
summary=()
for t in "${targets[@]}"; do
  echo "fuzz: $t for ${seconds}s" >&2
  before=$(find "$inputs/${t}Inputs" -type f | sort)
  status=0
  run "$t" >"$logs/$t.log" 2>&1 || status=$?
  # libFuzzer ends with "Done N runs in S second(s)"; its status lines carry "rss: NMb".
  done_line=$(grep -a -o 'Done [0-9]* runs in [0-9]* second' "$logs/$t.log" | tail -1 || true)
  runs=$(awk '{print $2}' <<<"$done_line")
  secs=$(awk '{print $5}' <<<"$done_line")
  rss=$(grep -a -o 'rss: [0-9]*Mb' "$logs/$t.log" | awk '{v = substr($2, 1, length($2) - 2) + 0; if (v > m) m = v} END {print m + 0}')
  found=$(comm -13 <(echo "$before") <(find "$inputs/${t}Inputs" -type f | sort) | grep -c . || true)
  if [[ $status -ne 0 || -z $done_line || $found -gt 0 ]]; then
    failed=1
    grep -a -E 'FuzzTestFinding|== Java Exception|ERROR: libFuzzer|Test unit written to|ALARM|BUILD FAILURE' \
      "$logs/$t.log" | head -20 >&2 || true
    echo "fuzz: $t failed; its log is $logs/$t.log" >&2
  fi
  summary+=("$(printf '%-22s %12s %8s %8s %10s' "$t" "${runs:--}" "${secs:--}" "${rss}MB" "$found")")
done

printf '%-22s %12s %8s %8s %10s\n' TARGET EXECUTIONS SECONDS PEAK-RSS FINDINGS
printf '%s\n' "${summary[@]}"
exit $failed
