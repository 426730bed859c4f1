#!/usr/bin/env python3
"""fdatasync latency of appends against writes in place, as a journal sees it.

Usage: scripts/fdatasync-probe.py [DIR] [WRITE_BYTES] [COUNT]   (default /var/tmp, 131072, 200)

Writes COUNT blocks of WRITE_BYTES one after the other, each followed by fdatasync, into a
file that (a) grows with every write, (b) was written with zeroes and synced first (the
journal's prewritten space), (c) was made with posix_fallocate (unwritten extents). Prints
p50/p90/p99/mean in µs for three rounds of each. The difference shows best beside another
writer, for example:
  fio --name=bg --rw=write --bs=1m --size=8g --filename=DIR/bg --ioengine=psync \\
      --time_based --runtime=60 &
(on ext4, the metadata commit of a growing file waits for the other file's new data).
"""
import os
import time
import statistics
import sys

d = sys.argv[1] if len(sys.argv) > 1 else '/var/tmp'
size = int(sys.argv[2]) if len(sys.argv) > 2 else 131072
n = int(sys.argv[3]) if len(sys.argv) > 3 else 200
buf = os.urandom(size)


def run(mode):
    p = os.path.join(d, f'fdatasync-probe-{mode}')
    if os.path.exists(p):
        os.unlink(p)
    fd = os.open(p, os.O_WRONLY | os.O_CREAT)
    total = size * n
    if mode == 'prewritten':
        z = bytes(1 << 20)
        for i in range(0, total, 1 << 20):
            os.pwrite(fd, z, i)
        os.fsync(fd)
    elif mode == 'fallocated':
        os.posix_fallocate(fd, 0, total)
        os.fsync(fd)
    lat = []
    for i in range(n):
        t = time.perf_counter()
        os.pwrite(fd, buf, i * size)
        os.fdatasync(fd)
        lat.append((time.perf_counter() - t) * 1e6)
    os.close(fd)
    os.unlink(p)
    lat.sort()
    return (statistics.median(lat), lat[int(n * .9)], lat[int(n * .99)], statistics.mean(lat))


res = {m: [] for m in ('append', 'prewritten', 'fallocated')}
for _ in range(3):
    for m in res:
        res[m].append(run(m))
for m, v in res.items():
    print(f'{m:11s} {size // 1024} KiB, p50/p90/p99/mean µs: '
          + ' | '.join('%6.0f %6.0f %6.0f %6.0f' % x for x in v))
