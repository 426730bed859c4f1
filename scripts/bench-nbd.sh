#!/usr/bin/env bash
# The NBD section of make bench: Granary, qemu-nbd serving a raw file (--cache=writeback -e 8)
# and nbdkit's file plugin, interleaved in one run on the same bytes (method: research/nbd.md §4).
# Usage: scripts/bench-nbd.sh WORKDIR REPORT [--reps N] [--size-mib N] [--runtime S]
# Needs a build (make) and: qemu-nbd nbdkit nbdinfo nbdcopy fio python3 curl.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/bench-common.sh
work=$1/nbd
report=$2
shift 2
bench_options "$@"

# The raw-socket probes (io.granary.nbd.testing.NbdProbeMain) run from nbd-server's test classes
# on its test classpath, which scripts/bench.sh writes; written here when this runs on its own.
probe_cp=nbd-server/target/bench.classpath
if [[ ! -f $probe_cp ]]; then
  mvn -B -q -DskipTests -pl nbd-server -am package dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath >/dev/null
fi
nbd_probe() {
  java -cp "nbd-server/target/classes:nbd-server/target/test-classes:$(cat "$probe_cp")" \
    io.granary.nbd.testing.NbdProbeMain "$@"
}

rm -rf "$work"
mkdir -p "$work"
results=$work/results.tsv
: > "$results"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

pg=$(free_port) pq=$(free_port) pk=$(free_port)
declare -A uri=(
  [granary]=nbd://127.0.0.1:$pg/default/bench
  [qemu-nbd]=nbd://127.0.0.1:$pq/vol1
  [nbdkit]=nbd://127.0.0.1:$pk/
)
servers=(granary qemu-nbd nbdkit)

echo "nbd bench: $size_mib MiB, $reps repetitions, fio ${runtime}s per cell" >&2
head -c "${size_mib}M" /dev/urandom > "$work/rand.img"
cp "$work/rand.img" "$work/qemu.img"
cp "$work/rand.img" "$work/kit.img"

export GRANARY_DATA=$work/granary
# The idle-connection cell opens 1,000 connections from one address: a hypervisor host of that
# size raises the per-client limit (256 by default, docs/configuration.md), and so does the bench.
cat > "$work/granary.conf" <<'CONF'
[nbd]
max-connections-per-client = 1100
CONF
start_granaryd "$work/granaryd.log" --config "$work/granary.conf" --mount none \
  --nbd-listen "127.0.0.1:$pg"
pids+=("$gpid")
bin/granary volume create default/bench --size "${size_mib}M" >/dev/null
qemu-nbd -f raw -x vol1 -p "$pq" -b 127.0.0.1 -t -e 8 --cache=writeback \
  --fork --pid-file "$work/qemu-nbd.pid" "$work/qemu.img"
pids+=("$(cat "$work/qemu-nbd.pid")")
nbdkit -P "$work/nbdkit.pid" -i 127.0.0.1 -p "$pk" file file="$work/kit.img"
sleep 0.5
pids+=("$(cat "$work/nbdkit.pid")")
nbdcopy "$work/rand.img" "${uri[granary]}"

record() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >> "$results"; }

# fio: 4 KiB random at QD 1 and 32, 1 MiB sequential at QD 8; servers interleaved in each cell.
workloads=("randread 4k 1" "randread 4k 32" "randwrite 4k 1" "randwrite 4k 32" "read 1m 8" "write 1m 8")
for rep in $(seq 1 "$reps"); do
  for w in "${workloads[@]}"; do
    read -r rw bs qd <<<"$w"
    for s in "${servers[@]}"; do
      fio --name=b --ioengine=nbd --uri="${uri[$s]}" --rw="$rw" --bs="$bs" --iodepth="$qd" \
        --size="${size_mib}m" --time_based --runtime="$runtime" --ramp_time=1 \
        --output-format=json --output="$work/fio.json" >/dev/null 2>&1
      v=$(fio_value "$work/fio.json" "$bs")
      record "fio $rw $bs QD$qd" "$s" "$rep" "$v"
    done
  done
  echo "nbd bench: fio repetition $rep done" >&2
done

# nbdcopy of the whole image in and out (MB/s), default settings.
for rep in $(seq 1 "$reps"); do
  for s in "${servers[@]}"; do
    sync
    t0=$(date +%s.%N); nbdcopy "$work/rand.img" "${uri[$s]}"; t1=$(date +%s.%N)
    record "nbdcopy in" "$s" "$rep" "$(python3 -c "print($size_mib*1.048576/($t1-$t0))")"
    t0=$(date +%s.%N); nbdcopy "${uri[$s]}" null:; t1=$(date +%s.%N)
    record "nbdcopy out" "$s" "$rep" "$(python3 -c "print($size_mib*1.048576/($t1-$t0))")"
  done
done

# Connect + handshake up to NBD_OPT_GO's ACK, median of 200 connects (microseconds). The probe is
# a JVM: its own cost per connect (warming up within those connects) is in every server's figure.
declare -A export_of=([granary]=default/bench [qemu-nbd]=vol1 [nbdkit]="")
declare -A port_of=([granary]=$pg [qemu-nbd]=$pq [nbdkit]=$pk)
for rep in $(seq 1 "$reps"); do
  for s in "${servers[@]}"; do
    n=200
    [[ $s == qemu-nbd ]] && n=20   # 44 ms each: 20 are plenty for a median
    read -r med _ < <(nbd_probe handshake 127.0.0.1 "${port_of[$s]}" "${export_of[$s]}" $n)
    record "connect+handshake (µs)" "$s" "$rep" "$med"
  done
done

# 1,000 idle connections: threads and memory of the Granary daemon.
read -r t0 t1 r0 r1 < <(nbd_probe idle 127.0.0.1 "$pg" default/bench 1000 "$gpid")
idle_line="1,000 idle connections to Granary: threads $t0 → $t1, RSS +$(((r1 - r0) / 1024)) MiB"

# Listing 1,000 exports with each client's list mode (LIST, then INFO and the meta contexts of
# every export). nbdinfo 1.14 sends the last bytes of NBD_OPT_LIST_META_CONTEXT with MSG_MORE,
# so each export costs it a 200 ms cork timeout whatever the server: it runs once, and nbdkit's
# file plugin (dir=) is measured on 100 exports.
sock=$GRANARY_DATA/admin.sock
for i in $(seq 1 999); do
  curl -sf --unix-socket "$sock" -H 'Content-Type: application/json' \
    -d "{\"name\":\"l$i\",\"size\":1048576}" http://granary/api/v1/pools/default/volumes >/dev/null
done
count_check() {
  [[ $1 -eq $2 ]] || { echo "nbd bench: $3 listed $1 exports, not $2" >&2; exit 1; }
}
for rep in $(seq 1 "$reps"); do
  t0=$(date +%s.%N); n=$(qemu-nbd -L -b 127.0.0.1 -p "$pg" | grep -c '^ export:'); t1=$(date +%s.%N)
  count_check "$n" 1000 "qemu-nbd -L on Granary"
  record "qemu-nbd --list, 1,000 exports (s)" granary "$rep" "$(python3 -c "print($t1-$t0)")"
done
t0=$(date +%s.%N); n=$(nbdinfo --list "nbd://127.0.0.1:$pg" | grep -c '^export='); t1=$(date +%s.%N)
count_check "$n" 1000 "nbdinfo --list on Granary"
granary_nbdinfo=$(python3 -c "print('%.1f' % ($t1-$t0))")
mkdir -p "$work/dir"
for i in $(seq 1 100); do truncate -s 1M "$work/dir/vol$i"; done
kdir_port=$(free_port)
nbdkit -P "$work/nbdkit-dir.pid" -i 127.0.0.1 -p "$kdir_port" file dir="$work/dir"
sleep 0.5
pids+=("$(cat "$work/nbdkit-dir.pid")")
t0=$(date +%s.%N); n=$(nbdinfo --list "nbd://127.0.0.1:$kdir_port" | grep -c '^export='); t1=$(date +%s.%N)
count_check "$n" 100 "nbdinfo --list on nbdkit"
kit_nbdinfo=$(python3 -c "print('%.1f' % ($t1-$t0))")
t0=$(date +%s.%N); n=$(qemu-nbd -L -b 127.0.0.1 -p "$kdir_port" | grep -c '^ export:'); t1=$(date +%s.%N)
count_check "$n" 100 "qemu-nbd -L on nbdkit"
kit_qemu=$(python3 -c "print('%.1f' % ($t1-$t0))")
nbdkit_list="nbdinfo --list (libnbd 1.14): Granary, 1,000 exports: $granary_nbdinfo s; nbdkit file dir=, 100 exports: $kit_nbdinfo s. qemu-nbd --list of nbdkit's 100 exports: $kit_qemu s"

python3 scripts/nbd-report.py "$results" "$report" "$reps" "$size_mib" "$runtime" "$idle_line" "$nbdkit_list"
