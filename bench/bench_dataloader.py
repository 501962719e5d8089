"""DataLoader throughput: 2 worker processes vs the main process, with a transform costing
about 1 ms per sample (issue target: an epoch takes <= 0.6x the single-process time).

    python bench/bench_dataloader.py            # 10,000 samples
    python bench/bench_dataloader.py --quick    # 2,000 samples
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from ember.utils.data import DataLoader, Dataset


class SlowTransformDataset(Dataset):
    """MNIST-sized images whose 'transform' is ~1 ms of NumPy work."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.images = np.random.default_rng(0).random((64, 28, 28), dtype=np.float32)

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, i: int):
        img = self.images[i % 64]
        deadline = time.perf_counter() + 0.001
        while time.perf_counter() < deadline:  # stands in for decoding + augmentation
            img = np.sqrt(img * img + 1e-3)
        return img, i % 10


def epoch_time(n: int, workers: int) -> float:
    loader = DataLoader(SlowTransformDataset(n), batch_size=64, shuffle=True,
                        num_workers=workers)
    start = time.perf_counter()
    for _ in loader:
        pass
    return time.perf_counter() - start


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--quick", action="store_true")
    n = 2000 if p.parse_args().quick else 10000
    single = epoch_time(n, 0)
    double = epoch_time(n, 2)
    print(f"{n} samples, ~1 ms transform each")
    print(f"num_workers=0: {single:6.2f} s")
    print(f"num_workers=2: {double:6.2f} s   ratio {double / single:.2f} (target <= 0.6)")


if __name__ == "__main__":
    main()
