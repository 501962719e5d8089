"""``gradcheck`` / ``gradgradcheck``: compare autograd's Jacobians with finite differences.

PyTorch's slow mode: the numerical Jacobian by central differences (each input element nudged
by ``±eps`` in place), the analytical one by one backward per output element, compared with
``allclose(analytical, numerical, rtol, atol)``. ``fast_mode`` runs the same full check (Ember
has no random-projection variant); forward-AD and batched-grad checks are not available.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np

from . import node as _node
from .api import grad as _grad

__all__ = ["gradcheck", "gradgradcheck", "GradcheckError"]


class GradcheckError(RuntimeError):
    """Raised by ``gradcheck``/``gradgradcheck`` when a check fails."""


def _as_tuple(x) -> tuple:
    if isinstance(x, tuple):
        return x
    if isinstance(x, list):
        return tuple(x)
    return (x,)


def _is_tensor(x) -> bool:
    return isinstance(x, _node.Tensor)


def _check_inputs(inputs: tuple) -> None:
    found = False
    for idx, inp in enumerate(inputs):
        if _is_tensor(inp) and inp.requires_grad:
            if inp._data.dtype != np.float64:
                warnings.warn(
                    f"Input #{idx} requires gradient and is not a double precision floating point "
                    "or complex. This check will likely fail if all the inputs are not of double "
                    "precision floating point or complex. ",
                    stacklevel=4,
                )
            a = inp._data
            if not all(st > 0 or sz <= 1 for st, sz in zip(a.strides, a.shape)):
                raise RuntimeError(
                    f"The {idx}th input has a dimension with stride 0. gradcheck only supports "
                    "inputs that are non-overlapping to be able to compute the numerical "
                    "gradients correctly. You should call .contiguous on the input before "
                    "passing it to gradcheck."
                )
            found = True
    if not found:
        raise ValueError(
            "gradcheck expects at least one input tensor to require gradient, but none of them "
            "have requires_grad=True."
        )


def _float_outputs(out: tuple) -> list:
    """The outputs finite differences are taken of (every floating Tensor output)."""
    return [o for o in out if _is_tensor(o) and o._data.dtype.kind == "f"]


def _values(func, inputs: tuple) -> list:
    """``func``'s floating outputs as float64 copies (an output may view a nudged input)."""
    return [o._data.astype(np.float64) for o in _float_outputs(_as_tuple(func(*inputs)))]


def _numerical_jacobian(func, inputs: tuple, outputs: list, eps: float) -> list:
    """``J[j][i]``: (numel of input j, numel of output i) by central differences."""
    jac = []
    for inp in inputs:
        if not (_is_tensor(inp) and inp.requires_grad):
            continue
        a = inp._data
        cols = [np.zeros((a.size, o._data.size), np.float64) for o in outputs]
        for k, idx in enumerate(np.ndindex(a.shape)):
            orig = a[idx].item()
            a[idx] = orig - eps  # through the array: no version bump, nothing recorded
            lo = _values(func, inputs)
            a[idx] = orig + eps
            hi = _values(func, inputs)
            a[idx] = orig
            for col, o_lo, o_hi in zip(cols, lo, hi):
                col[k] = ((o_hi - o_lo) / (2 * eps)).reshape(-1)
        jac.append(cols)
    return jac


def _analytical_jacobian(inputs: tuple, output, nondet_tol: float, check_grad_dtypes: bool):
    """``J[j]``: (numel of input j, numel of output) from one backward per output element."""
    diff = [x for x in inputs if _is_tensor(x) and x.requires_grad]
    n = output._data.size

    def rows():
        jac = [np.zeros((x._data.size, n), np.float64) for x in diff]
        ok_types, ok_sizes = True, True
        for k in range(n):
            onehot = np.zeros(n, output._data.dtype)
            onehot[k] = 1
            g_out = _node.Tensor._make(onehot.reshape(output._data.shape))
            gs = _grad(output, diff, g_out, retain_graph=True, allow_unused=True)
            for j, (g, x) in enumerate(zip(gs, diff)):
                if g is None:
                    continue
                ok_types &= g._data.dtype == x._data.dtype
                if g._data.shape != x._data.shape:
                    ok_sizes = False
                    continue
                jac[j][:, k] = g._data.reshape(-1)
        return jac, ok_types, ok_sizes

    jac1, ok_types, ok_sizes = rows()
    jac2, _, _ = rows()
    if not ok_types and check_grad_dtypes:
        raise GradcheckError("Gradient has dtype mismatch")
    if not ok_sizes:
        raise GradcheckError("Analytical gradient has incorrect size")
    if any(np.abs(a - b).max(initial=0.0) > nondet_tol for a, b in zip(jac1, jac2)):
        raise GradcheckError(
            "Backward is not reentrant, i.e., running backward with same input and grad_output "
            "multiple times gives different values, although analytical gradient matches "
            f"numerical gradient.The tolerance for nondeterminism was {nondet_tol}."
        )
    return jac1


def _mismatch(analytical: np.ndarray, numerical: np.ndarray, i: int, j: int) -> str:
    t = _node.Tensor._make
    return (
        f"Jacobian mismatch for output {i:d} with respect to input {j:d},\n"
        f"numerical:{t(numerical)!r}\nanalytical:{t(analytical)!r}\n"
    )


def _check_mul_by_grad_output(outputs: list, inputs: tuple) -> None:
    """A zero grad_output must give zero gradients (backward multiplies by it)."""
    diff = [x for x in inputs if _is_tensor(x) and x.requires_grad]
    zeros = [_node.Tensor._make(np.zeros_like(o._data)) for o in outputs]
    gs = _grad(outputs, diff, zeros, allow_unused=True)
    for g, x in zip(gs, diff):
        if g is None:
            continue
        if g._data.dtype != x._data.dtype:
            raise GradcheckError("grad is incorrect type")
        if g._data.shape != x._data.shape:
            raise GradcheckError("grad is incorrect size")
        if np.any(g._data != 0):
            raise GradcheckError("backward not multiplied by grad_output")


def _gradcheck(func, inputs, eps, atol, rtol, nondet_tol, check_grad_dtypes) -> bool:
    inputs = _as_tuple(inputs)
    _check_inputs(inputs)
    func_out = _as_tuple(func(*inputs))
    outputs = [o for o in func_out if _is_tensor(o) and o.requires_grad]
    numerical = _numerical_jacobian(func, inputs, _float_outputs(func_out), eps)
    if not outputs:
        if any(np.any(col != 0) for cols in numerical for col in cols):
            raise GradcheckError("Numerical gradient for function expected to be zero")
        return True
    float_outs = _float_outputs(func_out)
    for i, o in enumerate(outputs):
        col = next(k for k, f in enumerate(float_outs) if f is o)
        analytical = _analytical_jacobian(inputs, o, nondet_tol, check_grad_dtypes)
        for j, a in enumerate(analytical):
            n = numerical[j][col]
            if not np.allclose(a, n, rtol=rtol, atol=atol):
                raise GradcheckError(_mismatch(a, n, i, j))
    _check_mul_by_grad_output(outputs, inputs)
    return True


def _unsupported(check_forward_ad, check_backward_ad, check_batched_grad,
                 check_batched_forward_grad) -> None:
    if not (check_forward_ad or check_backward_ad):
        raise AssertionError(
            "Expected at least one of check_forward_ad or check_backward_ad to be True"
        )
    if check_forward_ad or check_batched_grad or check_batched_forward_grad:
        raise NotImplementedError(
            "Ember has no forward-mode AD or vmap: check_forward_ad, check_batched_grad and "
            "check_batched_forward_grad must be False"
        )


def gradcheck(func: Callable, inputs, *, eps: float = 1e-6, atol: float = 1e-5,
              rtol: float = 1e-3, raise_exception: bool = True, nondet_tol: float = 0.0,
              check_undefined_grad: bool = True, check_grad_dtypes: bool = False,
              check_batched_grad: bool = False, check_batched_forward_grad: bool = False,
              check_forward_ad: bool = False, check_backward_ad: bool = True,
              fast_mode: bool = False, masked: bool | None = None) -> bool:
    """Check ``func``'s gradients at ``inputs`` against finite differences (use float64).

    Returns True, or raises ``GradcheckError`` (False with ``raise_exception=False``).
    """
    _unsupported(check_forward_ad, check_backward_ad, check_batched_grad,
                 check_batched_forward_grad)
    try:
        return _gradcheck(func, inputs, eps, atol, rtol, nondet_tol, check_grad_dtypes)
    except GradcheckError:
        if raise_exception:
            raise
        return False


def gradgradcheck(func: Callable, inputs, grad_outputs=None, *, eps: float = 1e-6,
                  atol: float = 1e-5, rtol: float = 1e-3,
                  gen_non_contig_grad_outputs: bool = False, raise_exception: bool = True,
                  nondet_tol: float = 0.0, check_undefined_grad: bool = True,
                  check_grad_dtypes: bool = False, check_batched_grad: bool = False,
                  check_fwd_over_rev: bool = False, check_rev_over_rev: bool = True,
                  fast_mode: bool = False, masked: bool = False) -> bool:
    """Check second derivatives: ``gradcheck`` of the map (inputs, v) -> v^T J.

    Without ``grad_outputs``, random ones in [-1, 1) (requiring grad) are drawn, as PyTorch.
    """
    from ..ops.creation import rand

    inputs = _as_tuple(inputs)
    if grad_outputs is None:
        outs = [o for o in _as_tuple(func(*inputs)) if _is_tensor(o) and o.requires_grad]
        grad_outputs = tuple(
            (rand(tuple(o.shape), dtype=o.dtype) * 2 - 1).requires_grad_() for o in outs
        )
    else:
        grad_outputs = _as_tuple(grad_outputs)
    n_out = len(grad_outputs)
    diff_in = {i for i, x in enumerate(inputs) if _is_tensor(x) and x.requires_grad}
    diff_go = {i for i, x in enumerate(grad_outputs) if x.requires_grad}

    def new_func(*args):
        ins = tuple(x.requires_grad_() if i in diff_in else x
                    for i, x in enumerate(args[:-n_out]))
        outs = [o for o in _as_tuple(func(*ins)) if _is_tensor(o) and o.requires_grad]
        gos = tuple(x.requires_grad_() if i in diff_go else x
                    for i, x in enumerate(args[-n_out:]))
        diff = tuple(x for i, x in enumerate(ins) if i in diff_in)
        gs = _grad(outs, diff, gos, create_graph=True, allow_unused=True)
        return tuple(g for g in gs if g is not None)

    return gradcheck(
        new_func, inputs + grad_outputs, eps=eps, atol=atol, rtol=rtol,
        raise_exception=raise_exception, nondet_tol=nondet_tol,
        check_undefined_grad=check_undefined_grad, check_grad_dtypes=check_grad_dtypes,
        check_batched_grad=check_batched_grad, fast_mode=fast_mode,
        check_forward_ad=check_fwd_over_rev, check_backward_ad=check_rev_over_rev,
        masked=masked,
    )
