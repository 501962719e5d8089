"""``default_collate`` and ``default_convert``: samples -> batches, as PyTorch's."""

from __future__ import annotations

import collections.abc
import re

import numpy as np

from ... import dtypes as _dt
from ...tensor import Tensor

_BAD_NUMPY = re.compile(r"[SaUO]")
_ERROR = (
    "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; "
    "found {}"
)


def default_convert(data):
    """NumPy arrays and numbers inside ``data`` become tensors; structure is kept."""
    if isinstance(data, Tensor):
        return data
    if isinstance(data, np.ndarray):
        if _BAD_NUMPY.search(data.dtype.str):
            return data
        return Tensor._make(data)
    if isinstance(data, np.generic) and not _BAD_NUMPY.search(data.dtype.str):
        return Tensor._make(np.asarray(data))
    if isinstance(data, collections.abc.Mapping):
        out = {k: default_convert(v) for k, v in data.items()}
        try:
            return type(data)(out)
        except TypeError:
            return out
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        return [default_convert(d) for d in data]
    return data


def _stack(arrays: list, dtype=None) -> Tensor:
    out = np.stack(arrays)
    if dtype is not None:
        out = out.astype(dtype, copy=False)
    _dt.from_numpy_dtype(out.dtype)
    return Tensor._make(out)


def default_collate(batch):
    """Stack a list of samples into a batch: tensors/arrays/numbers are stacked along a new
    first dimension, dicts/tuples/lists are collated field by field, strings are listed."""
    elem = batch[0]
    if isinstance(elem, Tensor):
        shape = elem._data.shape
        for i, x in enumerate(batch):
            if x._data.shape != shape:
                raise RuntimeError(
                    "stack expects each tensor to be equal size, but got "
                    f"{list(shape)} at entry 0 and {list(x._data.shape)} at entry {i}"
                )
        return _stack([x._data for x in batch])
    if isinstance(elem, np.ndarray):
        if _BAD_NUMPY.search(elem.dtype.str):
            raise TypeError(_ERROR.format(elem.dtype))
        return _stack(batch)
    if isinstance(elem, np.generic):
        return _stack([np.asarray(b) for b in batch])
    if isinstance(elem, bool):
        return Tensor._make(np.array(batch, dtype=np.bool_))
    if isinstance(elem, int):
        return Tensor._make(np.array(batch, dtype=np.int64))
    if isinstance(elem, float):
        return Tensor._make(np.array(batch, dtype=np.float64))
    if isinstance(elem, (str, bytes)):
        return batch
    if isinstance(elem, collections.abc.Mapping):
        collated = {k: default_collate([d[k] for d in batch]) for k in elem}
        try:
            return type(elem)(collated)
        except TypeError:
            return collated
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):
        return type(elem)(*(default_collate(list(s)) for s in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        size = len(elem)
        if any(len(e) != size for e in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        columns = [default_collate(list(s)) for s in zip(*batch)]
        if isinstance(elem, tuple):
            return columns
        try:
            return type(elem)(columns)
        except TypeError:
            return columns
    raise TypeError(_ERROR.format(type(elem)))
