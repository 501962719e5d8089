"""Fused numba kernels on C-contiguous arrays; imported only through ``jit.kernels()``.

The optimizer and ReLU loops are compiled with ``parallel=True`` (split over the cores) and
the cheap ones also serially, for arrays under ``PARALLEL_MIN`` elements (PyTorch's grain
size); the Winograd transforms run serially (see their NOTE). Hyper-parameters arrive as one
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
    return [a.ravel() for a in arrays]


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


def _rmsprop(x, g, sq, ga, buf, hp):
    lr, alpha, keep, eps, wd, mom = hp[0], hp[1], hp[2], hp[3], hp[4], hp[5]
    w, one_w, centered, maximize = hp[6], hp[7], hp[8], hp[9]
    for i in prange(x.size):
        d = -g[i] if maximize else g[i]
        if wd != 0:
            d = d + wd * x[i]
        s = sq[i] * alpha + keep * d * d
        sq[i] = s
        if centered:
            a = ga[i] + w * (d - ga[i]) if w < 0.5 else d - (d - ga[i]) * one_w
            ga[i] = a
            avg = math.sqrt(s + (-a) * a) + eps
        else:
            avg = math.sqrt(s) + eps
        if mom > 0:
            b = buf[i] * mom + d / avg
            buf[i] = b
            x[i] = x[i] - lr * b
        else:
            x[i] = x[i] - lr * (d / avg)


def _adagrad(x, g, acc, hp):
    clr, wd, eps, maximize = hp[0], hp[1], hp[2], hp[3]
    for i in prange(x.size):
        d = -g[i] if maximize else g[i]
        if wd != 0:
            d = d + wd * x[i]
        s = acc[i] + d * d
        acc[i] = s
        x[i] = x[i] - clr * (d / (math.sqrt(s) + eps))


def _relu(x, out):
    zero = x.dtype.type(0)  # a literal 0 made the select float64
    for i in prange(x.size):
        v = x[i]
        out[i] = v if v > 0 else zero


def _relu_backward(y, g, out):
    zero = g.dtype.type(0)
    for i in prange(y.size):
        out[i] = g[i] if y[i] > 0 else zero


_SGD = _twice(_sgd)
_RELU = _twice(_relu)
_RELU_BACKWARD = _twice(_relu_backward)
# parallel only: serially their sqrt and division did not vectorize (Adam: 15x slower)
_ADAM = _parallel(_adam)
_RMSPROP = _parallel(_rmsprop)
_ADAGRAD = _parallel(_adagrad)


def fits(x: np.ndarray, *others: np.ndarray) -> bool:
    """Whether the arrays are C-contiguous float32/float64 of ``x``'s dtype and shape."""
    if x.dtype.char not in "fd" or not x.flags.c_contiguous:
        return False
    for a in others:
        if a.dtype != x.dtype or a.shape != x.shape or not a.flags.c_contiguous:
            return False
    return True


def sgd_params(dtype, lr, wd, mom, damp, nesterov, maximize) -> np.ndarray:
    """The hyper-parameter array of ``sgd``."""
    return np.array([lr, wd, mom, 1 - damp, nesterov, maximize], dtype)


def sgd(x, g, buf, hp, first: bool) -> None:
    """One SGD update of ``x`` (and its momentum buffer ``buf``) in place."""
    _SGD[PARALLEL and x.size >= PARALLEL_MIN](x.ravel(), g.ravel(), buf.ravel(), hp, first)


def adam_params(dtype, lr, wd, decoupled, beta1, beta2, eps, step_size, bc2_sqrt, amsgrad,
                maximize) -> np.ndarray:
    """The hyper-parameter array of ``adam`` (lerp's two weights as PyTorch rounds them)."""
    w = np.dtype(dtype).type(1 - beta1)
    return np.array([0 if decoupled else wd, 1 - lr * wd if decoupled else 1, w, 1 - w, beta2,
                     1 - beta2, eps, step_size, bc2_sqrt, amsgrad, maximize], dtype)


def adam(x, g, m, v, vmax, hp) -> None:
    """One Adam/AdamW update of ``x`` and its moments in place (needs ``PARALLEL``)."""
    _ADAM(*_flat(x, g, m, v, vmax), hp)


def rmsprop(x, g, sq, ga, buf, lr, alpha, eps, wd, mom, centered, maximize) -> None:
    """One RMSprop update of ``x``, its square average and (centered / momentum) the gradient
    average and buffer, in place (needs ``PARALLEL``; pass ``x`` for unused arrays)."""
    w = x.dtype.type(1 - alpha)
    hp = np.array([lr, alpha, 1 - alpha, eps, wd, mom, w, 1 - w, centered, maximize], x.dtype)
    _RMSPROP(*_flat(x, g, sq, ga, buf), hp)


def adagrad(x, g, acc, clr, wd, eps, maximize) -> None:
    """One Adagrad update of ``x`` and its accumulator in place (needs ``PARALLEL``)."""
    _ADAGRAD(*_flat(x, g, acc), np.array([clr, wd, eps, maximize], x.dtype))


def relu(x: np.ndarray) -> np.ndarray:
    """max(x, 0) in one pass (NumPy's maximum ran 5x slower than a copy here)."""
    out = np.empty_like(x)
    _RELU[PARALLEL and x.size >= PARALLEL_MIN](*_flat(x, out))
    return out


def relu_backward(y: np.ndarray, g: np.ndarray) -> np.ndarray:
    """``g`` where ``y > 0``, else 0 (PyTorch's threshold_backward)."""
    out = np.empty_like(g)
    _RELU_BACKWARD[PARALLEL and y.size >= PARALLEL_MIN](*_flat(y, g, out))
    return out


# Winograd F(2x2, 3x3) transforms (Lavin & Gray): Y = A^T [(G g G^T) * (B^T d B)] A per 4x4
# input tile d and 2x2 output tile. Tiles are numbered t = (n * th + i) * tw + j.
# NOTE: serial loops. Split over the cores they were 2x faster alone, but no faster inside a
# training step, where they alternate with OpenBLAS GEMMs whose idle threads still spin.
@njit(inline="always")
def _bt(d0, d1, d2, d3):
    return d0 - d2, d1 + d2, d2 - d1, d1 - d3


@njit(inline="always")
def _at(m0, m1, m2, m3):
    return m0 + m1 + m2, m1 - m2 - m3


@njit(inline="always")
def _a(e0, e1):
    return e0, e0 + e1, e0 - e1, -e1


@njit(inline="always")
def _store4(v, row, c, t, f):
    v[row, c, t] = f[0]
    v[row + 1, c, t] = f[1]
    v[row + 2, c, t] = f[2]
    v[row + 3, c, t] = f[3]


@njit(cache=True)
def pad_planes(x, top, left, xp):
    """Copy (N, C, H, W) ``x`` into ``xp`` at (top, left), zeroing the rest of ``xp``."""
    n_, c_, h, w = x.shape
    hp, wp = xp.shape[2], xp.shape[3]
    zero = xp.dtype.type(0)
    for nc in prange(n_ * c_):
        n, c = nc // c_, nc % c_
        for r in range(hp):
            rx = r - top
            if 0 <= rx < h:
                for q in range(wp):
                    qx = q - left
                    xp[n, c, r, q] = x[n, c, rx, qx] if 0 <= qx < w else zero
            else:
                for q in range(wp):
                    xp[n, c, r, q] = zero


@njit(cache=True)
def winograd_input(xp, th, tw, v):
    """v[16, C, N*th*tw] = B^T d B for every 4x4 tile d (stride 2) of padded ``xp``."""
    n_, c_ = xp.shape[0], xp.shape[1]
    for nc in prange(n_ * c_):
        n, c = nc // c_, nc % c_
        for i in range(th):
            r = 2 * i
            d0, d1, d2, d3 = xp[n, c, r], xp[n, c, r + 1], xp[n, c, r + 2], xp[n, c, r + 3]
            base = (n * th + i) * tw
            for j in range(tw):
                q = 2 * j
                t = base + j
                # rows of B^T d, one column of the tile at a time
                a0, a1, a2, a3 = _bt(d0[q], d1[q], d2[q], d3[q])
                b0, b1, b2, b3 = _bt(d0[q + 1], d1[q + 1], d2[q + 1], d3[q + 1])
                c0, c1, c2, c3 = _bt(d0[q + 2], d1[q + 2], d2[q + 2], d3[q + 2])
                e0, e1, e2, e3 = _bt(d0[q + 3], d1[q + 3], d2[q + 3], d3[q + 3])
                _store4(v, 0, c, t, _bt(a0, b0, c0, e0))
                _store4(v, 4, c, t, _bt(a1, b1, c1, e1))
                _store4(v, 8, c, t, _bt(a2, b2, c2, e2))
                _store4(v, 12, c, t, _bt(a3, b3, c3, e3))


@njit(cache=True)
def winograd_output(m, th, tw, bias, y):
    """y[N, O, H, W] = A^T M A + bias[O] for every tile of m[16, O, N*th*tw] (cropped to y)."""
    n_, o_, h, w = y.shape
    for no in prange(n_ * o_):
        n, o = no // o_, no % o_
        for i in range(th):
            for j in range(tw):
                t = (n * th + i) * tw + j
                k0 = _at(m[0, o, t], m[4, o, t], m[8, o, t], m[12, o, t])
                k1 = _at(m[1, o, t], m[5, o, t], m[9, o, t], m[13, o, t])
                k2 = _at(m[2, o, t], m[6, o, t], m[10, o, t], m[14, o, t])
                k3 = _at(m[3, o, t], m[7, o, t], m[11, o, t], m[15, o, t])
                for a in range(2):
                    f = _at(k0[a], k1[a], k2[a], k3[a])
                    for b in range(2):
                        r, q = 2 * i + a, 2 * j + b
                        if r < h and q < w:
                            y[n, o, r, q] = f[b] + bias[o]


@njit(cache=True)
def winograd_output_grad(gy, th, tw, mg):
    """mg[16, O, N*th*tw] = A dY A^T for every 2x2 tile dY of ``gy`` (N, O, 2*th, 2*tw):
    the adjoint of ``winograd_output``."""
    n_, o_ = gy.shape[0], gy.shape[1]
    for no in prange(n_ * o_):
        n, o = no // o_, no % o_
        for i in range(th):
            for j in range(tw):
                t = (n * th + i) * tw + j
                r, q = 2 * i, 2 * j
                k0 = _a(gy[n, o, r, q], gy[n, o, r + 1, q])
                k1 = _a(gy[n, o, r, q + 1], gy[n, o, r + 1, q + 1])
                for a in range(4):
                    f = _a(k0[a], k1[a])
                    for b in range(4):
                        mg[4 * a + b, o, t] = f[b]


@njit(cache=True, fastmath={"reassoc", "contract"})
def batch_norm(x, w, b, eps, y, mean, var):
    """Training batch norm of (N, C, L) ``x`` into ``y``: per channel, float64 sums for the
    mean and the biased variance (also returned), then one normalising pass."""
    n_, c_, l_ = x.shape
    count = n_ * l_
    for c in range(c_):
        s = 0.0
        for n in range(n_):
            for i in range(l_):
                s += x[n, c, i]
        m = s / count
        s2 = 0.0
        for n in range(n_):
            for i in range(l_):
                d = x[n, c, i] - m
                s2 += d * d
        v = s2 / count
        mean[c], var[c] = m, v
        mc, bc = mean[c], b[c]
        scale = y.dtype.type(w[c] / math.sqrt(v + eps))  # float32 data stays float32
        for n in range(n_):
            for i in range(l_):
                y[n, c, i] = (x[n, c, i] - mc) * scale + bc


@njit(cache=True, fastmath={"reassoc", "contract"})
def batch_norm_backward(g, x, mean, inv, w, gx, gw, gb):
    """Batch norm's gradients with the forward's mean and 1/std as constants: gb, gw per
    channel and, when ``gx`` has elements, gx = inv w (g - mean(g) - xhat mean(g xhat))."""
    n_, c_, l_ = x.shape
    count = n_ * l_
    for c in range(c_):
        m = mean[c]
        sg = 0.0
        sgd = 0.0
        for n in range(n_):
            for i in range(l_):
                gv = g[n, c, i]
                sg += gv
                sgd += gv * (x[n, c, i] - m)
        gb[c] = sg
        gw[c] = sgd * inv[c]
        if gx.size:
            a = inv[c] * w[c]
            coef = gx.dtype.type(-a * inv[c] / count * gw[c])  # float32 data stays float32
            shift = gx.dtype.type(-a * sg / count)
            for n in range(n_):
                for i in range(l_):
                    gx[n, c, i] = g[n, c, i] * a + (x[n, c, i] - m) * coef + shift
