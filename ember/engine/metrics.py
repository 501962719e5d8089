"""Metrics that accumulate over an epoch of an engine, as ``ignite.metrics``.

A metric is ``reset()`` at EPOCH_STARTED, ``update(output)`` after every iteration with the
engine's output (by default ``(y_pred, y)``, which ``output_transform`` can reshape), and
``compute()``-d at EPOCH_COMPLETED into ``engine.state.metrics[name]``. Sums are kept in NumPy
on the side, so metrics never touch autograd.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from numbers import Number
from typing import Any

import numpy as np

import ember

from .engine import Engine, Events

__all__ = ["Accuracy", "Average", "Loss", "Metric", "NotComputableError", "RunningAverage",
           "TopKCategoricalAccuracy"]


class NotComputableError(RuntimeError):
    """Raised by ``compute()`` when a metric has seen no examples yet."""


def _np(x: Any) -> np.ndarray:
    """An array view of a tensor (detached) or of anything NumPy understands."""
    if isinstance(x, ember.Tensor):
        return x.detach().numpy()
    return np.asarray(x)


class Metric:
    """Base class: subclasses define ``reset``, ``update(output)`` and ``compute``.

    ``output_transform`` maps ``engine.state.output`` to what ``update`` expects; when the
    output is a dict, the keys in ``required_output_keys`` are picked out in that order.
    """

    required_output_keys: tuple[str, ...] | None = ("y_pred", "y")

    def __init__(self, output_transform: Callable = lambda x: x, device: Any = None) -> None:
        self._output_transform = output_transform
        self._device = device
        self.reset()

    def reset(self) -> None:
        raise NotImplementedError

    def update(self, output: Any) -> None:
        raise NotImplementedError

    def compute(self) -> Any:
        raise NotImplementedError

    # handlers, attached by attach()
    def started(self, engine: Engine) -> None:
        self.reset()

    def iteration_completed(self, engine: Engine) -> None:
        output = self._output_transform(engine.state.output)
        if isinstance(output, Mapping) and self.required_output_keys:
            missing = [k for k in self.required_output_keys if k not in output]
            if missing:
                raise ValueError(f"When transformed engine's output is a mapping, it should "
                                 f"contain {self.required_output_keys} keys, but given "
                                 f"{list(output)}")
            output = tuple(output[k] for k in self.required_output_keys)
        self.update(output)

    def completed(self, engine: Engine, name: str) -> None:
        result = self.compute()
        if isinstance(result, Mapping):
            engine.state.metrics.update(result)
        if isinstance(result, ember.Tensor) and result.numel() == 1:
            result = result.item()
        engine.state.metrics[name] = result

    def attach(self, engine: Engine, name: str) -> None:
        """Reset on EPOCH_STARTED, update on ITERATION_COMPLETED, and store the result in
        ``engine.state.metrics[name]`` on EPOCH_COMPLETED."""
        engine.add_event_handler(Events.EPOCH_COMPLETED, self.completed, name)
        if not engine.has_event_handler(self.started, Events.EPOCH_STARTED):
            engine.add_event_handler(Events.EPOCH_STARTED, self.started)
        if not engine.has_event_handler(self.iteration_completed, Events.ITERATION_COMPLETED):
            engine.add_event_handler(Events.ITERATION_COMPLETED, self.iteration_completed)

    def detach(self, engine: Engine) -> None:
        """Undo :meth:`attach`."""
        for event, handler in ((Events.EPOCH_COMPLETED, self.completed),
                               (Events.EPOCH_STARTED, self.started),
                               (Events.ITERATION_COMPLETED, self.iteration_completed)):
            if engine.has_event_handler(handler, event):
                engine.remove_event_handler(handler, event)

    def is_attached(self, engine: Engine) -> bool:
        return engine.has_event_handler(self.completed, Events.EPOCH_COMPLETED)


class _Fraction(Metric):
    """A fraction of samples counted correct over the epoch (Accuracy, TopK)."""

    def reset(self) -> None:
        self._num_correct = 0
        self._num_examples = 0

    def _count(self, correct: np.ndarray) -> None:
        self._num_correct += int(correct.sum())
        self._num_examples += correct.shape[0]

    def compute(self) -> float:
        if self._num_examples == 0:
            raise NotComputableError(f"{type(self).__name__} must have at least one example "
                                     "before it can be computed.")
        return self._num_correct / self._num_examples


class Accuracy(_Fraction):
    """Fraction of correct predictions.

    Multiclass: ``y_pred`` (N, C, ...) scores or logits, ``y`` (N, ...) class indices; the
    prediction is the arg-max over C. Binary: ``y_pred`` and ``y`` of the same shape with values
    0 or 1 (threshold probabilities in ``output_transform``). Multilabel (``is_multilabel=True``):
    (N, C, ...) 0/1 for both, and a sample counts as correct only when all its labels are.
    """

    def __init__(self, output_transform: Callable = lambda x: x, is_multilabel: bool = False,
                 device: Any = None) -> None:
        self._is_multilabel = is_multilabel
        super().__init__(output_transform, device)

    def update(self, output: Any) -> None:
        y_pred, y = (_np(v) for v in output[:2])
        if y.ndim + 1 == y_pred.ndim:
            if y_pred.shape[:1] + y_pred.shape[2:] != y.shape:
                raise ValueError("y and y_pred must have compatible shapes.")
            correct = (y_pred.argmax(axis=1) == y).reshape(-1)
        elif y.ndim == y_pred.ndim:
            if y.shape != y_pred.shape:
                raise ValueError("y and y_pred must have compatible shapes.")
            for a, what in ((y, "y"), (y_pred, "y_pred")):
                if not np.isin(a, (0, 1)).all():
                    raise ValueError(f"For binary cases, {what} must be comprised of 0's and "
                                     f"1's.")
            if self._is_multilabel:
                if y.ndim < 2:
                    raise ValueError("y and y_pred must have shape (N, C, ...) with C > 1 "
                                     "when is_multilabel=True")
                eq = np.moveaxis(y_pred == y, 1, -1).reshape(-1, y.shape[1])
                correct = eq.all(axis=1)
            else:
                correct = (y_pred == y).reshape(-1)
        else:
            raise ValueError(f"y must have shape of (batch_size, ...) and y_pred must have shape "
                             f"of (batch_size, num_categories, ...) or (batch_size, ...), but "
                             f"given {tuple(y.shape)} vs {tuple(y_pred.shape)}.")
        self._count(correct)


class TopKCategoricalAccuracy(_Fraction):
    """Fraction of samples whose true class is among the ``k`` highest scores."""

    def __init__(self, k: int = 5, output_transform: Callable = lambda x: x,
                 device: Any = None) -> None:
        self._k = k
        super().__init__(output_transform, device)

    def update(self, output: Any) -> None:
        y_pred, y = (_np(v) for v in output[:2])
        top = np.argsort(-y_pred, axis=1, kind="stable")[:, : self._k]
        self._count((top == y.reshape(-1, 1)).any(axis=1))


class Loss(Metric):
    """The mean of ``loss_fn(y_pred, y)`` over all samples, each batch weighted by its size.

    ``loss_fn`` must return the batch mean (a scalar); ``batch_size(y)`` gives the weight
    (``len`` by default). The output may carry a third item, a dict of keyword arguments
    for ``loss_fn``.
    """

    required_output_keys = ("y_pred", "y", "criterion_kwargs")

    def __init__(self, loss_fn: Callable, output_transform: Callable = lambda x: x,
                 batch_size: Callable = len, device: Any = None) -> None:
        self._loss_fn = loss_fn
        self._batch_size = batch_size
        super().__init__(output_transform, device)

    def iteration_completed(self, engine: Engine) -> None:
        output = self._output_transform(engine.state.output)
        if isinstance(output, Mapping):
            output = (output["y_pred"], output["y"], output.get("criterion_kwargs", {}))
        self.update(output)

    def reset(self) -> None:
        self._sum = 0.0
        self._num_examples = 0

    def update(self, output: Any) -> None:
        y_pred, y = output[0], output[1]
        kwargs = output[2] if len(output) > 2 else {}
        with ember.no_grad():
            average_loss = self._loss_fn(y_pred, y, **kwargs)
        if isinstance(average_loss, ember.Tensor):
            if average_loss.dim() > 0:
                raise ValueError("loss_fn did not return the average loss.")
            average_loss = average_loss.item()
        n = self._batch_size(y)
        self._sum += float(average_loss) * n
        self._num_examples += n

    def compute(self) -> float:
        if self._num_examples == 0:
            raise NotComputableError("Loss must have at least one example before it can be "
                                     "computed.")
        return self._sum / self._num_examples


class Average(Metric):
    """The mean of the outputs: numbers count one each; a tensor (N, ...) counts N samples."""

    required_output_keys = None

    def reset(self) -> None:
        self._sum: Any = 0.0
        self._num_examples = 0

    def update(self, output: Any) -> None:
        if isinstance(output, Number):
            self._sum += float(output)
            self._num_examples += 1
            return
        a = _np(output).astype(np.float64)
        if a.ndim > 1:
            self._sum = self._sum + a.sum(axis=0)
            self._num_examples += a.shape[0]
        else:
            self._sum = self._sum + a
            self._num_examples += 1

    def compute(self) -> float | ember.Tensor:
        if self._num_examples == 0:
            raise NotComputableError("Average must have at least one example before it can be "
                                     "computed.")
        mean = self._sum / self._num_examples
        return float(mean) if np.ndim(mean) == 0 else ember.from_numpy(np.asarray(mean))


class RunningAverage(Metric):
    """Exponential moving average ``v = alpha * v + (1 - alpha) * x`` over iterations.

    ``x`` is either ``output_transform(engine.state.output)`` (e.g. the training loss) or, with
    ``src``, another metric computed on the current batch alone. Unlike the epoch metrics it is
    reset at STARTED only and written to ``engine.state.metrics`` after every iteration, so a
    progress bar can show it live.
    """

    required_output_keys = None

    def __init__(self, src: Metric | None = None, alpha: float = 0.98,
                 output_transform: Callable | None = None, epoch_bound: bool | None = None,
                 device: Any = None) -> None:
        if (src is None) == (output_transform is None):
            raise ValueError("Argument src and output_transform are mutually exclusive: "
                             "give exactly one of them")
        if not 0.0 < alpha <= 1.0:
            raise ValueError("Argument alpha should be a float between 0.0 and 1.0.")
        self.src, self.alpha, self.epoch_bound = src, alpha, epoch_bound
        super().__init__(output_transform or (lambda x: x), device)

    def reset(self) -> None:
        self._value: Any = None
        if self.src is not None:
            self.src.reset()

    def iteration_completed(self, engine: Engine) -> None:
        if self.src is None:
            self.update(self._output_transform(engine.state.output))
        else:
            self.src.reset()
            self.src.iteration_completed(engine)
            self.update(self.src.compute())

    def update(self, output: Any) -> None:
        if isinstance(output, ember.Tensor):
            output = output.item() if output.numel() == 1 else output.detach().clone()
        self._value = (output if self._value is None
                       else self._value * self.alpha + (1.0 - self.alpha) * output)

    def compute(self) -> Any:
        return self._value

    def attach(self, engine: Engine, name: str) -> None:
        """Reset at STARTED (or each EPOCH_STARTED with ``epoch_bound=True``); update and write
        ``engine.state.metrics[name]`` after every iteration."""
        start = Events.EPOCH_STARTED if self.epoch_bound else Events.STARTED
        engine.add_event_handler(start, self.started)
        engine.add_event_handler(Events.ITERATION_COMPLETED, self.iteration_completed)
        engine.add_event_handler(Events.ITERATION_COMPLETED, self.completed, name)

    def detach(self, engine: Engine) -> None:
        for event in (Events.STARTED, Events.EPOCH_STARTED):
            if engine.has_event_handler(self.started, event):
                engine.remove_event_handler(self.started, event)
        engine.remove_event_handler(self.iteration_completed, Events.ITERATION_COMPLETED)
        engine.remove_event_handler(self.completed, Events.ITERATION_COMPLETED)

    def is_attached(self, engine: Engine) -> bool:
        return engine.has_event_handler(self.completed, Events.ITERATION_COMPLETED)
