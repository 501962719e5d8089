"""Recurrent layers: RNN, LSTM, GRU and their cells, with PyTorch's parameter names, shapes,
initialisation, gate order (LSTM: i, f, g, o; GRU: r, z, n) and PackedSequence support.

The input projections of all time steps are one matrix product per layer and direction; each
step then adds the recurrent projection and applies the gate math. Unpacked GRU/LSTM layers
without projections run all steps of a layer-direction as one fused node.
"""

from __future__ import annotations

import math

import numpy as np

from ...ops.creation import empty, zeros
from ...tensor import Tensor
from .. import functional as F
from .. import init
from ..functional._fused_rnn import gru_sequence, lstm_sequence
from ..parameter import Parameter
from ..utils.rnn import PackedSequence
from .module import Module

_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


def _cat(tensors, dim: int = 0):
    from ...ops.shape import cat

    return cat(tensors, dim)


def _stack(tensors, dim: int = 0):
    from ...ops.shape import stack

    return stack(tensors, dim)


def _rnn_step(mode: str, xp: Tensor, h: Tensor, w_hh, b_hh) -> Tensor:
    hp = F.linear(h, w_hh, b_hh)
    if mode == "RNN_TANH":
        return (xp + hp).tanh()
    return (xp + hp).relu()


def _lstm_step(xp: Tensor, h: Tensor, c: Tensor, w_hh, b_hh, w_hr):
    gates = xp + F.linear(h, w_hh, b_hh)
    n = c.shape[-1]
    i = gates[:, :n].sigmoid()
    f = gates[:, n : 2 * n].sigmoid()
    g = gates[:, 2 * n : 3 * n].tanh()
    o = gates[:, 3 * n :].sigmoid()
    c = f * c + i * g
    h = o * c.tanh()
    if w_hr is not None:
        h = F.linear(h, w_hr)
    return h, c


def _gru_step(xp: Tensor, h: Tensor, w_hh, b_hh) -> Tensor:
    hp = F.linear(h, w_hh, b_hh)
    n = h.shape[-1]
    r = (xp[:, :n] + hp[:, :n]).sigmoid()
    z = (xp[:, n : 2 * n] + hp[:, n : 2 * n]).sigmoid()
    cand = (xp[:, 2 * n :] + r * hp[:, 2 * n :]).tanh()
    return (1 - z) * cand + z * h


class RNNBase(Module):
    """Shared machinery of RNN, LSTM and GRU."""

    def __init__(self, mode: str, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, proj_size: int = 0, device=None,
                 dtype=None) -> None:
        super().__init__()
        if not 0 <= dropout <= 1 or isinstance(dropout, bool):
            raise ValueError(
                "dropout should be a number in range [0, 1] representing the probability of an "
                "element being zeroed"
            )
        if not isinstance(hidden_size, int) or hidden_size <= 0:
            raise ValueError("hidden_size must be an integer greater than zero")
        if num_layers <= 0:
            raise ValueError("num_layers must be greater than or equal to 1")
        if proj_size < 0:
            raise ValueError(
                "proj_size should be a positive integer or zero to disable projections"
            )
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        if dropout > 0 and num_layers == 1:
            import warnings

            warnings.warn(
                "dropout option adds dropout after all but last recurrent layer, so non-zero "
                f"dropout expects num_layers greater than 1, but got dropout={dropout} and "
                f"num_layers={num_layers}",
                stacklevel=3,
            )
        self.mode, self.input_size, self.hidden_size = mode, input_size, hidden_size
        self.num_layers, self.bias, self.batch_first = num_layers, bias, batch_first
        self.dropout, self.bidirectional, self.proj_size = float(dropout), bidirectional, proj_size
        directions = 2 if bidirectional else 1
        gate = _GATES[mode] * hidden_size
        real_hidden = proj_size if proj_size > 0 else hidden_size
        self._flat_weights_names = []
        for layer in range(num_layers):
            for d in range(directions):
                in_size = input_size if layer == 0 else real_hidden * directions
                sfx = "_reverse" if d == 1 else ""
                names = [(f"weight_ih_l{layer}{sfx}", (gate, in_size)),
                         (f"weight_hh_l{layer}{sfx}", (gate, real_hidden))]
                if bias:
                    names += [(f"bias_ih_l{layer}{sfx}", (gate,)),
                              (f"bias_hh_l{layer}{sfx}", (gate,))]
                if proj_size > 0:
                    names += [(f"weight_hr_l{layer}{sfx}", (proj_size, hidden_size))]
                for name, shape in names:
                    setattr(self, name, Parameter(empty(shape, dtype=dtype)))
                    self._flat_weights_names.append(name)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for w in self.parameters():
            init.uniform_(w, -stdv, stdv)

    @property
    def _flat_weights(self) -> list:
        return [getattr(self, n) for n in self._flat_weights_names]

    @property
    def all_weights(self) -> list:
        per = len(self._flat_weights_names) // (self.num_layers * (1 + self.bidirectional))
        w = self._flat_weights
        return [w[i : i + per] for i in range(0, len(w), per)]

    def flatten_parameters(self) -> None:
        """A no-op kept for PyTorch compatibility (cuDNN weight packing)."""

    def extra_repr(self) -> str:
        s = "{input_size}, {hidden_size}"
        if self.proj_size != 0:
            s += ", proj_size={proj_size}"
        if self.num_layers != 1:
            s += ", num_layers={num_layers}"
        if self.bias is not True:
            s += ", bias={bias}"
        if self.batch_first is not False:
            s += ", batch_first={batch_first}"
        if self.dropout != 0:
            s += ", dropout={dropout}"
        if self.bidirectional is not False:
            s += ", bidirectional={bidirectional}"
        return s.format(**self.__dict__)

    def _weights(self, layer: int, direction: int):
        sfx = "_reverse" if direction == 1 else ""
        get = lambda n: getattr(self, f"{n}_l{layer}{sfx}", None)  # noqa: E731
        return get("weight_ih"), get("weight_hh"), get("bias_ih"), get("bias_hh"), get("weight_hr")

    # ---- running -------------------------------------------------------------------------
    def _prepare(self, input):
        """Input as (T, B, H) steps or packed data, plus batch sizes and initial states."""
        packed = isinstance(input, PackedSequence)
        if packed:
            data, batch_sizes = input.data, input.batch_sizes._data
            b = int(batch_sizes[0])
            unbatched = False
        else:
            unbatched = input.ndim == 2
            if input.ndim not in (2, 3):
                raise ValueError(
                    f"{type(self).__name__}: Expected input to be 2D or 3D, got "
                    f"{input.ndim}D instead"
                )
            if unbatched:
                input = input.unsqueeze(1)
            elif self.batch_first:
                input = input.transpose(0, 1)
            if input.shape[-1] != self.input_size:
                raise RuntimeError(
                    f"input.size(-1) must be equal to input_size. Expected {self.input_size}, "
                    f"got {input.shape[-1]}"
                )
            data, b = input, input.shape[1]
            batch_sizes = np.full(input.shape[0], b, np.int64)
        return packed, unbatched, data, batch_sizes, b

    def _initial(self, hx, b: int, size: int, unbatched: bool, sorted_idx, dtype):
        d = 2 if self.bidirectional else 1
        if hx is None:
            return zeros(self.num_layers * d, b, size, dtype=dtype)
        if unbatched:
            if hx.ndim != 2:
                raise RuntimeError(
                    f"For unbatched 2-D input, hx should also be 2-D but got {hx.ndim}-D tensor"
                )
            hx = hx.unsqueeze(1)
        elif hx.ndim != 3:
            raise RuntimeError(
                f"For batched 3-D input, hx should also be 3-D but got {hx.ndim}-D tensor"
            )
        expected = (self.num_layers * d, b, size)
        if tuple(hx.shape) != expected:
            raise RuntimeError(
                f"Expected hidden size {expected}, got {list(hx.shape)}"
            )
        if sorted_idx is not None:
            hx = hx[:, sorted_idx]
        return hx

    def _run_direction(self, xs, batch_sizes, h, c, weights, reverse: bool):
        """One layer in one direction over the (per-step) projected inputs ``xs``."""
        w_ih, w_hh, b_ih, b_hh, w_hr = weights
        steps = range(len(xs) - 1, -1, -1) if reverse else range(len(xs))
        outs = [None] * len(xs)
        for t in steps:
            bs = int(batch_sizes[t])
            h_in = h if bs == h.shape[0] else h[:bs]
            if self.mode == "LSTM":
                c_in = c if bs == c.shape[0] else c[:bs]
                h_new, c_new = _lstm_step(xs[t], h_in, c_in, w_hh, b_hh, w_hr)
                c = c_new if bs == c.shape[0] else _cat([c_new, c[bs:]])
            elif self.mode == "GRU":
                h_new = _gru_step(xs[t], h_in, w_hh, b_hh)
            else:
                h_new = _rnn_step(self.mode, xs[t], h_in, w_hh, b_hh)
            h = h_new if bs == h.shape[0] else _cat([h_new, h[bs:]])
            outs[t] = h_new
        return outs, h, c

    def _run_fused(self, proj, h0, c0, weights, reverse: bool):
        """Unpacked GRU/LSTM: one node for all steps (see ``functional/_fused_rnn.py``)."""
        _, w_hh, _, b_hh, _ = weights
        if self.mode == "GRU":
            out, c = gru_sequence(proj, h0, w_hh, b_hh, reverse), None
        else:
            out, c = lstm_sequence(proj, h0, c0, w_hh, b_hh, reverse)
        return out, out[0] if reverse else out[-1], c

    def _forward(self, input, hx):
        packed, unbatched, data, batch_sizes, b = self._prepare(input)
        sorted_idx = input.sorted_indices if packed else None
        d = 2 if self.bidirectional else 1
        out_size = self.proj_size if self.proj_size > 0 else self.hidden_size
        dtype = data.dtype
        if self.mode == "LSTM":
            h0, c0 = (None, None) if hx is None else hx
            h0 = self._initial(h0, b, out_size, unbatched, sorted_idx, dtype)
            c0 = self._initial(c0, b, self.hidden_size, unbatched, sorted_idx, dtype)
        else:
            h0 = self._initial(hx, b, out_size, unbatched, sorted_idx, dtype)
            c0 = None
        offsets = np.concatenate([[0], np.cumsum(batch_sizes)])
        layer_in = data
        h_n, c_n = [], []
        for layer in range(self.num_layers):
            dir_outs = []
            for direction in range(d):
                k = layer * d + direction
                weights = self._weights(layer, direction)
                proj = F.linear(layer_in, weights[0], weights[2])
                if not packed and self.mode in ("GRU", "LSTM") and weights[4] is None:
                    out, h, c = self._run_fused(proj, h0[k], c0[k] if c0 is not None else None,
                                                weights, reverse=direction == 1)
                    h_n.append(h)
                    if c is not None:
                        c_n.append(c)
                    dir_outs.append(out)
                    continue
                if packed:
                    xs = [proj[int(offsets[t]) : int(offsets[t + 1])]
                          for t in range(len(batch_sizes))]
                else:
                    xs = [proj[t] for t in range(proj.shape[0])]
                outs, h, c = self._run_direction(xs, batch_sizes, h0[k],
                                                 c0[k] if c0 is not None else None, weights,
                                                 reverse=direction == 1)
                h_n.append(h)
                if c is not None:
                    c_n.append(c)
                dir_outs.append(_cat(outs, 0) if packed else _stack(outs, 0))
            layer_out = dir_outs[0] if d == 1 else _cat(dir_outs, -1)
            if self.dropout > 0 and self.training and layer < self.num_layers - 1:
                layer_out = F.dropout(layer_out, self.dropout, True)
            layer_in = layer_out
        h_n = _stack(h_n, 0)
        c_n = _stack(c_n, 0) if c_n else None
        if packed:
            if input.unsorted_indices is not None:
                h_n = h_n[:, input.unsorted_indices]
                c_n = c_n[:, input.unsorted_indices] if c_n is not None else None
            output = PackedSequence(layer_in, input.batch_sizes, input.sorted_indices,
                                    input.unsorted_indices)
        else:
            output = layer_in
            if unbatched:
                output = output.squeeze(1)
                h_n = h_n.squeeze(1)
                c_n = c_n.squeeze(1) if c_n is not None else None
            elif self.batch_first:
                output = output.transpose(0, 1)
        return output, (h_n if c_n is None else (h_n, c_n))


class RNN(RNNBase):
    """Elman RNN: h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh) (or relu)."""

    def __init__(self, *args, **kwargs) -> None:
        if "proj_size" in kwargs:
            raise ValueError(
                "proj_size argument is only supported for LSTM, not RNN or GRU"
            )
        nonlinearity = kwargs.pop("nonlinearity", "tanh")
        if len(args) > 3:
            nonlinearity = args[3]
            args = args[:3] + args[4:]
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(
                f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'."
            )
        self.nonlinearity = nonlinearity
        super().__init__("RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU", *args, **kwargs)

    def forward(self, input, hx=None):
        return self._forward(input, hx)


class LSTM(RNNBase):
    """Long short-term memory; returns output, (h_n, c_n)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__("LSTM", *args, **kwargs)

    def forward(self, input, hx=None):
        return self._forward(input, hx)


class GRU(RNNBase):
    """Gated recurrent unit; returns output, h_n."""

    def __init__(self, *args, **kwargs) -> None:
        if "proj_size" in kwargs:
            raise ValueError(
                "proj_size argument is only supported for LSTM, not RNN or GRU"
            )
        super().__init__("GRU", *args, **kwargs)

    def forward(self, input, hx=None):
        return self._forward(input, hx)


class RNNCellBase(Module):
    def __init__(self, input_size: int, hidden_size: int, bias: bool, num_chunks: int,
                 device=None, dtype=None) -> None:
        super().__init__()
        self.input_size, self.hidden_size, self.bias = input_size, hidden_size, bias
        self.weight_ih = Parameter(empty((num_chunks * hidden_size, input_size), dtype=dtype))
        self.weight_hh = Parameter(empty((num_chunks * hidden_size, hidden_size), dtype=dtype))
        if bias:
            self.bias_ih = Parameter(empty(num_chunks * hidden_size, dtype=dtype))
            self.bias_hh = Parameter(empty(num_chunks * hidden_size, dtype=dtype))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for w in self.parameters():
            init.uniform_(w, -stdv, stdv)

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        nl = getattr(self, "nonlinearity", "tanh")
        if nl != "tanh":
            s += f", nonlinearity={nl}"
        return s

    def _batch(self, input: Tensor, hx):
        if input.ndim not in (1, 2):
            raise ValueError(
                f"{type(self).__name__}: Expected input to be 1D or 2D, got {input.ndim}D instead"
            )
        unbatched = input.ndim == 1
        if unbatched:
            input = input.unsqueeze(0)
            if hx is not None:
                hx = tuple(h.unsqueeze(0) for h in hx) if isinstance(hx, tuple) \
                    else hx.unsqueeze(0)
        return input, hx, unbatched


class RNNCell(RNNCellBase):
    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 nonlinearity: str = "tanh", device=None, dtype=None) -> None:
        self.nonlinearity = nonlinearity
        super().__init__(input_size, hidden_size, bias, 1, device, dtype)

    def forward(self, input, hx=None):
        input, hx, unbatched = self._batch(input, hx)
        if hx is None:
            hx = zeros(input.shape[0], self.hidden_size, dtype=input.dtype)
        mode = "RNN_TANH" if self.nonlinearity == "tanh" else "RNN_RELU"
        h = _rnn_step(mode, F.linear(input, self.weight_ih, self.bias_ih), hx, self.weight_hh,
                      self.bias_hh)
        return h.squeeze(0) if unbatched else h


class LSTMCell(RNNCellBase):
    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device=None,
                 dtype=None) -> None:
        super().__init__(input_size, hidden_size, bias, 4, device, dtype)

    def forward(self, input, hx=None):
        input, hx, unbatched = self._batch(input, hx)
        if hx is None:
            z = zeros(input.shape[0], self.hidden_size, dtype=input.dtype)
            hx = (z, z)
        h, c = _lstm_step(F.linear(input, self.weight_ih, self.bias_ih), hx[0], hx[1],
                          self.weight_hh, self.bias_hh, None)
        return (h.squeeze(0), c.squeeze(0)) if unbatched else (h, c)


class GRUCell(RNNCellBase):
    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device=None,
                 dtype=None) -> None:
        super().__init__(input_size, hidden_size, bias, 3, device, dtype)

    def forward(self, input, hx=None):
        input, hx, unbatched = self._batch(input, hx)
        if hx is None:
            hx = zeros(input.shape[0], self.hidden_size, dtype=input.dtype)
        h = _gru_step(F.linear(input, self.weight_ih, self.bias_ih), hx, self.weight_hh,
                      self.bias_hh)
        return h.squeeze(0) if unbatched else h
