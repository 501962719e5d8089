"""Handlers for an :class:`~ember.engine.Engine`, as ``ignite.handlers``.

Each is a callable ``handler(engine, ...)`` to attach with ``engine.add_event_handler``:
early stopping, best-N checkpoints, learning-rate scheduling, a progress bar and a timer.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import ember

from .engine import Engine, Events

__all__ = ["EarlyStopping", "LRScheduler", "ModelCheckpoint", "ProgressBar", "Timer",
           "global_step_from_engine"]


class EarlyStopping:
    """Stop ``trainer`` when ``score_function(engine)`` has not improved for ``patience`` calls.

    Higher scores are better (return ``-loss`` for a loss). An improvement must exceed
    ``min_delta``; with ``cumulative_delta=True`` small gains do not move the reference score,
    so they add up. Attach it to an evaluator::

        evaluator.add_event_handler(Events.COMPLETED, EarlyStopping(3, score_fn, trainer))
    """

    def __init__(self, patience: int, score_function: Callable[[Engine], float],
                 trainer: Engine, min_delta: float = 0.0, cumulative_delta: bool = False) -> None:
        if not callable(score_function):
            raise TypeError("Argument score_function should be a function.")
        if patience < 1:
            raise ValueError("Argument patience should be positive integer.")
        if min_delta < 0.0:
            raise ValueError("Argument min_delta should not be a negative number.")
        if not isinstance(trainer, Engine):
            raise TypeError("Argument trainer should be an instance of Engine.")
        self.score_function, self.patience, self.trainer = score_function, patience, trainer
        self.min_delta, self.cumulative_delta = min_delta, cumulative_delta
        self.counter = 0
        self.best_score: float | None = None

    def __call__(self, engine: Engine) -> None:
        score = self.score_function(engine)
        if self.best_score is None:
            self.best_score = score
        elif score <= self.best_score + self.min_delta:
            if not self.cumulative_delta and score > self.best_score:
                self.best_score = score
            self.counter += 1
            if self.counter >= self.patience:
                self.trainer.terminate()
        else:
            self.best_score = score
            self.counter = 0

    def state_dict(self) -> dict[str, Any]:
        return {"counter": self.counter, "best_score": self.best_score}

    def load_state_dict(self, state_dict: Mapping) -> None:
        self.counter, self.best_score = state_dict["counter"], state_dict["best_score"]


def global_step_from_engine(engine: Engine) -> Callable[[Engine, Any], int]:
    """A ``global_step_transform`` that reads another engine's epoch or iteration (e.g. name
    an evaluator's checkpoints by the trainer's epoch)."""

    def wrapper(_: Engine, event_name: Any) -> int:
        return engine.state.get_event_attrib_value(event_name)

    return wrapper


class ModelCheckpoint:
    """Save objects with ``ember.save`` and keep the best ``n_saved`` files (``None``: all).

    Call it as a handler with a dict of objects: ``engine.add_event_handler(Events.COMPLETED,
    checkpoint, {"model": model, "optimizer": optimizer})``. Objects with ``state_dict()`` are
    saved by their state dict; one object is saved alone, several as one dict.

    Files are named as Ignite's: ``{prefix}_{name}_{suffix}.pt`` where name is the single key or
    ``checkpoint`` and suffix is ``{step}``, ``{step}_{score}``, ``{score_name}={score:.4f}``
    or ``{step}_{score_name}={score:.4f}`` (the step only without a score or with
    ``global_step_transform``). With a score, the highest scores are kept; without, the latest.
    ``last_checkpoint`` is the path of the best (or newest) file.
    """

    ext = "pt"

    def __init__(self, dirname: str | Path, filename_prefix: str = "",
                 score_function: Callable[[Engine], float] | None = None,
                 score_name: str | None = None, n_saved: int | None = 1, atomic: bool = True,
                 require_empty: bool = True, create_dir: bool = True,
                 global_step_transform: Callable | None = None,
                 greater_or_equal: bool = False) -> None:
        self.dirname = Path(dirname).expanduser()
        if create_dir:
            self.dirname.mkdir(parents=True, exist_ok=True)
        elif not self.dirname.exists():
            raise ValueError(f"Directory path '{self.dirname}' is not found")
        if require_empty:
            existing = sorted(p.name for p in self.dirname.glob(f"*.{self.ext}"))
            if existing:
                raise ValueError(f"Files {existing} with extension '.{self.ext}' are already "
                                 f"present in the directory {self.dirname}. If you want to use "
                                 "this directory anyway, pass `require_empty=False`.")
        if score_function is None and score_name is not None:
            score_function = self.get_default_score_fn(score_name)
        self.filename_prefix, self.score_function, self.score_name = (filename_prefix,
                                                                      score_function, score_name)
        self.n_saved, self.global_step_transform = n_saved, global_step_transform
        self.greater_or_equal = greater_or_equal
        self._saved: list[tuple[float, str]] = []  # (priority, filename), best last

    @staticmethod
    def get_default_score_fn(metric_name: str, score_sign: float = 1.0) -> Callable:
        """A score function reading ``engine.state.metrics[metric_name]`` (times ``score_sign``;
        use -1.0 for a loss)."""
        return lambda engine: score_sign * engine.state.metrics[metric_name]

    @property
    def last_checkpoint(self) -> Path | None:
        return self.dirname / self._saved[-1][1] if self._saved else None

    def __call__(self, engine: Engine, to_save: Mapping[str, Any]) -> None:
        if not to_save:
            raise RuntimeError("No objects to checkpoint found.")
        step = None
        if self.global_step_transform is not None:
            step = self.global_step_transform(engine, engine.last_event_name)
        if self.score_function is not None:
            priority = self.score_function(engine)
        else:
            if step is None:
                step = engine.state.iteration
            priority = step
        full = self.n_saved is not None and len(self._saved) >= self.n_saved
        if full:
            worst = self._saved[0][0]
            if not (priority >= worst if self.greater_or_equal else priority > worst):
                return
        name, obj = "checkpoint", {k: _state(v) for k, v in to_save.items()}
        if len(to_save) == 1:
            ((name, obj),) = obj.items()
        filename = self._filename(name, step, priority)
        ember.save(obj, self.dirname / filename)
        self._saved = [s for s in self._saved if s[1] != filename]
        if self.n_saved is not None and len(self._saved) >= self.n_saved:
            _, old = self._saved.pop(0)
            (self.dirname / old).unlink(missing_ok=True)
        self._saved.append((priority, filename))
        self._saved.sort(key=lambda s: s[0])

    def _filename(self, name: str, step: int | None, priority: float) -> str:
        parts = [self.filename_prefix] if self.filename_prefix else []
        parts.append(name)
        if step is not None:
            parts.append(str(step))
        if self.score_function is not None:
            score = f"{priority}" if isinstance(priority, int) else f"{priority:.4f}"
            parts.append(f"{self.score_name}={score}" if self.score_name else score)
        return "_".join(parts) + f".{self.ext}"

    def state_dict(self) -> dict[str, Any]:
        return {"saved": [(p, f) for p, f in self._saved]}

    def load_state_dict(self, state_dict: Mapping) -> None:
        self._saved = [tuple(s) for s in state_dict["saved"]]


def _state(obj: Any) -> Any:
    return obj.state_dict() if hasattr(obj, "state_dict") else obj


class LRScheduler:
    """Step an ``ember.optim.lr_scheduler`` scheduler from an event.

    Epoch-wise schedules (StepLR, CosineAnnealingLR...) go on EPOCH_COMPLETED, per-step ones
    (OneCycleLR, CyclicLR) on ITERATION_COMPLETED; ReduceLROnPlateau needs ``score_function``
    (e.g. the validation loss) to step on::

        trainer.add_event_handler(Events.EPOCH_COMPLETED, LRScheduler(StepLR(opt, 10)))

    With ``save_history=True`` the learning rates are appended to
    ``engine.state.param_history["lr"]``. (Ignite's class of this name rewrites the torch
    scheduler into its own; this one just calls ``step()``.)
    """

    def __init__(self, lr_scheduler: Any, score_function: Callable[[Engine], float] | None = None,
                 save_history: bool = False) -> None:
        if not hasattr(lr_scheduler, "step"):
            raise TypeError("Argument lr_scheduler should have a step() method, e.g. a "
                            "scheduler from ember.optim.lr_scheduler")
        self.lr_scheduler, self.score_function = lr_scheduler, score_function
        self.save_history = save_history

    def __call__(self, engine: Engine) -> None:
        if self.score_function is not None:
            self.lr_scheduler.step(self.score_function(engine))
        else:
            self.lr_scheduler.step()
        if self.save_history:
            history = getattr(engine.state, "param_history", None)
            if history is None:
                history = engine.state.param_history = {}
            lrs = [g["lr"] for g in self.lr_scheduler.optimizer.param_groups]
            history.setdefault("lr", []).append(lrs)

    def state_dict(self) -> dict[str, Any]:
        return self.lr_scheduler.state_dict()

    def load_state_dict(self, state_dict: Mapping) -> None:
        self.lr_scheduler.load_state_dict(state_dict)


class ProgressBar:
    """A progress bar over each epoch, with chosen metrics and the output as postfix.

    Uses tqdm when it is installed (``pip install tqdm``) and prints a plain
    ``\\r``-updated line to stderr otherwise. ``persist=True`` leaves the finished bar on
    screen. Extra keyword arguments go to ``tqdm``.
    """

    def __init__(self, persist: bool = False, desc: str | None = None, **tqdm_kwargs: Any) -> None:
        try:
            from tqdm import tqdm
        except ImportError:
            tqdm = None
        self._tqdm, self.persist, self.desc, self.tqdm_kwargs = tqdm, persist, desc, tqdm_kwargs
        self.pbar: Any = None

    def attach(self, engine: Engine, metric_names: str | list[str] | None = None,
               output_transform: Callable | None = None,
               event_name: Any = Events.ITERATION_COMPLETED,
               closing_event_name: Any = Events.EPOCH_COMPLETED) -> None:
        """Update the bar on ``event_name``, close it on ``closing_event_name``.

        ``metric_names`` ("all" or a list) picks entries of ``engine.state.metrics`` to show;
        ``output_transform`` turns ``engine.state.output`` into a number or a dict to show.
        """
        if metric_names is not None and not (metric_names == "all"
                                             or isinstance(metric_names, list)):
            raise TypeError(f"metric_names should be either a list or equal 'all', got "
                            f"{type(metric_names)} instead.")
        engine.add_event_handler(event_name, self._update, metric_names, output_transform,
                                 closing_event_name)
        engine.add_event_handler(closing_event_name, self._close)

    def log_message(self, message: str) -> None:
        """Print a line without breaking the bar."""
        if self._tqdm is not None:
            self._tqdm.write(message, **{k: v for k, v in self.tqdm_kwargs.items()
                                         if k == "file"})
        else:
            print(message)

    def _description(self, engine: Engine, closing_event_name: Any) -> str:
        desc = self.desc or ("Iteration" if closing_event_name == Events.COMPLETED else "Epoch")
        total = engine.state.max_epochs
        if closing_event_name == Events.EPOCH_COMPLETED and total and total > 1:
            desc += f" [{engine.state.epoch}/{total}]"
        return desc

    def _update(self, engine: Engine, metric_names: Any, output_transform: Callable | None,
                closing_event_name: Any) -> None:
        s = engine.state
        total = s.epoch_length
        if closing_event_name == Events.COMPLETED and total:
            total *= s.max_epochs
        if self.pbar is None:
            desc = self._description(engine, closing_event_name)
            if self._tqdm is not None:
                kwargs = {"leave": self.persist, **self.tqdm_kwargs}
                self.pbar = self._tqdm(total=total, desc=desc, **kwargs)
            else:
                self.pbar = _PlainBar(total, desc, self.persist)
            self._n = 0
        postfix = {}
        names = list(s.metrics) if metric_names == "all" else (metric_names or [])
        for name in names:
            if name in s.metrics:
                postfix[name] = s.metrics[name]
        if output_transform is not None:
            out = output_transform(s.output)
            postfix.update(out if isinstance(out, Mapping) else {"output": out})
        if postfix:
            self.pbar.set_postfix_str(", ".join(f"{k}={_fmt(v)}" for k, v in postfix.items()),
                                      refresh=False)
        n = s.iteration  # the position in the bar: the iteration within the epoch
        if closing_event_name != Events.COMPLETED and s.epoch_length:
            n = (s.iteration - 1) % s.epoch_length + 1
        self.pbar.update(n - self._n)
        self._n = n

    def _close(self, engine: Engine) -> None:
        if self.pbar is not None:
            self.pbar.close()
            self.pbar = None


def _fmt(v: Any) -> str:
    if isinstance(v, ember.Tensor) and v.numel() == 1:
        v = v.item()
    return f"{v:.3g}" if isinstance(v, float) else str(v)


class _PlainBar:
    """The fallback bar: one ``\\r``-rewritten line on stderr, at most ten times a second."""

    def __init__(self, total: int | None, desc: str, persist: bool) -> None:
        self.total, self.desc, self.persist, self.n, self.postfix = total, desc, persist, 0, ""
        self.start = self._shown = time.perf_counter()
        self.width = 0

    def set_postfix_str(self, text: str, refresh: bool = True) -> None:
        self.postfix = text

    def update(self, n: int = 1) -> None:
        self.n += n
        now = time.perf_counter()
        if now - self._shown >= 0.1 or self.n == self.total:
            self._shown = now
            self._write(now)

    def _write(self, now: float) -> None:
        rate = self.n / max(now - self.start, 1e-9)
        total = f"/{self.total}" if self.total else ""
        line = f"{self.desc}: {self.n}{total} [{rate:.1f}it/s] {self.postfix}".rstrip()
        sys.stderr.write("\r" + line.ljust(self.width))
        sys.stderr.flush()
        self.width = len(line)

    def close(self) -> None:
        self._write(time.perf_counter())
        sys.stderr.write("\n" if self.persist else "\r" + " " * self.width + "\r")
        sys.stderr.flush()


class Timer:
    """Measure time between events: ``Timer(average=True).attach(trainer,
    start=Events.STARTED, resume=Events.ITERATION_STARTED, pause=Events.ITERATION_COMPLETED,
    step=Events.ITERATION_COMPLETED)``; ``value()`` is the total (or the mean per step)."""

    def __init__(self, average: bool = False) -> None:
        self._average = average
        self.reset()

    def attach(self, engine: Engine, start: Any = Events.STARTED, pause: Any = None,
               resume: Any = None, step: Any = None) -> Timer:
        engine.add_event_handler(start, self.reset)
        if pause is not None:
            engine.add_event_handler(pause, self.pause)
        if resume is not None:
            engine.add_event_handler(resume, self.resume)
        if step is not None:
            engine.add_event_handler(step, self.step)
        return self

    def reset(self, *args: Any) -> Timer:
        self._t0, self._elapsed, self.running, self.step_count = time.perf_counter(), 0.0, True, 0
        return self

    def pause(self, *args: Any) -> None:
        if self.running:
            self._elapsed += time.perf_counter() - self._t0
            self.running = False

    def resume(self, *args: Any) -> None:
        if not self.running:
            self._t0, self.running = time.perf_counter(), True

    def step(self, *args: Any) -> None:
        self.step_count += 1

    def value(self) -> float:
        total = self._elapsed + (time.perf_counter() - self._t0 if self.running else 0.0)
        return total / max(self.step_count, 1) if self._average else total

