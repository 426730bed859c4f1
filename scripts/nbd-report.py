#!/usr/bin/env python3
"""Turns bench-nbd.sh's results.tsv into the NBD section of BENCHMARKS.md.

Usage: nbd-report.py RESULTS.tsv REPORT.md REPS SIZE_MIB RUNTIME IDLE_LINE LIST_LINE
"""
import collections, statistics, sys
results, report, reps, size, runtime, idle_line, nbdkit_list = sys.argv[1:]
vals = collections.defaultdict(lambda: collections.defaultdict(dict))
order = []
for line in open(results):
    what, server, rep, v = line.rstrip("\n").split("\t")
    if what not in order:
        order.append(what)
    vals[what][server][rep] = float(v)
lower_is_better = lambda w: "µs" in w or "(s)" in w
def fmt(v):
    return "%.0f" % v if v >= 100 else "%.2f" % v if v < 10 else "%.1f" % v
out = ["## NBD front end", "",
       "fio's nbd engine, nbdcopy and raw handshakes against Granary (one daemon, default pool, "
       "a %s MiB volume of random data, lz4), qemu-nbd 7.2 on a raw file (`--cache=writeback -e 8`) "
       "and nbdkit's file plugin on a copy of the same file, all on loopback. Servers run "
       "interleaved in every cell; medians of %s repetitions, fio %s s per cell (+1 s ramp). "
       "Units: fio 4k in IOPS, fio 1m and nbdcopy in MB/s. Ratio = Granary / qemu-nbd, median of "
       "the per-repetition ratios (for times, qemu-nbd / Granary: > 1 means Granary is better)."
       % (size, reps, runtime), "",
       "| measure | Granary | qemu-nbd | nbdkit | Granary / qemu-nbd | Granary / nbdkit |",
       "|---|---|---|---|---|---|"]
for what in order:
    per = vals[what]
    med = {s: statistics.median(per[s].values()) if per[s] else None for s in ("granary", "qemu-nbd", "nbdkit")}
    def ratio(peer):
        rs = []
        for rep, g in per["granary"].items():
            p = per[peer].get(rep)
            if p:
                rs.append(p / g if lower_is_better(what) else g / p)
        return "%.2f×" % statistics.median(rs) if rs else "–"
    cell = lambda s: fmt(med[s]) if med[s] is not None else "–"
    out.append("| %s | %s | %s | %s | %s | %s |" % (what, cell("granary"), cell("qemu-nbd"), cell("nbdkit"), ratio("qemu-nbd"), ratio("nbdkit")))
out += ["", "- " + idle_line, "- " + nbdkit_list + " (qemu-nbd serves one export per process, so it has no list line)", ""]

def ratio_value(what):
    per = vals[what]
    rs = [per["qemu-nbd"][r] / g if lower_is_better(what) else g / per["qemu-nbd"][r]
          for r, g in per["granary"].items() if per["qemu-nbd"].get(r)]
    return statistics.median(rs) if rs else None

aims = ["### Aims", ""]
for what in order:
    if what.startswith("fio "):
        r = ratio_value(what)
        aims.append("- %s: %s / qemu-nbd at least 0.5x (measured %.2fx)"
                    % ("met" if r >= 0.5 else "**not met**", what, r))
hs = [w for w in order if w.startswith("connect+handshake")]
if hs:
    m = statistics.median(vals[hs[0]]["granary"].values())
    aims.append("- %s: connect + handshake under 1 ms (measured %.0f µs)" % ("met" if m < 1000 else "**not met**", m))
ls = [w for w in order if w.startswith("qemu-nbd --list")]
if ls:
    m = statistics.median(vals[ls[0]]["granary"].values())
    aims.append("- %s: a list of 1,000 exports under 5 s with qemu-nbd --list (measured %.2f s); "
                "**not met** with nbdinfo --list of libnbd 1.14 (see above: 0.2 s per export "
                "spent in the client, whatever the server)" % ("met" if m < 5 else "**not met**", m))
out += aims + ["",
    "Writes: Granary makes written data durable in its packs at every volume flush (64 MiB "
    "dirty or 5 s), after the write-ahead journal has taken it once; qemu-nbd and nbdkit leave "
    "it in the page cache. A sustained write stream is therefore bound by the disk's write "
    "bandwidth divided by two (and a random 4 KiB write rewrites a 16 KiB block), not by the "
    "NBD server: compare `dd if=BIG of=FILE bs=1M conv=fdatasync` on the data directory's disk.",
    ""]
open(report, "w").write("\n".join(out) + "\n")
print("\n".join(out))
