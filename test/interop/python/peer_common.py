"""Shared parts of the interop peers: tagged JSON for values JSON cannot
hold, one JSON line per event on stdout, and a stop event set by SIGTERM,
SIGINT or the end of stdin."""
import asyncio
import binascii
import datetime
import json
import math
import os
import signal
import sys

import msgpack


def to_json(value):
    """A Python value as JSON, tagged where JSON would lose what it is."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value if abs(value) <= 2**53 else {"$int": str(value)}
    if isinstance(value, float):
        return value if math.isfinite(value) else {"$float": repr(value)}
    if isinstance(value, bytes):
        return {"$bytes": value.hex()}
    if isinstance(value, tuple):
        return {"$tuple": [to_json(v) for v in value]}
    if isinstance(value, list):
        return [to_json(v) for v in value]
    if isinstance(value, dict):
        if all(isinstance(k, str) for k in value):
            return {k: to_json(v) for k, v in value.items()}
        return {"$dict": [[to_json(k), to_json(v)] for k, v in value.items()]}
    if isinstance(value, msgpack.ExtType):
        return {"$ext": value.code, "data": value.data.hex()}
    if isinstance(value, msgpack.Timestamp):
        return {"$timestamp": [value.seconds, value.nanoseconds]}
    return {"$type": type(value).__module__ + "." + type(value).__qualname__, "repr": repr(value)}


def from_json(value):
    """The inverse of to_json, plus {"$datetime": iso} for a datetime."""
    if isinstance(value, list):
        return [from_json(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "$bytes" in value:
        return binascii.unhexlify(value["$bytes"])
    if "$tuple" in value:
        return tuple(from_json(v) for v in value["$tuple"])
    if "$int" in value:
        return int(value["$int"])
    if "$dict" in value:
        return {from_json(k): from_json(v) for k, v in value["$dict"]}
    if "$ext" in value:
        return msgpack.ExtType(value["$ext"], binascii.unhexlify(value["data"]))
    if "$timestamp" in value:
        return msgpack.Timestamp(*value["$timestamp"])
    if "$datetime" in value:
        return datetime.datetime.fromisoformat(value["$datetime"])
    return {k: from_json(v) for k, v in value.items()}


def emit(**fields):
    """One event as one JSON line on stdout."""
    print(json.dumps(fields), flush=True)


def full_name(cls):
    return cls.__module__ + "." + cls.__qualname__


def stop_event(loop):
    """An event set on SIGTERM, SIGINT, or when stdin reaches its end (when
    stdin is a pipe or a terminal: a file or /dev/null is not watched)."""
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    fd = sys.stdin.fileno()

    def on_stdin():
        if not os.read(fd, 65536):
            loop.remove_reader(fd)
            stop.set()

    try:
        loop.add_reader(fd, on_stdin)
    except OSError:
        pass
    return stop
