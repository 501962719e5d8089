"""Anomaly detection: record each op's forward stack, name the backward that produced NaN.

Under ``detect_anomaly`` every recorded node keeps the stack of the forward call that made it;
when its backward fails (or returns NaN, with ``check_nan``) the engine warns with that stack
and raises naming the node, as PyTorch does.
"""

from __future__ import annotations

import warnings

from .grad_mode import state


def is_anomaly_enabled() -> bool:
    """Whether anomaly detection is on."""
    return state.anomaly


def is_anomaly_check_nan_enabled() -> bool:
    """Whether anomaly detection also raises on NaN gradients."""
    return state.anomaly_check_nan


def _set(mode: bool, check_nan: bool) -> None:
    state.anomaly = bool(mode)
    state.anomaly_check_nan = bool(check_nan)


class detect_anomaly:
    """Context manager turning anomaly detection on (and warning that it is slow), like PyTorch."""

    def __init__(self, check_nan: bool = True) -> None:
        self.prev = state.anomaly
        self.check_nan = check_nan
        self.prev_check_nan = state.anomaly_check_nan
        warnings.warn(
            "Anomaly Detection has been enabled. This mode will increase the runtime and should "
            "only be enabled for debugging.",
            stacklevel=2,
        )

    def __enter__(self) -> None:
        _set(True, self.check_nan)

    def __exit__(self, *exc) -> None:
        _set(self.prev, self.prev_check_nan)


class set_detect_anomaly:
    """Turn anomaly detection on or off; a plain call or a context manager restoring it."""

    def __init__(self, mode: bool, check_nan: bool = True) -> None:
        self.prev = state.anomaly
        self.prev_check_nan = state.anomaly_check_nan
        _set(mode, check_nan)

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc) -> None:
        _set(self.prev, self.prev_check_nan)


__all__ = [
    "detect_anomaly", "set_detect_anomaly", "is_anomaly_enabled", "is_anomaly_check_nan_enabled",
]
