"""An aiozmq.rpc client for interop tests.

Usage: aiozmq_client.py SPEC_JSON   (or the spec as the first line of stdin)

SPEC: {"mode": "rpc" | "pipeline" | "pubsub", "endpoint": "tcp://...",
       "timeout": seconds per call (rpc), "repeat": rounds (default 1),
       "interval": seconds between rounds,
       "calls": [{"method": "ns.mul", "args": [...], "kwargs": {...},
                  "topic": "news" (pubsub), "timeout": seconds (rpc)}]}
Values use the tagged JSON of peer_common ({"$bytes": hex}, ...).

Prints {"event": "connected", "pid": ...}, then one line per call:
{"event": "result", "index": i, "ok": value} or {"event": "result", "index": i,
"error": {"type": full class name, "args": exc.args, "repr": repr(exc)}},
then {"event": "done"}. Stops early on SIGTERM, SIGINT or the end of stdin.
"""
import asyncio
import json
import os
import sys

import aiozmq.rpc
import zmq

from peer_common import emit, from_json, full_name, stop_event, to_json


def target(proxy, method):
    for part in method.split("."):
        proxy = getattr(proxy, part)
    return proxy


async def run_calls(spec, client):
    mode = spec.get("mode", "rpc")
    calls = spec["calls"]
    for round_ in range(spec.get("repeat", 1)):
        if round_:
            await asyncio.sleep(spec.get("interval", 0.1))
        for index, call in enumerate(calls):
            args = from_json(call.get("args", []))
            kwargs = from_json(call.get("kwargs", {}))
            if mode == "rpc":
                proxy = client.with_timeout(call.get("timeout", spec.get("timeout", 5))).call
            elif mode == "pipeline":
                proxy = client.notify
            else:
                proxy = client.publish(from_json(call.get("topic")))
            try:
                value = await target(proxy, call["method"])(*args, **kwargs)
            except Exception as exc:
                error = {"type": full_name(type(exc)), "args": to_json(exc.args), "repr": repr(exc)}
                emit(event="result", index=index, round=round_, error=error)
            else:
                emit(event="result", index=index, round=round_, ok=to_json(value))


async def main(spec):
    loop = asyncio.get_running_loop()
    stop = stop_event(loop)
    mode = spec.get("mode", "rpc")
    connect = {"rpc": aiozmq.rpc.connect_rpc, "pipeline": aiozmq.rpc.connect_pipeline,
               "pubsub": aiozmq.rpc.connect_pubsub}[mode]
    client = await connect(connect=spec["endpoint"])
    client.transport.setsockopt(zmq.LINGER, 0)
    emit(event="connected", pid=os.getpid())
    calls = asyncio.ensure_future(run_calls(spec, client))
    stopped = asyncio.ensure_future(stop.wait())
    await asyncio.wait([calls, stopped], return_when=asyncio.FIRST_COMPLETED)
    for task in (calls, stopped):
        task.cancel()
    if calls.done() and not calls.cancelled() and calls.exception() is None:
        emit(event="done")
    client.close()
    await client.wait_closed()


if __name__ == "__main__":
    raw = sys.argv[1] if len(sys.argv) > 1 else sys.stdin.readline()
    asyncio.run(main(json.loads(raw)))
