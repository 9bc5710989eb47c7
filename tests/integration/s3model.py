"""An executable reference model of S3 object semantics, for model-based tests in the spirit
of Amazon's ShardStore (SOSP 2021): the history of every key (which value each write left, and
when the write started and ended), from which it answers what a read may return.

Writes of one key never overlap (each key has one writer at a time), so the model is a set of
registers. A read that ran during [start, end] may return the value of write i (None when the
key is absent) iff write i began before the read ended and write i+1 was not acknowledged
before the read began: S3's promise that a GET returns the old object or the new one, whole.
A write whose outcome is unknown (the server died) never ends; what it left is decided when
the key is read after recovery (`settle`). Values are SHA-256 digests of bodies.
Thread-safe.
"""

import hashlib
import math
import threading
import time
from dataclasses import dataclass


def digest(body):
    return None if body is None else hashlib.sha256(body).hexdigest()


@dataclass
class Write:
    value: object  # digest, or None for a delete
    start: float
    end: float = math.inf  # acknowledgement time; inf while in flight or unknown


class S3Model:
    def __init__(self):
        self._lock = threading.Lock()
        self._history = {}  # key -> [Write]; the first is the initial state

    def _writes(self, key):
        return self._history.setdefault(key, [Write(None, -math.inf, -math.inf)])

    def begin(self, key, value):
        """Records a write (a PUT, copy or multipart completion of `value`, or a delete when
        None) about to be sent; returns its handle."""
        w = Write(value, time.monotonic())
        with self._lock:
            self._writes(key).append(w)
        return key, w

    def acknowledge(self, handle):
        with self._lock:
            handle[1].end = time.monotonic()

    def refuse(self, handle):
        """The server answered with an error: the write did not happen."""
        key, w = handle
        with self._lock:
            self._writes(key).remove(w)

    def allowed(self, key, start, end):
        """The values a read of `key` that ran during [start, end] may return."""
        with self._lock:
            writes = list(self._writes(key))
        out = set()
        for i, w in enumerate(writes):
            superseded = i + 1 < len(writes) and writes[i + 1].end < start
            if w.start < end and not superseded:
                out.add(w.value)
        return out

    def possible_final(self, key):
        """What `key` may hold once every write has ended: the last acknowledged value, or any
        later write whose outcome is unknown."""
        with self._lock:
            writes = list(self._writes(key))
        last_acked = max(i for i, w in enumerate(writes) if w.end < math.inf)
        return {w.value for w in writes[last_acked:]}

    def settle(self, key, value):
        """After recovery: `value` is what the key holds; keep only the write that left it."""
        with self._lock:
            writes = self._writes(key)
            last_acked = max(i for i, w in enumerate(writes) if w.end < math.inf)
            keep = [w for w in writes[last_acked:] if w.value == value]
            assert keep, f"{key}: {value} is none of {[w.value for w in writes[last_acked:]]}"
            del writes[last_acked:]
            keep[-1].end = time.monotonic()
            writes.append(keep[-1])

    def keys(self):
        with self._lock:
            return list(self._history)
