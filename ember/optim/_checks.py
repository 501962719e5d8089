"""Hyperparameter checks shared by the optimizers (PyTorch's ValueError messages)."""

from __future__ import annotations


def nonneg(**values) -> None:
    """Raise PyTorch's ``Invalid <name> value`` for any negative hyperparameter."""
    labels = {"lr": "learning rate", "eps": "epsilon value"}
    for name, v in values.items():
        if not v >= 0.0:
            raise ValueError(f"Invalid {labels.get(name, name + ' value')}: {v}")


def betas_ok(betas) -> None:
    for i, b in enumerate(betas):
        if not 0.0 <= b < 1.0:
            raise ValueError(f"Invalid beta parameter at index {i}: {b}")
