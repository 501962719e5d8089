"""``DataLoader``: batches from a dataset, in the main process or in worker processes.

NOTE [ Worker processes ]
Each worker has its own index queue; all share one result queue. The main process keeps
``prefetch_factor * num_workers`` tasks in flight, hands them out round robin, and yields results
in task order (out-of-order arrivals wait in a dict). A worker's exception travels back as an
``ExceptionWrapper`` and is re-raised with the worker's traceback. While waiting, the main
process polls the workers, so one killed by a signal is reported within a second (or within
``timeout``). Exhausting, breaking out of, or deleting the iterator stops and joins the workers.
"""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing as mp
import queue
import warnings

from ...random import default_generator
from ._collate import default_collate, default_convert
from ._worker import ExceptionWrapper, StopMarker, worker_loop
from .dataset import IterableDataset
from .sampler import BatchSampler, RandomSampler, SequentialSampler

_POLL = 0.5  # seconds between liveness checks while waiting for a batch


class _MapFetcher:
    """Load the samples at a list of indices and collate them (or convert one sample)."""

    def __init__(self, dataset, collate_fn, batched: bool) -> None:
        self.dataset, self.collate_fn, self.batched = dataset, collate_fn, batched

    def __call__(self, indices):
        if not self.batched:
            return self.collate_fn(self.dataset[indices])
        getitems = getattr(self.dataset, "__getitems__", None)
        data = getitems(indices) if callable(getitems) else [self.dataset[i] for i in indices]
        return self.collate_fn(data)


class _IterFetcher:
    """Take the next ``batch_size`` samples from an iterable dataset's stream."""

    def __init__(self, collate_fn, batch_size, drop_last: bool) -> None:
        self.collate_fn, self.batch_size, self.drop_last = collate_fn, batch_size, drop_last

    def __call__(self, stream):
        if self.batch_size is None:
            return self.collate_fn(next(stream))
        data = list(itertools.islice(stream, self.batch_size))
        if not data or (self.drop_last and len(data) < self.batch_size):
            raise StopIteration
        return self.collate_fn(data)


class DataLoader:
    """Iterate over ``dataset`` in batches, as ``torch.utils.data.DataLoader``.

    Args:
        dataset: map-style (``__getitem__``/``__len__``) or ``IterableDataset``.
        batch_size: samples per batch (None: no batching, samples converted one by one).
        shuffle: reshuffle every epoch (a ``RandomSampler``).
        sampler / batch_sampler: custom index order / index groups.
        num_workers: worker processes (0: load in the main process).
        collate_fn: merges a list of samples into a batch (``default_collate``).
        drop_last: drop the last incomplete batch.
        timeout: seconds to wait for a worker's batch before raising (0: no limit).
        worker_init_fn: called with the worker id in each worker.
        generator: the ``ember.Generator`` for shuffling and worker seeds.
        prefetch_factor: batches each worker loads ahead (default 2 with workers).
        persistent_workers: keep the workers between epochs.
        pin_memory: accepted; a no-op on the CPU.
    """

    def __init__(self, dataset, batch_size: int | None = 1, shuffle: bool | None = None,
                 sampler=None, batch_sampler=None, num_workers: int = 0, collate_fn=None,
                 pin_memory: bool = False, drop_last: bool = False, timeout: float = 0,
                 worker_init_fn=None, multiprocessing_context=None, generator=None, *,
                 prefetch_factor: int | None = None, persistent_workers: bool = False,
                 pin_memory_device: str = "", in_order: bool = True) -> None:
        if num_workers < 0:
            raise ValueError(
                "num_workers option should be non-negative; use num_workers=0 to disable "
                "multiprocessing."
            )
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError(
                "prefetch_factor option could only be specified in multiprocessing.let "
                "num_workers > 0 to enable multiprocessing, otherwise set prefetch_factor to "
                "None."
            )
        if num_workers > 0 and prefetch_factor is None:
            prefetch_factor = 2
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")
        self.dataset = dataset
        self.num_workers = num_workers
        self.prefetch_factor = prefetch_factor
        self.pin_memory = pin_memory
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = multiprocessing_context
        self.persistent_workers = persistent_workers
        self.generator = generator
        self._iterable = isinstance(dataset, IterableDataset)
        if self._iterable:
            if shuffle not in (None, False):
                raise ValueError(
                    f"DataLoader with IterableDataset: expected unspecified shuffle option, but "
                    f"got shuffle={shuffle}"
                )
            if sampler is not None:
                raise ValueError(
                    f"DataLoader with IterableDataset: expected unspecified sampler option, but "
                    f"got sampler={sampler}"
                )
            if batch_sampler is not None:
                raise ValueError(
                    "DataLoader with IterableDataset: expected unspecified batch_sampler "
                    f"option, but got batch_sampler={batch_sampler}"
                )
        else:
            shuffle = bool(shuffle)
            if sampler is not None and shuffle:
                raise ValueError("sampler option is mutually exclusive with shuffle")
            if batch_sampler is not None:
                if batch_size != 1 or shuffle or sampler is not None or drop_last:
                    raise ValueError(
                        "batch_sampler option is mutually exclusive with batch_size, shuffle, "
                        "sampler, and drop_last"
                    )
                batch_size = None
                drop_last = False
            elif batch_size is None and drop_last:
                raise ValueError(
                    "batch_size=None option disables auto-batching and is mutually exclusive "
                    "with drop_last"
                )
            if sampler is None:
                sampler = (RandomSampler(dataset, generator=generator) if shuffle
                           else SequentialSampler(dataset))
            if batch_size is not None and batch_sampler is None:
                batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        if collate_fn is None:
            collate_fn = default_collate if self._auto_collation else default_convert
        self.collate_fn = collate_fn
        self._persistent_iter = None

    @property
    def _auto_collation(self) -> bool:
        return self.batch_sampler is not None or (self._iterable and self.batch_size is not None)

    @property
    def _index_sampler(self):
        return self.batch_sampler if self._auto_collation else self.sampler

    def _fetcher(self):
        if self._iterable:
            return _IterFetcher(self.collate_fn, self.batch_size, self.drop_last)
        return _MapFetcher(self.dataset, self.collate_fn, self._auto_collation)

    def __iter__(self):
        if self.num_workers == 0:
            return _SingleProcessIter(self)
        if self.persistent_workers:
            if self._persistent_iter is None:
                self._persistent_iter = _MultiProcessIter(self)
            else:
                self._persistent_iter._reset()
            return self._persistent_iter
        return _MultiProcessIter(self)

    def __len__(self) -> int:
        if self._iterable:
            n = len(self.dataset)
            if self.batch_size is not None:
                return n // self.batch_size if self.drop_last else -(-n // self.batch_size)
            return n
        return len(self._index_sampler)


class _SingleProcessIter:
    def __init__(self, loader: DataLoader) -> None:
        self.fetch = loader._fetcher()
        self.iterable = loader._iterable
        self.stream = iter(loader.dataset) if self.iterable else None
        self.indices = None if self.iterable else iter(loader._index_sampler)

    def __iter__(self):
        return self

    def __next__(self):
        if self.iterable:
            return self.fetch(self.stream)
        return self.fetch(next(self.indices))


class _MultiProcessIter:
    """See NOTE [ Worker processes ] at the top of this file."""

    def __init__(self, loader: DataLoader) -> None:
        self.loader = loader
        ctx = loader.multiprocessing_context
        if ctx is None:
            ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
        elif isinstance(ctx, str):
            ctx = mp.get_context(ctx)
        self.n = loader.num_workers
        self.timeout = loader.timeout
        base_seed = int(default_generator.np.integers(0, 2**62)) if loader.generator is None \
            else int(loader.generator.np.integers(0, 2**62))
        self.result_queue = ctx.Queue()
        self.done_event = ctx.Event()
        self.index_queues, self.workers = [], []
        for i in range(self.n):
            q = ctx.Queue()
            q.cancel_join_thread()
            w = ctx.Process(
                target=worker_loop,
                args=(loader.dataset, loader._fetcher(), q, self.result_queue, self.done_event,
                      i, self.n, base_seed + i, loader.worker_init_fn, loader._iterable),
                daemon=True,
            )
            w.start()
            self.index_queues.append(q)
            self.workers.append(w)
        self.shutdown = False
        self._reset()

    def _reset(self) -> None:
        self.tasks = iter(self.loader._index_sampler) if not self.loader._iterable \
            else itertools.repeat(None)
        self.send_idx = 0
        self.rcvd_idx = 0
        self.pending: dict = {}
        self.task_worker: dict = {}
        self.active = set(range(self.n))
        self.next_worker = itertools.cycle(range(self.n))
        for _ in range(self.loader.prefetch_factor * self.n):
            self._send()

    def _send(self) -> None:
        if not self.active:
            return
        try:
            indices = next(self.tasks)
        except StopIteration:
            return
        while True:
            w = next(self.next_worker)
            if w in self.active:
                break
        self.index_queues[w].put((self.send_idx, indices))
        self.task_worker[self.send_idx] = w
        self.send_idx += 1

    def __iter__(self):
        return self

    def __next__(self):
        while True:
            if self.rcvd_idx >= self.send_idx:
                if not self.loader.persistent_workers:
                    self._shutdown()
                raise StopIteration
            if self.rcvd_idx in self.pending:
                data = self.pending.pop(self.rcvd_idx)
            else:
                task_id, data = self._get()
                if task_id != self.rcvd_idx:
                    self.pending[task_id] = data
                    continue
            worker = self.task_worker.pop(self.rcvd_idx)
            self.rcvd_idx += 1
            if isinstance(data, StopMarker):
                self.active.discard(worker)
                continue
            self._send()
            if isinstance(data, ExceptionWrapper):
                self._shutdown()
                data.reraise()
            return data

    def _get(self):
        waited = 0.0
        while True:
            try:
                return self.result_queue.get(timeout=_POLL)
            except queue.Empty:
                waited += _POLL
            dead = [w for w in self.workers if not w.is_alive()]
            if dead:
                self._shutdown()
                w = dead[0]
                raise RuntimeError(
                    f"DataLoader worker (pid(s) {w.pid}) exited unexpectedly with exit code "
                    f"{w.exitcode}"
                    + (f" (killed by signal {-w.exitcode})" if w.exitcode and w.exitcode < 0
                       else "")
                )
            if self.timeout and waited >= self.timeout:
                self._shutdown()
                raise RuntimeError(f"DataLoader timed out after {self.timeout} seconds")

    def _shutdown(self) -> None:
        if self.shutdown:
            return
        self.shutdown = True
        self.done_event.set()
        for q in self.index_queues:
            with contextlib.suppress(OSError, ValueError):
                q.put(None)
        for w in self.workers:
            w.join(timeout=2)
            if w.is_alive():
                w.terminate()
                w.join(timeout=1)
        for q in (*self.index_queues, self.result_queue):
            q.cancel_join_thread()
            q.close()

    def __del__(self) -> None:
        try:
            self._shutdown()
        except Exception as e:  # interpreter shutdown: nothing left to clean
            warnings.warn(f"DataLoader worker shutdown failed: {e}", stacklevel=1)
