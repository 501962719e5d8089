"""Fused numba kernels on C-contiguous arrays; imported only through ``jit.kernels()``.

Loops are compiled with ``parallel=True`` (split over the cores); cheap ones also serially,
for arrays under ``PARALLEL_MIN`` elements (PyTorch's grain size). Hyper-parameters arrive as one
small array in the data's dtype: float32 updates compute in float32 as PyTorch's do, and a
call costs a fraction of a microsecond.
"""

from __future__ import annotations

import math
import types

import numba
import numpy as np
from numba import njit, prange

PARALLEL_MIN = 32768


def _start_threads() -> bool:
    """Start numba's thread pool on TBB; False when TBB is missing (then loops run serially).

    NOTE: not on OpenMP: with PyTorch loaded, numba's loops bind to PyTorch's libgomp, whose
    workers spin after each loop and took the cores from the next OpenBLAS GEMM (MLP training
    step 2.7 -> 8.7 ms, LeNet 24 -> 36 ms); TBB's workers went idle without that cost.
    """
    numba.config.THREADING_LAYER = "tbb"
    try:
        numba.get_num_threads()
    except (ValueError, ImportError, OSError):
        return False
    return True


PARALLEL = _start_threads()
_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))


def _parallel(fn):
    """``fn`` compiled to split its ``prange`` over the cores, cached on disk."""
    return njit(cache=True, parallel=True)(fn)


def _twice(fn):
    """(serial, parallel) compiled versions of one loop, cached on disk.

    NOTE: numba names cache files after the function, so the serial copy gets its own name;
    sharing one, each variant loaded the other's machine code (measured: 2 us per call).
    """
    serial = types.FunctionType(fn.__code__, fn.__globals__, fn.__name__ + "_serial")
    serial.__qualname__ = serial.__name__
    return njit(cache=True)(serial), _parallel(fn)


def _flat(*arrays: np.ndarray) -> list:
    # NOTE: reshaped inside a parallel kernel, numba 0.68 skipped part of the Adam update
    return [a.reshape(-1) for a in arrays]


def _sgd(x, g, buf, hp, first):
    lr, wd, mom, keep, nesterov, maximize = hp[0], hp[1], hp[2], hp[3], hp[4], hp[5]
    for i in prange(x.size):
        d = -g[i] if maximize else g[i]
        if wd != 0:
            d = d + wd * x[i]
        if mom != 0:
            b = d if first else buf[i] * mom + keep * d
            buf[i] = b
            d = d + mom * b if nesterov else b
        x[i] = x[i] - lr * d


def _adam(x, g, m, v, vmax, hp):
    wd, shrink, w, one_w, beta2, keep2 = hp[0], hp[1], hp[2], hp[3], hp[4], hp[5]
    eps, step_size, bc2_sqrt, amsgrad, maximize = hp[6], hp[7], hp[8], hp[9], hp[10]
    for i in prange(x.size):
        d = -g[i] if maximize else g[i]
        if shrink != 1:
            x[i] = x[i] * shrink
        if wd != 0:
            d = d + wd * x[i]
        # PyTorch's two-sided lerp
        mi = m[i] + w * (d - m[i]) if w < 0.5 else d - (d - m[i]) * one_w
        m[i] = mi
        vi = v[i] * beta2 + keep2 * d * d
        v[i] = vi
        if amsgrad:
            vi = max(vmax[i], vi)
            vmax[i] = vi
        x[i] = x[i] - step_size * (mi / (math.sqrt(vi) / bc2_sqrt + eps))


_SGD = _twice(_sgd)
# serial, its sqrt and division don't vectorize: 15x slower than the parallel loop
_ADAM = _parallel(_adam)


def fits(x: np.ndarray, *others: np.ndarray) -> bool:
    """Whether the arrays are C-contiguous float32/float64 of ``x``'s dtype and shape."""
    if x.dtype not in _FLOATS or not x.flags.c_contiguous:
        return False
    return all(a.flags.c_contiguous and a.dtype == x.dtype and a.shape == x.shape
               for a in others)


def sgd_params(dtype, lr, wd, mom, damp, nesterov, maximize) -> np.ndarray:
    """The hyper-parameter array of ``sgd``."""
    return np.array([lr, wd, mom, 1 - damp, nesterov, maximize], dtype)


def sgd(x, g, buf, hp, first: bool) -> None:
    """One SGD update of ``x`` (and its momentum buffer ``buf``) in place."""
    _SGD[PARALLEL and x.size >= PARALLEL_MIN](*_flat(x, g, buf), hp, first)


def adam_params(dtype, lr, wd, decoupled, beta1, beta2, eps, step_size, bc2_sqrt, amsgrad,
                maximize) -> np.ndarray:
    """The hyper-parameter array of ``adam`` (lerp's two weights as PyTorch rounds them)."""
    w = np.dtype(dtype).type(1 - beta1)
    return np.array([0 if decoupled else wd, 1 - lr * wd if decoupled else 1, w, 1 - w, beta2,
                     1 - beta2, eps, step_size, bc2_sqrt, amsgrad, maximize], dtype)


def adam(x, g, m, v, vmax, hp) -> None:
    """One Adam/AdamW update of ``x`` and its moments in place (needs ``PARALLEL``)."""
    _ADAM(*_flat(x, g, m, v, vmax), hp)
