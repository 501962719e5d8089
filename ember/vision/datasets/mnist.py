"""The MNIST family: MNIST, FashionMNIST, KMNIST, EMNIST, read from IDX files.

Files live in ``root/<ClassName>/raw/`` as torchvision lays them out, gzipped or not.
``__getitem__`` returns a PIL image (mode 'L') and an int, before transforms, like torchvision;
without Pillow installed it returns the uint8 (28, 28) NumPy array instead (``ToTensor``
accepts both).
"""

from __future__ import annotations

import gzip
import os
import string
import urllib.error

import numpy as np

from ...tensor import Tensor
from .utils import check_integrity, download_and_extract_archive, download_url, extract_archive
from .vision import VisionDataset

_IDX_TYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def read_idx(path: str) -> np.ndarray:
    """An IDX file (gzip or plain) as a NumPy array (big-endian types made native)."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] not in _IDX_TYPES:
        raise RuntimeError(f"{path} is not an IDX file")
    ndim = data[3]
    shape = tuple(int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    dtype = np.dtype(_IDX_TYPES[data[2]])
    arr = np.frombuffer(data, dtype, offset=4 + 4 * ndim)
    if arr.size != int(np.prod(shape)):
        raise RuntimeError(f"{path}: header says {shape} but holds {arr.size} values")
    return arr.reshape(shape).astype(dtype.newbyteorder("="), copy=False)


def _find(folder: str, name: str) -> str | None:
    for candidate in (name, name + ".gz"):
        p = os.path.join(folder, candidate)
        if os.path.isfile(p):
            return p
    return None


def _to_pil(arr: np.ndarray):
    try:
        from PIL import Image
    except ImportError:
        return arr
    return Image.fromarray(arr, mode="L")


class MNIST(VisionDataset):
    """MNIST handwritten digits (60,000 train / 10,000 test, 28x28 grey).

    Args:
        root: folder holding ``MNIST/raw/``.
        train: the training split (else the test split).
        transform / target_transform: applied to the image / the label.
        download: fetch the files (MD5-checked) when they are missing.
    """

    mirrors = ["https://ossci-datasets.s3.amazonaws.com/mnist/",
               "http://yann.lecun.com/exdb/mnist/"]
    resources = [
        ("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
        ("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432"),
        ("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3"),
        ("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c"),
    ]
    classes = ["0 - zero", "1 - one", "2 - two", "3 - three", "4 - four", "5 - five",
               "6 - six", "7 - seven", "8 - eight", "9 - nine"]

    def __init__(self, root, train: bool = True, transform=None, target_transform=None,
                 download: bool = False) -> None:
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        if download:
            self.download()
        if not self._check_exists():
            raise RuntimeError("Dataset not found. You can use download=True to download it")
        self.data, self.targets = self._load_data()

    @property
    def raw_folder(self) -> str:
        return os.path.join(self.root, type(self).__name__, "raw")

    @property
    def processed_folder(self) -> str:
        return os.path.join(self.root, type(self).__name__, "processed")

    @property
    def class_to_idx(self) -> dict:
        return {c: i for i, c in enumerate(self.classes)}

    def _files(self) -> tuple[str, str]:
        prefix = "train" if self.train else "t10k"
        return f"{prefix}-images-idx3-ubyte", f"{prefix}-labels-idx1-ubyte"

    def _folders(self) -> list[str]:
        """Where to look: torchvision's ``root/MNIST/raw``, then ``root/mnist`` and ``root``
        (so a plain folder of the four IDX files works too)."""
        return [self.raw_folder, os.path.join(self.root, type(self).__name__.lower()), self.root]

    def _locate(self, name: str) -> str | None:
        for folder in self._folders():
            path = _find(folder, name)
            if path:
                return path
        return None

    def _check_exists(self) -> bool:
        return all(self._locate(f) for f in self._files())

    def _load_data(self):
        images, labels = (read_idx(self._locate(f)) for f in self._files())
        return Tensor._make(images), Tensor._make(labels.astype(np.int64))

    def __getitem__(self, index: int):
        img, target = self.data._data[index], int(self.targets._data[index])
        img = _to_pil(img)
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def __len__(self) -> int:
        return len(self.data._data)

    def download(self) -> None:
        """Fetch each missing file from the first mirror that serves it, MD5-checked."""
        if self._check_exists():
            return
        os.makedirs(self.raw_folder, exist_ok=True)
        for filename, md5 in self.resources:
            errors = []
            for mirror in self.mirrors:
                try:
                    download_and_extract_archive(mirror + filename, self.raw_folder,
                                                 filename=filename, md5=md5)
                except (RuntimeError, urllib.error.URLError, OSError) as e:
                    errors.append((mirror, e))
                    continue
                break
            else:
                lines = [f"Error downloading {filename}:"]
                for mirror, err in errors:
                    lines.append(f"Tried {mirror}, got:\n{err}")
                raise RuntimeError("\n".join(lines))

    def extra_repr(self) -> str:
        return f"Split: {'Train' if self.train is True else 'Test'}"


class FashionMNIST(MNIST):
    """Zalando's Fashion-MNIST (same format as MNIST)."""

    mirrors = ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"]
    resources = [
        ("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
        ("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe"),
        ("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79"),
        ("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310"),
    ]
    classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
               "Sneaker", "Bag", "Ankle boot"]


class KMNIST(MNIST):
    """Kuzushiji-MNIST (cursive Japanese characters)."""

    mirrors = ["http://codh.rois.ac.jp/kmnist/dataset/kmnist/"]
    resources = [
        ("train-images-idx3-ubyte.gz", "bdb82020997e1d708af4cf47b453dcf7"),
        ("train-labels-idx1-ubyte.gz", "e144d726b3acfaa3e44228e80efcd344"),
        ("t10k-images-idx3-ubyte.gz", "5c965bf0a639b31b8f53240b1b52f4d7"),
        ("t10k-labels-idx1-ubyte.gz", "7320c461ea6c1c855c0b718fb2a4b134"),
    ]
    classes = ["o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re", "wo"]


class EMNIST(MNIST):
    """Extended MNIST: letters and digits in six splits."""

    url = "https://biometrics.nist.gov/cs_links/EMNIST/gzip.zip"
    md5 = "58c8d27c78d21e728a6bc7b3cc06412e"
    splits = ("byclass", "bymerge", "balanced", "letters", "digits", "mnist")
    _merged = set("cijklmopsuvwxyz")
    _all = list(string.digits + string.ascii_uppercase + string.ascii_lowercase)
    classes_split_dict = {
        "byclass": _all,
        "bymerge": sorted(set(_all) - _merged),
        "balanced": sorted(set(_all) - _merged),
        "letters": ["N/A"] + list(string.ascii_lowercase),
        "digits": list(string.digits),
        "mnist": list(string.digits),
    }

    def __init__(self, root, split: str, **kwargs) -> None:
        if split not in self.splits:
            raise ValueError(
                f"Unknown value '{split}' for argument split. Valid values are "
                f"{{{', '.join(repr(s) for s in self.splits)}}}."
            )
        self.split = split
        self.classes = self.classes_split_dict[split]
        super().__init__(root, **kwargs)

    def _files(self) -> tuple[str, str]:
        prefix = f"emnist-{self.split}-{'train' if self.train else 'test'}"
        return f"{prefix}-images-idx3-ubyte", f"{prefix}-labels-idx1-ubyte"

    def _load_data(self):
        data, targets = super()._load_data()
        return Tensor._make(np.ascontiguousarray(data._data.transpose(0, 2, 1))), targets

    def download(self) -> None:
        if self._check_exists():
            return
        os.makedirs(self.raw_folder, exist_ok=True)
        download_url(self.url, self.raw_folder, "emnist.zip", self.md5)
        folder = extract_archive(os.path.join(self.raw_folder, "emnist.zip"), self.raw_folder)
        gz = os.path.join(folder, "gzip")
        for name in os.listdir(gz):
            if name.endswith(".gz"):
                os.replace(os.path.join(gz, name), os.path.join(self.raw_folder, name))


__all__ = ["MNIST", "FashionMNIST", "KMNIST", "EMNIST", "read_idx", "check_integrity"]
