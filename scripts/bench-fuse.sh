#!/usr/bin/env bash
# The FUSE section of make bench: a volume file through the mount, the same volume over NBD,
# and a plain file on the local disk, under fio in one run, interleaved.
# Usage: scripts/bench-fuse.sh WORKDIR REPORT [--reps N] [--size-mib N] [--runtime S]
# Needs a build (make), root with /dev/fuse, and: fio python3.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/bench-common.sh
work=$(realpath -m "$1")/fuse
report=$2
shift 2
bench_options "$@"
if [[ ! -w /dev/fuse ]]; then
  printf '## FUSE namespace\n\nNot measured: /dev/fuse is not usable here.\n' > "$report"
  exit 0
fi

rm -rf "$work"
mkdir -p "$work"
results=$work/results.tsv
: > "$results"
gpid=
cleanup() { [[ -n $gpid ]] && kill "$gpid" 2>/dev/null; wait 2>/dev/null || true; }
trap cleanup EXIT

port=$(free_port)
export GRANARY_DATA=$work/granary
start_granaryd "$work/granaryd.log" --nbd-listen "127.0.0.1:$port" --mount "$work/mnt"
grep -q 'volumes as files at' "$work/granaryd.log" || { echo "fuse bench: granaryd did not mount" >&2; exit 1; }
head -c "${size_mib}M" /dev/urandom > "$work/plain.img"
cp "$work/plain.img" "$work/mnt/default/bench"

declare -A target=(
  [fuse]="--ioengine=psync --filename=$work/mnt/default/bench"
  [nbd]="--ioengine=nbd --uri=nbd://127.0.0.1:$port/default/bench"
  [file]="--ioengine=psync --filename=$work/plain.img"
)
targets=(fuse nbd file)
workloads=("read 1m 1" "write 1m 1" "randread 4k 1")
for rep in $(seq 1 "$reps"); do
  for w in "${workloads[@]}"; do
    read -r rw bs qd <<<"$w"
    for t in "${targets[@]}"; do
      # Every cell starts quiet: no dirty data in Granary, the page cache written back, the
      # daemon idle (a write cell's background flush would otherwise run in the next cell).
      quiesce "$gpid"
      # shellcheck disable=SC2086
      fio --name=b ${target[$t]} --rw="$rw" --bs="$bs" --iodepth="$qd" --size="${size_mib}m" \
        --time_based --runtime="$runtime" --ramp_time=1 --output-format=json \
        --output="$work/fio.json" >/dev/null 2>&1
      v=$(fio_value "$work/fio.json" "$bs")
      printf '%s\t%s\t%s\t%s\n' "fio $rw $bs QD$qd" "$t" "$rep" "$v" >> "$results"
    done
  done
  echo "fuse bench: repetition $rep done" >&2
done

python3 - "$results" "$report" "$reps" "$size_mib" "$runtime" <<'PY'
import collections, statistics, sys
results, report, reps, size, runtime = sys.argv[1:]
vals = collections.defaultdict(lambda: collections.defaultdict(dict))
order = []
for line in open(results):
    what, t, rep, v = line.rstrip("\n").split("\t")
    if what not in order:
        order.append(what)
    vals[what][t][rep] = float(v)
def ratio(per, a, b):
    rs = [per[a][r] / per[b][r] for r in per[a] if per[b].get(r)]
    return "%.2f×" % statistics.median(rs)
out = ["## FUSE namespace", "",
       "fio on a %s MiB volume file through the mount (`psync`, jnr-fuse's multithreaded loop with "
       "`direct_io`, 128 KiB requests), the same volume over NBD (fio's nbd engine), and a plain "
       "file on the local disk (`psync`, page cache), interleaved; every cell starts with the daemon "
       "quiet (no dirty data, the page cache written back, under 5 %% of a core for a second); "
       "medians of %s repetitions, %s s per cell. Units: MB/s for 1m, IOPS for 4k." % (size, reps, runtime), "",
       "| workload | FUSE | NBD | plain file | FUSE / NBD | FUSE / plain file |",
       "|---|---|---|---|---|---|"]
for w in order:
    per = vals[w]
    med = {t: statistics.median(per[t].values()) for t in ("fuse", "nbd", "file")}
    out.append("| %s | %.0f | %.0f | %.0f | %s | %s |" % (w, med["fuse"], med["nbd"], med["file"],
               ratio(per, "fuse", "nbd"), ratio(per, "fuse", "file")))
seq = [w for w in order if w.startswith("fio read 1m")]
if seq:
    m = statistics.median(vals[seq[0]]["fuse"].values())
    out += ["", "### Aims", "",
            "- %s: sequential read of cached data through the mount at least 500 MB/s (measured %.0f MB/s)"
            % ("met" if m >= 500 else "**not met**", m)]
open(report, "w").write("\n".join(out) + "\n")
print("\n".join(out))
PY
