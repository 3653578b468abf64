#!/usr/bin/env python3
"""A libzmq peer for ringmq's interop tests, driven line by line.

Reads one JSON command per line on stdin and answers one JSON line on stdout.
Frames travel hex-encoded so any bytes survive. Uses pyzmq, whose wheels
bundle libzmq 4.3.5 -- the reference implementation ringmq talks to.

Commands (every one may carry "id", the socket's name):
  {"op": "version"}                          -> {"ok": true, "libzmq": "4.3.5"}
  {"op": "socket", "id", "type": "REP", "opts": {NAME: value}}
  {"op": "setsockopt", "id", "opt": NAME, "value": int | hex-string}
  {"op": "bind", "id", "ep"}                 -> {"ok": true, "endpoint": last endpoint}
  {"op": "connect", "id", "ep"}
  {"op": "send", "id", "parts": [hex], "timeout": ms}
  {"op": "recv", "id", "timeout": ms}        -> {"ok": true, "parts": [hex]}
  {"op": "getsockopt", "id", "opt": NAME}    -> {"ok": true, "value": int | hex-string}
  {"op": "close", "id"}
  {"op": "quit"}
Failures answer {"ok": false, "err": "EAGAIN" | message, "errname": "EHOSTUNREACH", ...}.
"""
import json
import sys

import zmq

BYTES_OPTS = {"IDENTITY", "ROUTING_ID", "SUBSCRIBE", "UNSUBSCRIBE", "LAST_ENDPOINT"}


def errname(errno):
    try:
        return zmq.Errno(errno).name
    except ValueError:
        return str(errno)


def opt_value(name, value):
    if name in BYTES_OPTS:
        return bytes.fromhex(value)
    return int(value)


def main():
    ctx = zmq.Context()
    socks = {}
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        cmd = json.loads(line)
        op = cmd["op"]
        reply = {"ok": True}
        try:
            if op == "version":
                reply["libzmq"] = zmq.zmq_version()
            elif op == "socket":
                s = ctx.socket(getattr(zmq, cmd["type"]))
                s.setsockopt(zmq.LINGER, 0)
                for name, value in cmd.get("opts", {}).items():
                    s.setsockopt(getattr(zmq, name), opt_value(name, value))
                socks[cmd["id"]] = s
            elif op == "setsockopt":
                name = cmd["opt"]
                socks[cmd["id"]].setsockopt(getattr(zmq, name), opt_value(name, cmd["value"]))
            elif op == "bind":
                s = socks[cmd["id"]]
                s.bind(cmd["ep"])
                reply["endpoint"] = s.getsockopt(zmq.LAST_ENDPOINT).decode()
            elif op == "connect":
                socks[cmd["id"]].connect(cmd["ep"])
            elif op == "send":
                s = socks[cmd["id"]]
                s.setsockopt(zmq.SNDTIMEO, int(cmd.get("timeout", 5000)))
                s.send_multipart([bytes.fromhex(p) for p in cmd["parts"]])
            elif op == "recv":
                s = socks[cmd["id"]]
                s.setsockopt(zmq.RCVTIMEO, int(cmd.get("timeout", 5000)))
                reply["parts"] = [p.hex() for p in s.recv_multipart()]
            elif op == "getsockopt":
                name = cmd["opt"]
                value = socks[cmd["id"]].getsockopt(getattr(zmq, name))
                reply["value"] = value.hex() if isinstance(value, bytes) else value
            elif op == "close":
                socks.pop(cmd["id"]).close(0)
            elif op == "quit":
                print(json.dumps(reply), flush=True)
                break
            else:
                reply = {"ok": False, "err": "unknown op " + op}
        except zmq.Again:
            reply = {"ok": False, "err": "EAGAIN", "errname": "EAGAIN"}
        except zmq.ZMQError as e:
            reply = {
                "ok": False,
                "err": zmq.strerror(e.errno),
                "errno": e.errno,
                "errname": errname(e.errno),
            }
        print(json.dumps(reply), flush=True)
    for s in socks.values():
        s.close(0)
    ctx.term()


if __name__ == "__main__":
    main()
