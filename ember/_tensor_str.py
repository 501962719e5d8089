"""Printing tensors the way PyTorch does (interim: a helper is porting torch/_tensor_str.py)."""

from __future__ import annotations

import numpy as np


def tensor_repr(t) -> str:
    body = np.array2string(t._data, separator=", ", prefix="tensor(")
    extras = []
    if t._data.dtype not in (np.float32, np.int64, np.bool_):
        extras.append(f"dtype={t.dtype}")
    if t.grad_fn is not None:
        extras.append(f"grad_fn=<{t.grad_fn.name()}>")
    elif t._rg:
        extras.append("requires_grad=True")
    return "tensor(" + ", ".join([body] + extras) + ")"
