#!/usr/bin/env python3
"""A stand-in for the inspector server, for working on the browser app alone.

Serves inspector-web/dist/ at /, streams made-up snapshots over the
WebSocket at /ws (one JSON text message every 500 ms, shaped like
ringmq_core::snapshot::Snapshot), and serves a perf history at
/api/perf-history. Standard library only.

    scripts/build-inspector
    python3 inspector-web/dev/mock-server.py [--port 9870] [--history perf/history.jsonl]

Stop it and start it again to watch the app say "disconnected —
reconnecting…" and then pick the stream up again.
"""
import argparse, base64, hashlib, json, math, os, struct, time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
DIST = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "dist")


def latency(p50, tail):
    pts = []
    for k in range(0, 31):
        p = 100.0 * (1.0 - 0.5 ** (k / 2))
        x = -math.log10(max(1.0 - p / 100.0, 1e-6))
        pts.append([p, p50 * (0.6 + 0.4 * min(x / 0.301, 1.0)) * (1.0 + tail * (x / 4.0) ** 3)])
    pts.append([100.0, pts[-1][1] * 1.5])
    return {"count": 1000, "mean_us": p50 * 1.1, "max_us": pts[-1][1], "percentiles": pts}


def pipe(pid, peer_type, addr, out_q, hwm, msgs_out, msgs_in, size, drops=0, identity=""):
    return {"id": pid, "peer_type": peer_type, "peer_identity": identity, "peer_addr": addr,
            "out_queued": out_q, "sndhwm": hwm, "in_queued": 0, "rcvhwm": hwm,
            "muted": out_q >= hwm, "msgs_out": msgs_out, "bytes_out": msgs_out * size,
            "msgs_in": msgs_in, "bytes_in": msgs_in * size, "drops_hwm": drops}


def snapshot(seq, t0):
    t = time.time() - t0
    n = lambda rate: int(rate * t + rate * 0.3 * math.sin(t / 5.0))
    fast, slow = n(40000), n(9000)
    drops = max(fast - slow - 1000, 0)
    events = []
    if seq == 0:
        events.append({"time_ms": 0, "socket_id": 1, "kind": "listening", "endpoint": "tcp://0.0.0.0:5556", "detail": ""})
    if seq % 20 == 7:
        events.append({"time_ms": int(t * 1000), "socket_id": 2, "kind": "accepted", "endpoint": "127.0.0.1:40412", "detail": ""})
    return {"seq": seq, "time_ms": int(t * 1000), "events": events,
            "sockets": [
                {"id": 1, "socket_type": "PUB", "endpoints": [{"endpoint": "tcp://0.0.0.0:5556", "kind": "bind"}],
                 "stats": {"msgs_sent": fast, "msgs_received": 0, "drops_hwm": drops, "drops_unroutable": 0,
                           "drops_no_subscriber": 0, "drops_discarded": 0, "attached": 2, "refused": 0, "detached": 0},
                 "pipes": [pipe("1.a", "SUB", "10.0.4.21:51234", seq % 9, 1000, fast, 1, 96),
                           pipe("1.b", "SUB", "10.0.9.3:38870", 1000, 1000, slow, 1, 96, drops)],
                 "send_latency": latency(9.0, 12.0), "recv_latency": None},
                {"id": 2, "socket_type": "ROUTER", "endpoints": [{"endpoint": "tcp://127.0.0.1:5570", "kind": "bind"}],
                 "stats": {"msgs_sent": n(2000), "msgs_received": n(2000), "drops_hwm": 0, "drops_unroutable": seq // 30,
                           "drops_no_subscriber": 0, "drops_discarded": 0, "attached": 1, "refused": 0, "detached": 0},
                 "pipes": [pipe("2.a", "DEALER", "127.0.0.1:40412", 0, 1000, n(2000), n(2000), 200, identity="gw-alpha")],
                 "send_latency": latency(14.0, 5.0), "recv_latency": latency(20.0, 8.0)}],
            "io_threads": [{"index": 0, "loop_turns": n(20000), "submit_calls": n(19000), "sqes_submitted": n(70000),
                            "cqes_reaped": n(84000), "enobufs": 0, "max_cqes_per_wake": 48, "buffers_total": 512,
                            "connections": 3}]}


def frame(text):
    data = text.encode()
    n = len(data)
    head = b"\x81" + (bytes([n]) if n < 126 else b"\x7e" + struct.pack(">H", n) if n < 65536 else b"\x7f" + struct.pack(">Q", n))
    return head + data


class Handler(SimpleHTTPRequestHandler):
    history = []
    t0 = time.time()
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".wasm": "application/wasm"}

    def do_GET(self):
        if self.path == "/ws":
            return self.websocket()
        if self.path.startswith("/api/perf-history"):
            body = json.dumps(self.history).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            return self.wfile.write(body)
        return super().do_GET()

    def websocket(self):
        key = self.headers.get("Sec-WebSocket-Key", "")
        accept = base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()
        self.send_response(101)
        self.send_header("Upgrade", "websocket")
        self.send_header("Connection", "Upgrade")
        self.send_header("Sec-WebSocket-Accept", accept)
        self.end_headers()
        seq = 0
        try:
            while True:
                msg = {"type": "snapshot", "data": snapshot(seq, self.t0)}
                self.wfile.write(frame(json.dumps(msg)))
                self.wfile.flush()
                seq += 1
                time.sleep(0.5)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args):
        pass


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, default=9870)
    ap.add_argument("--dist", default=DIST)
    ap.add_argument("--history", help="perf history, JSON lines or a JSON array")
    a = ap.parse_args()
    if a.history:
        text = open(a.history).read()
        try:
            Handler.history = json.loads(text)
        except json.JSONDecodeError:
            Handler.history = [json.loads(l) for l in text.splitlines() if l.strip()]
    server = ThreadingHTTPServer(("127.0.0.1", a.port), partial(Handler, directory=a.dist))
    server.daemon_threads = True
    print(f"mock inspector on http://127.0.0.1:{a.port}/ (dist {os.path.abspath(a.dist)})", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
