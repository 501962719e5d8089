"""What runs inside a DataLoader worker process, and ``get_worker_info``."""

from __future__ import annotations

import queue
import random
import sys
import traceback
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class WorkerInfo:
    """Available inside a worker through ``get_worker_info()``."""

    id: int
    num_workers: int
    seed: int
    dataset: object


_info: WorkerInfo | None = None


def get_worker_info() -> WorkerInfo | None:
    """This worker's id, count, seed and dataset copy; None in the main process."""
    return _info


class ExceptionWrapper:
    """An exception raised in a worker, carried to the main process with its traceback."""

    def __init__(self, where: str) -> None:
        exc_type, exc, _ = sys.exc_info()
        self.exc_type = exc_type
        self.msg = f"Caught {exc_type.__name__} {where}.\nOriginal {traceback.format_exc()}"

    def reraise(self):
        try:
            err = self.exc_type(self.msg)
        except Exception:
            raise RuntimeError(self.msg) from None
        raise err


class StopMarker:
    """Sent by an iterable-dataset worker whose stream has ended."""


def seed_worker(seed: int) -> None:
    """Seed every generator a transform might use: Ember's, NumPy's legacy one, Python's."""
    from ...random import manual_seed

    manual_seed(seed)
    random.seed(seed)
    np.random.seed(seed % 2**32)


def worker_loop(dataset, fetch, index_queue, result_queue, done_event, worker_id: int,
                num_workers: int, seed: int, init_fn, iterable: bool) -> None:
    """Take (task id, indices) from ``index_queue``; put (task id, batch) on ``result_queue``."""
    global _info
    seed_worker(seed)
    _info = WorkerInfo(worker_id, num_workers, seed, dataset)
    init_error = None
    if init_fn is not None:
        try:
            init_fn(worker_id)
        except Exception:
            init_error = ExceptionWrapper(f"in DataLoader worker process {worker_id}")
    stream = iter(dataset) if iterable else None
    exhausted = False
    while not done_event.is_set():
        try:
            task = index_queue.get(timeout=0.1)
        except queue.Empty:
            continue
        if task is None:
            break
        task_id, indices = task
        if init_error is not None:
            data, init_error = init_error, None
        elif exhausted:
            data = StopMarker()
        else:
            try:
                data = fetch(stream if iterable else indices)
            except StopIteration:
                exhausted = True
                data = StopMarker()
            except Exception:
                data = ExceptionWrapper(f"in DataLoader worker process {worker_id}")
        result_queue.put((task_id, data))
    result_queue.cancel_join_thread()
