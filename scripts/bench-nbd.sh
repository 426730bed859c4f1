#!/usr/bin/env bash
# The NBD section of make bench: Granary, qemu-nbd serving a raw file (--cache=writeback -e 8)
# and nbdkit's file plugin, interleaved in one run on the same bytes (method: research/nbd.md §4),
# each cell starting with every server quiet (quiesce, in bench-common.sh); then sustained writes
# against dd, and VM disk images imported ten times (bench-nbd-images.sh).
# Usage: scripts/bench-nbd.sh WORKDIR REPORT [--reps N] [--size-mib N] [--runtime S]
#          [--sustain-seconds S] [--dirty-limit-mib N] [--image-mib N]
# A quick look: --reps 1 --size-mib 256 --runtime 2 --sustain-seconds 10 --image-mib 1024
# Needs a build (make) and: qemu-nbd qemu-img nbdkit nbdinfo nbdcopy fio mkfs.ext4 python3 curl jq.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/bench-common.sh
work=$1/nbd
report=$2
shift 2
bench_options "$@"
started=$SECONDS

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
# The sustained cells write sustain_seconds of Granary's rate (kept until a gc after each
# repetition) and as many bytes again with dd, beside the images: check the room now rather than
# fail on a full disk twenty minutes in (a 60 s run here took about 40 GB at 300 MB/s). Assumes
# at most 500 MB/s.
need_gb=$((sustain_seconds * 2 * 500 / 1000 + 3 * size_mib / 1024 + 2 * image_mib / 1024 + 4))
free_gb=$(df -P -BG "$work" | awk 'NR == 2 {print int($4)}')
if ((free_gb < need_gb)); then
  echo "bench: the NBD section needs about $need_gb GB free in $work, and $free_gb GB are" >&2
  exit 1
fi
results=$work/results.tsv
: > "$results"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  pids=()
}
trap cleanup EXIT
say() { echo "nbd bench ($((SECONDS - started)) s): $*" >&2; }

pg=$(free_port) pq=$(free_port) pk=$(free_port)
declare -A uri=(
  [granary]=nbd://127.0.0.1:$pg/default/bench
  [qemu-nbd]=nbd://127.0.0.1:$pq/vol1
  [nbdkit]=nbd://127.0.0.1:$pk/
)
servers=(granary qemu-nbd nbdkit)

say "$size_mib MiB, $reps repetitions, fio ${runtime}s per cell, sustained ${sustain_seconds}s"
head -c "${size_mib}M" /dev/urandom > "$work/rand.img"
cp "$work/rand.img" "$work/qemu.img"
cp "$work/rand.img" "$work/kit.img"

export GRANARY_DATA=$work/granary
# The idle-connection cell opens 1,000 connections from one address: a hypervisor host of that
# size raises the per-client limit (256 by default, docs/configuration.md), and so does the bench.
# The dirty bound is set here (by default to the daemon's own default) because the daemon does
# not report it, and the sustained cell sizes its volume by it.
cat > "$work/granary.conf" <<CONF
[nbd]
max-connections-per-client = 1100

[volumes]
dirty-limit = "${dirty_limit_mib}M"
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
declare -A pid_of=([granary]=$gpid [qemu-nbd]=$(cat "$work/qemu-nbd.pid") [nbdkit]=$(cat "$work/nbdkit.pid"))
server_pids=("${pid_of[@]}")
nbdcopy "$work/rand.img" "${uri[granary]}"

# record WHAT SERVER REP KIND VALUE. KIND: value (the row's figure), drain (s from the cell's
# end until every server was quiet), incl-drain (the figure over the cell and its drain),
# cpu-us-op (the server's CPU over the cell and its drain per request).
record() { printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" >> "$results"; }
# calc EXPR [FORMAT]: awk arithmetic (python's start-up costs up to a second on a loaded machine,
# many times per cell); max(a, b) is there too.
calc() { awk "function max(a, b) { return a > b ? a : b } BEGIN { printf \"${2:-%.6f}\\n\", $1 }"; }

# cell SERVER CMD...: runs CMD with every server quiet before it (unless the last cell left them
# so: quiet=1) and waits until they are quiet again after it. Sets cell_seconds (CMD's wall
# time), cell_drain (s from CMD's end to quiet) and cell_cpu (SERVER's CPU seconds from CMD's
# start to quiet; empty when SERVER is not one of ours, as dd).
quiet=0
cell() {
  local s=$1 pid c0 t0 t1 q0
  shift
  q0=$(now)
  ((quiet)) || quiesce "${server_pids[@]}"
  pid=${pid_of[$s]:-}
  [[ -n $pid ]] && c0=$(cpu_ticks "$pid")
  t0=$(now)
  "$@"
  t1=$(now)
  quiesce "${server_pids[@]}"
  quiet=1
  cell_seconds=$(calc "$t1 - $t0")
  cell_drain=$(calc "max(0, $quiet_at - $t1)")
  cell_cpu=
  [[ -n $pid ]] && cell_cpu=$(calc "(${quiet_ticks[$pid]} - $c0) / $tick_hz")
  # Where a cell's time goes, for whoever wonders why a run took long.
  printf '%s\t%s\tquiet before %.2f s\trun %.2f s\tdrain %.2f s\tquiet after %.2f s\tload %s\n' \
    "$s" "$1" "$(calc "$t0 - $q0")" "$cell_seconds" "$cell_drain" "$(calc "$(now) - $t1")" \
    "$(cut -d' ' -f1 /proc/loadavg)" >> "$work/cells.log"
  return 0
}

# fio_cell WHAT SERVER REP BS FIO-OPTIONS...: one fio run of runtime seconds (no ramp: the
# server's CPU is sampled around the whole run, so every request it served must be counted).
fio_cell() {
  local what=$1 s=$2 rep=$3 bs=$4 v ios bytes
  shift 4
  cell "$s" fio --name=b --ioengine=nbd --uri="${uri[$s]}" --bs="$bs" "$@" \
    --time_based --runtime="$runtime" --output-format=json --output="$work/fio.json" >/dev/null 2>&1
  read -r v ios bytes < <(fio_figures "$work/fio.json" "$bs")
  record "$what" "$s" "$rep" value "$v"
  record "$what" "$s" "$rep" drain "$cell_drain"
  record "$what" "$s" "$rep" incl-drain "$(calc "$v * $runtime / ($runtime + $cell_drain)")"
  record "$what" "$s" "$rep" cpu-us-op "$(calc "$cell_cpu * 1e6 / max($ios, 1)")"
}

# A first pass on every server, not recorded: the JIT, the caches and the connections warm up
# here rather than in the first cell (the cells have no ramp time).
for s in "${servers[@]}"; do
  fio --name=w --ioengine=nbd --uri="${uri[$s]}" --rw=randrw --bs=4k --iodepth=32 \
    --size="${size_mib}m" --time_based --runtime="$runtime" >/dev/null 2>&1
  fio --name=w --ioengine=nbd --uri="${uri[$s]}" --rw=rw --bs=1m --iodepth=8 \
    --size="${size_mib}m" --time_based --runtime="$runtime" >/dev/null 2>&1
done

# fio: 4 KiB random at QD 1 and 32, 1 MiB sequential at QD 8; then the write jobs again with an
# NBD FLUSH after every 32 writes (fio's nbd engine sends one for --fsync; it refuses
# --fdatasync, and NBD has a single flush command), which qemu-nbd and nbdkit pass to the disk
# as fdatasync. Servers interleaved in each cell.
workloads=("randread 4k 1" "randread 4k 32" "randwrite 4k 1" "randwrite 4k 32" "read 1m 8" "write 1m 8"
  "randwrite 4k 1 durable" "randwrite 4k 32 durable" "write 1m 8 durable")
quiet=0
for rep in $(seq 1 "$reps"); do
  for w in "${workloads[@]}"; do
    read -r rw bs qd durable <<<"$w"
    what="fio $rw $bs QD$qd"
    opts=()
    if [[ -n $durable ]]; then
      what+=", flush every 32 (durable)"
      opts=(--fsync=32)
    fi
    for s in "${servers[@]}"; do
      fio_cell "$what" "$s" "$rep" "$bs" --rw="$rw" --iodepth="$qd" --size="${size_mib}m" "${opts[@]}"
    done
  done
  say "fio repetition $rep done"
done

# nbdcopy of a whole image in (plain, and with --flush: durable at the end) and out (MB/s),
# default settings. Each copy in brings data no server has seen (a dedupe store would store
# nothing for bytes it already holds); all three servers get the same file.
copy_cell() {
  local what=$1 s=$2 rep=$3 v
  shift 3
  cell "$s" "$@"
  v=$(calc "$size_mib * 1.048576 / $cell_seconds")
  record "$what" "$s" "$rep" value "$v"
  record "$what" "$s" "$rep" drain "$cell_drain"
  record "$what" "$s" "$rep" incl-drain "$(calc "$size_mib * 1.048576 / ($cell_seconds + $cell_drain)")"
}
for rep in $(seq 1 "$reps"); do
  for flush in "" --flush; do
    head -c "${size_mib}M" /dev/urandom > "$work/in.img"
    quiet=0
    for s in "${servers[@]}"; do
      copy_cell "nbdcopy in${flush:+ --flush (durable)}" "$s" "$rep" nbdcopy $flush "$work/in.img" "${uri[$s]}"
      [[ -z $flush ]] && copy_cell "nbdcopy out" "$s" "$rep" nbdcopy "${uri[$s]}" null:
    done
  done
done
rm -f "$work/in.img"
say "nbdcopy done"

# Sustained writes: 1 MiB sequential at QD 8 for sustain_seconds, looping over a fresh volume four
# times the dirty bound (so the window cannot hide in memory), not filled first: the first
# write of a new disk, as an import is. Its MB/s over the window alone and over the window and
# the drain after it, next to dd writing as many bytes to a file on the same disk (with
# fdatasync, so its figure is durable). Granary's deleted volume is collected (gc) after each
# repetition, untimed, so that the disk does not fill up. At most three repetitions: each takes
# twice the window or more, and a window is already a long average.
sustain_mib=$((4 * dirty_limit_mib))
for rep in $(seq 1 $((reps < 3 ? reps : 3))); do
  quiet=0
  bin/granary volume create default/sustain --size "${sustain_mib}M" >/dev/null
  cell granary fio --name=s --ioengine=nbd --uri="nbd://127.0.0.1:$pg/default/sustain" --rw=write --bs=1m --iodepth=8 \
    --size="${sustain_mib}m" --time_based --runtime="$sustain_seconds" \
    --output-format=json --output="$work/fio.json" >/dev/null 2>&1
  read -r v ios bytes < <(fio_figures "$work/fio.json" 1m)
  what="sustained write 1m QD8, ${sustain_seconds} s"
  record "$what" granary "$rep" value "$v"
  record "$what" granary "$rep" drain "$cell_drain"
  record "$what" granary "$rep" incl-drain "$(calc "$bytes / 1e6 / ($sustain_seconds + $cell_drain)")"
  record "$what" granary "$rep" cpu-us-op "$(calc "$cell_cpu * 1e6 / max($ios, 1)")"
  bin/granary volume delete default/sustain >/dev/null
  bin/granary gc --no-progress >/dev/null
  quiet=0
  cell dd dd if=/dev/zero of="$work/dd.img" bs=1M count=$((bytes >> 20)) conv=fdatasync status=none
  record "$what" dd "$rep" value "$(calc "$((bytes >> 20)) * 1.048576 / $cell_seconds")"
  record "$what" dd "$rep" drain "$cell_drain"
  record "$what" dd "$rep" incl-drain "$(calc "$((bytes >> 20)) * 1.048576 / ($cell_seconds + $cell_drain)")"
  rm -f "$work/dd.img"
done
say "sustained writes done"

# Connect + handshake up to NBD_OPT_GO's ACK, median of 200 connects (microseconds). The probe is
# a JVM: its own cost per connect (warming up within those connects) is in every server's figure.
declare -A export_of=([granary]=default/bench [qemu-nbd]=vol1 [nbdkit]="")
declare -A port_of=([granary]=$pg [qemu-nbd]=$pq [nbdkit]=$pk)
quiesce "${server_pids[@]}"
for rep in $(seq 1 "$reps"); do
  for s in "${servers[@]}"; do
    n=200
    [[ $s == qemu-nbd ]] && n=20   # 44 ms each: 20 are plenty for a median
    read -r med _ < <(nbd_probe handshake 127.0.0.1 "${port_of[$s]}" "${export_of[$s]}" $n)
    record "connect+handshake (µs)" "$s" "$rep" value "$med"
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
  t0=$(now); n=$(qemu-nbd -L -b 127.0.0.1 -p "$pg" | grep -c '^ export:'); t1=$(now)
  count_check "$n" 1000 "qemu-nbd -L on Granary"
  record "qemu-nbd --list, 1,000 exports (s)" granary "$rep" value "$(calc "$t1 - $t0")"
done
t0=$(now); n=$(nbdinfo --list "nbd://127.0.0.1:$pg" | grep -c '^export='); t1=$(now)
count_check "$n" 1000 "nbdinfo --list on Granary"
granary_nbdinfo=$(calc "$t1 - $t0" %.1f)
mkdir -p "$work/dir"
for i in $(seq 1 100); do truncate -s 1M "$work/dir/vol$i"; done
kdir_port=$(free_port)
nbdkit -P "$work/nbdkit-dir.pid" -i 127.0.0.1 -p "$kdir_port" file dir="$work/dir"
sleep 0.5
pids+=("$(cat "$work/nbdkit-dir.pid")")
t0=$(now); n=$(nbdinfo --list "nbd://127.0.0.1:$kdir_port" | grep -c '^export='); t1=$(now)
count_check "$n" 100 "nbdinfo --list on nbdkit"
kit_nbdinfo=$(calc "$t1 - $t0" %.1f)
t0=$(now); n=$(qemu-nbd -L -b 127.0.0.1 -p "$kdir_port" | grep -c '^ export:'); t1=$(now)
count_check "$n" 100 "qemu-nbd -L on nbdkit"
kit_qemu=$(calc "$t1 - $t0" %.1f)
nbdkit_list="nbdinfo --list (libnbd 1.14): Granary, 1,000 exports: $granary_nbdinfo s; nbdkit file dir=, 100 exports: $kit_nbdinfo s. qemu-nbd --list of nbdkit's 100 exports: $kit_qemu s"
say "handshakes, idle connections and lists done"

# The VM disk images run against servers of their own, on data directories holding nothing else.
cleanup
rm -f "$work"/{rand,qemu,kit}.img
scripts/bench-nbd-images.sh "$work/images" "$work/images.tsv" "$@"
say "VM disk images done"

python3 scripts/nbd-report.py --results "$results" --images "$work/images.tsv" --report "$report" \
  --reps "$reps" --size-mib "$size_mib" --runtime "$runtime" --sustain-seconds "$sustain_seconds" \
  --dirty-limit-mib "$dirty_limit_mib" --image-mib "$image_mib" \
  --minutes "$(calc "($SECONDS - $started) / 60" %.0f)" \
  --idle-line "$idle_line" --list-line "$nbdkit_list"
