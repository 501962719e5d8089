"""Shared by the model builders: the ``weights`` argument (no pretrained files here)."""

from __future__ import annotations


def check_weights(weights, name: str) -> None:
    """Pretrained weights are not shipped with Ember; say so clearly."""
    if weights is not None:
        raise NotImplementedError(
            f"{name}(weights={weights!r}): Ember ships no pretrained weights. Build with "
            "weights=None, or load a state_dict you converted with model.load_state_dict()"
        )
