#!/usr/bin/env python3
"""Raw-socket probes for make bench (no libnbd needed):

  nbd-probe.py handshake HOST PORT EXPORT N   median/p90 microseconds of connect + fixed-newstyle
                                              handshake up to NBD_OPT_GO's ACK, over N connects
  nbd-probe.py idle HOST PORT EXPORT N PID    opens N connections into transmission, then prints
                                              the server's thread count and RSS before and after
"""
import socket
import statistics
import struct
import sys
import time

IHAVEOPT = 0x49484156454F5054
REPLY_MAGIC = 0x0003E889045565A9
OPT_GO = 7
REP_ACK = 1


def recv_exact(s, n):
    buf = bytearray()
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            raise EOFError("server closed the connection")
        buf += chunk
    return bytes(buf)


def connect_go(host, port, export):
    s = socket.create_connection((host, port))
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    greeting = recv_exact(s, 18)
    if struct.unpack(">Q", greeting[8:16])[0] != IHAVEOPT:
        raise RuntimeError("not a newstyle NBD server")
    name = export.encode()
    data = struct.pack(">I", len(name)) + name + struct.pack(">H", 0)
    # client flags (fixed newstyle, no zeroes) and GO in one write, as libnbd does
    s.sendall(struct.pack(">I", 3) + struct.pack(">QII", IHAVEOPT, OPT_GO, len(data)) + data)
    while True:
        magic, opt, rtype, length = struct.unpack(">QIII", recv_exact(s, 20))
        if magic != REPLY_MAGIC:
            raise RuntimeError("bad option reply magic")
        recv_exact(s, length)
        if rtype == REP_ACK:
            return s
        if rtype & 0x80000000:
            raise RuntimeError("server refused export %r (reply 0x%x)" % (export, rtype))


def handshake(host, port, export, n):
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        s = connect_go(host, port, export)
        times.append((time.perf_counter() - t0) * 1e6)
        # NBD_CMD_DISC, then close
        s.sendall(struct.pack(">IHHQQI", 0x25609513, 0, 2, 0, 0, 0))
        s.close()
    times.sort()
    print("%.0f %.0f" % (statistics.median(times), times[int(len(times) * 0.9)]))


def proc_status(pid):
    out = {}
    with open("/proc/%s/status" % pid) as f:
        for line in f:
            k, v = line.split(":", 1)
            out[k] = v.strip()
    return int(out["Threads"]), int(out["VmRSS"].split()[0])


def idle(host, port, export, n, pid):
    t0, r0 = proc_status(pid)
    socks = [connect_go(host, port, export) for _ in range(n)]
    time.sleep(1)
    t1, r1 = proc_status(pid)
    for s in socks:
        s.close()
    print("%d %d %d %d" % (t0, t1, r0, r1))


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "handshake":
        handshake(sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5]))
    elif cmd == "idle":
        idle(sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5]), sys.argv[6])
    else:
        sys.exit(__doc__)
