#!/usr/bin/env bash
# Data that looks like a VM disk, for the NBD section: an ext4 image made from real files
# (mkfs.ext4 -d, no loop mount), made into ten VM disks in Granary (imported over NBD, or
# cloned), as raw files and as qcow2 images on a backing file; the time until the ten are
# durable and the bytes they take on disk, each way starting from an empty directory. One run:
# it takes minutes and writes about 30 GB at defaults, its byte counts do not vary, and its
# times are of tens of seconds each.
# Usage: scripts/bench-nbd-images.sh WORKDIR RESULTS.tsv [--image-mib N] ...
# Writes RESULTS.tsv: WHAT RUN KIND VALUE (KIND: seconds, bytes; WHAT "image" describes the image).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/bench-common.sh
work=$1
results=$2
shift 2
bench_options "$@"
unset GRANARY_DATA # set below for the daemons of this script only

rm -rf "$work"
mkdir -p "$work"
: > "$results"
gpid= qpid=
cleanup() {
  for p in $gpid $qpid; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT
record() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >> "$results"; }

# The image: the programs, libraries and documentation of this machine's /usr (what a VM's
# root file system holds), directory by directory while they fit in 60 % of the image, staged
# as hard links (copies where /usr is on another file system), the rest of the image free.
img=$work/vm.img
stage=$work/stage
budget_kib=$((image_mib * 1024 * 6 / 10))
files_kib=0
mkdir -p "$stage/usr/lib"
link=(-al)
ln /usr/bin/env "$stage/.probe" 2>/dev/null && rm "$stage/.probe" || link=(-a)
for d in /usr/bin /usr/sbin /usr/lib/x86_64-linux-gnu /usr/lib/aarch64-linux-gnu /usr/lib/python3* \
  /usr/share /usr/include /usr/libexec /usr/lib/gcc; do
  [[ -d $d && ! -L $d ]] || continue
  k=$(du -sk "$d" | cut -f1)
  ((files_kib + k <= budget_kib)) || continue
  cp "${link[@]}" "$d" "$stage$(dirname "$d")/" 2>/dev/null || true
  files_kib=$((files_kib + k))
done
truncate -s "${image_mib}M" "$img"
mkfs.ext4 -q -F -d "$stage" "$img"
rm -rf "$stage"
record image 0 size $((image_mib << 20))
record image 0 files $((files_kib << 10))
record image 0 allocated "$(du -B1 "$img" | cut -f1)"

# timed WHAT DIR PIDS -- CMD...: CMD, then until the servers in PIDS (Granary's with its
# dirty data, if GRANARY_DATA is set) and the page cache are quiet; records those seconds and
# the bytes DIR holds on disk.
timed() {
  local what=$1 dir=$2 pids=() t0
  shift 2
  while [[ $1 != -- ]]; do pids+=("$1"); shift; done
  shift
  quiesce "${pids[@]}"
  t0=$(now)
  "$@"
  quiesce "${pids[@]}"
  record "$what" 1 seconds "$(awk "BEGIN { print $quiet_at - $t0 }")"
  record "$what" 1 bytes "$(du -B1 -s "$dir" | cut -f1)"
}

# Ports taken before any timing (python starts slowly on a loaded machine): Granary's, and one
# for each qemu-nbd serving an overlay.
mapfile -t ports < <(free_ports 11)
port=${ports[10]}

granary_up() {
  export GRANARY_DATA=$work/granary
  rm -rf "$GRANARY_DATA"
  start_granaryd "$work/granaryd.log" --mount none --nbd-listen "127.0.0.1:$port"
  for i in $(seq 0 9); do
    [[ $i -gt 0 && $1 == clones ]] && break
    bin/granary volume create "default/vm$i" --size "${image_mib}M" >/dev/null
  done
}
granary_down() {
  kill "$gpid"
  wait "$gpid" 2>/dev/null || true
  gpid=
  rm -rf "$GRANARY_DATA"
  unset GRANARY_DATA
}

ten_imports() {
  for i in $(seq 0 9); do nbdcopy "$img" "nbd://127.0.0.1:$port/default/vm$i"; done
}
one_import_nine_clones() {
  nbdcopy "$img" "nbd://127.0.0.1:$port/default/vm0"
  bin/granary snapshot create default/vm0@base >/dev/null
  for i in $(seq 1 9); do bin/granary volume clone default/vm0@base "default/vm$i" >/dev/null; done
}
ten_raw_files() {
  for i in $(seq 0 9); do qemu-img convert -f raw -O raw "$img" "$work/raw/vm$i.img"; done
}
base_and_overlays() {
  qemu-img convert -f raw -O qcow2 "$img" "$work/qcow2/base.qcow2"
  for i in $(seq 0 9); do
    qemu-img create -q -f qcow2 -b base.qcow2 -F qcow2 "$work/qcow2/vm$i.qcow2"
  done
}
# Every overlay served by qemu-nbd in turn and the image written through it with nbdcopy, as a
# hypervisor imports a disk into a new qcow2 on a template: qcow2 stores what is written, even
# when the backing file holds the same bytes.
base_and_overlays_written() {
  base_and_overlays
  local p
  for i in $(seq 0 9); do
    p=${ports[i]}
    qemu-nbd -f qcow2 -x vm -p "$p" -b 127.0.0.1 -t -e 8 --cache=writeback \
      --fork --pid-file "$work/qemu-nbd.pid" "$work/qcow2/vm$i.qcow2"
    qpid=$(cat "$work/qemu-nbd.pid")
    nbdcopy "$img" "nbd://127.0.0.1:$p/vm"
    kill "$qpid"
    while kill -0 "$qpid" 2>/dev/null; do sleep 0.05; done
    qpid=
  done
}

granary_up imports
timed "Granary: ten volumes, the image copied into each over NBD (nbdcopy)" \
  "$GRANARY_DATA" "$gpid" -- ten_imports
granary_down
granary_up clones
timed "Granary: one volume copied in over NBD, a snapshot of it, nine clones (granary CLI)" \
  "$GRANARY_DATA" "$gpid" -- one_import_nine_clones
granary_down
mkdir -p "$work/raw"
timed "raw files: ten qemu-img convert -O raw (sparse)" "$work/raw" -- ten_raw_files
rm -rf "$work/raw"
mkdir -p "$work/qcow2"
timed "qcow2: a base image (qemu-img convert), ten overlays on it (qemu-img create -b)" \
  "$work/qcow2" -- base_and_overlays
rm -rf "$work/qcow2"
mkdir -p "$work/qcow2"
timed "qcow2: the same, the image then written through each overlay (qemu-nbd, nbdcopy)" \
  "$work/qcow2" -- base_and_overlays_written
rm -rf "$work/qcow2" "$img"
