"""Utilities, mirroring ``torch.utils``; ``ember.utils.data`` loads lazily."""

import importlib


def __getattr__(name: str):
    if name == "data":
        return importlib.import_module(".data", __name__)
    raise AttributeError(f"module 'ember.utils' has no attribute '{name}'")
