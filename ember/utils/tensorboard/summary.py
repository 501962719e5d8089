"""Summary protobufs (scalar, histogram, image, text, hparams): ``torch.utils.tensorboard.summary``.

Each function returns the serialized ``tensorflow.Summary`` bytes that PyTorch's function of
the same name would produce (PyTorch returns the message object; the bytes are what matter).
Field numbers follow tensorflow/core/framework/summary.proto and tensorboard's plugin protos.
"""

from __future__ import annotations

import struct
import time
import zlib

import numpy as np

from ._proto import f_bytes, f_double, f_float, f_packed_doubles, f_varint

_DT_STRING = 7  # tensorflow.DataType


def _to_numpy(x) -> np.ndarray:
    if hasattr(x, "detach"):
        x = x.detach()
    if hasattr(x, "numpy"):
        return np.asarray(x.numpy())
    return np.asarray(x)


def _value(tag: str, payload: bytes = b"", plugin: str | None = None,
           content: bytes = b"") -> bytes:
    """A ``Summary`` with one ``Summary.Value``; ``payload`` is its already encoded value field."""
    meta = b""
    if plugin is not None:
        meta = f_bytes(9, f_bytes(1, f_bytes(1, plugin) + f_bytes(2, content)))
    return f_bytes(1, f_bytes(1, tag) + meta + payload)


def scalar(name: str, scalar, new_style: bool = False) -> bytes:
    """A scalar summary (``simple_value``); ``new_style`` is accepted for PyTorch's signature."""
    x = _to_numpy(scalar).squeeze()
    if x.ndim != 0:
        raise AssertionError(f"Tensor should contain one element (0 dimensions). Was given "
                             f"size: {x.size} and {x.ndim} dimensions.")
    return _value(name, f_float(2, float(x)))


def _default_bins() -> list[float]:
    """TensorFlow's histogram buckets: +-1e-12 growing by 10% up to 1e20, and 0."""
    v, pos = 1e-12, []
    while v < 1e20:
        pos.append(v)
        v *= 1.1
    return [-b for b in reversed(pos)] + [0.0] + pos


DEFAULT_BINS = _default_bins()


def make_histogram(values: np.ndarray, bins, max_bins: int | None = None) -> bytes:
    """A serialized ``HistogramProto`` (PyTorch's layout: right bin edges, one empty bin left)."""
    if values.size == 0:
        raise ValueError("The input has no element.")
    values = values.reshape(-1).astype(np.float64)
    counts, limits = np.histogram(values, bins=bins)
    if max_bins is not None and len(counts) > max_bins:
        sub = len(counts) // max_bins + (len(counts) % max_bins != 0)
        pad = (-len(counts)) % sub
        counts = np.pad(counts, (0, pad)).reshape(-1, sub).sum(axis=-1)
        new = np.empty(len(counts) + 1, dtype=limits.dtype)
        new[:-1] = limits[:-1:sub]
        new[-1] = limits[-1]
        limits = new
    cum = np.cumsum(counts > 0)
    start, end = np.searchsorted(cum, [0, cum[-1] - 1], side="right")
    start, end = int(start), int(end) + 1
    counts = counts[start - 1 : end] if start > 0 else np.concatenate([[0], counts[:end]])
    limits = limits[start : end + 1]
    return (f_double(1, values.min()) + f_double(2, values.max()) + f_double(3, len(values))
            + f_double(4, values.sum()) + f_double(5, values.dot(values))
            + f_packed_doubles(6, limits.tolist()) + f_packed_doubles(7, counts.tolist()))


def histogram(name: str, values, bins="tensorflow", max_bins: int | None = None) -> bytes:
    """A histogram summary of ``values`` (``bins`` as ``numpy.histogram``, or "tensorflow")."""
    if isinstance(bins, str) and bins == "tensorflow":
        bins = DEFAULT_BINS
    return _value(name, f_bytes(5, make_histogram(_to_numpy(values), bins, max_bins)))


def make_grid(images: np.ndarray, ncols: int = 8) -> np.ndarray:
    """N x C x H x W (C = 1 or 3) -> one 3 x H' x W' canvas, ``ncols`` images per row."""
    if images.shape[1] == 1:
        images = np.concatenate([images, images, images], 1)
    n, _, h, w = images.shape
    ncols = min(n, ncols)
    nrows = -(-n // ncols)
    canvas = np.zeros((images.shape[1], h * nrows, w * ncols), dtype=images.dtype)
    for i in range(n):
        y, x = divmod(i, ncols)
        canvas[:, y * h : (y + 1) * h, x * w : (x + 1) * w] = images[i]
    return canvas


def convert_to_HWC(tensor: np.ndarray, input_format: str) -> np.ndarray:  # noqa: N802
    """Reorder an image (or a batch, as a grid) to height x width x channels."""
    input_format = input_format.upper()
    if len(set(input_format)) != len(input_format):
        raise AssertionError(f"You can not use the same dimension shordhand twice. "
                             f"input_format: {input_format}")
    if tensor.ndim != len(input_format):
        raise AssertionError(f"size of input tensor and input format are different. "
                             f"tensor shape: {tensor.shape}, input_format: {input_format}")
    if len(input_format) == 4:
        grid = make_grid(tensor.transpose([input_format.find(c) for c in "NCHW"]))
        return grid.transpose(1, 2, 0)
    if len(input_format) == 3:
        hwc = tensor.transpose([input_format.find(c) for c in "HWC"])
        return np.concatenate([hwc, hwc, hwc], 2) if hwc.shape[2] == 1 else hwc
    if len(input_format) == 2:
        hw = tensor.transpose([input_format.find(c) for c in "HW"])
        return np.stack([hw, hw, hw], 2)
    raise AssertionError(f"input_format {input_format!r} must have 2, 3 or 4 letters")


def encode_png(hwc: np.ndarray) -> bytes:
    """PNG bytes of a uint8 H x W x C image (C = 1, 3 or 4), with zlib only (no Pillow)."""
    h, w, c = hwc.shape
    color = {1: 0, 3: 2, 4: 6}[c]
    rows = np.concatenate([np.zeros((h, 1), np.uint8), hwc.reshape(h, w * c)], axis=1)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", w, h, 8, color, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(rows.tobytes(), 6)) + chunk(b"IEND", b""))


def image(tag: str, tensor, rescale: float = 1, dataformats: str = "NCHW") -> bytes:
    """An image summary: floats in [0, 1] are scaled by 255, uint8 kept; encoded as PNG."""
    arr = _to_numpy(tensor)
    hwc = convert_to_HWC(arr, dataformats)
    scale = 1 if arr.dtype == np.uint8 else 255
    hwc = (hwc.astype(np.float32) * scale).clip(0, 255).astype(np.uint8)
    if rescale != 1:
        step = max(int(round(1 / rescale)), 1)  # nearest-neighbour; PyTorch resizes with PIL
        hwc = hwc[::step, ::step] if rescale < 1 else hwc.repeat(int(rescale), 0).repeat(
            int(rescale), 1)
    h, w, c = hwc.shape
    img = f_varint(1, h) + f_varint(2, w) + f_varint(3, c) + f_bytes(4, encode_png(hwc))
    return _value(tag, f_bytes(4, img))


def text(tag: str, text: str) -> bytes:
    """A text summary (tensorboard's text plugin), under ``tag + "/text_summary"``."""
    shape = f_bytes(2, f_bytes(2, f_varint(1, 1)))
    tensor = f_varint(1, _DT_STRING) + shape + f_bytes(8, text)
    return _value(tag + "/text_summary", f_bytes(8, tensor), plugin="text")


# --- hparams plugin ---------------------------------------------------------------------------


def _pb_value(v) -> bytes:
    """A ``google.protobuf.Value``."""
    if isinstance(v, bool):
        return f_varint(4, v)
    if isinstance(v, (int, float)):
        return f_double(2, v)
    if isinstance(v, str):
        return f_bytes(3, v)
    if hasattr(v, "item") and getattr(v, "numel", lambda: 0)() == 1:
        return f_double(2, v.item())
    raise ValueError("value should be one of int, float, str, bool, or torch.Tensor")


def _hparams_summary(tag: str, field: int, message: bytes) -> bytes:
    content = f_varint(1, 0) + f_bytes(field, message)  # HParamsPluginData(version=0, ...)
    return _value(tag, plugin="hparams", content=content)


def hparams(hparam_dict: dict, metric_dict: dict, hparam_domain_discrete: dict | None = None
            ) -> tuple[bytes, bytes, bytes]:
    """The experiment, session-start and session-end summaries of the hparams plugin."""
    if not isinstance(hparam_dict, dict) or not isinstance(metric_dict, dict):
        raise TypeError("parameter: hparam_dict and metric_dict should be dictionary.")
    hparam_domain_discrete = hparam_domain_discrete or {}
    infos, start = b"", b""
    for k, v in hparam_dict.items():
        if v is None:
            continue
        start += f_bytes(1, f_bytes(1, k) + f_bytes(2, _pb_value(v)))
        kind = 4 if isinstance(v, bool) else 3 if isinstance(v, str) else 2  # DATA_TYPE_*
        info = f_bytes(1, k) + f_varint(4, kind)
        if k in hparam_domain_discrete:
            values = b"".join(f_bytes(1, _pb_value(d)) for d in hparam_domain_discrete[k])
            info += f_bytes(6, values)
        infos += f_bytes(4, info)
    metrics = b"".join(f_bytes(5, f_bytes(1, f_bytes(2, k))) for k in metric_dict)
    exp = _hparams_summary("_hparams_/experiment", 2, infos + metrics)
    ssi = _hparams_summary("_hparams_/session_start_info", 3,
                           start + f_double(5, time.time()))
    sei = _hparams_summary("_hparams_/session_end_info", 4, f_varint(1, 1))  # STATUS_SUCCESS
    return exp, ssi, sei
