"""Every op family; importing this package attaches the ops to Tensor as methods."""

from . import creation, indexing, linalg, pointwise, reduction, shape  # noqa: F401
