#!/usr/bin/env bash
# The replication section of make bench (issue 18): a volume of random data replicated from one
# appliance to another (two granaryd processes, A and B, the receiver's TLS admin listener as the
# remote), whole and then after 10 % of its 16 KiB blocks were rewritten with new random data,
# beside what a user would do without us: a full copy of A's NBD export to a file on B's side
# with nbdcopy (no incremental: the second copy is whole again) and rsync --inplace of the raw
# image to an rsync daemon on B's side (the delta algorithm: both sides read whole). Each cell
# twice: on loopback directly, and through an emulated WAN (io.granary.testing.WanLinkMain: a
# one-way delay and a bandwidth cap each way, counting the bytes both ways). Cells are
# interleaved (Granary, nbdcopy, rsync, per step of each repetition), each after every server
# went quiet; every copy is checked against A's snapshot (SHA-256) after its cell.
# Usage: scripts/bench-replication.sh WORKDIR REPORT [--reps N] [--size-mib N] [--wan-reps N]
#   --wan-reps: repetitions that also run the WAN cells (default: all of them); the WAN's
#   delay and cap come from BENCH_WAN_DELAY_MS (75) and BENCH_WAN_RATE (12500000 bytes/s).
# Needs a build (make: the appliance and test-support's classes), nbdcopy, fio with its nbd
# engine, rsync, keytool, curl, jq and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/bench-common.sh
work=$1/replication
report=$2
shift 2
bench_options "$@"
((reps > 3)) && reps=3 # each repetition copies the volume twelve times; three show the spread
wan_reps=$reps
while (($#)); do
  case $1 in
    --wan-reps) wan_reps=$2; shift 2 ;;
    *) shift ;;
  esac
done
((wan_reps > reps)) && wan_reps=$reps
delay_ms=${BENCH_WAN_DELAY_MS:-75}
rate=${BENCH_WAN_RATE:-12500000}
size=$((size_mib << 20))

classes=test-support/target/classes
[[ -f $classes/io/granary/testing/WanLinkMain.class ]] ||
  { echo "bench: $classes has no WanLinkMain: run make first" >&2; exit 1; }
for tool in nbdcopy fio rsync keytool curl jq sha256sum; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (scripts/deps.sh bench)" >&2; exit 1; }
done

rm -rf "$work"
adata=$work/a bdata=$work/b aside=$work/a-side bside=$work/b-side
mkdir -p "$adata" "$bdata" "$aside" "$bside" "$work/cells"
apid= bpid= rpid= link_pid=
cleanup() {
  for p in $link_pid $rpid $apid $bpid; do
    kill "$p" 2>/dev/null && { wait "$p" 2>/dev/null || true; }
  done
  # The volumes' data (several GiB a repetition) goes; the logs and each cell's figures stay.
  rm -rf "$adata" "$bdata" "$aside" "$bside"
  return 0
}
trap cleanup EXIT

read -r nbd_a nbd_b admin_b rsync_port < <(free_ports 4 | paste -sd ' ')

# B: a TLS admin listener with a self-signed key (as ReplicationIT's TestKeyStore makes it) and
# a token; A: its remote is B's listener, directly or through a link started for the cell.
token=bench-replication-token-$RANDOM$RANDOM$RANDOM
printf '%s\n' "$token" > "$bdata/admin.token"
cp "$bdata/admin.token" "$work/token"
chmod 600 "$bdata/admin.token" "$work/token"
keytool -genkeypair -keystore "$bdata/admin.p12" -storetype PKCS12 -storepass bench-secret \
  -alias granary -keyalg EC -groupname secp256r1 -dname CN=bench-b -validity 2 >/dev/null 2>&1
cat > "$work/b.conf" <<EOF
[admin]
tcp = "127.0.0.1:$admin_b"
tls-keystore = "$bdata/admin.p12"
tls-keystore-password = "bench-secret"
token-file = "$bdata/admin.token"
EOF
GRANARY_DATA=$bdata start_granaryd "$work/granaryd-b.log" --config "$work/b.conf" \
  --mount none --nbd-listen "127.0.0.1:$nbd_b"
bpid=$gpid
GRANARY_DATA=$adata start_granaryd "$work/granaryd-a.log" --mount none --nbd-listen "127.0.0.1:$nbd_a"
apid=$gpid
ga() { GRANARY_DATA=$adata bin/granary "$@"; }
ga remote add direct --url "https://127.0.0.1:$admin_b" --token-file "$work/token" >/dev/null

# B's side also holds an rsync daemon (no ssh: its own protocol on loopback).
cat > "$work/rsyncd.conf" <<EOF
use chroot = false
uid = $(id -u)
gid = $(id -g)
log file = $work/rsyncd.log
[b]
path = $bside
read only = false
EOF
rsync --daemon --no-detach --address 127.0.0.1 --port "$rsync_port" --config "$work/rsyncd.conf" \
  > "$work/rsyncd.out" 2>&1 &
rpid=$!
for _ in $(seq 1 100); do
  rsync "rsync://127.0.0.1:$rsync_port/" >/dev/null 2>&1 && break
  sleep 0.1
done
echo "replication bench: $reps repetitions ($wan_reps through the WAN) of $size_mib MiB;" \
  "granaryd A $apid, B $bpid, rsyncd $rpid; WAN $delay_ms ms each way, $rate bytes/s" >&2

# start_link PORT: a WAN link to 127.0.0.1:PORT; sets link_pid and link_port.
start_link() {
  rm -f "$work/link.port" "$work/link.stats"
  java -Xmx256m -XX:+UseSerialGC -cp "$classes" io.granary.testing.WanLinkMain \
    --to "127.0.0.1:$1" --port-file "$work/link.port" --stats-file "$work/link.stats" \
    --delay-ms "$delay_ms" --bandwidth "$rate" >> "$work/link.log" 2>&1 &
  link_pid=$!
  for _ in $(seq 1 300); do
    [[ -f $work/link.port ]] && { link_port=$(< "$work/link.port"); return 0; }
    sleep 0.1
  done
  echo "bench: the WAN link did not start; see $work/link.log" >&2
  return 1
}
# stop_link: stops the link; sets link_bytes to what crossed it, both ways.
stop_link() {
  kill -TERM "$link_pid"
  wait "$link_pid" 2>/dev/null || true
  link_pid=
  link_bytes=$(awk '$1 == "to-server" || $1 == "to-client" {s += $2} END {print s + 0}' "$work/link.stats")
}

# settle PID...: A holds no dirty data, then quiesce (bench-common.sh) B and the PIDs.
settle() {
  local limit=$((SECONDS + ${QUIESCE_TIMEOUT:-600}))
  while (($(GRANARY_DATA=$adata granary_dirty) > 0 && SECONDS < limit)); do sleep 0.1; done
  GRANARY_DATA=$bdata quiesce "$@"
}

sha_of_export() { # PORT EXPORT
  nbdcopy "nbd://127.0.0.1:$1/$2" - | sha256sum | cut -d' ' -f1
}
sha_of_file() { sha256sum "$1" | cut -d' ' -f1; }
check() { # WHAT GOT WANT
  [[ $2 == "$3" ]] || { echo "bench: $1 differs from A's snapshot ($2, not $3)" >&2; exit 1; }
}

declare -A cell # "measure method step case rep" -> figure
add() { cell["$1 $2 $3 $4 $5"]=$6; }

# run_cell METHOD STEP CASE REP VOL SNAP SHA: one timed copy, checked after.
run_cell() {
  local method=$1 step=$2 net=$3 rep=$4 vol=$5 snap=$6 want=$7 target port remote out a0 b0 t0 t1
  out=$work/cells/$method-$step-$net-$rep
  case $method in
    granary) target=$admin_b ;;
    nbdcopy) target=$nbd_a; rm -f "$bside/nbdcopy.raw" ;;
    rsync) target=$rsync_port ;;
  esac
  port=$target
  if [[ $net == wan ]]; then
    start_link "$target"
    port=$link_port
  fi
  remote=direct
  if [[ $method == granary && $net == wan ]]; then # the link's port is new: so is the remote
    remote=wan-$step-$rep
    ga remote add "$remote" --url "https://127.0.0.1:$port" --token-file "$work/token" >/dev/null
  fi
  settle "$apid" "$bpid" "$rpid" $link_pid
  a0=$(cpu_ticks "$apid") b0=$(cpu_ticks "$bpid")
  t0=$(now)
  case $method in
    granary)
      ga volume replicate "$vol" --to "$remote" --snapshot "$snap" --json --no-progress > "$out.json" ;;
    nbdcopy)
      nbdcopy --flush "nbd://127.0.0.1:$port/$vol@$snap" "$bside/nbdcopy.raw" ;;
    rsync)
      rsync --inplace --ignore-times --fsync --stats "$aside/image.raw" \
        "rsync://127.0.0.1:$port/b/rsync.raw" > "$out.stats" ;;
  esac
  t1=$(now)
  add cpu-a "$method" "$step" "$net" "$rep" "$(($(cpu_ticks "$apid") - a0))"
  add cpu-b "$method" "$step" "$net" "$rep" "$(($(cpu_ticks "$bpid") - b0))"
  add wall "$method" "$step" "$net" "$rep" "$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f", b - a}')"
  if [[ $net == wan ]]; then
    stop_link
    add wire "$method" "$step" "$net" "$rep" "$link_bytes"
  fi
  case $method in
    granary)
      [[ $remote == direct ]] || ga remote remove "$remote" >/dev/null
      add cli-s granary "$step" "$net" "$rep" "$(jq -r '.seconds | . * 100 | round / 100' "$out.json")"
      add payload granary "$step" "$net" "$rep" "$(jq -r .payloadBytes "$out.json")"
      add stream granary "$step" "$net" "$rep" "$(jq -r .streamBytes "$out.json")"
      add rounds granary "$step" "$net" "$rep" "$(jq -r .rounds "$out.json")"
      add attempts granary "$step" "$net" "$rep" "$(jq -r .attempts "$out.json")"
      check "B's $vol@$snap" "$(sha_of_export "$nbd_b" "$vol@$snap")" "$want" ;;
    nbdcopy)
      check "nbdcopy's copy of $vol@$snap" "$(sha_of_file "$bside/nbdcopy.raw")" "$want" ;;
    rsync)
      add rsync-total rsync "$step" "$net" "$rep" "$(awk -F': ' '/^Total bytes (sent|received)/ {gsub(/,/, "", $2); s += $2} END {print s}' "$out.stats")"
      add literal rsync "$step" "$net" "$rep" "$(awk -F': ' '/^Literal data/ {gsub(/,/, "", $2); print $2 + 0}' "$out.stats")"
      check "rsync's copy of $vol@$snap" "$(sha_of_file "$bside/rsync.raw")" "$want" ;;
  esac
}

# change VOL SEED OUT BYTES: 10 % of the 16 KiB blocks, each once (fio's random map), rewritten
# with new random data (a fresh buffer every write; fio's seed sets its data too).
change() {
  fio --name=change --ioengine=nbd --uri="nbd://127.0.0.1:$nbd_a/$1" --rw=randwrite \
    --bs=16k --size="$4" --io_size=$(($4 / 16384 / 10 * 16384)) --iodepth=8 \
    --refill_buffers --randseed="$2" --end_fsync=1 --output-format=json --output="$3" \
    >/dev/null 2>&1
}

# Warm-up: the daemons' JIT compilers make the TLS and hashing paths several times faster over
# the first few hundred MiB a JVM replicates (AES-GCM and SHA-256 reach their intrinsics only
# once their callers are compiled), and a long-running appliance is warm: before the first cell,
# a volume of min(SIZE, 256 MiB) is replicated whole and after a change, twice over, on
# loopback; the first of these (a cold daemon) is reported.
warm_mib=$((size_mib < 256 ? size_mib : 256))
for i in 1 2; do
  vol=default/warm-up-$i
  ga volume create "$vol" --size "${warm_mib}M" >/dev/null
  head -c "$((warm_mib << 20))" /dev/urandom | nbdcopy --flush - "nbd://127.0.0.1:$nbd_a/$vol"
  ga snapshot create "$vol@s1" >/dev/null
  settle "$apid" "$bpid"
  t0=$(now)
  ga volume replicate "$vol" --to direct --snapshot s1 --json --no-progress > "$work/cells/warm-up-$i.json"
  t1=$(now)
  ((i == 1)) && cold_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", b - a}')
  change "$vol" "$((1000 + i))" "$work/cells/warm-up-change-$i.json" "$((warm_mib << 20))"
  ga snapshot create "$vol@s2" >/dev/null
  ga volume replicate "$vol" --to direct --snapshot s2 --json --no-progress >/dev/null
done
echo "replication bench: warm-up done; a cold daemon replicated $warm_mib MiB in $cold_s s" >&2

seed=0
for rep in $(seq 1 "$reps"); do
  nets=(direct)
  ((rep <= wan_reps)) && nets+=(wan)
  for net in "${nets[@]}"; do
    seed=$((seed + 1)) # new data for every change
    # A volume of new random data for each repetition and case: B must hold none of it before
    # the initial copy (it holds every chunk sent before), and rsync's target starts empty.
    vol=default/r$rep-$net
    rm -f "$bside"/*.raw
    head -c "$size" /dev/urandom > "$aside/image.raw"
    ga volume create "$vol" --size "${size_mib}M" >/dev/null
    nbdcopy --flush "$aside/image.raw" "nbd://127.0.0.1:$nbd_a/$vol"
    ga snapshot create "$vol@s1" >/dev/null
    want=$(sha_of_file "$aside/image.raw")
    check "A's $vol@s1" "$(sha_of_export "$nbd_a" "$vol@s1")" "$want"
    for method in granary nbdcopy rsync; do
      run_cell "$method" initial "$net" "$rep" "$vol" s1 "$want"
    done

    # rsync's source is the new snapshot exported whole (untimed).
    change "$vol" "$seed" "$work/cells/change-$net-$rep.json" "$size"
    ga snapshot create "$vol@s2" >/dev/null
    nbdcopy "nbd://127.0.0.1:$nbd_a/$vol@s2" "$aside/image.raw"
    want=$(sha_of_file "$aside/image.raw")
    for method in granary nbdcopy rsync; do
      run_cell "$method" changed "$net" "$rep" "$vol" s2 "$want"
    done
    echo "replication bench: repetition $rep, $net: done" >&2
  done
done

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR] = $1} END {print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2)}'; }
# figs MEASURE METHOD STEP NET: the figure of every repetition that ran it, in order.
figs() {
  local r out=()
  for r in $(seq 1 "$reps"); do
    [[ -n ${cell["$1 $2 $3 $4 $r"]:-} ]] && out+=("${cell["$1 $2 $3 $4 $r"]}")
  done
  echo "${out[*]}"
}
med() { median $(figs "$@"); }
mb() { awk -v b="$1" 'BEGIN {printf "%.1f", b / 1e6}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}'; }
# each MEASURE METHOD STEP NET [mb]: the median and, with more than one, each run in brackets;
# seconds to two decimals, bytes (mb) in MB to one.
each() {
  local v out=() m
  for v in $(figs "$1" "$2" "$3" "$4") MEDIAN; do
    [[ $v == MEDIAN ]] && v=$(med "$1" "$2" "$3" "$4")
    if [[ ${5:-} == mb ]]; then out+=("$(mb "$v")"); else out+=("$(printf '%.2f' "$v")"); fi
  done
  m=${out[-1]}
  unset 'out[-1]'
  if ((${#out[@]} > 1)); then echo "$m ($(IFS=/; echo "${out[*]}"))"; else echo "$m"; fi
}
table() { # NET
  local net=$1 step label g n r
  echo "| cell | Granary | nbdcopy | rsync --inplace | Granary / nbdcopy | Granary / rsync |"
  echo "|---|---:|---:|---:|---:|---:|"
  for step in initial changed; do
    [[ $step == initial ]] && label="initial copy" || label="after 10 % changed"
    g=$(med wall granary $step "$net") n=$(med wall nbdcopy $step "$net") r=$(med wall rsync $step "$net")
    echo "| $label: wall s | $(each wall granary $step "$net") | $(each wall nbdcopy $step "$net") | $(each wall rsync $step "$net") | $(ratio "$g" "$n")× | $(ratio "$g" "$r")× |"
    if [[ $net == wan ]]; then
      g=$(med wire granary $step "$net") n=$(med wire nbdcopy $step "$net") r=$(med wire rsync $step "$net")
      echo "| $label: MB on the wire | $(each wire granary $step "$net" mb) | $(each wire nbdcopy $step "$net" mb) | $(each wire rsync $step "$net" mb) | $(ratio "$g" "$n")× | $(ratio "$g" "$r")× |"
    fi
  done
}
granary_notes() { # NET
  local net=$1 step
  for step in initial changed; do
    echo "- Granary, $([[ $step == initial ]] && echo "initial" || echo "after the change"):" \
      "$(each cli-s granary $step "$net") s by its own count (\`seconds\`), payload" \
      "$(each payload granary $step "$net" mb) MB, stream $(each stream granary $step "$net" mb) MB," \
      "$(med rounds granary $step "$net") questions, $(med attempts granary $step "$net") attempt(s);" \
      "CPU of the sender $(awk -v t="$(med cpu-a granary $step "$net")" -v hz="$tick_hz" 'BEGIN {printf "%.1f", t / hz}') s," \
      "of the receiver $(awk -v t="$(med cpu-b granary $step "$net")" -v hz="$tick_hz" 'BEGIN {printf "%.1f", t / hz}') s"
  done
}
wan_ran=$(figs wall granary initial wan | wc -w)
{
  echo "## Replication"
  echo
  echo "\`scripts/bench-replication.sh\`: two granaryd processes on this machine, A and B, B's TLS"
  echo "admin listener as A's remote; a $size_mib MiB volume of random data (new for each repetition"
  echo "and case, so B holds none of it before the initial copy), replicated from A to B with"
  echo "\`granary volume replicate --snapshot\`, then again after 10 % of its 16 KiB blocks"
  echo "($((size / 16384 / 10)), each once, at random) were rewritten with new random data (fio). Beside it, what"
  echo "a user would do without us: \`nbdcopy --flush\` of A's NBD export of the snapshot to a"
  echo "file on B's side (no incremental: the second copy is whole again), and \`rsync --inplace"
  echo "--ignore-times --fsync\` of the raw image (the snapshot exported whole beforehand, not timed)"
  echo "to an rsync daemon on B's side (its delta algorithm, rsync's default block size). Wall"
  echo "time from the command's start to its exit (Granary: the CLI's, which follows the task; the"
  echo "receiver has committed by then; nbdcopy and rsync fsync the copy); every copy is checked"
  echo "against A's snapshot (SHA-256) after its cell. Cells interleaved (Granary, nbdcopy, rsync"
  echo "for each step of each repetition), each after every server went quiet; medians of $reps"
  echo "repetitions on loopback and $wan_ran through the WAN, each run in brackets. Ratios: Granary"
  echo "/ peer (below 1: Granary took less time or sent fewer bytes). $(date -u +%Y-%m-%dT%H:%MZ)."
  echo
  echo "The daemons were warm: before the first cell each replicated two volumes of $warm_mib MiB"
  echo "whole and after a change (the JIT compilers bring TLS's AES-GCM and SHA-256 to their"
  echo "intrinsics only after a while); the first of them, in cold daemons, took $cold_s s on loopback."
  echo
  echo "Peers: $(nbdcopy --version | head -1); $(rsync --version | head -1 | sed 's/  */ /g')."
  echo
  echo "### Loopback (no WAN)"
  echo
  table direct
  echo
  granary_notes direct
  echo "- rsync's own count of the bytes it moved: $(each rsync-total rsync initial direct mb) MB initial," \
    "$(each rsync-total rsync changed direct mb) MB after the change (its literal data:" \
    "$(each literal rsync changed direct mb) MB)"
  echo
  echo "Bytes on the wire are counted by the WAN link only (below): a counting proxy on loopback"
  echo "would slow every copy it carries. The exchange does not depend on the link: the"
  echo "protocols' own counts above and below agree."
  if ((wan_ran > 0)); then
    echo
    echo "### Through an emulated WAN"
    echo
    echo "\`io.granary.testing.WanLinkMain\` (test-support's WanLink as a process) in front of the"
    echo "server of each copy: $delay_ms ms each way ($((delay_ms * 2)) ms round trip), $(awk -v r="$rate" 'BEGIN {printf "%.1f MB/s (%.0f Mbit/s)", r / 1e6, r * 8 / 1e6}')"
    echo "each way, shared by the copy's connections; a link per cell, whose counters (bytes"
    echo "delivered, both directions: the payload of TCP, without its headers) are the cell's alone."
    echo "At that rate the $size_mib MiB alone take $(awk -v s="$size" -v r="$rate" 'BEGIN {printf "%.1f", s / r}') s."
    echo
    table wan
    echo
    granary_notes wan
    echo "- rsync's own count of the bytes it moved: $(each rsync-total rsync initial wan mb) MB initial," \
      "$(each rsync-total rsync changed wan mb) MB after the change (its literal data:" \
      "$(each literal rsync changed wan mb) MB)"
  fi
} > "$report"
cat "$report"
