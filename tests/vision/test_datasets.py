"""MNIST-family datasets on the real MNIST test files: layout, items, errors, and download
from a local HTTP server (MD5-checked, resumable)."""

import functools
import gzip
import hashlib
import http.server
import os
import shutil
import threading
from pathlib import Path

import numpy as np
import pytest

import ember
from ember.vision import datasets, transforms
from ember.vision.datasets.mnist import read_idx

DATA = Path(os.environ.get("EMBER_DATA", Path(__file__).resolve().parents[3] / "shared" / "data"))
MNIST_DIR = DATA / "mnist"
pytestmark = pytest.mark.skipif(not MNIST_DIR.is_dir(), reason=f"no MNIST files in {DATA}")
FILES = ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")


def _raw_root(tmp_path, cls="MNIST", train=False):
    raw = tmp_path / cls / "raw"
    raw.mkdir(parents=True)
    for f in FILES:
        target = f.replace("t10k", "train") if train else f
        shutil.copy(MNIST_DIR / f, raw / target)
    return tmp_path


def test_idx_reader_reads_the_real_files():
    images = read_idx(str(MNIST_DIR / FILES[0]))
    labels = read_idx(str(MNIST_DIR / FILES[1]))
    assert images.shape == (10000, 28, 28) and images.dtype == np.uint8
    assert labels.shape == (10000,) and set(np.unique(labels)) == set(range(10))
    with gzip.open(MNIST_DIR / FILES[1]) as f:
        assert f.read()[:4] == b"\x00\x00\x08\x01"


def test_mnist_items_and_attributes(tmp_path):
    ds = datasets.MNIST(_raw_root(tmp_path), train=False)
    assert len(ds) == 10000 and ds.data.shape == (10000, 28, 28)
    assert ds.targets.dtype == ember.int64 and ds.class_to_idx["7 - seven"] == 7
    img, label = ds[0]
    pytest.importorskip("PIL")
    assert img.size == (28, 28) and img.mode == "L" and label == 7
    ds = datasets.MNIST(tmp_path, train=False, transform=transforms.ToTensor(),
                        target_transform=lambda y: y + 100)
    x, y = ds[1]
    assert x.shape == (1, 28, 28) and x.dtype == ember.float32 and 0 <= x.min() <= x.max() <= 1
    assert y == int(ds.targets[1]) + 100
    assert repr(ds).startswith("Dataset MNIST\n    Number of datapoints: 10000")


def test_train_split_from_a_built_raw_folder(tmp_path):
    ds = datasets.FashionMNIST(_raw_root(tmp_path, "FashionMNIST", train=True), train=True)
    assert len(ds) == 10000 and ds.classes[0] == "T-shirt/top"


def test_missing_dataset_raises_torchvisions_error(tmp_path):
    with pytest.raises(RuntimeError, match="Dataset not found. You can use download=True"):
        datasets.MNIST(tmp_path, train=True)


class _Server:
    """Serve a folder over HTTP on 127.0.0.1 (with Range support for resumed downloads)."""

    def __init__(self, folder):
        handler = functools.partial(_RangeHandler, directory=str(folder))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class _RangeHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        rng = self.headers.get("Range")
        path = self.translate_path(self.path)
        if not rng or not os.path.isfile(path):
            return super().do_GET()
        start = int(rng.split("=")[1].split("-")[0])
        data = Path(path).read_bytes()[start:]
        self.send_response(206)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def _md5(path):
    return hashlib.md5(Path(path).read_bytes()).hexdigest()


@pytest.fixture
def server(tmp_path):
    served = tmp_path / "served"
    served.mkdir()
    for f in FILES:
        shutil.copy(MNIST_DIR / f, served / f)
        shutil.copy(MNIST_DIR / f, served / f.replace("t10k", "train"))
    s = _Server(served)
    yield s, served
    s.close()


def _local_mnist(url, served):
    class LocalMNIST(datasets.MNIST):
        mirrors = ["http://127.0.0.1:9/nothing-listens-here/", url]
        resources = [(f, _md5(served / f)) for f in
                     ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz") + FILES]

    return LocalMNIST


def test_download_from_local_server_with_md5_and_fallback_mirror(tmp_path, server):
    s, served = server
    cls = _local_mnist(s.url, served)
    root = tmp_path / "root"
    ds = cls(root, train=False, download=True)
    assert len(ds) == 10000
    raw = root / "LocalMNIST" / "raw"
    assert (raw / "t10k-images-idx3-ubyte").exists() and not list(raw.glob("*.part"))
    again = cls(root, train=True, download=True)  # already there: no second download
    assert len(again) == 10000


def test_download_resumes_a_partial_file_and_rejects_a_bad_md5(tmp_path, server):
    s, served = server
    raw = tmp_path / "root" / "LocalMNIST" / "raw"
    raw.mkdir(parents=True)
    full = (served / FILES[1]).read_bytes()
    (raw / (FILES[1] + ".part")).write_bytes(full[:1000])
    datasets.utils.download_url(s.url + FILES[1], str(raw), md5=_md5(served / FILES[1]))
    assert (raw / FILES[1]).read_bytes() == full
    with pytest.raises(RuntimeError, match="MD5"):
        datasets.utils.download_url(s.url + FILES[0], str(raw), "bad.gz", md5="0" * 32)
    assert not (raw / "bad.gz").exists()
