"""CIFAR (restricted unpickling), ImageFolder (real PNG/JPEG files) and FakeData."""

import hashlib
import os
import pickle

import numpy as np
import pytest

import ember
from ember.utils.data import DataLoader
from ember.vision import datasets, transforms

Image = pytest.importorskip("PIL.Image")


def _md5(path):
    return hashlib.md5(open(path, "rb").read()).hexdigest()


def _fake_cifar(root, n=20):
    folder = root / "cifar-10-batches-py"
    folder.mkdir(parents=True)
    rng = np.random.default_rng(0)
    files = {}
    for name in ("data_batch_1", "test_batch"):
        entry = {"data": rng.integers(0, 256, (n, 3072), dtype=np.uint8),
                 "labels": list(rng.integers(0, 10, n).tolist())}
        with open(folder / name, "wb") as f:
            pickle.dump(entry, f, protocol=2)
        files[name] = _md5(folder / name)
    with open(folder / "batches.meta", "wb") as f:
        pickle.dump({"label_names": [f"class{i}" for i in range(10)]}, f, protocol=2)

    class SmallCIFAR(datasets.CIFAR10):
        train_list = [["data_batch_1", files["data_batch_1"]]]
        test_list = [["test_batch", files["test_batch"]]]
        meta = {"filename": "batches.meta", "key": "label_names",
                "md5": _md5(folder / "batches.meta")}

    return SmallCIFAR, folder


def test_cifar_reads_batches(tmp_path):
    cls, _ = _fake_cifar(tmp_path)
    ds = cls(tmp_path, train=True, transform=transforms.ToTensor())
    x, y = ds[0]
    assert len(ds) == 20 and x.shape == (3, 32, 32) and 0 <= y < 10
    assert ds.data.shape == (20, 32, 32, 3) and ds.classes[3] == "class3"


class _Evil:
    def __reduce__(self):
        return (os.system, ("echo pwned > /tmp/ember_cifar_pwned",))


def test_cifar_refuses_code_in_pickles(tmp_path):
    cls, folder = _fake_cifar(tmp_path)
    with open(folder / "data_batch_1", "wb") as f:
        pickle.dump({"data": _Evil(), "labels": []}, f, protocol=2)
    cls.train_list = [["data_batch_1", _md5(folder / "data_batch_1")]]
    with pytest.raises(pickle.UnpicklingError, match="refusing to load"):
        cls(tmp_path, train=True)
    assert not os.path.exists("/tmp/ember_cifar_pwned")


def test_cifar_missing_raises(tmp_path):
    with pytest.raises(RuntimeError, match="Dataset not found or corrupted"):
        datasets.CIFAR10(tmp_path)


def test_image_folder_with_png_and_jpeg(tmp_path):
    rng = np.random.default_rng(1)
    for cls_name, ext in (("cat", "png"), ("dog", "jpg")):
        (tmp_path / cls_name).mkdir()
        for i in range(3):
            arr = rng.integers(0, 256, (10, 12, 3), dtype=np.uint8)
            Image.fromarray(arr).save(tmp_path / cls_name / f"{i}.{ext}")
    (tmp_path / "cat" / "notes.txt").write_text("not an image")
    ds = datasets.ImageFolder(str(tmp_path), transform=transforms.ToTensor())
    assert ds.classes == ["cat", "dog"] and ds.class_to_idx == {"cat": 0, "dog": 1}
    assert len(ds) == 6 and ds.targets == [0, 0, 0, 1, 1, 1]
    x, y = ds[4]
    assert x.shape == (3, 10, 12) and y == 1
    batch = next(iter(DataLoader(ds, batch_size=6)))
    assert batch[0].shape == (6, 3, 10, 12)
    with pytest.raises(FileNotFoundError, match="Couldn't find any class folder"):
        datasets.ImageFolder(str(tmp_path / "cat"))


def test_fake_data_is_reproducible():
    ds = datasets.FakeData(size=5, image_size=(1, 8, 8), num_classes=3,
                           transform=transforms.ToTensor())
    a, b = ds[2], ds[2]
    assert a[0].shape == (1, 8, 8) and a[1] == b[1]
    assert ember.equal(a[0], b[0])
    with pytest.raises(IndexError):
        ds[5]
