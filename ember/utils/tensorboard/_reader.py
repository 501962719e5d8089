"""A minimal event-file reader: what ``SummaryWriter`` wrote, as plain dicts (no protobuf)."""

from __future__ import annotations

import struct

from ._proto import as_double, as_float, decode, read_records


def _histogram(raw: bytes) -> dict:
    f = decode(raw)
    out = {k: as_double(f[n][0]) if n in f else 0.0
           for n, k in enumerate(("min", "max", "num", "sum", "sum_squares"), 1)}
    for n, k in ((6, "bucket_limit"), (7, "bucket")):
        data = b"".join(f.get(n, []))
        out[k] = list(struct.unpack(f"<{len(data) // 8}d", data))
    return out


def _value(raw: bytes) -> dict:
    f = decode(raw)
    out: dict = {"tag": f[1][0].decode()}
    if 9 in f:
        plugin = decode(decode(f[9][0])[1][0])
        out["plugin"] = plugin[1][0].decode()
        out["content"] = plugin.get(2, [b""])[0]
    if 2 in f:
        out["simple_value"] = as_float(f[2][0])
    if 4 in f:
        img = decode(f[4][0])
        out["image"] = {"height": img[1][0], "width": img[2][0], "colorspace": img[3][0],
                        "encoded_image_string": img[4][0]}
    if 5 in f:
        out["histo"] = _histogram(f[5][0])
    if 8 in f:
        out["tensor"] = {"dtype": decode(f[8][0]).get(1, [0])[0],
                         "string_val": decode(f[8][0]).get(8, [])}
    return out


def read_events(path: str) -> list[dict]:
    """Each event of the file at ``path`` as a dict: wall_time, step and what it holds."""
    events = []
    for data in read_records(path):
        f = decode(data)
        ev: dict = {"wall_time": as_double(f[1][0]), "step": f.get(2, [0])[0]}
        if 3 in f:
            ev["file_version"] = f[3][0].decode()
        if 4 in f:
            ev["graph_def"] = f[4][0]
        if 6 in f:
            ev["session_log"] = decode(f[6][0])
        if 5 in f:
            ev["summary"] = [_value(v) for v in decode(f[5][0]).get(1, [])]
        events.append(ev)
    return events
