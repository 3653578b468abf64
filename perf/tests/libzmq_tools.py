"""libzmq's four perf tools, on pyzmq's libzmq, for tests/tools.rs.

    python libzmq_tools.py local_thr|remote_thr|local_lat|remote_lat ARGS...
    python libzmq_tools.py version

Same socket types, arguments and printed lines as libzmq 4.3.5's perf/
programs, so that ringmq's tools can be run against real libzmq and either
side's output checked.
"""

import sys
import time

import zmq


def elapsed_us(start_ns):
    return (time.monotonic_ns() - start_ns) // 1000


def check_size(msg, size):
    if len(msg) != size:
        print("message of incorrect size received")
        sys.exit(255)


def local_thr(bind_to, size, count):
    ctx = zmq.Context(1)
    s = ctx.socket(zmq.PULL)
    s.bind(bind_to)
    check_size(s.recv(copy=False), size)
    start = time.monotonic_ns()
    for _ in range(count - 1):
        check_size(s.recv(copy=False), size)
    elapsed = elapsed_us(start) or 1
    throughput = count / elapsed * 1000000
    megabits = throughput * size * 8 / 1000000
    print(f"message size: {size} [B]")
    print(f"message count: {count}")
    print(f"mean throughput: {int(throughput)} [msg/s]")
    print(f"mean throughput: {megabits:.3f} [Mb/s]")
    s.close()
    ctx.term()


def remote_thr(connect_to, size, count):
    ctx = zmq.Context(1)
    s = ctx.socket(zmq.PUSH)
    s.connect(connect_to)
    payload = bytes(size)
    for _ in range(count):
        s.send(payload)
    s.close()
    ctx.term()


def local_lat(bind_to, size, count):
    ctx = zmq.Context(1)
    s = ctx.socket(zmq.REP)
    s.bind(bind_to)
    for _ in range(count):
        msg = s.recv(copy=False)
        check_size(msg, size)
        s.send(msg)
    s.close()
    ctx.term()


def remote_lat(connect_to, size, count):
    ctx = zmq.Context(1)
    s = ctx.socket(zmq.REQ)
    s.connect(connect_to)
    payload = bytes(size)
    start = time.monotonic_ns()
    for _ in range(count):
        s.send(payload)
        check_size(s.recv(copy=False), size)
    latency = elapsed_us(start) / (count * 2)
    print(f"message size: {size} [B]")
    print(f"roundtrip count: {count}")
    print(f"average latency: {latency:.3f} [us]")
    s.close()
    ctx.term()


def main():
    tools = {
        "local_thr": local_thr,
        "remote_thr": remote_thr,
        "local_lat": local_lat,
        "remote_lat": remote_lat,
    }
    if sys.argv[1:] == ["version"]:
        print(zmq.zmq_version())
        return
    if len(sys.argv) != 5 or sys.argv[1] not in tools:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    tools[sys.argv[1]](sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
