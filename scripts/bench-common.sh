# Shared by the bench-*.sh sections (sourced, not run): options, ports, granaryd, fio results.

# bench_options ARGS...: sets reps, size_mib and runtime (defaults 5, 1024, 5); other
# options belong to other benchmarks and are skipped.
bench_options() {
  reps=5 size_mib=1024 runtime=5
  while (($#)); do
    case $1 in
      --reps) reps=$2; shift 2 ;;
      --size-mib) size_mib=$2; shift 2 ;;
      --runtime) runtime=$2; shift 2 ;;
      *) shift ;;
    esac
  done
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
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

# fio_value JSON BS: IOPS for 4k requests, MB/s otherwise, of whichever direction ran.
fio_value() {
  python3 -c '
import json, sys
j = json.load(open(sys.argv[1]))["jobs"][0]
d = j["read"] if j["read"]["io_bytes"] > 0 else j["write"]
print(d["iops"] if sys.argv[2] == "4k" else d["bw_bytes"] / 1e6)' "$1" "$2"
}
