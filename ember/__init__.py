"""Ember: a deep-learning framework that behaves like PyTorch, built on NumPy.

``import ember as torch`` and PyTorch programs run: the names, arguments, dtypes, printed forms
and errors follow PyTorch's.
"""

from __future__ import annotations

from . import autograd
from .autograd import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled
from .devices import device
from .dtypes import (
    bfloat16,
    bool,
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
    set_default_dtype,
    short,
    uint8,
)
from .random import (
    Generator,
    default_generator,
    get_rng_state,
    initial_seed,
    manual_seed,
    seed,
    set_rng_state,
)
from .tensor import Size, Tensor

from . import ops  # noqa: E402  (attaches the ops to Tensor)
from .ops.creation import (  # noqa: E402
    as_tensor,
    asarray,
    empty,
    empty_like,
    from_numpy,
    full,
    full_like,
    ones,
    ones_like,
    tensor,
    zeros,
    zeros_like,
)
from .ops.indexing import *  # noqa: E402,F401,F403
from .ops.linalg import matmul, mm  # noqa: E402
from .ops.pointwise import (  # noqa: E402
    add,
    div,
    divide,
    floor_divide,
    mul,
    multiply,
    neg,
    negative,
    sub,
    subtract,
    true_divide,
)
from .ops.reduction import mean, sum  # noqa: E402
from .ops.shape import (  # noqa: E402
    clone,
    flatten,
    permute,
    reshape,
    squeeze,
    swapaxes,
    swapdims,
    t,
    transpose,
    unsqueeze,
)


class layout:
    """A memory layout; only ``strided`` exists in Ember."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"ember.{self.name}"


strided = layout("strided")
sparse_coo = layout("sparse_coo")
__version__ = "0.1.0"
