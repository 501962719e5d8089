"""PyTorch's checkpoint format, read and written without importing torch and without running
code from the file.

A ``torch.save`` file is a zip: ``<name>/data.pkl`` pickles the object with every tensor as a
call to ``torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks)``
and every storage as a persistent id ``('storage', torch.FloatStorage, key, 'cpu', numel)``
whose bytes are ``<name>/data/<key>``. Reading maps exactly those names (and ``OrderedDict``)
to Ember functions; anything else in the pickle is refused. Writing emits the same opcodes, so
``torch.load(path, weights_only=True)`` accepts the file.
"""

from __future__ import annotations

import collections
import io
import pickle
import zipfile

import numpy as np

from . import dtypes as _dt
from .tensor import Tensor

_STORAGES = {
    "FloatStorage": np.float32, "DoubleStorage": np.float64, "HalfStorage": np.float16,
    "LongStorage": np.int64, "IntStorage": np.int32, "ShortStorage": np.int16,
    "CharStorage": np.int8, "ByteStorage": np.uint8, "BoolStorage": np.bool_,
}
_STORAGE_OF = {np.dtype(v): k for k, v in _STORAGES.items()}


class _StorageType:
    """Stands for ``torch.<Type>Storage`` inside the unpickler."""

    def __init__(self, name: str) -> None:
        self.name, self.dtype = name, np.dtype(_STORAGES[name])


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad=False,
                       backward_hooks=None, metadata=None) -> Tensor:
    size, stride = tuple(size), tuple(stride)
    n = storage.size
    if size and n:
        extent = storage_offset + sum((s - 1) * st for s, st in zip(size, stride)) + 1
        if extent > n or min(stride, default=0) < 0:
            raise pickle.UnpicklingError("tensor view lies outside its storage")
    if 0 in size:
        arr = np.zeros(size, storage.dtype)
    else:
        view = np.lib.stride_tricks.as_strided(
            storage[storage_offset:], size, tuple(st * storage.itemsize for st in stride),
            writeable=False)
        arr = np.array(view)
    t = Tensor._make(arr)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _rebuild_parameter(data, requires_grad, backward_hooks=None):
    from .nn.parameter import Parameter

    return Parameter(data, requires_grad)


_ALLOWED = {
    ("collections", "OrderedDict"): collections.OrderedDict,
    ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor_v2,
    ("torch._utils", "_rebuild_parameter"): _rebuild_parameter,
    ("builtins", "set"): set,
    ("builtins", "frozenset"): frozenset,
}


class _Unpickler(pickle.Unpickler):
    def __init__(self, file, archive: zipfile.ZipFile, prefix: str) -> None:
        super().__init__(file)
        self.archive, self.prefix = archive, prefix
        self.storages: dict = {}

    def find_class(self, module: str, name: str):
        if module == "torch" and name in _STORAGES:
            return _StorageType(name)
        try:
            return _ALLOWED[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(
                f"ember.load refuses '{module}.{name}' in a PyTorch checkpoint: only tensors, "
                "parameters and plain containers are read (loading never runs code)"
            ) from None

    def persistent_load(self, pid):
        kind, storage_type, key, _location, numel = pid
        if kind != "storage" or not isinstance(storage_type, _StorageType):
            raise pickle.UnpicklingError(f"unsupported persistent id {pid!r}")
        if key not in self.storages:
            raw = self.archive.read(f"{self.prefix}/data/{key}")
            arr = np.frombuffer(raw, storage_type.dtype.newbyteorder("<"))
            if arr.size != numel:
                raise pickle.UnpicklingError(f"storage {key} holds {arr.size} of {numel} values")
            self.storages[key] = arr.astype(storage_type.dtype, copy=False)
        return self.storages[key]


def data_pkl_prefix(archive: zipfile.ZipFile) -> str | None:
    """The top folder of a torch.save archive (``archive`` in ``archive/data.pkl``), if any."""
    for name in archive.namelist():
        if name.endswith("/data.pkl") and name.count("/") == 1:
            return name.split("/", 1)[0]
    return None


def load(archive: zipfile.ZipFile, prefix: str):
    """Read a ``torch.save`` zip archive into Ember objects."""
    return _Unpickler(io.BytesIO(archive.read(f"{prefix}/data.pkl")), archive, prefix).load()


class _Global:
    """Written as a GLOBAL opcode (``module.name``) without importing the module."""

    def __init__(self, module: str, name: str) -> None:
        self.module, self.name = module, name

    def __call__(self, *args):  # pickle requires reduce functions to be callable
        raise TypeError(f"{self.module}.{self.name} is only a name written into a checkpoint")


class _StorageRef:
    def __init__(self, key: str, arr: np.ndarray) -> None:
        self.key, self.arr = key, arr


class _Pickler(pickle._Pickler):
    """The pure-Python pickler, taught to write torch's globals and storage ids."""

    def __init__(self, file) -> None:
        super().__init__(file, protocol=2)
        self.storages: list[_StorageRef] = []
        self.by_array: dict = {}  # id(array) -> storage; shared tensors share one storage
        self.keep: list = []  # keeps those arrays alive, so ids are not reused

    def save(self, obj, save_persistent_id=True):
        if isinstance(obj, _Global):
            self.write(pickle.GLOBAL + f"{obj.module}\n{obj.name}\n".encode())
            return
        super().save(obj, save_persistent_id)

    def persistent_id(self, obj):
        if isinstance(obj, _StorageRef):
            return ("storage", _Global("torch", _STORAGE_OF[obj.arr.dtype]), obj.key, "cpu",
                    obj.arr.size)
        return None

    def reducer_override(self, obj):
        if isinstance(obj, Tensor):
            return self._reduce_tensor(obj)
        if isinstance(obj, _dt.dtype):
            raise pickle.PicklingError("dtype objects cannot be saved in the torch format")
        return NotImplemented

    def _reduce_tensor(self, t: Tensor):
        from .nn.parameter import Parameter

        arr = np.ascontiguousarray(t._data)
        if arr.dtype not in _STORAGE_OF:
            raise pickle.PicklingError(f"no torch storage type for {t.dtype}")
        ref = self.by_array.get(id(t._data))
        if ref is None:
            ref = _StorageRef(str(len(self.storages)), arr)
            self.storages.append(ref)
            self.by_array[id(t._data)] = ref
            self.keep.append(t._data)
        stride = tuple(s // arr.itemsize for s in arr.strides) if arr.ndim else ()
        args = (ref, 0, tuple(arr.shape), stride, bool(t._rg), collections.OrderedDict())
        rebuild = (_Global("torch._utils", "_rebuild_tensor_v2"), args)
        if isinstance(t, Parameter):
            return (_Global("torch._utils", "_rebuild_parameter"),
                    (_Plain(t), bool(t._rg), collections.OrderedDict()))
        return rebuild


class _Plain(Tensor):
    """A Parameter's data, pickled as a plain tensor inside ``_rebuild_parameter``."""

    def __new__(cls, p: Tensor):
        t = object.__new__(cls)
        t._data = p._data
        return t


def save(obj, fileobj, name: str = "archive") -> None:
    """Write ``obj`` as a ``torch.save``-compatible zip to the binary file ``fileobj``."""
    buf = io.BytesIO()
    pickler = _Pickler(buf)
    pickler.dump(obj)
    with zipfile.ZipFile(fileobj, "w", zipfile.ZIP_STORED) as z:
        z.writestr(f"{name}/data.pkl", buf.getvalue())
        z.writestr(f"{name}/byteorder", "little")
        for ref in pickler.storages:
            z.writestr(f"{name}/data/{ref.key}", ref.arr.astype(ref.arr.dtype.newbyteorder("<"),
                                                                copy=False).tobytes())
        z.writestr(f"{name}/version", "3\n")
