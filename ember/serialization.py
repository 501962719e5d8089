"""``ember.save`` / ``ember.load``: checkpoints that never run code when loaded.

A file is a zip archive holding ``data.pkl`` (the object's structure, pickled with each tensor
replaced by a reference) and one ``.npy`` file per tensor array. Loading uses a restricted
unpickler that admits only plain containers, numbers, strings and Ember's own types, and reads
arrays with ``allow_pickle=False``: a crafted file cannot execute anything. Saving to a path
writes a temporary file next to it and renames it into place, so an interrupted save never
leaves a half-written file where a good one was.
"""

from __future__ import annotations

import collections
import io
import os
import pickle
import tempfile
import zipfile

import numpy as np

from . import devices
from . import dtypes as _dt
from .tensor import Size, Tensor

_FORMAT = "ember-checkpoint-v1"


class _Pickler(pickle.Pickler):
    def __init__(self, file, arrays: list) -> None:
        super().__init__(file, protocol=4)
        self.arrays = arrays
        self.seen: dict = {}

    def persistent_id(self, obj):
        if isinstance(obj, Tensor):
            from .nn.parameter import Parameter

            key = id(obj)
            if key not in self.seen:
                a = obj._data  # (np.ascontiguousarray would turn a 0-d array into 1-d)
                self.arrays.append(a if a.flags.c_contiguous else a.copy())
                self.seen[key] = len(self.arrays) - 1
            kind = "parameter" if isinstance(obj, Parameter) else "tensor"
            return (kind, self.seen[key], bool(obj._rg))
        return None


_ALLOWED = {
    ("collections", "OrderedDict"): collections.OrderedDict,
    ("collections", "defaultdict"): collections.defaultdict,
    ("builtins", "set"): set,
    ("builtins", "frozenset"): frozenset,
    ("builtins", "slice"): slice,
    ("builtins", "complex"): complex,
    ("ember.tensor", "Size"): Size,
    ("ember.dtypes", "_dtype_by_name"): _dt._dtype_by_name,
    ("ember.devices", "device"): devices.device,
}


class _Unpickler(pickle.Unpickler):
    def __init__(self, file, arrays: dict) -> None:
        super().__init__(file)
        self.arrays = arrays
        self.made: dict = {}

    def find_class(self, module: str, name: str):
        try:
            return _ALLOWED[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(
                f"ember.load refuses to load '{module}.{name}': checkpoints may only hold "
                "tensors, numbers, strings and containers (this keeps loading from running code)"
            ) from None

    def persistent_load(self, pid):
        kind, index, requires_grad = pid
        if index in self.made:
            return self.made[index]
        arr = self.arrays[index]
        if kind == "parameter":
            from .nn.parameter import Parameter

            t = Parameter(Tensor._make(arr), requires_grad)
        elif kind == "tensor":
            t = Tensor._make(arr)
            if requires_grad:
                t.requires_grad_(True)
        else:
            raise pickle.UnpicklingError(f"unknown tensor kind {kind!r}")
        self.made[index] = t
        return t


def save(obj, f, pickle_module=None, pickle_protocol=None, *, format: str = "ember",  # noqa: A002
         **kwargs) -> None:
    """Save ``obj`` (tensors, state_dicts, nested containers) to a path or binary file.

    ``format="torch"`` writes PyTorch's zip format instead, readable by
    ``torch.load(path, weights_only=True)``; ``ember.load`` reads both.
    """
    if pickle_module is not None:
        raise ValueError("ember.save uses its own safe format; pickle_module is not supported")
    if format not in ("ember", "torch"):
        raise ValueError(f"format must be 'ember' or 'torch', not {format!r}")
    if format == "torch":
        from . import torch_format

        def write(out):
            torch_format.save(obj, out)
    else:
        arrays: list = []
        buf = io.BytesIO()
        _Pickler(buf, arrays).dump(obj)

        def write(out):
            _write(out, buf.getvalue(), arrays)

    _atomic(f, write)


def _atomic(f, write) -> None:
    """Run ``write(fileobj)``; for a path, into a temporary file renamed over it at the end."""
    if isinstance(f, (str, os.PathLike)):
        path = os.fspath(f)
        folder = os.path.dirname(os.path.abspath(path))
        fd, tmp = tempfile.mkstemp(prefix=".ember-save-", dir=folder)
        try:
            with os.fdopen(fd, "wb") as out:
                write(out)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
    else:
        write(f)


def _write(fileobj, structure: bytes, arrays: list) -> None:
    with zipfile.ZipFile(fileobj, "w", zipfile.ZIP_STORED) as z:
        z.writestr("format", _FORMAT)
        z.writestr("data.pkl", structure)
        for i, a in enumerate(arrays):
            b = io.BytesIO()
            np.save(b, a, allow_pickle=False)
            z.writestr(f"tensors/{i}.npy", b.getvalue())


def load(f, map_location=None, pickle_module=None, *, weights_only=None, mmap=None, **kwargs):
    """Load what ``save`` wrote; never executes code from the file.

    ``map_location`` accepts 'cpu' (anything else raises, as there is no other device);
    ``weights_only`` is accepted and always effectively True.
    """
    if map_location is not None and not callable(map_location) and not isinstance(
        map_location, dict
    ):
        devices.parse(map_location)
    try:
        z = zipfile.ZipFile(f)
    except zipfile.BadZipFile:
        raise pickle.UnpicklingError(
            "not an Ember or PyTorch zip checkpoint (plain pickles and PyTorch's legacy format "
            "are not loaded, since loading them could run code)"
        ) from None
    with z:
        names = set(z.namelist())
        from . import torch_format

        prefix = torch_format.data_pkl_prefix(z)
        if "format" not in names and prefix is not None:
            return torch_format.load(z, prefix)
        if "format" not in names or z.read("format").decode() != _FORMAT:
            raise pickle.UnpicklingError("not an Ember checkpoint (missing format marker)")
        arrays = {}
        for name in names:
            if name.startswith("tensors/") and name.endswith(".npy"):
                index = int(name[len("tensors/") : -len(".npy")])
                arrays[index] = np.load(io.BytesIO(z.read(name)), allow_pickle=False)
        for a in arrays.values():
            _dt.from_numpy_dtype(a.dtype)
        return _Unpickler(io.BytesIO(z.read("data.pkl")), arrays).load()
