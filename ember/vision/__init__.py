"""Vision: datasets, transforms, models and image utilities, mirroring ``torchvision``.

Import the parts you need (``from ember.vision import datasets, transforms``); they load
lazily so that ``import ember`` stays fast.
"""

import importlib

_SUBMODULES = ("datasets", "transforms", "models", "utils")


def __getattr__(name: str):
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'ember.vision' has no attribute '{name}'")


__all__ = list(_SUBMODULES)
