"""Grad modes: ``no_grad``, ``enable_grad``, ``set_grad_enabled``, ``inference_mode``.

Each works as a context manager and as a decorator, like PyTorch's. The flag lives in
``state.enabled``, read by every op on its hot path.
"""

from __future__ import annotations

import functools


class _State:
    __slots__ = ("enabled", "anomaly", "anomaly_check_nan")

    def __init__(self) -> None:
        self.enabled = True
        self.anomaly = False
        self.anomaly_check_nan = True


state = _State()


def is_grad_enabled() -> bool:
    """Whether ops record the graph now."""
    return state.enabled


class _GradMode:
    """Base of the grad-mode context managers: sets ``state.enabled`` and restores it on exit."""

    mode = True

    def __new__(cls, *args, **kwargs):
        if cls in (no_grad, enable_grad) and len(args) == 1 and callable(args[0]):
            return cls()(args[0])  # bare ``@no_grad`` without parentheses
        return super().__new__(cls)

    def __enter__(self) -> None:
        self._prev = state.enabled
        state.enabled = self.mode

    def __exit__(self, *exc) -> None:
        state.enabled = self._prev

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.__class__():
                return fn(*args, **kwargs)

        return wrapper

    def clone(self):
        return self.__class__()


class no_grad(_GradMode):
    """Context manager / decorator that turns graph recording off."""

    mode = False


class enable_grad(_GradMode):
    """Context manager / decorator that turns graph recording on (inside ``no_grad``)."""

    mode = True


class set_grad_enabled(_GradMode):
    """Set recording on or off; works as a function, context manager or decorator."""

    def __init__(self, mode: bool) -> None:
        self.mode = bool(mode)
        self._prev = state.enabled
        state.enabled = self.mode

    def __enter__(self) -> None:
        pass

    def __call__(self, fn):
        state.enabled = self._prev
        mode = self.mode

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with set_grad_enabled(mode):
                return fn(*args, **kwargs)

        return wrapper

    def clone(self):
        return self.__class__(self.mode)


class inference_mode(_GradMode):
    """Like ``no_grad`` (Ember keeps no extra inference-only state); ``mode=False`` is a no-op."""

    def __new__(cls, mode=True):
        if callable(mode):
            obj = super().__new__(cls)  # bare ``@inference_mode``
            obj.__init__(True)
            return obj(mode)
        return super().__new__(cls)

    def __init__(self, mode: bool = True) -> None:
        self.mode = not mode

    def __call__(self, fn):
        mode = not self.mode

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with inference_mode(mode):
                return fn(*args, **kwargs)

        return wrapper

    def clone(self):
        return self.__class__(not self.mode)


def is_inference_mode_enabled() -> bool:
    return False
