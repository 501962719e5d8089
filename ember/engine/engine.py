"""The training-loop engine: a data loop that fires events, in the shape of PyTorch-Ignite.

An :class:`Engine` calls ``process_function(engine, batch)`` on every batch, keeps counters in
``engine.state`` and fires :class:`Events` around epochs and iterations. Everything else
(metrics, checkpoints, progress bars, early stopping) is a handler listening to those events, so
the loop itself stays a screenful. Names and semantics follow ``ignite.engine`` so Ignite code
ports by changing its imports; a plain ``for`` loop remains just as good a choice.
"""

from __future__ import annotations

import inspect
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from enum import Enum
from typing import Any

__all__ = ["Engine", "Events", "EventsList", "FilteredEvent", "State"]


class Events(Enum):
    """The events an :class:`Engine` fires, in the order of a run.

    A member can be called to fire only sometimes: ``Events.ITERATION_COMPLETED(every=100)``,
    ``Events.EPOCH_COMPLETED(once=3)``, ``(before=N)``, ``(after=N)`` or
    ``(event_filter=lambda engine, count: ...)``; ``a | b`` attaches a handler to both events.
    """

    STARTED = "started"
    EPOCH_STARTED = "epoch_started"
    ITERATION_STARTED = "iteration_started"
    ITERATION_COMPLETED = "iteration_completed"
    EPOCH_COMPLETED = "epoch_completed"
    COMPLETED = "completed"
    EXCEPTION_RAISED = "exception_raised"
    TERMINATE = "terminate"
    TERMINATE_SINGLE_EPOCH = "terminate_single_epoch"

    def __call__(self, event_filter: Callable | None = None, every: int | None = None,
                 once: int | Iterable[int] | None = None, before: int | None = None,
                 after: int | None = None) -> FilteredEvent:
        given = [a is not None for a in (event_filter, every, once)].count(True)
        if given > 1 or (given and (before is not None or after is not None)):
            raise ValueError("Only one of the input arguments should be specified, "
                             "except before and after")
        if event_filter is not None:
            if not callable(event_filter):
                raise TypeError("Argument event_filter should be a callable")
            return FilteredEvent(self, event_filter)
        if every is not None:
            if not isinstance(every, int) or every < 1:
                raise ValueError("Argument every should be integer and greater than zero")
            return FilteredEvent(self, lambda _, n: n % every == 0)
        if once is not None:
            wanted = {once} if isinstance(once, int) else set(once)
            if not wanted or any(not isinstance(n, int) or n < 1 for n in wanted):
                raise ValueError("Argument once should be a positive integer or a list of them")
            return FilteredEvent(self, lambda _, n: n in wanted)
        if before is not None or after is not None:
            lo = after if after is not None else -1
            hi = before if before is not None else float("inf")
            return FilteredEvent(self, lambda _, n: lo < n < hi)
        raise ValueError("Exactly one of event_filter, every, once or before/after is needed")

    def __or__(self, other: Events | FilteredEvent | EventsList) -> EventsList:
        return EventsList([self]) | other

    def __repr__(self) -> str:
        return f"Events.{self.name}"


class FilteredEvent:
    """An event plus a filter ``(engine, count) -> bool``; count is the epoch or iteration."""

    def __init__(self, event: Events, event_filter: Callable[[Engine, int], bool]) -> None:
        self.event, self.filter = event, event_filter

    def __or__(self, other: Events | FilteredEvent | EventsList) -> EventsList:
        return EventsList([self]) | other

    def __repr__(self) -> str:
        return f"{self.event!r}(filtered)"


class EventsList(list):
    """Several events for one handler: ``Events.EPOCH_COMPLETED | Events.COMPLETED``."""

    def __or__(self, other: Events | FilteredEvent | EventsList) -> EventsList:
        return EventsList([*self, *(other if isinstance(other, EventsList) else [other])])


class State:
    """The counters and values of a run, as ``ignite.engine.State``.

    ``iteration`` counts batches over the whole run, ``epoch`` counts epochs; ``output`` is what
    the process function returned for the last batch and ``metrics`` is filled by metrics.
    """

    def __init__(self, **kwargs: Any) -> None:
        self.iteration = 0
        self.epoch = 0
        self.epoch_length: int | None = None
        self.max_epochs: int | None = None
        self.output: Any = None
        self.batch: Any = None
        self.metrics: dict[str, Any] = {}
        self.dataloader: Iterable | None = None
        self.seed: int | None = None
        self.times: dict[str, float | None] = {"EPOCH_COMPLETED": None, "COMPLETED": None}
        for k, v in kwargs.items():
            setattr(self, k, v)

    def get_event_attrib_value(self, event: Events) -> int:
        """The counter an event filters on: iteration for iteration events, else epoch."""
        return self.iteration if event.name.startswith("ITERATION") else self.epoch

    def __repr__(self) -> str:
        keys = ("iteration", "epoch", "epoch_length", "max_epochs", "output", "metrics")
        return "State:\n" + "".join(f"\t{k}: {getattr(self, k)!r}\n" for k in keys)


class _Terminate(Exception):
    pass


class _TerminateSingleEpoch(Exception):
    pass


class Engine:
    """Runs ``process_function(engine, batch)`` over data for some epochs, firing events.

    Example::

        def step(engine, batch):
            x, y = batch
            loss = F.cross_entropy(model(x), y)
            optimizer.zero_grad(); loss.backward(); optimizer.step()
            return loss.item()

        trainer = Engine(step)

        @trainer.on(Events.EPOCH_COMPLETED)
        def report(engine):
            print(engine.state.epoch, engine.state.output)

        trainer.run(train_loader, max_epochs=5)
    """

    def __init__(self, process_function: Callable[[Engine, Any], Any]) -> None:
        if not callable(process_function):
            raise TypeError("Argument process_function should be a callable")
        self._process_function = process_function
        self._event_handlers: dict[Any, list] = defaultdict(list)
        self._allowed_events: list[Any] = list(Events)
        self.state = State()
        self.last_event_name: Any = None
        self.should_terminate: bool | str = False
        self.should_terminate_single_epoch: bool | str = False
        self._dataloader_iter: Iterator | None = None
        self._init_iter: int | None = None

    # ---- handlers -------------------------------------------------------------------------

    def register_events(self, *event_names: Any) -> None:
        """Allow custom events (any hashable names) to be fired with :meth:`fire_event`."""
        for name in event_names:
            if name not in self._allowed_events:
                self._allowed_events.append(name)

    def add_event_handler(self, event_name: Any, handler: Callable, *args: Any,
                          **kwargs: Any) -> RemovableEventHandle:
        """Call ``handler(engine, *args, **kwargs)`` whenever ``event_name`` fires.

        A handler that takes no engine argument is called without it, as in Ignite.
        Returns a handle whose ``remove()`` detaches the handler again.
        """
        if isinstance(event_name, EventsList):
            for e in event_name:
                self.add_event_handler(e, handler, *args, **kwargs)
            return RemovableEventHandle(event_name, handler, self)
        event_filter = None
        if isinstance(event_name, FilteredEvent):
            event_name, event_filter = event_name.event, event_name.filter
        if event_name not in self._allowed_events:
            raise ValueError(f"Event {event_name!r} is not a valid event for this Engine.")
        extra = (None,) if event_name is Events.EXCEPTION_RAISED else ()
        pass_engine = _takes_engine(handler, (*extra, *args), kwargs)
        self._event_handlers[event_name].append((handler, args, kwargs, event_filter,
                                                 pass_engine))
        return RemovableEventHandle(event_name, handler, self)

    def on(self, event_name: Any, *args: Any, **kwargs: Any) -> Callable:
        """Decorator form of :meth:`add_event_handler`: ``@engine.on(Events.COMPLETED)``."""

        def decorator(f: Callable) -> Callable:
            self.add_event_handler(event_name, f, *args, **kwargs)
            return f

        return decorator

    def has_event_handler(self, handler: Callable, event_name: Any = None) -> bool:
        """Whether ``handler`` is attached (to ``event_name``, or to any event)."""
        if isinstance(event_name, FilteredEvent):
            event_name = event_name.event
        names = [event_name] if event_name is not None else list(self._event_handlers)
        return any(_same(h[0], handler) for n in names for h in self._event_handlers.get(n, ()))

    def remove_event_handler(self, handler: Callable, event_name: Any) -> None:
        """Detach ``handler`` from ``event_name``; ValueError when it was not attached."""
        if isinstance(event_name, FilteredEvent):
            event_name = event_name.event
        entries = self._event_handlers.get(event_name, [])
        kept = [h for h in entries if not _same(h[0], handler)]
        if len(kept) == len(entries):
            raise ValueError(f"Input handler '{handler}' is not found among registered event "
                             f"handlers")
        self._event_handlers[event_name] = kept

    def fire_event(self, event_name: Any) -> None:
        """Call every handler of ``event_name`` now (also custom registered events)."""
        self._fire_event(event_name)

    def _fire_event(self, event_name: Any, *event_args: Any) -> None:
        self.last_event_name = event_name
        handlers = self._event_handlers.get(event_name)
        if not handlers:
            return
        count = None
        for func, args, kwargs, event_filter, pass_engine in list(handlers):
            if event_filter is not None:
                if count is None:
                    count = self.state.get_event_attrib_value(event_name)
                if not event_filter(self, count):
                    continue
            if pass_engine:
                func(self, *event_args, *args, **kwargs)
            else:
                func(*event_args, *args, **kwargs)

    # ---- control --------------------------------------------------------------------------

    def terminate(self, skip_completed: bool = False) -> None:
        """Stop the run after the current event; TERMINATE then COMPLETED still fire."""
        self.should_terminate = "skip_completed" if skip_completed else True

    def terminate_epoch(self, skip_epoch_completed: bool = False) -> None:
        """End the current epoch after the current iteration; the run goes on with the next."""
        self.should_terminate_single_epoch = ("skip_epoch_completed" if skip_epoch_completed
                                              else True)

    def _maybe_terminate(self) -> None:
        if self.should_terminate:
            raise _Terminate()
        if self.should_terminate_single_epoch:
            raise _TerminateSingleEpoch()

    def state_dict(self) -> dict[str, Any]:
        """``iteration``, ``epoch_length`` and ``max_epochs``: enough to resume a run."""
        return {"iteration": self.state.iteration, "epoch_length": self.state.epoch_length,
                "max_epochs": self.state.max_epochs}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore counters saved by :meth:`state_dict`; the next ``run`` continues from them."""
        for key in ("iteration", "epoch_length", "max_epochs"):
            if key not in state_dict:
                raise ValueError(f"Required state attribute '{key}' is absent in provided "
                                 f"state_dict '{list(state_dict)}'")
            setattr(self.state, key, state_dict[key])
        self.state.epoch = self.state.iteration // (self.state.epoch_length or 1)
        self._init_iter = None

    # ---- the loop -------------------------------------------------------------------------

    def _is_done(self) -> bool:
        s = self.state
        if s.epoch_length is not None and s.iteration >= s.epoch_length * s.max_epochs:
            return True
        return s.epoch >= s.max_epochs

    def run(self, data: Iterable | None = None, max_epochs: int | None = None,
            epoch_length: int | None = None) -> State:
        """Run over ``data`` for ``max_epochs`` epochs of ``epoch_length`` batches (default
        ``len(data)``) and return the state.

        As in Ignite, a run that was terminated or whose counters were set (``load_state_dict``
        or ``state.epoch``/``state.iteration``) resumes where it stopped; a finished run (or one
        with ``state.max_epochs = None``) starts again from zero. ``max_epochs`` may grow on
        resume.
        """
        if data is not None and not isinstance(data, Iterable):
            raise TypeError("Argument data should be iterable")
        s = self.state
        if s.max_epochs is not None and max_epochs is not None:
            if max_epochs < 1:
                raise ValueError("Argument max_epochs is invalid. Please, set a correct "
                                 "max_epochs positive value")
            if max_epochs < s.epoch:
                raise ValueError(f"Argument max_epochs should be greater than or equal to the "
                                 f"start epoch defined in the state: {max_epochs} vs {s.epoch}. "
                                 "Please, set engine.state.max_epochs = None before calling "
                                 "engine.run() in order to restart the training from the "
                                 "beginning.")
            s.max_epochs = max_epochs
        if s.max_epochs is None or self._is_done():  # a new run
            if epoch_length is None and data is not None and hasattr(data, "__len__"):
                epoch_length = len(data)
            if epoch_length is None:  # as Ignite: an iterator without len keeps the last one
                epoch_length = s.epoch_length
            if data is None and epoch_length is None:
                raise ValueError("epoch_length should be provided if data is None")
            if epoch_length is not None and epoch_length < 1:
                raise ValueError("Input data has zero size. Please provide non-empty data")
            s.iteration = s.epoch = 0
            s.max_epochs = 1 if max_epochs is None else max_epochs
            s.epoch_length = epoch_length
            self._init_iter = None
        else:  # resume
            if epoch_length is not None and s.epoch_length not in (None, epoch_length):
                raise ValueError(f"Argument epoch_length should be same as in the state, but "
                                 f"given {epoch_length} vs {s.epoch_length}")
            if s.epoch_length is None:
                s.epoch_length = epoch_length or (len(data) if hasattr(data, "__len__") else None)
            if self.should_terminate:  # terminated runs restart with a whole epoch
                self._init_iter = 0
        s.dataloader = data
        return self._internal_run()

    def _internal_run(self) -> State:
        self.should_terminate = self.should_terminate_single_epoch = False
        s = self.state
        s.times = {"EPOCH_COMPLETED": 0.0, "COMPLETED": 0.0}
        start = time.perf_counter()
        try:
            try:
                self._fire_event(Events.STARTED)
                self._maybe_terminate()
                while not self._is_done() and not self.should_terminate:
                    s.epoch += 1
                    epoch_start = time.perf_counter()
                    self._fire_event(Events.EPOCH_STARTED)
                    self._maybe_terminate()
                    if self._dataloader_iter is None:
                        self._setup_iter()
                        if self._init_iter is None and s.epoch_length:
                            self._init_iter = s.iteration % s.epoch_length
                    self._run_once_on_dataset()
                    s.times["EPOCH_COMPLETED"] = time.perf_counter() - epoch_start
                    if self.should_terminate_single_epoch != "skip_epoch_completed":
                        self._fire_event(Events.EPOCH_COMPLETED)
                    self.should_terminate_single_epoch = False
                    self._maybe_terminate()
            except _Terminate:
                self._fire_event(Events.TERMINATE)
            except _TerminateSingleEpoch:
                raise RuntimeError("The method terminate_epoch() should not be called on "
                                   "Event.STARTED or Event.EPOCH_STARTED.") from None
            s.times["COMPLETED"] = time.perf_counter() - start
            if self.should_terminate != "skip_completed":
                self._fire_event(Events.COMPLETED)
        except BaseException as e:
            self._dataloader_iter = None
            self._handle_exception(e)
        self._dataloader_iter = None
        return s

    def _handle_exception(self, e: BaseException) -> None:
        """EXCEPTION_RAISED handlers get ``(engine, e)``; without any, ``e`` propagates.

        Unlike Ignite, KeyboardInterrupt (and SystemExit) always propagate after the handlers,
        so Ctrl-C stops the program once they have saved what they need.
        """
        if self._event_handlers.get(Events.EXCEPTION_RAISED):
            self._fire_event(Events.EXCEPTION_RAISED, e)
            if isinstance(e, Exception):
                return
        raise e

    def _setup_iter(self) -> None:
        s = self.state
        data = s.dataloader if s.dataloader is not None else _none_batches(s.epoch_length)
        self._dataloader_iter = iter(data)

    def _run_once_on_dataset(self) -> None:
        s = self.state
        done_in_epoch = self._init_iter or 0
        self._init_iter = None
        restarted = False
        try:
            while True:
                s.batch = None
                try:
                    s.batch = next(self._dataloader_iter)
                except StopIteration:
                    if s.epoch_length is None:  # an iterator without len: its end ends epochs
                        s.epoch_length = done_in_epoch
                        break
                    if restarted:  # empty even after a restart: nothing more to run
                        break
                    self._setup_iter()  # the data ran out mid-run: start it again
                    restarted = True
                    continue
                restarted = False
                done_in_epoch += 1
                s.output = None
                s.iteration += 1
                self._fire_event(Events.ITERATION_STARTED)
                self._maybe_terminate()
                s.output = self._process_function(self, s.batch)
                self._fire_event(Events.ITERATION_COMPLETED)
                self._maybe_terminate()
                if s.epoch_length is not None and done_in_epoch == s.epoch_length:
                    break
        except _TerminateSingleEpoch:
            self._fire_event(Events.TERMINATE_SINGLE_EPOCH)
            self._setup_iter()


class RemovableEventHandle:
    """Returned by :meth:`Engine.add_event_handler`; ``remove()`` (or a ``with`` block) detaches."""

    def __init__(self, event_name: Any, handler: Callable, engine: Engine) -> None:
        self.event_name, self.handler, self.engine = event_name, handler, engine

    def remove(self) -> None:
        names = self.event_name if isinstance(self.event_name, list) else [self.event_name]
        for name in names:
            if self.engine.has_event_handler(self.handler, name):
                self.engine.remove_event_handler(self.handler, name)

    def __enter__(self) -> RemovableEventHandle:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.remove()


def _none_batches(n: int | None) -> Iterator[None]:
    for _ in range(n or 0):
        yield None


def _same(a: Callable, b: Callable) -> bool:
    return a == b or getattr(a, "_parent", None) is b


def _takes_engine(handler: Callable, args: tuple, kwargs: dict) -> bool:
    """Whether ``handler`` accepts ``(engine, *args, **kwargs)``; else it must take ``(*args,
    **kwargs)`` and is called without the engine (Ignite allows both)."""
    if not callable(handler):
        raise TypeError(f"Argument handler should be a callable, got {type(handler).__name__}")
    try:
        sig = inspect.signature(handler)
    except (TypeError, ValueError):  # some builtins have no signature: pass the engine
        return True
    try:
        sig.bind(None, *args, **kwargs)
        return True
    except TypeError:
        pass
    try:
        sig.bind(*args, **kwargs)
        return False
    except TypeError:
        raise ValueError(f"Error adding {handler} '{getattr(handler, '__name__', handler)}': "
                         f"takes parameters {list(sig.parameters)} but will be called with "
                         f"{['engine', *map(repr, args)]}(and {kwargs}).") from None
