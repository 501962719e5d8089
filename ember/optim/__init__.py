"""Optimizers and learning-rate schedulers, numerically identical to ``torch.optim``."""

from .adam import Adam, AdamW
from .optimizer import Optimizer
from .sgd import SGD

__all__ = ["Optimizer", "SGD", "Adam", "AdamW"]
