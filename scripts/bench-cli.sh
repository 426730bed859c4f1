#!/usr/bin/env bash
# The CLI section of make bench: how long `granary version` and `granary volume list` (against
# a granaryd it starts and stops) take, with and without the class-data archive the build makes,
# beside a JVM that prints its version and two C command lines for scale. Runs are interleaved
# (every command once per round) so that the load of a shared machine falls on all alike.
# Usage: scripts/bench-cli.sh WORKDIR REPORT [--cli-runs N] (default 30 rounds)
# Needs a build (make) and python3; qemu-img and nbdinfo are measured if present.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/bench-common.sh
work=$1/cli
report=$2
shift 2
runs=30
while (($#)); do
  case $1 in
    --cli-runs) runs=$2; shift 2 ;;
    *) shift ;;
  esac
done
aim=0.25

rm -rf "$work"
mkdir -p "$work"
gpid=
cleanup() {
  [[ -n $gpid ]] && kill "$gpid" 2>/dev/null && wait "$gpid" 2>/dev/null
  return 0
}
trap cleanup EXIT

# Is the archive there, made by this java, and accepted by it? (-Xshare:on fails otherwise.)
archive=appliance/target/granary-cli.jsa
# bin/granary execs the one launcher, which execs java: trace both (SHELLOPTS reaches the second).
java_cmd=$(env SHELLOPTS=xtrace bin/granary version 2>&1 >/dev/null | sed -n 's/^+ exec //p' | tail -1)
if [[ $java_cmd == *SharedArchiveFile* ]] \
    && eval "${java_cmd/-Xshare:auto/-Xshare:on}" >/dev/null 2>&1; then
  archive_state="made by \`mvn package\` ($(du -m "$archive" | cut -f1) MiB), accepted by this JVM"
else
  archive_state="**not in use** (missing, stale or refused by this JVM): the rows with it measure the fallback"
fi

export GRANARY_DATA=$work/data
start_granaryd "$work/granaryd.log" --mount none --nbd-listen none
for i in $(seq 1 20); do
  bin/granary volume create "default/vm$i" --size 10G >/dev/null
done
echo "cli bench: $runs rounds, granaryd pid $gpid" >&2

# label|archive|command; the label is markdown.
cmds=(
  "\`granary version\`|with|bin/granary version"
  "\`granary version\`|without|env GRANARY_CDS=off bin/granary version"
  "\`granary volume list\`, 20 volumes|with|bin/granary volume list"
  "\`granary volume list\`, 20 volumes|without|env GRANARY_CDS=off bin/granary volume list"
  "\`java -version\` with the launcher's flags: the JVM alone|-|java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx128m -version"
)
command -v qemu-img >/dev/null && cmds+=("\`qemu-img --version\` (C)|-|qemu-img --version")
command -v nbdinfo >/dev/null && cmds+=("\`nbdinfo --version\` (C)|-|nbdinfo --version")
machine="$(date -u +%Y-%m-%dT%H:%MZ), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) cores, $(java -version 2>&1 | sed -n 2p), load average before the run $(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$runs" "$aim" "$report" "$archive_state" "$machine" "${cmds[@]}" <<'EOF'
import resource, statistics, subprocess, sys, time
runs, aim, report, archive_state, machine = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
cmds = [c.split("|", 2) for c in sys.argv[6:]]
wall = {i: [] for i in range(len(cmds))}
cpu = {i: [] for i in range(len(cmds))}

def run(cmd):
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    p = subprocess.run(["/bin/sh", "-c", "exec " + cmd], stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE)
    t1 = time.perf_counter()
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode != 0:
        sys.exit("cli bench: %s exited %d: %s" % (cmd, p.returncode, p.stderr.decode()[-300:]))
    return t1 - t0, r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime

for _, _, c in cmds:  # one warm-up each: page cache, the daemon's first calls
    run(c)
for _ in range(runs):
    for i, (_, _, c) in enumerate(cmds):
        w, u = run(c)
        wall[i].append(w)
        cpu[i].append(u)

med = lambda v: statistics.median(v)
p90 = lambda v: sorted(v)[int(0.9 * (len(v) - 1))]
lines = ["## CLI start (`bin/granary`, `scripts/bench-cli.sh`)", "",
         "Machine: %s, after %s." % (machine, " ".join(open("/proc/loadavg").read().split()[:3])),
         "",
         "%d interleaved rounds (every command once per round, after one warm-up each); CPU is "
         "user+sys of the whole process, the JVM's compiler and GC threads included. The "
         "class-data archive: %s." % (runs, archive_state),
         "",
         "| command | class-data archive | median wall s | p90 wall s | median CPU s |",
         "|---|---|---:|---:|---:|"]
for i, (name, arch, _) in enumerate(cmds):
    lines.append("| %s | %s | %.3f | %.3f | %.3f |" % (name, arch, med(wall[i]), p90(wall[i]), med(cpu[i])))
simple = [i for i, (n, a, _) in enumerate(cmds) if a == "with"]
lines += ["", "### Aims", "",
          "A simple command in at most %.2f s of wall time, with the archive:" % aim, ""]
lines += ["- **%s** for %s: %.3f s" % ("met" if med(wall[i]) <= aim else "not met", cmds[i][0],
                                       med(wall[i])) for i in simple]
open(report, "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
EOF
