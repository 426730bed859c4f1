#!/usr/bin/env bash
# Sums the JUnit reports of the last test run. Fails when no test ran at all (a misconfigured
# Surefire runs nothing and reports success), and, in CI (GRANARY_CI=1), when any test skipped:
# CI has root, /dev/fuse and every client, so a skip there means a test silently did not run.
set -euo pipefail
cd "$(dirname "$0")/.."
shopt -s nullglob globstar
reports=(**/target/surefire-reports/TEST-*.xml **/target/failsafe-reports/TEST-*.xml)
tests=0 skipped=0 failures=0 errors=0
for f in "${reports[@]}"; do
  line=$(grep -m1 -o '<testsuite [^>]*>' "$f")
  for k in tests skipped failures errors; do
    v=$(grep -o " $k=\"[0-9]*\"" <<<"$line" | grep -o '[0-9]*' || echo 0)
    declare "$k=$(( ${!k} + v ))"
  done
done
echo "tests: $tests run, $failures failed, $errors errors, $skipped skipped (${#reports[@]} classes)"
if ((tests == 0)); then
  echo "error: no test ran; check the Surefire/Failsafe configuration" >&2
  exit 1
fi
if ((failures + errors > 0)); then
  exit 1
fi
if ((skipped > 0)); then
  grep -l '<skipped' "${reports[@]}" | sed 's/^/  skipped in: /' >&2 || true
  if [[ ${GRANARY_CI:-} == 1 ]]; then
    echo "error: tests were skipped in CI" >&2
    exit 1
  fi
fi
