#!/usr/bin/env python3
"""Python aiozmq.rpc baseline of bench/rpc.ts (run by it; runs alone too).

serve_rpc and connect_rpc in one asyncio loop over tcp://127.0.0.1, a
trivial add(a, b), measured as bench/rpc.ts measures rxzmq: WARMUP calls,
then calls for SECONDS (or exactly CALLS) with one call in flight
(sequential awaits, each call's latency recorded), then WARMUP calls, then
the same with IN_FLIGHT concurrent tasks each awaiting one call after
another. Every result is checked. Prints one JSON line:

    {"rate1": ..., "rateMany": ..., "p50": ..., "p99": ..., "versions": {...}}

with calls/s and latency percentiles in microseconds.

    /usr/bin/python3 bench/python/aiozmq_bench.py --seconds 2 --warmup 2000 --in-flight 100
"""
import argparse
import asyncio
import json
import math
import platform
import sys
import time

import aiozmq
import aiozmq.rpc
import zmq


class Handler(aiozmq.rpc.AttrHandler):
    @aiozmq.rpc.method
    def add(self, a, b):
        return a + b


def going(seconds, calls):
    """Says, given the calls started so far, whether to start another."""
    if calls is not None:
        return lambda started: started < calls
    deadline = time.perf_counter() + seconds
    return lambda started: time.perf_counter() < deadline


def check(a, result):
    if result != a + 1:
        raise AssertionError("add(%d, 1) returned %r" % (a, result))


async def one_in_flight(client, go, latencies=None):
    done = 0
    while go(done):
        start = time.perf_counter_ns()
        result = await client.call.add(done, 1)
        if latencies is not None:
            latencies.append((time.perf_counter_ns() - start) / 1e3)
        check(done, result)
        done += 1
    return done


async def many_in_flight(client, in_flight, go):
    started = 0

    async def worker():
        nonlocal started
        while go(started):
            a = started
            started += 1
            check(a, await client.call.add(a, 1))

    await asyncio.gather(*(worker() for _ in range(in_flight)))
    return started


async def rate(run):
    start = time.perf_counter()
    calls = await run()
    return calls / (time.perf_counter() - start)


def percentile(sorted_values, p):
    """Nearest rank, as bench/rpc-harness.ts."""
    if not sorted_values:
        return float("nan")
    rank = min(len(sorted_values), max(1, math.ceil(p * len(sorted_values))))
    return sorted_values[rank - 1]


async def main(args):
    server = await aiozmq.rpc.serve_rpc(Handler(), bind="tcp://127.0.0.1:*")
    endpoint = next(iter(server.transport.bindings()))
    client = await aiozmq.rpc.connect_rpc(connect=endpoint)
    for service in (server, client):
        service.transport.setsockopt(zmq.LINGER, 0)
    try:
        await one_in_flight(client, going(0, args.warmup))
        latencies = []
        rate1 = await rate(lambda: one_in_flight(client, going(args.seconds, args.calls), latencies))
        await many_in_flight(client, args.in_flight, going(0, args.warmup))
        rate_many = await rate(lambda: many_in_flight(client, args.in_flight, going(args.seconds, args.calls)))
    finally:
        client.close()
        server.close()
        await client.wait_closed()
        await server.wait_closed()
    latencies.sort()
    return {
        "rate1": rate1,
        "rateMany": rate_many,
        "p50": percentile(latencies, 0.5),
        "p99": percentile(latencies, 0.99),
        "versions": {
            "python": platform.python_version(),
            "aiozmq": aiozmq.__version__,
            "pyzmq": zmq.pyzmq_version(),
            "libzmq": zmq.zmq_version(),
        },
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="timed run per mode (default 2)")
    parser.add_argument("--calls", type=int, default=None, help="a fixed number of calls per mode instead")
    parser.add_argument("--warmup", type=int, default=2000, help="warmup calls per mode (default 2000)")
    parser.add_argument("--in-flight", type=int, default=100, help="concurrent calls of the second mode (default 100)")
    result = asyncio.run(main(parser.parse_args()))
    sys.stdout.write(json.dumps(result) + "\n")
