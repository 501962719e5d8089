"""Ready-made engines for the usual supervised case, as ``ignite.engine``'s factory functions."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import ember

from .engine import Engine

__all__ = ["create_supervised_evaluator", "create_supervised_trainer", "prepare_batch"]


def _to(x: Any, device: Any, non_blocking: bool) -> Any:
    if device is None:
        return x
    if isinstance(x, ember.Tensor):
        return x.to(device, non_blocking=non_blocking)
    if isinstance(x, (list, tuple)):
        return type(x)(_to(v, device, non_blocking) for v in x)
    if isinstance(x, dict):
        return {k: _to(v, device, non_blocking) for k, v in x.items()}
    return x


def prepare_batch(batch: Sequence, device: Any = None, non_blocking: bool = False) -> tuple:
    """Split a batch ``(x, y)`` and move both to ``device`` (when given)."""
    x, y = batch
    return _to(x, device, non_blocking), _to(y, device, non_blocking)


def create_supervised_trainer(
    model: Any,
    optimizer: Any,
    loss_fn: Callable,
    device: Any = None,
    non_blocking: bool = False,
    prepare_batch: Callable = prepare_batch,
    output_transform: Callable = lambda x, y, y_pred, loss: loss.item(),
    gradient_accumulation_steps: int = 1,
) -> Engine:
    """An engine whose step is ``loss_fn(model(x), y).backward()`` then ``optimizer.step()``.

    The step puts the model in train mode and returns ``output_transform(x, y, y_pred, loss)``
    (the loss as a float by default). With ``gradient_accumulation_steps=k`` the gradients of
    k batches are summed (each loss divided by k) before one optimizer step.
    """
    if gradient_accumulation_steps < 1:
        raise ValueError("Gradient_accumulation_steps must be strictly positive. "
                         "No gradient accumulation if the value set to one (default).")
    steps = gradient_accumulation_steps

    def update(engine: Engine, batch: Sequence) -> Any:
        if (engine.state.iteration - 1) % steps == 0:
            optimizer.zero_grad()
        model.train()
        x, y = prepare_batch(batch, device=device, non_blocking=non_blocking)
        y_pred = model(x)
        loss = loss_fn(y_pred, y)
        if steps > 1:
            loss = loss / steps
        loss.backward()
        if engine.state.iteration % steps == 0:
            optimizer.step()
        return output_transform(x, y, y_pred, loss * steps if steps > 1 else loss)

    return Engine(update)


def create_supervised_evaluator(
    model: Any,
    metrics: dict[str, Any] | None = None,
    device: Any = None,
    non_blocking: bool = False,
    prepare_batch: Callable = prepare_batch,
    output_transform: Callable = lambda x, y, y_pred: (y_pred, y),
) -> Engine:
    """An engine that runs ``model(x)`` in eval mode without autograd and feeds ``metrics``.

    Each metric is attached under its key, so after ``evaluator.run(loader)`` the results are in
    ``evaluator.state.metrics``.
    """

    def evaluate(engine: Engine, batch: Sequence) -> Any:
        model.eval()
        with ember.no_grad():
            x, y = prepare_batch(batch, device=device, non_blocking=non_blocking)
            y_pred = model(x)
            return output_transform(x, y, y_pred)

    evaluator = Engine(evaluate)
    for name, metric in (metrics or {}).items():
        metric.attach(evaluator, name)
    return evaluator
