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

Quiet pods are squeezed further (`PackedPods.compact`, on the app's clock): a pod that
has not changed for a whole pass has its state deflated against a dictionary made from
a typical pod (`pod_template`), about four times smaller (1.3 KB to 0.35 KB for real
pods). Most pods of a cluster are quiet most of the time; the few that churn stay
merely packed, so a watch event costs no deflating. At 100,000 pods that is 100 MB.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator, MutableMapping
from typing import Any, NamedTuple

import msgspec

from podwatch.model.k8s import Key
from podwatch.model.pod_template import TEMPLATE_STATE

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


class ColdPod(NamedTuple):
    """A quiet pod: its `PackedPod` with the state deflated (`squeeze`)."""

    head: bytes
    zstate: bytes


_ZDICT = _encode([TEMPLATE_STATE, ["00000000-0000-0000-0000-000000000000", "", None, None]])
"""The preset dictionary: a typical pod's state, packed as `pack` packs one."""
_WBITS = -15
"""Raw deflate (no zlib header or checksum: the bytes never leave this process)."""


def squeeze(state: bytes) -> bytes:
    """`state` deflated against the template (fast level: a quiet pod is squeezed once)."""
    z = zlib.compressobj(1, zlib.DEFLATED, _WBITS, zdict=_ZDICT)
    return z.compress(state) + z.flush()


def unsqueeze(zstate: bytes) -> bytes:
    z = zlib.decompressobj(_WBITS, zdict=_ZDICT)
    return z.decompress(zstate) + z.flush()


Held = PackedPod | ColdPod | dict
"""How the store holds one pod."""


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


def unpack(value: Held) -> dict:
    """What `pack` was given, as a dict of its own."""
    kind = type(value)
    if kind is PackedPod:
        obj = _decode(value.head)  # type: ignore[union-attr]
        obj.update(_decode(value.state)[0])  # type: ignore[union-attr]
        return obj
    if kind is ColdPod:
        obj = _decode(value.head)  # type: ignore[union-attr]
        obj.update(_decode(unsqueeze(value.zstate))[0])  # type: ignore[union-attr]
        return obj
    return value  # type: ignore[return-value]


def same_state(a: Held | None, b: Held | None) -> bool:
    """Whether two packed versions of a pod surely derive the same (see `PackedPod`).
    `a` may be squeezed (the pod was quiet until now): it is inflated to compare."""
    if type(b) is not PackedPod:
        return False
    if type(a) is PackedPod:
        return a.state == b.state  # type: ignore[union-attr]
    if type(a) is ColdPod:
        return unsqueeze(a.zstate) == b.state  # type: ignore[union-attr]
    return False


class PackedPods(MutableMapping[Key, dict]):
    """(namespace, name) -> pod, packed (see the module's docstring).

    Each read unpacks a new dict: changing it changes nothing in the store, which only
    `__setitem__` and `put` do."""

    __slots__ = ("_packed", "_queue", "_warm")

    def __init__(self) -> None:
        self._packed: dict[Key, Held] = {}
        self._warm: set[Key] = set()
        """Pods put since the current compaction pass began: not quiet, not squeezed."""
        self._queue: list[Key] = []
        """The rest of the current pass: pods that were quiet when it began."""

    def __getitem__(self, key: Key) -> dict:
        return unpack(self._packed[key])

    def get(self, key: Key, default: Any = None) -> Any:  # type: ignore[override]
        value = self._packed.get(key)
        return default if value is None else unpack(value)

    def packed(self, key: Key) -> Held | None:
        """The pod as held, without unpacking it (None if it is not here)."""
        return self._packed.get(key)

    def put(self, key: Key, packed: PackedPod | dict) -> None:
        """Hold a pod `pack` has packed already.

        A pod not held before (a list, or a new pod) is squeezed at once: listing is
        when most pods arrive, and most then stay quiet, so they never take their
        packed size in memory at all (freed, those blocks are seldom given back to the
        system). A changed pod is held packed until it has been quiet for a pass."""
        if key not in self._packed and type(packed) is PackedPod:
            self._packed[key] = ColdPod(packed.head, squeeze(packed.state))
            return
        self._packed[key] = packed
        self._warm.add(key)

    def __setitem__(self, key: Key, obj: dict) -> None:
        self.put(key, pack(obj))

    def compact(self, limit: int) -> int:
        """Squeeze up to `limit` quiet pods; how many were squeezed.

        A pass takes the pods not put since the pass before began; a pod put meanwhile
        is skipped. So a pod is squeezed once it has not changed for a whole pass, and
        a caller that calls this on a clock bounds the work each call does."""
        if not self._queue:
            warm = self._warm
            self._queue = [
                k for k, v in self._packed.items() if type(v) is PackedPod and k not in warm
            ]
            self._warm = set()
        queue, packed, warm = self._queue, self._packed, self._warm
        done = 0
        while queue and done < limit:
            key = queue.pop()
            value = packed.get(key)
            if type(value) is PackedPod and key not in warm:
                packed[key] = ColdPod(value.head, squeeze(value.state))
                done += 1
        return done

    def __delitem__(self, key: Key) -> None:
        del self._packed[key]
        self._warm.discard(key)

    def pop(self, key: Key, default: Any = None) -> Any:  # type: ignore[override]
        value = self._packed.pop(key, None)
        self._warm.discard(key)
        return default if value is None else unpack(value)

    def __contains__(self, key: object) -> bool:
        return key in self._packed

    def __iter__(self) -> Iterator[Key]:
        return iter(self._packed)

    def __len__(self) -> int:
        return len(self._packed)

    def packed_bytes(self) -> int:
        """Bytes held packed or squeezed (the benchmark's memory section reports it)."""
        return sum(len(v[0]) + len(v[1]) for v in self._packed.values() if type(v) is not dict)

    def squeezed(self) -> int:
        """How many pods are held squeezed."""
        return sum(1 for v in self._packed.values() if type(v) is ColdPod)
