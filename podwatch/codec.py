"""The one fast JSON library podwatch uses, behind two names.

msgspec decodes pod JSON several times faster than the standard library on
this workload (see bench/); everything that parses or writes JSON on the hot
path goes through here so the choice lives in one place.
"""

from __future__ import annotations

from typing import Any

import msgspec

DecodeError = msgspec.DecodeError

_decoder = msgspec.json.Decoder()
_encoder = msgspec.json.Encoder()


def decode(data: bytes | str) -> Any:
    return _decoder.decode(data)


def encode(value: Any) -> bytes:
    return _encoder.encode(value)
