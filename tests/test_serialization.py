"""ember.save / ember.load: round trips, safety against code in files, atomic writes."""

import io
import os
import pickle
import zipfile

import numpy as np
import pytest

import ember


def test_round_trip_nested_objects(tmp_path):
    w = ember.nn.Parameter(ember.randn(3, 2) if hasattr(ember, "randn") else ember.ones(3, 2))
    t = ember.tensor([1, 2, 3], dtype=ember.int32)
    obj = {
        "model": {"w": w, "t": t, "shared": t},
        "epoch": 3,
        "lr": 0.1,
        "betas": (0.9, 0.999),
        "names": ["a", "b"],
        "dtype": ember.float64,
        "device": ember.device("cpu"),
        "shape": ember.Size([2, 3]),
        "none": None,
        "scalar": ember.tensor(3),
        "strided": ember.ones(3, 4).t(),
    }
    path = tmp_path / "ckpt.pt"
    ember.save(obj, path)
    back = ember.load(path)
    assert isinstance(back["model"]["w"], ember.nn.Parameter) and back["model"]["w"].requires_grad
    np.testing.assert_array_equal(back["model"]["w"].detach().numpy(), w.detach().numpy())
    assert back["model"]["t"].dtype == ember.int32
    assert back["model"]["shared"] is back["model"]["t"]
    assert back["dtype"] is ember.float64 and back["device"] == ember.device("cpu")
    assert back["shape"] == ember.Size([2, 3]) and back["betas"] == (0.9, 0.999)
    assert back["epoch"] == 3 and back["none"] is None
    assert back["scalar"].shape == () and back["scalar"].item() == 3
    assert back["strided"].shape == (4, 3)


def test_model_and_optimizer_state_round_trip():
    m = ember.nn.Sequential()
    m.w = ember.nn.Parameter(ember.ones(2, 2))
    opt = ember.optim.Adam(m.parameters(), lr=0.01)
    (m.w * m.w).sum().backward()
    opt.step()
    buf = io.BytesIO()
    ember.save({"model": m.state_dict(), "opt": opt.state_dict()}, buf)
    buf.seek(0)
    back = ember.load(buf)
    assert list(back["model"]) == ["w"]
    opt2 = ember.optim.Adam(m.parameters(), lr=0.01)
    opt2.load_state_dict(back["opt"])
    assert float(opt2.state[m.w]["step"]) == 1.0


class _Evil:
    def __reduce__(self):
        return (os.system, ("echo pwned > /tmp/ember_pwned",))


def _archive_with(structure: bytes) -> io.BytesIO:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("format", "ember-checkpoint-v1")
        z.writestr("data.pkl", structure)
    buf.seek(0)
    return buf


def test_loading_never_runs_code():
    evil = _archive_with(pickle.dumps({"x": _Evil()}))
    with pytest.raises(pickle.UnpicklingError, match="refuses to load 'posix.system'"):
        ember.load(evil)
    assert not os.path.exists("/tmp/ember_pwned")
    with pytest.raises(pickle.UnpicklingError, match="not an Ember checkpoint"):
        ember.load(io.BytesIO(pickle.dumps({"x": 1})))


def test_object_arrays_are_refused():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("format", "ember-checkpoint-v1")
        z.writestr("data.pkl", pickle.dumps(1))
        b = io.BytesIO()
        np.save(b, np.array([_Evil()], dtype=object), allow_pickle=True)
        z.writestr("tensors/0.npy", b.getvalue())
    buf.seek(0)
    with pytest.raises(ValueError, match="allow_pickle"):
        ember.load(buf)


class _Unpicklable:
    def __reduce__(self):
        raise RuntimeError("boom while saving")


def test_failed_save_keeps_the_old_file(tmp_path):
    path = tmp_path / "good.pt"
    ember.save({"a": ember.ones(2)}, path)
    before = path.read_bytes()
    with pytest.raises(RuntimeError, match="boom"):
        ember.save({"a": ember.ones(2), "b": _Unpicklable()}, path)
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["good.pt"]


def test_map_location_cuda_raises():
    buf = io.BytesIO()
    ember.save(ember.ones(1), buf)
    buf.seek(0)
    with pytest.raises(RuntimeError, match="CUDA"):
        ember.load(buf, map_location="cuda")


def test_failure_while_writing_keeps_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "good.pt"
    ember.save({"a": ember.ones(2)}, path)
    before = path.read_bytes()
    real_write = ember.serialization._write

    def failing_write(fileobj, structure, arrays):
        real_write(fileobj, structure, arrays)
        fileobj.write(b"partial")
        raise OSError("disk full")

    monkeypatch.setattr(ember.serialization, "_write", failing_write)
    with pytest.raises(OSError, match="disk full"):
        ember.save({"a": ember.zeros(5)}, path)
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["good.pt"]
