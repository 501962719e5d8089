"""Ember: a deep-learning framework that behaves like PyTorch, built on NumPy.

``import ember as torch`` and PyTorch programs run: the names, arguments, dtypes, printed forms
and errors follow PyTorch's.
"""

from __future__ import annotations

from . import (
    autograd,
    cuda,
    ops,  # noqa: E402  (attaches the ops to Tensor)
)
from ._tensor_str import set_printoptions
from .autograd import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled
from .autograd.anomaly_mode import is_anomaly_check_nan_enabled, is_anomaly_enabled
from .devices import device, get_default_device, set_default_device
from .dtypes import (
    bfloat16,
    bool,
    can_cast,
    double,
    dtype,
    finfo,
    float,
    float16,
    float32,
    float64,
    get_default_dtype,
    half,
    iinfo,
    int,
    int8,
    int16,
    int32,
    int64,
    long,
    promote_types,
    result_type,
    set_default_dtype,
    short,
    uint8,
)
from .legacy import (
    BFloat16Tensor,
    BoolTensor,
    ByteTensor,
    CharTensor,
    DoubleTensor,
    FloatTensor,
    HalfTensor,
    IntTensor,
    LongTensor,
    ShortTensor,
    set_default_tensor_type,
)
from .ops.creation import *  # noqa: E402,F403
from .ops.indexing import *  # noqa: E402,F403
from .ops.linalg import *  # noqa: E402,F403
from .ops.pointwise import *  # noqa: E402,F403
from .ops.reduction import *  # noqa: E402,F403
from .ops.shape import *  # noqa: E402,F403
from .random import (
    Generator,
    default_generator,
    get_rng_state,
    initial_seed,
    manual_seed,
    seed,
    set_rng_state,
)
from .tensor import Size, Tensor, is_complex, is_floating_point, is_tensor, numel, typename


class layout:
    """A memory layout; only ``strided`` exists in Ember."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"ember.{self.name}"


strided = layout("strided")
sparse_coo = layout("sparse_coo")
__version__ = "0.1.0"

# Heavier subpackages load on first use, so that ``import ember`` stays close to NumPy's time.
_LAZY = ("nn", "optim", "utils", "linalg", "vision", "serialization", "return_types")


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'ember' has no attribute '{name}'")


def save(obj, f, *args, **kwargs) -> None:
    """Save ``obj`` (see ``ember.serialization.save``): a zip of arrays, written atomically."""
    from .serialization import save as _save

    _save(obj, f, *args, **kwargs)


def load(f, *args, **kwargs):
    """Load what ``save`` wrote, without ever running code from the file."""
    from .serialization import load as _load

    return _load(f, *args, **kwargs)
