"""An aiozmq.rpc server for interop tests.

Usage: aiozmq_server.py rpc|pipeline|pubsub [topic ...]

Binds tcp://127.0.0.1:* and prints {"event": "listening", "endpoint": ...,
"pid": ...} as its first line. The pipeline and pub-sub servers print
{"event": "call", "method", "args", "kwargs"} for every call they run. Stops
on SIGTERM, SIGINT or the end of stdin.
"""
import asyncio
import builtins
import datetime
import os
import sys

import aiozmq.rpc
import zmq

from peer_common import emit, stop_event, to_json


class MyError(Exception):
    """A user error class: its full name on the wire is __main__.MyError."""


class Sub(aiozmq.rpc.AttrHandler):
    @aiozmq.rpc.method
    def neg(self, a):
        return -a


class Namespace(aiozmq.rpc.AttrHandler):
    def __init__(self):
        self.sub = Sub()

    @aiozmq.rpc.method
    def mul(self, a, b):
        return a * b


class RpcHandler(aiozmq.rpc.AttrHandler):
    def __init__(self):
        self.ns = Namespace()

    @aiozmq.rpc.method
    def add(self, a, b):
        return a + b

    @aiozmq.rpc.method
    def kw(self, a, b=2, c="x"):
        return (a, b, c)

    @aiozmq.rpc.method
    def fail_value(self):
        raise ValueError("bad value", 42)

    @aiozmq.rpc.method
    def fail_custom(self, *args):
        raise MyError(*args)

    @aiozmq.rpc.method
    async def slow(self, sec):
        await asyncio.sleep(sec)
        return sec

    @aiozmq.rpc.method
    def echo(self, x):
        return x

    @aiozmq.rpc.method
    def describe(self, x):
        """What the handler received: its type and repr, after aiozmq unpacked it."""
        return {"type": type(x).__qualname__, "repr": repr(x)}

    @aiozmq.rpc.method
    def exception_repr(self, name, *args):
        """repr() and str() of a built-in exception made from args, to compare with rxzmq's."""
        exc = getattr(builtins, name)(*args)
        return [repr(exc), str(exc)]

    @aiozmq.rpc.method
    def now(self):
        """A datetime: aiozmq pickles it as ext 126."""
        return datetime.datetime(2024, 1, 2, 3, 4, 5, 6)

    @aiozmq.rpc.method
    def int_keys(self):
        """A map with an int key, which rxzmq (like msgpack-python 1.0) refuses to unpack."""
        return {1: "a"}

    @aiozmq.rpc.method
    def big(self):
        return [2**40, 2**53 + 1, -(2**63), 2**64 - 1, -(2**40)]


class RecordingHandler(aiozmq.rpc.AttrHandler):
    """Pipeline and pub-sub: prints every call it runs."""

    def __init__(self):
        self.ns = Namespace()

    @aiozmq.rpc.method
    def log(self, *args, **kwargs):
        emit(event="call", method="log", args=to_json(args), kwargs=to_json(kwargs))


async def main(mode, topics):
    loop = asyncio.get_running_loop()
    stop = stop_event(loop)
    bind = "tcp://127.0.0.1:*"
    if mode == "rpc":
        service = await aiozmq.rpc.serve_rpc(RpcHandler(), bind=bind)
    elif mode == "pipeline":
        service = await aiozmq.rpc.serve_pipeline(RecordingHandler(), bind=bind)
    elif mode == "pubsub":
        service = await aiozmq.rpc.serve_pubsub(RecordingHandler(), bind=bind, subscribe=topics or ["news"])
    else:
        raise SystemExit("mode must be rpc, pipeline or pubsub")
    service.transport.setsockopt(zmq.LINGER, 0)
    [endpoint] = list(service.transport.bindings())
    emit(event="listening", endpoint=endpoint, pid=os.getpid(), mode=mode)
    await stop.wait()
    service.close()
    await service.wait_closed()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else "rpc", sys.argv[2:]))
