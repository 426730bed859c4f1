#!/usr/bin/env bash
# Two Granary daemons side by side, interleaved fio cells over NBD, each cell followed by its
# drain (until the daemon uses under 5 ticks of CPU a second): an A/B of two configurations or
# of two builds on the same machine at the same time.
# Usage: scripts/bench-ab.sh CONFIG_A CONFIG_B   (configuration texts, printf %b; '' for defaults)
#   LIB_B=OTHER_CHECKOUT/appliance/target  runs B from another build (a worktree at another commit)
#   WORKLOADS="randwrite 4k 32,write 1m 8"  REPS=3  FIO_EXTRA="--fsync=32"
# Prints: rep workload side figure (IOPS for 4k, MB/s otherwise) window_ticks drain_ticks.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/bench-common.sh
W=$(mktemp -d /var/tmp/granary-ab.XXXX)
declare -A port pid
cleanup() {
  for s in a b; do [[ -n ${pid[$s]:-} ]] && kill "${pid[$s]}" 2>/dev/null || true; done
  for s in a b; do [[ -n ${pid[$s]:-} ]] && while kill -0 "${pid[$s]}" 2>/dev/null; do sleep 0.2; done; done
  rm -rf "$W"
}
trap cleanup EXIT
for s in a b; do
  export GRANARY_DATA=$W/$s
  mkdir -p "$W/$s"
  if [[ $s == a ]]; then
    printf '%b' "$1" > "$W/$s.conf"
    unset GRANARY_LIB
  else
    printf '%b' "$2" > "$W/$s.conf"
    [[ -n ${LIB_B:-} ]] && export GRANARY_LIB=$LIB_B
  fi
  port[$s]=$(free_port)
  start_granaryd "$W/$s.log" --config "$W/$s.conf" --mount none --nbd-listen "127.0.0.1:${port[$s]}"
  pid[$s]=$gpid
  bin/granary volume create default/b --size 1G >/dev/null
done
head -c 1G /dev/urandom > "$W/r.img"
for s in a b; do nbdcopy "$W/r.img" "nbd://127.0.0.1:${port[$s]}/default/b"; done
rm "$W/r.img"
sleep 10
IFS=, read -ra workloads <<<"${WORKLOADS:-randwrite 4k 32,randwrite 4k 1,write 1m 8}"
for rep in $(seq 1 "${REPS:-3}"); do
  for w in "${workloads[@]}"; do
    read -r rw bs qd <<<"$w"
    for s in a b; do
      c0=$(cpu_ticks "${pid[$s]}")
      # shellcheck disable=SC2086
      fio --name=b --ioengine=nbd --uri="nbd://127.0.0.1:${port[$s]}/default/b" --rw="$rw" \
        --bs="$bs" --iodepth="$qd" --size=1g --time_based --runtime=5 --ramp_time=1 \
        ${FIO_EXTRA:-} --output-format=json --output="$W/f.json" >/dev/null 2>&1
      c1=$(cpu_ticks "${pid[$s]}")
      while :; do
        x=$(cpu_ticks "${pid[$s]}"); sleep 1; y=$(cpu_ticks "${pid[$s]}")
        ((y - x < 5)) && break
      done
      c2=$(cpu_ticks "${pid[$s]}")
      echo "$rep $rw $bs QD$qd $s $(fio_value "$W/f.json" "$bs") window_ticks=$((c1 - c0)) drain_ticks=$((c2 - c1))"
    done
  done
done
