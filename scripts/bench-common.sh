# Shared by the bench-*.sh sections (sourced, not run): options, ports, granaryd, quiet
# servers, CPU and fio results.

# bench_options ARGS...: sets reps, size_mib, runtime (defaults 5, 1024, 5), sustain_seconds
# (60: the NBD section's sustained-write window), dirty_limit_mib (the dirty bound the NBD
# section gives granaryd and sizes its sustained volume by; the daemon's own default, see
# default_dirty_limit_mib) and image_mib (2048: the VM disk image of the NBD section); other
# options belong to other benchmarks and are skipped.
bench_options() {
  reps=5 size_mib=1024 runtime=5 sustain_seconds=60 image_mib=2048
  dirty_limit_mib=$(default_dirty_limit_mib)
  while (($#)); do
    case $1 in
      --reps) reps=$2; shift 2 ;;
      --size-mib) size_mib=$2; shift 2 ;;
      --runtime) runtime=$2; shift 2 ;;
      --sustain-seconds) sustain_seconds=$2; shift 2 ;;
      --dirty-limit-mib) dirty_limit_mib=$2; shift 2 ;;
      --image-mib) image_mib=$2; shift 2 ;;
      *) shift ;;
    esac
  done
}

# default_dirty_limit_mib: granaryd's dirty bound when its configuration sets none, in MiB: a
# tenth of the machine's memory, at most 4 GiB, at least 256 MiB (docs/configuration.md,
# VolumeStoreConfig.defaultDirtyLimit). The daemon reports it nowhere, so the NBD section sets
# this figure itself, and knows it (TODO(dirty bound in the API): read it from the daemon).
default_dirty_limit_mib() {
  awk '/^MemTotal:/ {m = int($2 / 1024 / 10); print (m > 4096 ? 4096 : m < 256 ? 256 : m)}' /proc/meminfo
}

free_port() {
  free_ports 1
}

# free_ports N: N distinct free TCP ports of 127.0.0.1, one a line.
free_ports() {
  python3 -c '
import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks:
    s.bind(("127.0.0.1", 0))
print("\n".join(str(s.getsockname()[1]) for s in socks))' "$1"
}

# start_granaryd LOG ARGS...: starts bin/granaryd (GRANARY_DATA set by the caller) in the
# background, sets gpid, and waits until it says it is ready.
start_granaryd() {
  local log=$1
  shift
  bin/granaryd "$@" > "$log" 2>&1 &
  gpid=$!
  for _ in $(seq 1 300); do
    grep -q ' ready: ' "$log" && return 0
    sleep 0.1
  done
  echo "bench: granaryd did not start; see $log" >&2
  return 1
}

# now: seconds since the epoch, to the microsecond.
now() { echo "$EPOCHREALTIME"; }

# cpu_ticks PID: the process's user + system CPU time so far (all its threads), in clock ticks
# (fields 14 and 15 of /proc/PID/stat, counted after the command name, which may hold spaces).
cpu_ticks() {
  local stat
  read -r stat < "/proc/$1/stat"
  read -ra stat <<<"${stat##*) }"
  echo $((stat[11] + stat[12]))
}
tick_hz=$(getconf CLK_TCK)

# granary_dirty: bytes written to the Granary daemon of $GRANARY_DATA and not yet flushed into
# its chunk stores, all pools together (the pools' bufferedBytes in the admin API, docs/api.md).
granary_dirty() {
  curl -sf --unix-socket "$GRANARY_DATA/admin.sock" http://granary/api/v1/pools |
    grep -o '"bufferedBytes":[0-9]*' | awk -F: '{s += $2} END {print s + 0}'
}

# quiesce PID...: waits until every server is quiet, so that no cell pays for (or is flattered
# by) the work another one left behind, and sets quiet_at (now's clock) to when they became so
# and quiet_ticks[PID] to each one's CPU ticks then. Quiet is, in this order:
#  1. the Granary daemon of $GRANARY_DATA, if its admin socket is there, holds no dirty data;
#  2. the page cache is written back: sync, then Dirty + Writeback of /proc/meminfo under
#     QUIESCE_DIRTY_KIB (32 MiB: the machine is shared, others write too; after the first sync
#     what is left is theirs, so this waits 10 s at most);
#  3. every PID used at most QUIESCE_CPU (0.05 s) of CPU over one second; quiet_at is the start
#     of that second, so the second spent proving it is not counted as work.
# Gives up with a warning after QUIESCE_TIMEOUT seconds (600).
quiesce() {
  local limit=$((SECONDS + ${QUIESCE_TIMEOUT:-600})) dirty p i j ok max_ticks synced sample stat
  local -a at=() ticks=() new old f
  max_ticks=$(awk -v c="${QUIESCE_CPU:-0.05}" -v hz="$tick_hz" 'BEGIN {printf "%d", c * hz}')
  if [[ -n ${GRANARY_DATA:-} && -S $GRANARY_DATA/admin.sock ]]; then
    while dirty=$(granary_dirty) && ((dirty > 0)); do
      if ((SECONDS > limit)); then
        echo "bench: Granary still holds $dirty dirty bytes; going on" >&2
        break
      fi
      sleep 0.1 # each look is an API call the daemon serves: not too often
    done
  fi
  sync
  synced=$SECONDS
  while (($(awk '/^(Dirty|Writeback):/ {s += $2} END {print s}' /proc/meminfo) > ${QUIESCE_DIRTY_KIB:-32768})); do
    if ((SECONDS > limit || SECONDS > synced + 10)); then
      echo "bench: the page cache stays dirty; going on" >&2
      break
    fi
    sleep 0.1
    sync
  done
  # Samples every 0.2 s (read in this shell: a fork per sample would take a good part of
  # those 0.2 s on a loaded machine); sample i-5 to sample i spans a second or a little more.
  declare -gA quiet_ticks=()
  while :; do
    at+=("$EPOCHREALTIME")
    sample=
    for p; do
      stat=") 0 0 0 0 0 0 0 0 0 0 0 0 0" # a process gone: no CPU
      [[ -r /proc/$p/stat ]] && read -r stat < "/proc/$p/stat"
      read -ra f <<<"${stat##*) }"
      sample+="$((f[11] + f[12])) "
    done
    ticks+=("$sample")
    i=$((${#at[@]} - 1))
    if ((i >= 5)); then
      read -ra new <<<"${ticks[i]}"
      read -ra old <<<"${ticks[i - 5]}"
      ok=1
      for j in "${!new[@]}"; do
        ((new[j] - old[j] <= max_ticks)) || ok=0
      done
      if ((ok)) || ((SECONDS > limit)); then
        ((ok)) || echo "bench: the servers stay busy ($*); going on" >&2
        quiet_at=${at[i - 5]}
        j=0
        for p; do quiet_ticks[$p]=${old[j]:-0}; j=$((j + 1)); done
        return 0
      fi
    fi
    sleep 0.2
  done
}

# fio_figures JSON BS: the cell's figure (IOPS for 4k requests, MB/s otherwise), the requests
# it completed (reads and writes, not flushes) and the bytes it moved.
fio_figures() {
  jq -r --arg bs "$2" '.jobs[0]
    | (if .read.io_bytes > 0 then .read else .write end) as $d
    | [(if $bs == "4k" then $d.iops else $d.bw_bytes / 1e6 end),
       .read.total_ios + .write.total_ios, .read.io_bytes + .write.io_bytes]
    | @tsv' "$1"
}

# fio_value JSON BS: the cell's figure alone.
fio_value() {
  fio_figures "$1" "$2" | cut -f1
}
