"""The store's pods, each held as one msgpack string rather than a tree of dicts.

A slimmed pod is still about 180 Python objects (its dicts, lists and strings),
9 KB of memory at 10,000 pods' scale, and every one of them is tracked by the
cyclic garbage collector, which walks them all on each full collection. Packed,
the same pod is one `bytes` of about 2 KB that the collector never looks at: at
100,000 pods that is the difference between 1.4 GB and well under 1 GB.

What reads a pod (deriving its row and details, placement, a tombstone) gets a
fresh dict, decoded in C in a few microseconds, that it may not change the store
through. The table is read far less often than it is written (a row is derived
once per change), and the summaries the table shows are kept apart, unpacked.

An update that changes only metadata (a label, an annotation, the resourceVersion)
is told from the packed bytes alone (`PackedPod`), without unpacking the old pod.

An object msgpack cannot hold (an integer past 64 bits, which JSON allows) is
kept as the dict it is: nothing is lost, only that pod is not packed.
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from typing import Any, NamedTuple

import msgspec

from podwatch.model.k8s import Key

_encode = msgspec.msgpack.Encoder().encode
_decode = msgspec.msgpack.Decoder().decode

_STATE = ("spec", "status")
"""What a pod's row and health derive from, packed apart from the rest (`PackedPod`)."""
_LIFECYCLE = ("uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds")
"""The metadata a pod's summary reads, packed with its state."""


class PackedPod(NamedTuple):
    """A pod in two msgpack strings: `state` is its spec, status and lifecycle metadata,
    `head` the rest. Two versions of a pod with equal `state` derive the same summary
    and health, so an update that only moved a label or the resourceVersion is told
    without unpacking anything. (Equal states are equal objects; unequal ones may, rarely,
    be equal objects with keys in another order: then the pod is only derived again.)"""

    head: bytes
    state: bytes


def pack(obj: dict) -> PackedPod | dict:
    """`obj` packed, or `obj` itself if msgpack cannot hold it."""
    try:
        head = {k: v for k, v in obj.items() if k not in _STATE}
        meta = obj.get("metadata")
        lifecycle = [meta.get(f) for f in _LIFECYCLE] if isinstance(meta, dict) else None
        state = [{k: obj[k] for k in _STATE if k in obj}, lifecycle]
        return PackedPod(_encode(head), _encode(state))
    except (msgspec.EncodeError, OverflowError, TypeError):
        return obj


def unpack(value: PackedPod | dict) -> dict:
    """What `pack` was given, as a dict of its own."""
    if type(value) is not PackedPod:
        return value  # type: ignore[return-value]
    obj = _decode(value.head)
    obj.update(_decode(value.state)[0])
    return obj


def same_state(a: PackedPod | dict | None, b: PackedPod | dict | None) -> bool:
    """Whether two packed versions of a pod surely derive the same (see `PackedPod`)."""
    return type(a) is PackedPod and type(b) is PackedPod and a.state == b.state


class PackedPods(MutableMapping[Key, dict]):
    """(namespace, name) -> pod, packed (see the module's docstring).

    Each read unpacks a new dict: changing it changes nothing in the store, which only
    `__setitem__` and `put` do."""

    __slots__ = ("_packed",)

    def __init__(self) -> None:
        self._packed: dict[Key, PackedPod | dict] = {}

    def __getitem__(self, key: Key) -> dict:
        return unpack(self._packed[key])

    def get(self, key: Key, default: Any = None) -> Any:  # type: ignore[override]
        value = self._packed.get(key)
        return default if value is None else unpack(value)

    def packed(self, key: Key) -> PackedPod | dict | None:
        """The pod as held, without unpacking it (None if it is not here)."""
        return self._packed.get(key)

    def put(self, key: Key, packed: PackedPod | dict) -> None:
        """Hold a pod `pack` has packed already."""
        self._packed[key] = packed

    def __setitem__(self, key: Key, obj: dict) -> None:
        self._packed[key] = pack(obj)

    def __delitem__(self, key: Key) -> None:
        del self._packed[key]

    def pop(self, key: Key, default: Any = None) -> Any:  # type: ignore[override]
        value = self._packed.pop(key, None)
        return default if value is None else unpack(value)

    def __contains__(self, key: object) -> bool:
        return key in self._packed

    def __iter__(self) -> Iterator[Key]:
        return iter(self._packed)

    def __len__(self) -> int:
        return len(self._packed)

    def packed_bytes(self) -> int:
        """Bytes held packed (the benchmark's memory section reports it)."""
        return sum(
            len(v.head) + len(v.state) for v in self._packed.values() if type(v) is PackedPod
        )
