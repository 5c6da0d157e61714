"""A pyzmq peer for rxzmq's interop tests, driven by JSON lines on stdin.

One process holds any number of pyzmq sockets, named by the test. Commands
(one JSON object per stdin line):

  {"op": "open", "id": "a", "type": "PULL", "bind": "tcp://127.0.0.1:*"}
      also "connect" instead of "bind", and options: "routing_id" (hex),
      "subscribe" (hex list, SUB), "echo" (send every received message back;
      a ROUTER's back to its sender), "heartbeat_ivl"/"heartbeat_timeout" (ms),
      "reconnect_ivl" (ms), "maxmsgsize" (bytes)
      -> {"event": "open", "id": "a", "endpoint": "<LAST_ENDPOINT>"}
  {"op": "send", "id": "a", "frames": [FRAME, ...]}
  {"op": "subscribe" | "unsubscribe", "id": "a", "topic": hex}   (SUB)
  {"op": "close", "id": "a"}   -> {"event": "closed", "id": "a"}
  {"op": "ping", "n": 1}       -> {"event": "pong", "n": 1}

A FRAME to send is hex, or "gen:<size>:<seed>": <size> bytes whose byte i is
(i + seed) mod 256. Every received message is reported as
{"event": "recv", "id": "a", "frames": [...]}, each frame as hex when at most
1024 bytes, else "sha256:<hex digest>:<size>". Errors are reported as
{"event": "error", ...}; stdin closing ends the process.
"""
import hashlib
import json
import os
import sys

import zmq

BASE = bytes(range(256))
SHOWN = 1024


def out(**event):
    sys.stdout.write(json.dumps(event) + "\n")
    sys.stdout.flush()


def frame_of(spec):
    if spec.startswith("gen:"):
        _, size, seed = spec.split(":")
        size, seed = int(size), int(seed) % 256
        rotated = BASE[seed:] + BASE[:seed]
        return (rotated * (size // 256 + 1))[:size]
    return bytes.fromhex(spec)


def shown(frame):
    if len(frame) <= SHOWN:
        return frame.hex()
    return "sha256:%s:%d" % (hashlib.sha256(frame).hexdigest(), len(frame))


class Peer:
    def __init__(self):
        self.context = zmq.Context()
        self.sockets = {}
        self.names = {}
        self.echo = set()
        self.poller = zmq.Poller()
        self.poller.register(0, zmq.POLLIN)
        self.pending = b""

    def open(self, cmd):
        sock = self.context.socket(getattr(zmq, cmd["type"]))
        sock.setsockopt(zmq.LINGER, 0)
        if "routing_id" in cmd:
            sock.setsockopt(zmq.ROUTING_ID, bytes.fromhex(cmd["routing_id"]))
        if "heartbeat_ivl" in cmd:
            sock.setsockopt(zmq.HEARTBEAT_IVL, cmd["heartbeat_ivl"])
            sock.setsockopt(zmq.HEARTBEAT_TIMEOUT, cmd.get("heartbeat_timeout", cmd["heartbeat_ivl"]))
        if "maxmsgsize" in cmd:
            sock.setsockopt(zmq.MAXMSGSIZE, cmd["maxmsgsize"])
        if "reconnect_ivl" in cmd:
            sock.setsockopt(zmq.RECONNECT_IVL, cmd["reconnect_ivl"])
        for topic in cmd.get("subscribe", []):
            sock.setsockopt(zmq.SUBSCRIBE, bytes.fromhex(topic))
        if "bind" in cmd:
            sock.bind(cmd["bind"])
        else:
            sock.connect(cmd["connect"])
        name = cmd["id"]
        self.sockets[name] = sock
        self.names[sock] = name
        if cmd.get("echo"):
            self.echo.add(name)
        if sock.type not in (zmq.PUB, zmq.PUSH):
            self.poller.register(sock, zmq.POLLIN)
        out(event="open", id=name, endpoint=sock.getsockopt(zmq.LAST_ENDPOINT).decode())

    def command(self, cmd):
        op = cmd["op"]
        if op == "open":
            self.open(cmd)
        elif op == "send":
            frames = [frame_of(f) for f in cmd["frames"]]
            self.sockets[cmd["id"]].send_multipart(frames)
        elif op in ("subscribe", "unsubscribe"):
            option = zmq.SUBSCRIBE if op == "subscribe" else zmq.UNSUBSCRIBE
            self.sockets[cmd["id"]].setsockopt(option, bytes.fromhex(cmd["topic"]))
        elif op == "close":
            sock = self.sockets.pop(cmd["id"])
            del self.names[sock]
            self.echo.discard(cmd["id"])
            if sock.type not in (zmq.PUB, zmq.PUSH):
                self.poller.unregister(sock)
            sock.close(0)
            out(event="closed", id=cmd["id"])
        elif op == "ping":
            out(event="pong", n=cmd.get("n"))
        else:
            out(event="error", error="unknown op", op=op)

    def read_stdin(self):
        chunk = os.read(0, 1 << 20)
        if not chunk:
            return False
        self.pending += chunk
        *lines, self.pending = self.pending.split(b"\n")
        for line in lines:
            if not line.strip():
                continue
            try:
                self.command(json.loads(line))
            except Exception as err:  # reported, the peer goes on
                out(event="error", error=repr(err), line=line[:200].decode(errors="replace"))
        return True

    def receive(self, sock):
        while True:
            try:
                frames = sock.recv_multipart(zmq.NOBLOCK)
            except zmq.Again:
                return
            except zmq.ZMQError as err:
                if err.errno != zmq.EFSM:  # EFSM: a REQ that awaits its next send
                    out(event="error", error=repr(err), id=self.names[sock])
                return
            name = self.names[sock]
            out(event="recv", id=name, frames=[shown(f) for f in frames])
            if name in self.echo:
                sock.send_multipart(frames)

    def run(self):
        out(event="ready", zmq=zmq.zmq_version(), pyzmq=zmq.__version__)
        while True:
            for item, _ in self.poller.poll():
                if item == 0:
                    if not self.read_stdin():
                        return
                else:
                    self.receive(item)


if __name__ == "__main__":
    peer = Peer()
    try:
        peer.run()
    finally:
        for sock in list(peer.sockets.values()):
            sock.close(0)
        peer.context.term()
