#!/usr/bin/env bash
# Where the CPU of a loopback initial replication goes: two granaryd processes (B's TLS admin
# listener as A's remote), two volumes of 256 MiB replicated to warm the daemons, then one of
# SIZE MiB (random data) replicated whole while the CPU of every thread of both daemons is
# counted (/proc/PID/task/*/stat, user and system) and, as asked, recorded:
#   JFR=1      a JFR recording (settings=profile) of both daemons: WORK/a.jfr, WORK/b.jfr
#   STRACE=1   strace -c of the receiver (slows it down: its counts, not its times)
#   PERF=1     perf record -g of the receiver: WORK/perf.data (perf report --no-children)
#   WARM_BIG=1 one more volume of SIZE MiB replicated before the measured one
#   B_OPTS     JVM options for the receiver; B_PATH: a JDK bin directory for it, with ':'
# Usage: scripts/profile-replication.sh [SIZE_MIB] [WORK]  (needs a build, nbdcopy, keytool, jq)
set -euo pipefail
cd "$(dirname "$0")/.."
size_mib=${1:-1024}
work=${2:-/var/tmp/profile-replication}
rm -rf $work; mkdir -p $work/a $work/b
. scripts/bench-common.sh
read -r nbd_a nbd_b admin_b < <(free_ports 3 | paste -sd ' ')
token=prof-token-$RANDOM$RANDOM
printf '%s\n' "$token" > $work/b/admin.token; cp $work/b/admin.token $work/token; chmod 600 $work/b/admin.token $work/token
keytool -genkeypair -keystore $work/b/admin.p12 -storetype PKCS12 -storepass secret1 -alias granary -keyalg EC -groupname secp256r1 -dname CN=b -validity 2 >/dev/null 2>&1
cat > $work/b.conf <<EOC
[admin]
tcp = "127.0.0.1:$admin_b"
tls-keystore = "$work/b/admin.p12"
tls-keystore-password = "secret1"
token-file = "$work/b/admin.token"
EOC
PATH=${B_PATH:-}$PATH GRANARY_JAVA_OPTS="-Xmx2g ${B_OPTS:-}" GRANARY_DATA=$work/b start_granaryd $work/b.log --config $work/b.conf --mount none --nbd-listen 127.0.0.1:$nbd_b; bpid=$gpid
GRANARY_DATA=$work/a start_granaryd $work/a.log --mount none --nbd-listen 127.0.0.1:$nbd_a; apid=$gpid
# The logs, recordings and counts stay in WORK; the volumes' data goes.
trap 'kill $apid $bpid 2>/dev/null; wait 2>/dev/null; rm -rf $work/a $work/b $work/rand.img' EXIT
ga() { GRANARY_DATA=$work/a bin/granary "$@"; }
ga remote add b --url https://127.0.0.1:$admin_b --token-file $work/token >/dev/null
fill() { # volume MiB
  ga volume create default/$1 --size ${2}M >/dev/null
  head -c $(( $2 << 20 )) /dev/urandom > $work/rand.img
  nbdcopy $work/rand.img nbd://127.0.0.1:$nbd_a/default/$1
  ga snapshot create default/$1@s1 >/dev/null
}
for w in w1 w2; do fill $w 256; ga volume replicate default/$w --to b --snapshot s1 --no-progress --json | jq -c '{seconds, chunks}'; done
if [[ ${WARM_BIG:-0} == 1 ]]; then fill big0 $size_mib; ga volume replicate default/big0 --to b --snapshot s1 --no-progress --json | jq -c '{seconds, chunks}'; fi
fill big $size_mib
sleep 3
[[ ${JFR:-0} == 1 ]] && jcmd $apid JFR.start name=p settings=profile filename=$work/a.jfr >/dev/null
[[ ${JFR:-0} == 1 ]] && jcmd $bpid JFR.start name=p settings=profile filename=$work/b.jfr >/dev/null
ca=$(cpu_ticks $apid); cb=$(cpu_ticks $bpid)
python3 scripts/thread-cpu.py snap $apid $work/ta.json; python3 scripts/thread-cpu.py snap $bpid $work/tb.json
if [[ ${STRACE:-0} == 1 ]]; then strace -c -f -p $bpid -o $work/strace.txt & spid=$!; sleep 1; fi
if [[ ${PERF:-0} == 1 ]]; then perf record -F 499 -g -p $bpid -o $work/perf.data >/dev/null 2>&1 & ppid=$!; sleep 1; fi
t0=$(now)
ga volume replicate default/big --to b --snapshot s1 --no-progress --json | jq -c '{seconds, chunks, streamBytes}'
t1=$(now)
if [[ ${PERF:-0} == 1 ]]; then kill -INT $ppid; wait $ppid || true; fi
if [[ ${STRACE:-0} == 1 ]]; then kill -INT $spid; wait $spid || true; head -25 $work/strace.txt; fi
echo "-- A threads"; python3 scripts/thread-cpu.py diff $work/ta.json $apid; echo "-- B threads"; python3 scripts/thread-cpu.py diff $work/tb.json $bpid
echo "wall $(echo "$t1 - $t0" | bc) s; CPU of A $(echo "scale=2; ($(cpu_ticks $apid) - $ca) / $tick_hz" | bc) s, of B $(echo "scale=2; ($(cpu_ticks $bpid) - $cb) / $tick_hz" | bc) s"
if [[ ${JFR:-0} == 1 ]]; then
  jcmd $apid JFR.stop name=p >/dev/null
  jcmd $bpid JFR.stop name=p >/dev/null
  echo "jfr: $work/a.jfr $work/b.jfr"
fi
