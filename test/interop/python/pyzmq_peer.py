"""A pyzmq peer for rxzmq's interop tests, driven by JSON lines on stdin.

One process holds any number of pyzmq sockets, named by the test. Commands
(one JSON object per stdin line):

  {"op": "open", "id": "a", "type": "PULL", "bind": "tcp://127.0.0.1:*"}
      also "connect" instead of "bind", and options: "routing_id" (hex),
      "subscribe" (hex list, SUB), "echo" (send every received message back;
      a ROUTER's back to its sender), "heartbeat_ivl"/"heartbeat_timeout" (ms),
      "reconnect_ivl" (ms), "maxmsgsize" (bytes); security: "plain_server",
      "plain_username", "plain_password", "curve_server", "curve_publickey",
      "curve_secretkey", "curve_serverkey" (Z85 text), "zap_domain"; and
      "monitor" (report the socket's events, see below)
      -> {"event": "open", "id": "a", "endpoint": "<LAST_ENDPOINT>"}
  {"op": "send", "id": "a", "frames": [FRAME, ...]}
  {"op": "subscribe" | "unsubscribe", "id": "a", "topic": hex}   (SUB)
  {"op": "close", "id": "a"}   -> {"event": "closed", "id": "a"}
  {"op": "ping", "n": 1}       -> {"event": "pong", "n": 1}
  {"op": "keypair"}            -> {"event": "keypair", "public": Z85, "secret": Z85}
  {"op": "zap", "allow": [CREDENTIAL, ...]}   -> {"event": "zap_on"}
      answers ZAP (RFC 27) for this process's context: a REP socket bound on
      inproc://zeromq.zap.01 that allows a PLAIN client whose
      "username:password", or a CURVE client whose Z85 public key, is in
      "allow" (200, user id the user name or "curve"), and refuses any other
      (400). Each request is reported as {"event": "zap", "domain",
      "address", "mechanism", "credentials": [...], "status"}, PLAIN
      credentials as text, a CURVE key as Z85. Sent again, it replaces the
      list.

A socket opened with "monitor" reports each of its events as
{"event": "monitor", "id": "a", "name": "HANDSHAKE_FAILED_AUTH", "value": 400}.

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
import zmq.utils.monitor
import zmq.utils.z85

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


# Security options as the peer takes them: name -> (socket option, how its value is given).
SECURITY = {
    "plain_server": (zmq.PLAIN_SERVER, int),
    "plain_username": (zmq.PLAIN_USERNAME, str.encode),
    "plain_password": (zmq.PLAIN_PASSWORD, str.encode),
    "curve_server": (zmq.CURVE_SERVER, int),
    "curve_publickey": (zmq.CURVE_PUBLICKEY, str.encode),
    "curve_secretkey": (zmq.CURVE_SECRETKEY, str.encode),
    "curve_serverkey": (zmq.CURVE_SERVERKEY, str.encode),
    "zap_domain": (zmq.ZAP_DOMAIN, str.encode),
}


class Zap:
    """A ZAP handler (RFC 27) on a REP socket, allowing listed credentials."""

    def __init__(self, context):
        self.sock = context.socket(zmq.REP)
        self.sock.setsockopt(zmq.LINGER, 0)
        self.sock.bind("inproc://zeromq.zap.01")
        self.allow = set()

    def answer(self):
        while True:
            try:
                request = self.sock.recv_multipart(zmq.NOBLOCK)
            except zmq.Again:
                return
            version, request_id, domain, address, _identity, mechanism, *credentials = request
            mechanism = mechanism.decode()
            if mechanism == "CURVE":
                shown_credentials = [zmq.utils.z85.encode(c).decode() for c in credentials]
                key, user = (shown_credentials or [""])[0], "curve"
            else:
                shown_credentials = [c.decode(errors="replace") for c in credentials]
                key = ":".join(shown_credentials)
                user = shown_credentials[0] if shown_credentials else ""
            status = "200" if key in self.allow else "400"
            out(event="zap", domain=domain.decode(), address=address.decode(), mechanism=mechanism,
                credentials=shown_credentials, status=status)
            text = b"OK" if status == "200" else b"Refused"
            self.sock.send_multipart([version, request_id, status.encode(), text,
                                      user.encode() if status == "200" else b"", b""])


class Peer:
    def __init__(self):
        self.context = zmq.Context()
        self.sockets = {}
        self.names = {}
        self.monitors = {}
        self.echo = set()
        self.zap = None
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
        for key, (option, convert) in SECURITY.items():
            if key in cmd:
                sock.setsockopt(option, convert(cmd[key]))
        for topic in cmd.get("subscribe", []):
            sock.setsockopt(zmq.SUBSCRIBE, bytes.fromhex(topic))
        monitor = sock.get_monitor_socket() if cmd.get("monitor") else None  # before bind/connect: no early event missed
        try:
            if "bind" in cmd:
                sock.bind(cmd["bind"])
            else:
                sock.connect(cmd["connect"])
        except zmq.ZMQError:
            if monitor is not None:
                monitor.close(0)
            sock.close(0)
            raise
        if monitor is not None:
            self.monitors[monitor] = cmd["id"]
            self.poller.register(monitor, zmq.POLLIN)
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
            for monitor, name in list(self.monitors.items()):
                if name == cmd["id"]:
                    self.report_monitor(monitor)
                    sock.disable_monitor()
                    self.poller.unregister(monitor)
                    del self.monitors[monitor]
                    monitor.close(0)
            sock.close(0)
            out(event="closed", id=cmd["id"])
        elif op == "ping":
            out(event="pong", n=cmd.get("n"))
        elif op == "keypair":
            public, secret = zmq.curve_keypair()
            out(event="keypair", public=public.decode(), secret=secret.decode())
        elif op == "zap":
            if self.zap is None:
                self.zap = Zap(self.context)
                self.poller.register(self.zap.sock, zmq.POLLIN)
            self.zap.allow = set(cmd.get("allow", []))
            out(event="zap_on")
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

    def report_monitor(self, monitor):
        while True:
            try:
                event = zmq.utils.monitor.recv_monitor_message(monitor, zmq.NOBLOCK)
            except zmq.Again:
                return
            out(event="monitor", id=self.monitors[monitor], name=zmq.Event(event["event"]).name,
                value=event["value"])

    def run(self):
        out(event="ready", zmq=zmq.zmq_version(), pyzmq=zmq.__version__)
        while True:
            for item, _ in self.poller.poll():
                if item == 0:
                    if not self.read_stdin():
                        return
                elif self.zap is not None and item is self.zap.sock:
                    self.zap.answer()
                elif item in self.monitors:
                    self.report_monitor(item)
                else:
                    self.receive(item)


if __name__ == "__main__":
    peer = Peer()
    try:
        peer.run()
    finally:
        for sock in [*peer.monitors, *peer.sockets.values()]:
            sock.close(0)
        if peer.zap is not None:
            peer.zap.sock.close(0)
        peer.context.term()
