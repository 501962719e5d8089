"""utils.data: datasets, samplers, collation (against PyTorch) and the DataLoader, including
worker processes: order, errors with the worker's traceback, killed workers, timeouts, and
clean shutdown (no processes left behind)."""

import collections
import multiprocessing as mp
import os
import signal
import time

import numpy as np
import pytest

import ember
from ember.utils.data import (
    BatchSampler,
    ConcatDataset,
    DataLoader,
    Dataset,
    DistributedSampler,
    IterableDataset,
    RandomSampler,
    SequentialSampler,
    StackDataset,
    Subset,
    SubsetRandomSampler,
    TensorDataset,
    WeightedRandomSampler,
    default_collate,
    get_worker_info,
    random_split,
)

Point = collections.namedtuple("Point", "x y")


def _norm(x):
    """Collated structure as plain Python, comparable between Ember and PyTorch."""
    if hasattr(x, "numpy") and hasattr(x, "dtype"):
        return ("tensor", str(x.dtype).split(".")[-1], x.numpy().tolist())
    if isinstance(x, dict):
        return {k: _norm(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return (type(x).__name__, [_norm(v) for v in x])
    return x


@pytest.mark.parametrize("batch", [
    [1, 2, 3],
    [1.5, 2.5],
    [True, False],
    ["a", "b"],
    [np.zeros((2, 3), np.float32), np.ones((2, 3), np.float32)],
    [np.int32(3), np.int32(4)],
    [(1, 2.0), (3, 4.0)],
    [[1, 2], [3, 4]],
    [{"a": 1, "b": [1.0, 2.0]}, {"a": 2, "b": [3.0, 4.0]}],
    [Point(1, 2), Point(3, 4)],
])
def test_default_collate_matches_torch(batch):
    pytest.importorskip("torch")
    from torch.utils.data import default_collate as t_collate

    assert _norm(default_collate(batch)) == _norm(t_collate(batch))


def test_collate_tensors_and_errors():
    out = default_collate([ember.ones(2, 3), ember.zeros(2, 3)])
    assert out.shape == (2, 2, 3) and out.dtype == ember.float32
    with pytest.raises(RuntimeError, match="stack expects each tensor to be equal size"):
        default_collate([ember.ones(2), ember.ones(3)])
    with pytest.raises(TypeError, match="default_collate: batch must contain"):
        default_collate([object(), object()])


def test_datasets():
    x, y = ember.tensor([[1.0], [2.0], [3.0]]), ember.tensor([0, 1, 0])
    ds = TensorDataset(x, y)
    assert len(ds) == 3 and ds[1][1].item() == 1
    with pytest.raises(AssertionError, match="Size mismatch between tensors"):
        TensorDataset(ember.zeros(3), ember.zeros(4))
    cat = ConcatDataset([ds, ds])
    assert len(cat) == 6 and cat[4][0].item() == 2.0 and cat[-1][0].item() == 3.0
    assert len(ds + ds) == 6
    sub = Subset(ds, [2, 0])
    assert len(sub) == 2 and sub[0][0].item() == 3.0
    st = StackDataset(a=ds, b=ds)
    assert st[0]["a"][0].item() == 1.0


def test_random_split_lengths_fractions_and_seed():
    ds = TensorDataset(ember.tensor(list(range(10))))
    a, b = random_split(ds, [0.3, 0.7], generator=ember.Generator().manual_seed(1))
    assert (len(a), len(b)) == (3, 7)
    assert sorted(a.indices + b.indices) == list(range(10))
    c, _ = random_split(ds, [3, 7], generator=ember.Generator().manual_seed(1))
    assert c.indices == a.indices
    with pytest.raises(ValueError, match="Sum of input lengths does not equal"):
        random_split(ds, [3, 3])


def test_samplers():
    data = list(range(10))
    assert list(SequentialSampler(data)) == data
    ember.manual_seed(0)
    perm = list(RandomSampler(data))
    assert sorted(perm) == data
    ember.manual_seed(0)
    assert list(RandomSampler(data)) == perm
    r = list(RandomSampler(data, replacement=True, num_samples=25))
    assert len(r) == 25 and set(r) <= set(data)
    with pytest.raises(ValueError, match="num_samples should be a positive integer"):
        RandomSampler(data, num_samples=0)
    assert sorted(SubsetRandomSampler([3, 5, 7])) == [3, 5, 7]
    w = list(WeightedRandomSampler([0.0, 0.0, 1.0], 20))
    assert w == [2] * 20
    assert list(BatchSampler(range(7), 3, False)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert len(BatchSampler(range(7), 3, True)) == 2
    parts = [list(DistributedSampler(data, 3, r, shuffle=False)) for r in range(3)]
    assert [len(p) for p in parts] == [4, 4, 4]
    assert sorted(set(sum(parts, []))) == data


def test_dataloader_options_errors_match_torch():
    ds = TensorDataset(ember.zeros(5))
    with pytest.raises(ValueError, match="sampler option is mutually exclusive with shuffle"):
        DataLoader(ds, shuffle=True, sampler=[0, 1])
    with pytest.raises(ValueError, match="batch_sampler option is mutually exclusive"):
        DataLoader(ds, batch_size=2, batch_sampler=[[0]])
    with pytest.raises(ValueError, match="num_workers option should be non-negative"):
        DataLoader(ds, num_workers=-1)


def test_single_process_batches_shuffle_and_len():
    x = ember.tensor(np.arange(10, dtype=np.float32))
    dl = DataLoader(TensorDataset(x), batch_size=4, shuffle=True, drop_last=False)
    assert len(dl) == 3
    ember.manual_seed(3)
    first = [b[0].tolist() for b in dl]
    ember.manual_seed(3)
    again = [b[0].tolist() for b in dl]
    assert first == again and sorted(sum(first, [])) == list(range(10))
    assert len(DataLoader(TensorDataset(x), batch_size=4, drop_last=True)) == 2
    single = list(DataLoader(TensorDataset(x), batch_size=None))
    assert len(single) == 10 and single[0][0].shape == ()


class Squares(Dataset):
    def __init__(self, n=40, delay=0.0, fail_at=None, die_at=None, hang_at=None):
        self.n, self.delay, self.fail_at, self.die_at, self.hang_at = n, delay, fail_at, die_at, hang_at

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        if i == self.fail_at:
            raise KeyError(f"bad sample {i}")
        if i == self.die_at:
            os.kill(os.getpid(), signal.SIGKILL)
        if i == self.hang_at:
            time.sleep(30)
        time.sleep(self.delay)
        info = get_worker_info()
        return np.float32(i * i), -1 if info is None else info.id


def test_workers_keep_order_and_use_all_workers():
    dl = DataLoader(Squares(40), batch_size=4, num_workers=2)
    values, workers = [], set()
    for x, w in dl:
        values += x.tolist()
        workers |= set(w.tolist())
    assert values == [float(i * i) for i in range(40)]
    assert workers == {0, 1}


def test_worker_exception_reraised_with_traceback():
    dl = DataLoader(Squares(20, fail_at=13), batch_size=4, num_workers=2)
    with pytest.raises(KeyError) as e:
        list(dl)
    msg = str(e.value)
    assert "Caught KeyError in DataLoader worker process" in msg and "bad sample 13" in msg
    assert "__getitem__" in msg


def test_killed_worker_raises_runtime_error_quickly():
    dl = DataLoader(Squares(20, die_at=9), batch_size=2, num_workers=2)
    start = time.time()
    with pytest.raises(RuntimeError, match="exited unexpectedly"):
        list(dl)
    assert time.time() - start < 10


def test_timeout():
    dl = DataLoader(Squares(8, hang_at=2), batch_size=1, num_workers=1, timeout=1)
    with pytest.raises(RuntimeError, match="DataLoader timed out after 1 seconds"):
        list(dl)


def _children():
    return [p for p in mp.active_children()]


def test_break_and_delete_leave_no_processes():
    dl = DataLoader(Squares(200, delay=0.001), batch_size=2, num_workers=2)
    for i, _ in enumerate(dl):
        if i == 3:
            break
    del _
    import gc

    gc.collect()
    deadline = time.time() + 5
    while _children() and time.time() < deadline:
        time.sleep(0.05)
    assert _children() == []


def test_persistent_workers_reuse_processes():
    dl = DataLoader(Squares(12), batch_size=4, num_workers=2, persistent_workers=True)
    first = [x.tolist() for x, _ in dl]
    pids = {p.pid for p in dl._persistent_iter.workers}
    second = [x.tolist() for x, _ in dl]
    assert first == second and {p.pid for p in dl._persistent_iter.workers} == pids
    dl._persistent_iter._shutdown()


def test_worker_seeds_reproducible_and_distinct():
    class Rand(Dataset):
        def __len__(self):
            return 8

        def __getitem__(self, i):
            return ember.rand(1).item()

    def run():
        ember.manual_seed(7)
        return [b.tolist() for b in DataLoader(Rand(), batch_size=2, num_workers=2)]

    a, b = run(), run()
    assert a == b
    assert len({v for batch in a for v in batch}) == 8


class Stream(IterableDataset):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        info = get_worker_info()
        if info is None:
            return iter(range(self.n))
        return iter(range(info.id, self.n, info.num_workers))


def test_iterable_dataset_single_and_sharded_workers():
    assert [b.tolist() for b in DataLoader(Stream(7), batch_size=3)] == [[0, 1, 2], [3, 4, 5], [6]]
    got = sorted(v for b in DataLoader(Stream(9), batch_size=2, num_workers=3) for v in b.tolist())
    assert got == list(range(9))
    with pytest.raises(ValueError, match="expected unspecified shuffle option"):
        DataLoader(Stream(3), shuffle=True)
