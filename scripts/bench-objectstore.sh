#!/usr/bin/env bash
# The object-store section of make bench: a volume on a pool whose packs live in a bucket (a
# real S3 server, s3proxy, on this machine) beside one on a local pool, in one granaryd and one
# run: nbdcopy in with --flush (acknowledged, and until every pack is in the bucket), fio 1 MiB
# writes and 4 KiB random reads, reads with a cold cache, the requests and bytes per GiB
# written, and the time to attach the pool on a new appliance from the bucket alone. Cells are
# interleaved (local, then bucket, per repetition), each after every server went quiet.
# Usage: scripts/bench-objectstore.sh WORKDIR REPORT [--reps N] [--size-mib N] [--runtime S]
# Needs a build (make; the s3proxy jar comes with the dedupe module's test resources), fio with
# its nbd engine, nbdcopy, curl, jq and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/bench-common.sh
work=$1/objectstore
report=$2
shift 2
bench_options "$@"
((reps > 3)) && reps=3 # each repetition writes size_mib twice more; three show the spread

jar=dedupe/target/s3proxy/s3proxy.jar
[[ -f $jar ]] || { echo "bench: $jar missing: run make first" >&2; exit 1; }
rm -rf "$work"
mkdir -p "$work/s3/blobs/granary-bench" "$work/images"
gpid= spid= apid=
cleanup() {
  for p in $gpid $apid $spid; do
    kill "$p" 2>/dev/null && { wait "$p" 2>/dev/null || true; }
  done
  return 0
}
trap cleanup EXIT

read -r s3port nbdport nbdport2 < <(free_ports 3 | paste -sd ' ')
cat > "$work/s3/s3proxy.conf" <<EOF
s3proxy.endpoint=http://127.0.0.1:$s3port
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=bench-access
s3proxy.credential=bench-secret
jclouds.provider=filesystem-nio2
jclouds.filesystem.basedir=$work/s3/blobs
EOF
java -Xmx1g -jar "$jar" --properties "$work/s3/s3proxy.conf" > "$work/s3/s3proxy.log" 2>&1 &
spid=$!
for _ in $(seq 1 300); do
  curl -s -o /dev/null "http://127.0.0.1:$s3port/" && break
  sleep 0.1
done
printf '[default]\naws_access_key_id = bench-access\naws_secret_access_key = bench-secret\n' \
  > "$work/s3.credentials"
chmod 600 "$work/s3.credentials"
bucket_args=(--s3 "http://127.0.0.1:$s3port" --bucket granary-bench --credentials "$work/s3.credentials")

export GRANARY_DATA=$work/data
start_granaryd "$work/granaryd.log" --mount none --nbd-listen "127.0.0.1:$nbdport"
bin/granary pool create lp --capacity 100G >/dev/null
bin/granary pool create sp --capacity 100G --cache 4G "${bucket_args[@]}" >/dev/null
bin/granary pool create rp --capacity 100G --cache 4G --durability remote --prefix remote \
  "${bucket_args[@]}" >/dev/null
echo "objectstore bench: $reps repetitions of $size_mib MiB; granaryd $gpid, s3proxy $spid" >&2

# New random data every repetition (the same for both pools), so nothing dedupes across them.
for rep in $(seq 1 "$reps"); do
  head -c "$((size_mib << 20))" /dev/urandom > "$work/images/random-$rep.raw"
done

pool_json() { curl -sf --unix-socket "$GRANARY_DATA/admin.sock" "http://granary/api/v1/pools/$1"; }
backlog() { pool_json sp | jq '.objectStore.uploadBacklogBytes'; }
requests() { pool_json sp | jq -r '.objectStore.requests | "\(.put) \(.get) \(.head) \(.delete) \(.list)"'; }
uploaded_bytes() { pool_json sp | jq '.objectStore.bytesUploaded'; }
uri() { echo "nbd://127.0.0.1:$nbdport/$1"; }

declare -A cell # "name pool rep" -> figure
add() { cell["$1 $2 $3"]=$4; }

for rep in $(seq 1 "$reps"); do
  for pool in lp sp; do
    vol=$pool/v$rep
    bin/granary volume create "$vol" --size "$((size_mib + 64))M" >/dev/null
    quiesce "$gpid"
    read -r p0 g0 h0 d0 l0 < <(requests)
    up0=$(uploaded_bytes)
    t0=$(now)
    nbdcopy --flush "$work/images/random-$rep.raw" "$(uri "$vol")"
    t1=$(now)
    # until every sealed pack is in the bucket (and, for both, the background flush is done)
    if [[ $pool == sp ]]; then
      bin/granary pool checkpoint sp >/dev/null
      while (($(backlog) > 0)); do sleep 0.1; done
    fi
    quiesce "$gpid"
    t2=$quiet_at
    add "in-ack" "$pool" "$rep" "$(awk -v s="$size_mib" -v a="$t0" -v b="$t1" 'BEGIN {printf "%.0f", s * 1.048576 / (b - a)}')"
    add "in-settled" "$pool" "$rep" "$(awk -v s="$size_mib" -v a="$t0" -v b="$t2" 'BEGIN {printf "%.0f", s * 1.048576 / (b - a)}')"
    if [[ $pool == sp ]]; then
      read -r p1 g1 h1 d1 l1 < <(requests)
      up1=$(uploaded_bytes)
      gib=$(awk -v s="$size_mib" 'BEGIN {print s / 1024}')
      add "puts-per-gib" sp "$rep" "$(awk -v a="$p0" -v b="$p1" -v g="$gib" 'BEGIN {printf "%.0f", (b - a) / g}')"
      add "requests-per-gib" sp "$rep" "$(awk -v a="$((p0 + g0 + h0 + d0 + l0))" -v b="$((p1 + g1 + h1 + d1 + l1))" -v g="$gib" 'BEGIN {printf "%.0f", (b - a) / g}')"
      add "up-per-gib" sp "$rep" "$(awk -v a="$up0" -v b="$up1" -v g="$gib" 'BEGIN {printf "%.2f", (b - a) / 1073741824 / g}')"
    fi
    # warm reads: the volume read once whole (the bucket's pages into the cache), then fio 4k
    # random reads QD1
    nbdcopy "$(uri "$vol")" null:
    quiesce "$gpid"
    fio --name=r --ioengine=nbd --uri="$(uri "$vol")" --rw=randread --bs=4k --iodepth=1 \
      --size="${size_mib}M" --runtime="$runtime" --time_based --output-format=json \
      --output="$work/fio-$pool-$rep.json" >/dev/null 2>&1
    add "randread-warm" "$pool" "$rep" "$(fio_value "$work/fio-$pool-$rep.json" 4k | awk '{printf "%.0f", $1}')"
  done
done

# FLUSH-bound writes: fio 4 KiB random writes QD1 with a FLUSH after every 16, on the local
# pool, the bucket's pool (durability local) and one whose durability is remote (every FLUSH
# waits for a checkpoint in the bucket); with the PUTs each remote FLUSH costs.
rp_requests() { pool_json rp | jq -r '.objectStore.requests | .put + .get + .head + .delete + .list'; }
for rep in $(seq 1 "$reps"); do
  for pool in lp sp rp; do
    vol=$pool/f$rep
    bin/granary volume create "$vol" --size 256M >/dev/null
    quiesce "$gpid"
    r0=$(rp_requests)
    fio --name=w --ioengine=nbd --uri="$(uri "$vol")" --rw=randwrite --bs=4k --iodepth=1 \
      --fsync=16 --size=256M --runtime="$runtime" --time_based --output-format=json \
      --output="$work/fio-flush-$pool-$rep.json" >/dev/null 2>&1
    add "flush-iops" "$pool" "$rep" "$(jq '.jobs[0].write.iops | floor' "$work/fio-flush-$pool-$rep.json")"
    if [[ $pool == rp ]]; then
      ios=$(jq '.jobs[0].write.total_ios' "$work/fio-flush-$pool-$rep.json")
      add "requests-per-flush" rp "$rep" "$(awk -v a="$r0" -v b="$(rp_requests)" -v n="$ios" 'BEGIN {printf "%.1f", (b - a) / (n / 16)}')"
    fi
  done
done

# Cold reads: the daemon restarted with no cache of the bucket's pages (and the page cache
# dropped, so the local pool's packs come from the disk too); one copy out of each volume.
kill "$gpid"; wait "$gpid" 2>/dev/null || true
gpid=
rm -rf "$GRANARY_DATA/pools/sp/store/pack-cache"
sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || echo "bench: cannot drop caches (not root)" >&2
start_granaryd "$work/granaryd.log" --mount none --nbd-listen "127.0.0.1:$nbdport"
for pool in lp sp; do
  quiesce "$gpid"
  t0=$(now)
  nbdcopy "$(uri "$pool/v1")" null:
  t1=$(now)
  add "out-cold" "$pool" 1 "$(awk -v s="$((size_mib + 64))" -v a="$t0" -v b="$t1" 'BEGIN {printf "%.0f", s * 1.048576 / (b - a)}')"
done
stored=$(pool_json sp | jq '.storedBytes')

# Attach: a second appliance (a data directory of its own) brings the pool back from the bucket
# alone, once the first one has stopped and released it.
kill "$gpid"; wait "$gpid" 2>/dev/null || true
gpid=
export GRANARY_DATA=$work/data2
t0=$(now)
bin/granaryd --mount none --nbd-listen "127.0.0.1:$nbdport2" > "$work/granaryd2.log" 2>&1 &
apid=$!
for _ in $(seq 1 300); do grep -q ' ready: ' "$work/granaryd2.log" && break; sleep 0.1; done
ta=$(now)
bin/granary pool attach sp "${bucket_args[@]}" >/dev/null
tb=$(now)
attach_s=$(awk -v a="$ta" -v b="$tb" 'BEGIN {printf "%.1f", b - a}')
per100=$(awk -v a="$ta" -v b="$tb" -v st="$stored" 'BEGIN {printf "%.0f", (b - a) / (st / 107374182400) / 60}')

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR] = $1} END {print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2)}'; }
figs() { local n=$1 p=$2 out=() r; for r in $(seq 1 "$reps"); do out+=("${cell["$n $p $r"]:-}"); done; echo "${out[*]}"; }
row() {
  local label=$1 n=$2 lp_m sp_m
  lp_m=$(median $(figs "$n" lp))
  sp_m=$(median $(figs "$n" sp))
  echo "| $label | $lp_m ($(figs "$n" lp | tr ' ' '/')) | $sp_m ($(figs "$n" sp | tr ' ' '/')) | $(awk -v a="$sp_m" -v b="$lp_m" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}')× |"
}
{
  echo "## Pools on an object store"
  echo
  echo "\`scripts/bench-objectstore.sh\`: one granaryd with a local pool and a pool whose packs go to"
  echo "a bucket of s3proxy (filesystem back end, on this machine and disk: the network and the"
  echo "service's own cost are not those of a real object store), $size_mib MiB of random data per"
  echo "volume, $reps interleaved repetitions (medians, each repetition in brackets), every cell after"
  echo "the servers went quiet; new random data every repetition. \"Until in the bucket\" ends once"
  echo "every pack is uploaded and a checkpoint published (\`granary pool checkpoint\`); \"warm\" reads"
  echo "follow one whole read of the volume. $(date -u +%Y-%m-%dT%H:%MZ)."
  echo
  echo "| cell | local pool | pool on a bucket | bucket / local |"
  echo "|---|---:|---:|---:|"
  row "nbdcopy in --flush, acknowledged (MB/s)" in-ack
  row "nbdcopy in --flush, until in the bucket (MB/s)" in-settled
  row "fio randread 4k QD1, warm (IOPS)" randread-warm
  echo "| nbdcopy out, cold cache (MB/s) | ${cell["out-cold lp 1"]} | ${cell["out-cold sp 1"]} | $(awk -v a="${cell["out-cold sp 1"]}" -v b="${cell["out-cold lp 1"]}" 'BEGIN {printf "%.2f", a / b}')× |"
  echo
  echo "FLUSH-bound writes, fio randwrite 4k QD1 with a FLUSH every 16 writes (IOPS): local pool"
  echo "$(median $(figs flush-iops lp)) ($(figs flush-iops lp | tr ' ' '/')), pool on a bucket with durability local"
  echo "$(median $(figs flush-iops sp)) ($(figs flush-iops sp | tr ' ' '/')), with durability remote"
  echo "$(median $(figs flush-iops rp)) ($(figs flush-iops rp | tr ' ' '/')) ($(awk -v a="$(median $(figs flush-iops rp))" -v b="$(median $(figs flush-iops lp))" 'BEGIN {printf "%.2f", a / b}')× local), each remote FLUSH costing"
  echo "$(median $(figs requests-per-flush rp)) requests (a pack, its listing, a checkpoint, the manifest, deletes)."
  echo
  echo "Requests per GiB written (nbdcopy in, checkpoint included): $(median $(figs requests-per-gib sp)) ($(figs requests-per-gib sp | tr ' ' '/')), of them PUTs $(median $(figs puts-per-gib sp)); GiB uploaded per GiB written: $(median $(figs up-per-gib sp))."
  echo
  echo "Attach on a new appliance from the bucket alone (\`granary pool attach\`, index rebuilt from"
  echo "the packs' listings): $attach_s s for $(awk -v s="$stored" 'BEGIN {printf "%.2f", s / 1073741824}') GiB stored, that is about $per100 minutes per 100 GiB stored at this rate."
} > "$report"
cat "$report"
