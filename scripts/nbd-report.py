#!/usr/bin/env python3
"""Turns bench-nbd.sh's results into the NBD section of BENCHMARKS.md.

Usage: nbd-report.py --results RESULTS.tsv --images IMAGES.tsv --report REPORT.md --reps N
       --size-mib N --runtime S --sustain-seconds S --dirty-limit-mib N --image-mib N
       --minutes M --idle-line TEXT --list-line TEXT
RESULTS.tsv: WHAT SERVER REP KIND VALUE; IMAGES.tsv: WHAT REP KIND VALUE (bench-nbd-images.sh).
"""
import argparse, collections, statistics

p = argparse.ArgumentParser()
for name in ("results", "images", "report", "reps", "size-mib", "runtime", "sustain-seconds",
             "dirty-limit-mib", "image-mib", "minutes", "idle-line", "list-line"):
    p.add_argument("--" + name, required=True)
a = p.parse_args()

PEERS = ("granary", "qemu-nbd", "nbdkit")
# vals[kind][what][server][rep] = value
vals = collections.defaultdict(lambda: collections.defaultdict(lambda: collections.defaultdict(dict)))
order = []
for line in open(a.results):
    what, server, rep, kind, v = line.rstrip("\n").split("\t")
    if what not in order:
        order.append(what)
    vals[kind][what][server][rep] = float(v)
value = vals["value"]


def lower_is_better(what):
    return "µs" in what or "(s)" in what


def is_write(what):
    return "write" in what or "nbdcopy in" in what


def fmt(v):
    if v is None:
        return "–"
    return "%.0f" % v if v >= 100 else "%.2f" % v if v < 10 else "%.1f" % v


def med(per, server):
    return statistics.median(per[server].values()) if per.get(server) else None


def ratio_value(per, a_server, b_server, lower_better=False):
    """Median over the repetitions of a_server's figure over b_server's (the other way round
    when lower is better, so that > 1 always favours a_server)."""
    rs = []
    for rep, x in per.get(a_server, {}).items():
        y = per.get(b_server, {}).get(rep)
        if x and y:
            rs.append(y / x if lower_better else x / y)
    return statistics.median(rs) if rs else None


def ratio(per, a_server, b_server, lower_better=False):
    r = ratio_value(per, a_server, b_server, lower_better)
    return "%.2f×" % r if r is not None else "–"


main = [w for w in order if not w.startswith("sustained") and w in value]
fio = [w for w in main if w.startswith("fio ")]
writes = [w for w in main if is_write(w)]
sustained = [w for w in order if w.startswith("sustained")]

out = ["## NBD front end", "",
       "fio's nbd engine, nbdcopy and raw handshakes against Granary (one daemon, default pool, "
       "a %s MiB volume of random data, lz4, `volumes.dirty-limit` %s MiB), qemu-nbd 7.2 on a raw "
       "file (`--cache=writeback -e 8`) and nbdkit's file plugin on a copy of the same file, all "
       "on loopback. Servers run interleaved in every cell; medians of %s repetitions, fio %s s "
       "per cell (no ramp: every server ran each kind of job once before the first cell). "
       "Every cell starts with every server quiet: Granary holding no dirty data, the page cache "
       "written back (`sync`) and each server using under 5 %% of a core for a second. "
       "Units: fio 4k in IOPS, fio 1m and nbdcopy in MB/s. Ratio = Granary / peer, median of "
       "the per-repetition ratios (for times, peer / Granary: > 1 means Granary is better). "
       "Durable rows: fio sends an NBD FLUSH after every 32 writes (`--fsync=32`; fio's nbd "
       "engine refuses `--fdatasync`, and NBD has one flush command), nbdcopy one at the end; "
       "qemu-nbd and nbdkit pass it to the disk as fdatasync. This section took %s minutes."
       % (a.size_mib, a.dirty_limit_mib, a.reps, a.runtime, a.minutes), "",
       "| measure | Granary | qemu-nbd | nbdkit | Granary / qemu-nbd | Granary / nbdkit |",
       "|---|---|---|---|---|---|"]
for what in main:
    per = value[what]
    lb = lower_is_better(what)
    out.append("| %s | %s | %s | %s | %s | %s |" % (
        what, fmt(med(per, "granary")), fmt(med(per, "qemu-nbd")), fmt(med(per, "nbdkit")),
        ratio(per, "granary", "qemu-nbd", lb), ratio(per, "granary", "nbdkit", lb)))
out += ["", "- " + a.idle_line,
        "- " + a.list_line + " (qemu-nbd serves one export per process, so it has no list line)", ""]

out += ["### After the writes: drain", "",
        "Drain: seconds from a write cell's end until every server was quiet again (Granary: its "
        "dirty data flushed into the store, then `sync`; qemu-nbd and nbdkit: `sync` of what "
        "they left in the page cache), work the window left behind; Granary's includes any wait "
        "before its background flush starts (`volumes.flush-interval`, `volume-flush`). "
        "\"With drain\": the cell's figure over its window and its drain together.", "",
        "| write measure | drain, s: Granary | qemu-nbd | nbdkit "
        "| with drain: Granary | qemu-nbd | nbdkit | Granary / qemu-nbd with drain |",
        "|---|---|---|---|---|---|---|---|"]
for what in writes:
    d, w = vals["drain"][what], vals["incl-drain"][what]
    out.append("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
        what, *(fmt(med(d, s)) for s in PEERS), *(fmt(med(w, s)) for s in PEERS),
        ratio(w, "granary", "qemu-nbd")))
out.append("")

out += ["### Server CPU per request", "",
        "µs of CPU (user + system, every thread of the server's process, from /proc/PID/stat) "
        "over the cell and its drain, per request fio completed (flushes not counted). "
        "Ratio: qemu-nbd / Granary (> 1: Granary uses less).", "",
        "| measure | Granary | qemu-nbd | nbdkit | qemu-nbd / Granary |", "|---|---|---|---|---|"]
for what in fio:
    c = vals["cpu-us-op"][what]
    out.append("| %s | %s | %s | %s | %s |" % (
        what, *(fmt(med(c, s)) for s in PEERS), ratio(c, "granary", "qemu-nbd", True)))
out.append("")

sustained_ratio = None
if sustained:
    what = sustained[0]
    out += ["### Sustained writes", "",
            "1 MiB sequential writes at QD 8 for %s s, looping over a new volume of %s MiB (four "
            "times Granary's dirty bound), not filled first: a new disk's first writes, as in an "
            "import. dd: `dd if=/dev/zero of=FILE bs=1M conv=fdatasync` of as many bytes as "
            "Granary took in its window, on the same disk (its figure includes the fdatasync). "
            "MB/s over the window alone, and over the window and the drain after it; medians of "
            "%d runs, Granary and dd in turn." % (a.sustain_seconds, 4 * int(a.dirty_limit_mib),
                                                   len(value[what]["granary"])), "",
            "| sustained writes | MB/s, window | drain, s | MB/s with drain | CPU µs per 1 MiB write |",
            "|---|---|---|---|---|"]
    for s, label in (("granary", "Granary"), ("dd", "dd")):
        out.append("| %s | %s | %s | %s | %s |" % (
            label, fmt(med(value[what], s)), fmt(med(vals["drain"][what], s)),
            fmt(med(vals["incl-drain"][what], s)), fmt(med(vals["cpu-us-op"][what], s))))
    sustained_ratio = ratio_value(vals["incl-drain"][what], "granary", "dd")
    out += ["", "Granary / dd, with drain: %s" % ratio(vals["incl-drain"][what], "granary", "dd"), ""]

# VM disk images.
img = collections.defaultdict(lambda: collections.defaultdict(list))
img_order = []
for line in open(a.images):
    what, rep, kind, v = line.rstrip("\n").split("\t")
    if what != "image" and what not in img_order:
        img_order.append(what)
    img[what][kind].append(float(v))
if img_order:
    size, files, alloc = (img["image"][k][0] for k in ("size", "files", "allocated"))
    n = len(img[img_order[0]]["seconds"])
    runs = "One run." if n == 1 else "Medians of %d runs." % n
    raw_one = alloc
    out += ["### Ten VM disks from one image", "",
            "An ext4 image of %s MiB made with `mkfs.ext4 -d` from %.2f GiB of this machine's "
            "/usr (programs, libraries, documentation; %.2f GiB allocated in the image file), "
            "made into ten disks each way. Time: from the first command until the servers and "
            "the page cache are quiet (data durable); bytes: `du -B1` of the directory holding "
            "them (Granary: its whole data directory). %s"
            % (a.image_mib, files / 2**30, alloc / 2**30, runs), "",
            "| ten disks | time, s | GiB on disk | × one raw image |", "|---|---|---|---|"]
    for what in img_order:
        t = statistics.median(img[what]["seconds"])
        b = statistics.median(img[what]["bytes"])
        out.append("| %s | %s | %.2f | %.2f |" % (what, fmt(t), b / 2**30, b / raw_one))
    out.append("")

aims = ["### Aims", ""]
for what in main:
    if not what.startswith("fio ") and "durable" not in what:
        continue
    r = ratio_value(value[what], "granary", "qemu-nbd")
    if r is None:
        continue
    if "durable" in what:
        bar = 2.0
    elif what.startswith("fio write 1m"):
        bar = 0.8  # 1 MiB of unique random data per request: the store compresses and hashes it
    else:
        bar = 1.0
    aims.append("- %s: %s / qemu-nbd at least %.1fx (measured %.2fx)"
                % ("met" if r >= bar else "**not met**", what, bar, r))
if sustained_ratio is not None:
    aims.append("- %s: sustained writes with their drain at least 0.9x dd's rate (measured %.2fx)"
                % ("met" if sustained_ratio >= 0.9 else "**not met**", sustained_ratio))
hs = [w for w in order if w.startswith("connect+handshake")]
if hs:
    m = statistics.median(value[hs[0]]["granary"].values())
    aims.append("- %s: connect + handshake under 1 ms (measured %.0f µs)" % ("met" if m < 1000 else "**not met**", m))
ls = [w for w in order if w.startswith("qemu-nbd --list")]
if ls:
    m = statistics.median(value[ls[0]]["granary"].values())
    aims.append("- %s: a list of 1,000 exports under 5 s with qemu-nbd --list (measured %.2f s); "
                "**not met** with nbdinfo --list of libnbd 1.14 (see above: 0.2 s per export "
                "spent in the client, whatever the server)" % ("met" if m < 5 else "**not met**", m))
out += aims + [""]
open(a.report, "w").write("\n".join(out) + "\n")
print("\n".join(out))
