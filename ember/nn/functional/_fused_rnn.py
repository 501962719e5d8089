"""Whole-sequence GRU and LSTM recurrences as single graph nodes.

One node per layer and direction instead of ~15 per time step: forward loops over the steps on
NumPy arrays and keeps each step's gate activations as constants. Plain backward is
backpropagation through time on arrays, with the recurrent weight gradient as one GEMM over all
steps. Under ``create_graph`` backward recomputes the gates from the saved inputs with Tensor
ops and runs the same formulas on Tensors, so the gradient is itself differentiable.

The step math is written once, over a small namespace ``M`` (arrays or Tensors).
"""

from __future__ import annotations

import numpy as np

from ...autograd.grad_mode import state
from ...autograd.node import Op
from ...tensor import Tensor


class _Arrays:
    @staticmethod
    def sig(a):
        return 0.5 * np.tanh(0.5 * a) + 0.5  # no exp overflow warnings for large |a|

    tanh = staticmethod(np.tanh)

    @staticmethod
    def cat(xs):
        return np.concatenate(xs, axis=1)

    stack = staticmethod(np.stack)


class _Tensors:
    @staticmethod
    def sig(a):
        return a.sigmoid()

    @staticmethod
    def tanh(a):
        return a.tanh()

    @staticmethod
    def cat(xs):
        from ...ops.shape import cat

        return cat(xs, 1)

    @staticmethod
    def stack(xs):
        from ...ops.shape import stack

        return stack(xs, 0)


def _order(steps: int, reverse: bool) -> range:
    return range(steps - 1, -1, -1) if reverse else range(steps)


def _hp(h, w_hh, b_hh):
    hp = h @ w_hh.T
    return hp if b_hh is None else hp + b_hh


def _gru_step(M, xp, h, w_hh, b_hh):
    n_h = h.shape[-1]
    hp = _hp(h, w_hh, b_hh)
    rz = M.sig(xp[:, : 2 * n_h] + hp[:, : 2 * n_h])
    r, z = rz[:, :n_h], rz[:, n_h:]
    hn = hp[:, 2 * n_h :]
    n = M.tanh(xp[:, 2 * n_h :] + r * hn)
    return n + z * (h - n), (h, r, z, n, hn)


def _gru_step_back(M, dh, cache, w_hh):
    # h' = n + z (h - n), n = tanh(xn + r hn), r = sig(.), z = sig(.)
    h, r, z, n, hn = cache
    dan = dh * (1 - z) * (1 - n * n)
    dar = dan * hn * r * (1 - r)
    daz = dh * (h - n) * z * (1 - z)
    dhp = M.cat([dar, daz, dan * r])
    return M.cat([dar, daz, dan]), dhp, dh * z + dhp @ w_hh


def _lstm_step(M, xp, h, c, w_hh, b_hh):
    n_h = c.shape[-1]
    gates = xp + _hp(h, w_hh, b_hh)
    s = M.sig(gates)  # one call for all gates; the g slice is replaced by its tanh
    i, f, o = s[:, :n_h], s[:, n_h : 2 * n_h], s[:, 3 * n_h :]
    g = M.tanh(gates[:, 2 * n_h : 3 * n_h])
    c_new = f * c + i * g
    tc = M.tanh(c_new)
    return o * tc, c_new, (h, c, i, f, g, o, tc)


def _lstm_step_back(M, dh, dc, cache, w_hh):
    # c' = f c + i g, h' = o tanh(c'); gate pre-activations through sig' = s(1-s), tanh' = 1-t^2
    h, c, i, f, g, o, tc = cache
    dc = dh * o * (1 - tc * tc) if dc is None else dc + dh * o * (1 - tc * tc)
    dgates = M.cat([dc * g * i * (1 - i), dc * c * f * (1 - f), dc * i * (1 - g * g),
                    dh * tc * o * (1 - o)])
    return dgates, dc * f, dgates @ w_hh


def _gru_forward(M, proj, h0, w_hh, b_hh, reverse):
    outs, caches = [None] * len(proj), [None] * len(proj)
    h = h0
    for t in _order(len(proj), reverse):
        h, caches[t] = _gru_step(M, proj[t], h, w_hh, b_hh)
        outs[t] = h
    return outs, caches


def _lstm_forward(M, proj, h0, c0, w_hh, b_hh, reverse):
    outs, caches = [None] * len(proj), [None] * len(proj)
    h, c = h0, c0
    for t in _order(len(proj), reverse):
        h, c, caches[t] = _lstm_step(M, proj[t], h, c, w_hh, b_hh)
        outs[t] = h
    return outs, c, caches


def _param_grads(M, dhps, caches, need_b):
    """d w_hh = sum_t dhp_t^T h_{t-1} (one GEMM over all steps), d b_hh = sum_t dhp_t."""
    dhp = M.stack(dhps)
    hs = M.stack([cache[0] for cache in caches])
    dhp2 = dhp.reshape(-1, dhp.shape[-1])
    gw = dhp2.T @ hs.reshape(-1, hs.shape[-1])
    return gw, (dhp2.sum(0) if need_b else None)


def _grad_at(grad, t):
    return None if grad is None else grad[t]


def _add(a, b):
    return b if a is None else a if b is None else a + b


class GRUSequence(Op):
    """All steps of one GRU layer-direction: (proj (T,B,3H), h0, w_hh, b_hh) -> out (T,B,H)."""

    _name = "GruSequenceBackward0"

    @staticmethod
    def forward(ctx, proj, h0, w_hh, b_hh, reverse):
        outs, caches = _gru_forward(_Arrays, proj, h0, w_hh, b_hh, reverse)
        ctx.caches, ctx.reverse = caches, reverse
        ctx.save_for_backward(proj, h0, w_hh, b_hh)
        return np.stack(outs)

    @staticmethod
    def backward(ctx, grad):
        proj, h0, w_hh, b_hh = ctx.saved_tensors
        if state.enabled:
            M, caches, w, g = _Tensors, _gru_forward(_Tensors, proj, h0, w_hh, b_hh,
                                                     ctx.reverse)[1], w_hh, grad
        else:
            M, caches, w, g = _Arrays, ctx.caches, w_hh._data, grad._data
        dxs, dhps = [None] * len(caches), [None] * len(caches)
        dh = None
        for t in _order(len(caches), not ctx.reverse):
            dxs[t], dhps[t], dh = _gru_step_back(M, _add(dh, _grad_at(g, t)), caches[t], w)
        need = ctx.needs_input_grad
        gw, gb = _param_grads(M, dhps, caches, need[3])
        res = (M.stack(dxs), dh, gw, gb)
        if M is _Arrays:
            res = tuple(None if r is None else Tensor._make(r) for r in res)
        return tuple(r if n else None for r, n in zip(res, need)) + (None,)


class LSTMSequence(Op):
    """All steps of one LSTM layer-direction: (proj (T,B,4H), h0, c0, w_hh, b_hh) ->
    (out (T,B,H), c_n)."""

    _name = "LstmSequenceBackward0"
    n_outputs = 2

    @staticmethod
    def forward(ctx, proj, h0, c0, w_hh, b_hh, reverse):
        outs, c, caches = _lstm_forward(_Arrays, proj, h0, c0, w_hh, b_hh, reverse)
        ctx.caches, ctx.reverse = caches, reverse
        ctx.save_for_backward(proj, h0, c0, w_hh, b_hh)
        return np.stack(outs), c

    @staticmethod
    def backward(ctx, grad, grad_c):
        proj, h0, c0, w_hh, b_hh = ctx.saved_tensors
        if state.enabled:
            M, w, g, dc = _Tensors, w_hh, grad, grad_c
            caches = _lstm_forward(_Tensors, proj, h0, c0, w_hh, b_hh, ctx.reverse)[2]
        else:
            M, caches, w = _Arrays, ctx.caches, w_hh._data
            g = None if grad is None else grad._data
            dc = None if grad_c is None else grad_c._data
        dxs, dhps = [None] * len(caches), [None] * len(caches)
        dh = None
        for t in _order(len(caches), not ctx.reverse):
            dh = _add(dh, _grad_at(g, t))
            if dh is None:  # nothing flows into this step's output yet: zero gradient
                dh = (c0 * 0) if M is _Tensors else np.zeros_like(caches[t][1])
            dxs[t], dc, dh = _lstm_step_back(M, dh, dc, caches[t], w)
            dhps[t] = dxs[t]
        need = ctx.needs_input_grad
        gw, gb = _param_grads(M, dhps, caches, need[4])
        res = (M.stack(dxs), dh, dc, gw, gb)
        if M is _Arrays:
            res = tuple(None if r is None else Tensor._make(r) for r in res)
        return tuple(r if n else None for r, n in zip(res, need)) + (None,)


def gru_sequence(proj: Tensor, h0: Tensor, w_hh: Tensor, b_hh: Tensor | None,
                 reverse: bool) -> Tensor:
    """GRU outputs (T, B, H) of all steps from the projected inputs ``x W_ih^T + b_ih``."""
    return GRUSequence.apply(proj, h0, w_hh, b_hh, reverse)


def lstm_sequence(proj: Tensor, h0: Tensor, c0: Tensor, w_hh: Tensor, b_hh: Tensor | None,
                  reverse: bool) -> tuple[Tensor, Tensor]:
    """LSTM outputs (T, B, H) of all steps and the last cell state."""
    return LSTMSequence.apply(proj, h0, c0, w_hh, b_hh, reverse)
