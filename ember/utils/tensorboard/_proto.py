"""The bytes of TensorBoard event files, written by hand: protobuf fields and TFRecord framing.

An event file is a sequence of TFRecords (``uint64 length, masked crc32c(length), data,
masked crc32c(data)``, little-endian); each record's data is a serialized ``tensorflow.Event``
protobuf. Only the few protobuf wire types those messages use are encoded here, and
``read_records``/``decode`` read them back (used by the tests and handy for debugging).
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Iterator

# --- protobuf encoding ------------------------------------------------------------------------


def varint(n: int) -> bytes:
    if n < 0:
        n += 1 << 64  # negative int32/int64 are ten-byte two's complement varints
    out = bytearray()
    while n > 0x7F:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def f_varint(field: int, n: int) -> bytes:
    return varint(field << 3) + varint(int(n))


def f_double(field: int, x: float) -> bytes:
    return varint(field << 3 | 1) + struct.pack("<d", float(x))


def f_float(field: int, x: float) -> bytes:
    return varint(field << 3 | 5) + struct.pack("<f", float(x))


def f_bytes(field: int, data: bytes | str) -> bytes:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return varint(field << 3 | 2) + varint(len(data)) + data


def f_packed_doubles(field: int, xs: Iterable[float]) -> bytes:
    xs = list(xs)
    return f_bytes(field, struct.pack(f"<{len(xs)}d", *xs))


# --- protobuf decoding (schema-less: {field number: [raw values]}) ---------------------------


def _read_varint(buf: bytes, i: int) -> tuple[int, int]:
    n = shift = 0
    while True:
        b = buf[i]
        i += 1
        n |= (b & 0x7F) << shift
        shift += 7
        if b < 0x80:
            return n, i


def decode(buf: bytes) -> dict[int, list]:
    """Fields of one message: varints as int, fixed64/32 as raw 8/4 bytes, the rest as bytes."""
    fields: dict[int, list] = {}
    i = 0
    while i < len(buf):
        key, i = _read_varint(buf, i)
        wire = key & 7
        if wire == 0:
            value, i = _read_varint(buf, i)
        elif wire == 1:
            value, i = buf[i : i + 8], i + 8
        elif wire == 5:
            value, i = buf[i : i + 4], i + 4
        elif wire == 2:
            size, i = _read_varint(buf, i)
            value, i = buf[i : i + size], i + size
        else:
            raise ValueError(f"unsupported protobuf wire type {wire}")
        fields.setdefault(key >> 3, []).append(value)
    return fields


def as_double(raw: bytes) -> float:
    return struct.unpack("<d", raw)[0]


def as_float(raw: bytes) -> float:
    return struct.unpack("<f", raw)[0]


# --- TFRecord framing -------------------------------------------------------------------------


def _crc_table() -> list[int]:
    table = []
    for n in range(256):
        c = n
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


_TABLE = _crc_table()


def crc32c(data: bytes) -> int:
    """CRC-32C (Castagnoli), the checksum TFRecords use."""
    crc = 0xFFFFFFFF
    table = _TABLE
    for b in data:
        crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def masked_crc32c(data: bytes) -> int:
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def record(data: bytes) -> bytes:
    """One TFRecord holding ``data``."""
    header = struct.pack("<Q", len(data))
    return (header + struct.pack("<I", masked_crc32c(header)) + data
            + struct.pack("<I", masked_crc32c(data)))


def read_records(path: str) -> Iterator[bytes]:
    """The data of each TFRecord in ``path``; raises ValueError on a corrupt checksum."""
    with open(path, "rb") as f:
        blob = f.read()
    i = 0
    while i + 12 <= len(blob):
        header = blob[i : i + 8]
        (size,) = struct.unpack("<Q", header)
        (crc,) = struct.unpack("<I", blob[i + 8 : i + 12])
        if crc != masked_crc32c(header):
            raise ValueError(f"{path}: corrupt record length at byte {i}")
        data = blob[i + 12 : i + 12 + size]
        (crc,) = struct.unpack("<I", blob[i + 12 + size : i + 16 + size])
        if crc != masked_crc32c(data):
            raise ValueError(f"{path}: corrupt record data at byte {i}")
        yield data
        i += 16 + size
