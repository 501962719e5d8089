"""``Optimizer``: parameter groups, per-parameter state, state_dict, step hooks.

Subclasses implement ``step`` with their update rule on the parameters' NumPy arrays, in place
and outside the graph (PyTorch runs its updates under no_grad; the effect is the same). Each
in-place update bumps the parameter's version counter, as PyTorch's in-place ops do.
"""

from __future__ import annotations

import functools
import itertools
import warnings
from collections import defaultdict
from copy import deepcopy

import numpy as np

from ..autograd.node import _RemovableHandle
from ..tensor import Tensor


class _Required:
    def __repr__(self) -> str:
        return "<required parameter>"


required = _Required()


def bump(p: Tensor) -> None:
    """Record an in-place update of ``p`` (shared with its views, as PyTorch's counter)."""
    if p._ver is None:
        p._ver = [1]
    else:
        p._ver[0] += 1


def _step_wrapper(step):
    @functools.wraps(step)
    def wrapper(self, *args, **kwargs):
        for hook in itertools.chain(_global_pre_hooks.values(), self._step_pre_hooks.values()):
            r = hook(self, args, kwargs)
            if r is not None:
                args, kwargs = r
        out = step(self, *args, **kwargs)
        self._step_count += 1
        for hook in itertools.chain(self._step_post_hooks.values(), _global_post_hooks.values()):
            hook(self, args, kwargs)
        return out

    wrapper._hooked = True
    return wrapper


_global_pre_hooks: dict = {}
_global_post_hooks: dict = {}
_hook_ids = itertools.count()


class Optimizer:
    """Base class of all optimizers: ``Optimizer(params, defaults)``.

    ``params`` is an iterable of Tensors, or of dicts each defining a parameter group with its
    own options (``[{"params": ..., "lr": 0.1}, ...]``).
    """

    def __init_subclass__(cls, **kw) -> None:
        super().__init_subclass__(**kw)
        step = cls.__dict__.get("step")
        if step is not None and not getattr(step, "_hooked", False):
            cls.step = _step_wrapper(step)

    def __init__(self, params, defaults: dict) -> None:
        self.defaults = defaults
        self.state: defaultdict = defaultdict(dict)
        self.param_groups: list[dict] = []
        self._step_count = 0
        self._step_pre_hooks: dict = {}
        self._step_post_hooks: dict = {}
        if isinstance(params, Tensor):
            raise TypeError(
                "params argument given to the optimizer should be an iterable of Tensors or "
                f"dicts, but got {params.type()}"
            )
        groups = list(params)
        if not groups:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for g in groups:
            self.add_param_group(g)

    def add_param_group(self, param_group: dict) -> None:
        """Add a group of parameters with its own options (missing options take defaults)."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group).__name__}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError(
                "optimizer parameters need to be organized in ordered collections, but the "
                "ordering of tensors in sets will change between runs. Please use a list instead."
            )
        else:
            params = list(params)
        names = None
        if params and isinstance(params[0], tuple):
            names = [n for n, _ in params]
            params = [p for _, p in params]
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError(
                    "optimizer can only optimize Tensors, but one of the params is "
                    + type(p).__name__
                )
            if not p.is_leaf:
                raise ValueError("can't optimize a non-leaf Tensor")
        group = dict(param_group, params=params)
        if names is not None:
            group["param_names"] = names
        for name, default in self.defaults.items():
            if default is required and name not in group:
                raise ValueError(
                    "parameter group didn't specify a value of required optimization "
                    f"parameter {name}"
                )
            group.setdefault(name, default)
        if len({id(p) for p in params}) != len(params):
            warnings.warn(
                "optimizer contains a parameter group with duplicate parameters; in future, "
                "this will cause an error; see github.com/pytorch/pytorch/issues/40967 for "
                "more information",
                stacklevel=3,
            )
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        if seen & {id(p) for p in params}:
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(group)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset gradients: to None (default, as PyTorch 2) or to zeros in place."""
        for group in self.param_groups:
            for p in group["params"]:
                if p._grad is None:
                    continue
                if set_to_none:
                    p._grad = None
                else:
                    p._grad = p._grad.detach()
                    p._grad._data[...] = 0

    def step(self, closure=None):
        raise NotImplementedError(f"{type(self).__name__} does not implement step()")

    def _closure_loss(self, closure):
        if closure is None:
            return None
        from ..autograd.grad_mode import enable_grad

        with enable_grad():
            return closure()

    # ---- state dict -----------------------------------------------------------------------
    def state_dict(self) -> dict:
        """``{'state': {index: {...}}, 'param_groups': [{..., 'params': [indices]}]}``."""
        mapping: dict = {}
        start = 0
        groups = []
        for g in self.param_groups:
            packed = {k: v for k, v in g.items() if k != "params"}
            for i, p in enumerate(g["params"], start):
                mapping.setdefault(id(p), i)
            packed["params"] = [mapping[id(p)] for p in g["params"]]
            start += len(packed["params"])
            groups.append(packed)
        state = {mapping[id(k)] if isinstance(k, Tensor) else k: v for k, v in self.state.items()}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict) -> None:
        """Restore state saved by ``state_dict`` (values are copied, cast to each param's dtype)."""
        state_dict = deepcopy(state_dict)
        groups, saved = self.param_groups, state_dict["param_groups"]
        if len(groups) != len(saved):
            raise ValueError("loaded state dict has a different number of parameter groups")
        for g, s in zip(groups, saved):
            if len(g["params"]) != len(s["params"]):
                raise ValueError(
                    "loaded state dict contains a parameter group that doesn't match the size "
                    "of optimizer's group"
                )
        id_map = {
            old: p
            for g, s in zip(groups, saved)
            for old, p in zip(s["params"], g["params"])
        }
        state: defaultdict = defaultdict(dict)
        for k, v in state_dict["state"].items():
            if k in id_map:
                p = id_map[k]
                state[p] = {key: _cast_state(key, val, p) for key, val in v.items()}
            else:
                state[k] = v
        self.state = state
        self.param_groups = [
            dict(s, params=g["params"]) for g, s in zip(groups, saved)
        ]

    # ---- hooks ----------------------------------------------------------------------------
    def register_step_pre_hook(self, hook):
        """``hook(optimizer, args, kwargs)`` before each step; may return new (args, kwargs)."""
        key = next(_hook_ids)
        self._step_pre_hooks[key] = hook
        return _OptHandle(self._step_pre_hooks, key)

    def register_step_post_hook(self, hook):
        """``hook(optimizer, args, kwargs)`` after each step."""
        key = next(_hook_ids)
        self._step_post_hooks[key] = hook
        return _OptHandle(self._step_post_hooks, key)

    def __repr__(self) -> str:
        s = self.__class__.__name__ + " ("
        for i, g in enumerate(self.param_groups):
            s += f"\nParameter Group {i}"
            for key in sorted(g):
                if key != "params":
                    s += f"\n    {key}: {g[key]}"
        return s + "\n)"

    def __getstate__(self):
        return {"defaults": self.defaults, "state": self.state, "param_groups": self.param_groups}

    def __setstate__(self, state) -> None:
        self.__dict__.update(state)
        self.__dict__.setdefault("_step_count", 0)
        self.__dict__.setdefault("_step_pre_hooks", {})
        self.__dict__.setdefault("_step_post_hooks", {})


def _cast_state(key: str, value, param: Tensor):
    """PyTorch's policy: 'step' keeps its dtype; floating state follows the parameter's dtype."""
    if not isinstance(value, Tensor):
        return value
    if key != "step" and value.is_floating_point():
        return Tensor._make(np.array(value._data, dtype=param._data.dtype))
    return Tensor._make(np.array(value._data))


class _OptHandle(_RemovableHandle):
    def __init__(self, hooks: dict, key: int) -> None:
        self._d, self.id = hooks, key

    def remove(self) -> None:
        self._d.pop(self.id, None)


def register_optimizer_step_pre_hook(hook):
    key = next(_hook_ids)
    _global_pre_hooks[key] = hook
    return _OptHandle(_global_pre_hooks, key)


def register_optimizer_step_post_hook(hook):
    key = next(_hook_ids)
    _global_post_hooks[key] = hook
    return _OptHandle(_global_post_hooks, key)


def params_with_grad(group: dict):
    """(param, param array, grad array) for the group's parameters that have a gradient."""
    for p in group["params"]:
        if p._grad is not None:
            yield p, p._data, p._grad._data


def state_tensor(arr: np.ndarray) -> Tensor:
    """Wrap a state array as a Tensor (so state_dict matches PyTorch's layout)."""
    return Tensor._make(arr)


def step_tensor(value: float = 0.0) -> Tensor:
    """PyTorch keeps ``state['step']`` as a float32 0-d tensor."""
    return Tensor._make(np.array(value, dtype=np.float32))
