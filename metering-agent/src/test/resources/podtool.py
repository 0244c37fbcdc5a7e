#!/usr/bin/env python3
"""What runs inside a test "pod" (a cgroup plus a network namespace): a pause process, a CPU
burner and traffic with known payloads. Every process first joins the cgroups it is given, so
its usage is the pod's. Prints one JSON line with what it did, so tests compare the agent's
numbers with what was really sent."""
import argparse
import json
import os
import socket
import sys
import time


def join(cgroups):
    for d in cgroups or []:
        with open(os.path.join(d, "cgroup.procs"), "w") as f:
            f.write(str(os.getpid()))


def report(**kw):
    print(json.dumps(kw), flush=True)


def pause(_):
    report(ready=True, pid=os.getpid())
    while True:
        time.sleep(3600)


def burn(a):
    # Touch every page so the memory is resident (working set), then spin: the CPU share is set
    # by the cgroup's quota, not here.
    block = bytearray(a.mem_mib * 1024 * 1024)
    for i in range(0, len(block), 4096):
        block[i] = 1
    if a.io_mib:
        path = a.io_file
        fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_DIRECT, 0o600)
        import mmap
        buf = mmap.mmap(-1, 1024 * 1024)
        for _ in range(a.io_mib):
            os.write(fd, buf)
        os.close(fd)
        fd = os.open(path, os.O_RDONLY | os.O_DIRECT)
        for _ in range(a.io_mib):
            os.readv(fd, [buf])
        os.close(fd)
        os.unlink(path)
    report(ready=True, pid=os.getpid())
    x = 0
    if a.duty >= 1:
        while True:
            x += 1
    # Without a cpu controller (a bare v2 mount) the share comes from a duty cycle instead.
    while True:
        end = time.monotonic() + 0.1 * a.duty
        while time.monotonic() < end:
            x += 1
        time.sleep(0.1 * (1 - a.duty))


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def udp_echo(a):
    s = socket.socket(family(a.bind), socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 * 1024 * 1024)
    s.bind((a.bind, a.port))
    report(ready=True, pid=os.getpid())
    n = 0
    while True:
        data, peer = s.recvfrom(65535)
        s.sendto(data, peer)
        n += 1


def udp_ping(a):
    """Sends count datagrams of size bytes, each answered by the echo before the next: nothing
    is ever dropped for lack of buffer, so sent == received on both sides."""
    s = socket.socket(family(a.dst), socket.SOCK_DGRAM)
    s.settimeout(2.0)
    payload = b"b" * a.size
    sent = echoed = lost = 0
    deadline = time.time() + a.duration if a.duration else None
    i = 0
    while (deadline is None and i < a.count) or (deadline is not None and time.time() < deadline):
        s.sendto(payload, (a.dst, a.port))
        sent += 1
        try:
            data, _ = s.recvfrom(65535)
            if len(data) == a.size:
                echoed += 1
        except socket.timeout:
            lost += 1
        i += 1
        if a.gap:
            time.sleep(a.gap)
    report(sent=sent, echoed=echoed, lost=lost, size=a.size)


def udp_sink(a):
    s = socket.socket(family(a.bind), socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 * 1024 * 1024)
    s.bind((a.bind, a.port))
    report(ready=True, pid=os.getpid())
    while True:
        s.recv(65535)


def udp_flood(a):
    """As fast as one Python process can: the benchmark's packet source."""
    s = socket.socket(family(a.dst), socket.SOCK_DGRAM)
    payload = b"f" * a.size
    dst = (a.dst, a.port)
    sent = 0
    end = time.time() + a.duration
    while time.time() < end:
        for _ in range(1000):
            try:
                s.sendto(payload, dst)
                sent += 1
            except OSError:
                pass
    report(sent=sent, size=a.size)


def tcp_sink(a):
    s = socket.socket(family(a.bind), socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((a.bind, a.port))
    s.listen(4)
    report(ready=True, pid=os.getpid())
    while True:
        c, _ = s.accept()
        total = 0
        while True:
            d = c.recv(1 << 20)
            if not d:
                break
            total += len(d)
        c.sendall(b"x" * a.reply)
        c.close()


def tcp_send(a):
    s = socket.create_connection((a.dst, a.port))
    chunk = b"t" * 65536
    left = a.bytes
    while left > 0:
        n = s.send(chunk[: min(left, len(chunk))])
        left -= n
    s.shutdown(socket.SHUT_WR)
    got = 0
    while True:
        d = s.recv(1 << 20)
        if not d:
            break
        got += len(d)
    s.close()
    report(sent=a.bytes, received=got)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--join", action="append")
    sub = p.add_subparsers(dest="cmd", required=True)
    sub.add_parser("pause")
    b = sub.add_parser("burn")
    b.add_argument("--mem-mib", type=int, default=16)
    b.add_argument("--io-mib", type=int, default=0)
    b.add_argument("--io-file", default="/var/tmp/berth-burn-io")
    b.add_argument("--duty", type=float, default=1.0)
    e = sub.add_parser("udp-echo")
    e.add_argument("--bind", required=True)
    e.add_argument("--port", type=int, required=True)
    u = sub.add_parser("udp-ping")
    u.add_argument("--dst", required=True)
    u.add_argument("--port", type=int, required=True)
    u.add_argument("--size", type=int, required=True)
    u.add_argument("--count", type=int, default=0)
    u.add_argument("--duration", type=float, default=0)
    u.add_argument("--gap", type=float, default=0)
    us = sub.add_parser("udp-sink")
    us.add_argument("--bind", required=True)
    us.add_argument("--port", type=int, required=True)
    uf = sub.add_parser("udp-flood")
    uf.add_argument("--dst", required=True)
    uf.add_argument("--port", type=int, required=True)
    uf.add_argument("--size", type=int, required=True)
    uf.add_argument("--duration", type=float, required=True)
    t = sub.add_parser("tcp-sink")
    t.add_argument("--bind", required=True)
    t.add_argument("--port", type=int, required=True)
    t.add_argument("--reply", type=int, default=0)
    ts = sub.add_parser("tcp-send")
    ts.add_argument("--dst", required=True)
    ts.add_argument("--port", type=int, required=True)
    ts.add_argument("--bytes", type=int, required=True)
    a = p.parse_args()
    join(a.join)
    {"pause": pause, "burn": burn, "udp-echo": udp_echo, "udp-ping": udp_ping, "udp-sink": udp_sink,
     "udp-flood": udp_flood, "tcp-sink": tcp_sink, "tcp-send": tcp_send}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
