"""A small training-loop helper in the shape of PyTorch-Ignite (``ignite.engine``,
``ignite.metrics``, ``ignite.handlers``): port Ignite code by changing its imports.

    from ember.engine import Events, create_supervised_trainer, create_supervised_evaluator
    from ember.engine.metrics import Accuracy, Loss
    from ember.engine.handlers import ModelCheckpoint, ProgressBar

Optional: a plain ``for`` loop over a DataLoader is just as supported.
"""

from .engine import Engine, Events, EventsList, FilteredEvent, RemovableEventHandle, State
from .supervised import create_supervised_evaluator, create_supervised_trainer, prepare_batch

__all__ = ["Engine", "Events", "EventsList", "FilteredEvent", "RemovableEventHandle", "State",
           "create_supervised_evaluator", "create_supervised_trainer", "prepare_batch"]
