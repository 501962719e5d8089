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
    with pytest.raises(pickle.UnpicklingError, match="not an Ember or PyTorch zip checkpoint"):
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


torch = pytest.importorskip("torch", reason="PyTorch (the oracle) is not installed")


def _torch_state():
    lin = torch.nn.Linear(3, 2)
    bn = torch.nn.BatchNorm1d(2)
    sd = {**lin.state_dict(), **{"bn." + k: v for k, v in bn.state_dict().items()}}
    sd["view"] = torch.arange(12.0).reshape(3, 4)[:, 1::2]
    sd["empty"] = torch.zeros(0, 3)
    sd["flags"] = torch.tensor([True, False])
    sd["half"] = torch.ones(2, dtype=torch.float16)
    sd["param"] = torch.nn.Parameter(torch.ones(2))
    sd["shared"] = sd["weight"]
    return sd


def test_reads_a_torch_save_file(tmp_path):
    sd = _torch_state()
    path = tmp_path / "torch.pt"
    torch.save(sd, path)
    back = ember.load(path)
    assert list(back) == list(sd)
    for k, v in sd.items():
        assert str(back[k].dtype).split(".")[-1] == str(v.dtype).split(".")[-1], k
        np.testing.assert_array_equal(back[k].detach().numpy(), v.detach().numpy(), err_msg=k)
    assert isinstance(back["param"], ember.nn.Parameter)
    assert back["shared"] is back["weight"]
    model = ember.nn.Linear(3, 2)
    model.load_state_dict({k: back[k] for k in ("weight", "bias")})


def test_torch_loads_what_ember_saves(tmp_path):
    e = ember.nn.Sequential(ember.nn.Linear(3, 2), ember.nn.BatchNorm1d(2))
    sd = e.state_dict()
    sd["extra"] = {"step": 3, "view": ember.arange(6.0).reshape(2, 3).t(),
                   "p": ember.nn.Parameter(ember.ones(2)), "i": ember.tensor([1, 2])}
    path = tmp_path / "ember_as_torch.pt"
    ember.save(sd, path, format="torch")
    back = torch.load(path, weights_only=True)
    t = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.BatchNorm1d(2))
    t.load_state_dict({k: v for k, v in back.items() if k != "extra"})
    np.testing.assert_array_equal(t[0].weight.detach().numpy(), e[0].weight.detach().numpy())
    assert back["extra"]["step"] == 3 and back["extra"]["view"].shape == (3, 2)
    np.testing.assert_array_equal(back["extra"]["view"].numpy(),
                                  np.arange(6.0).reshape(2, 3).T)
    assert isinstance(back["extra"]["p"], torch.nn.Parameter)
    assert back["extra"]["i"].dtype == torch.int64
    assert ember.load(path)["extra"]["step"] == 3


def test_torch_file_with_code_is_refused(tmp_path):
    path = tmp_path / "evil.pt"
    torch.save({"x": torch.ones(1)}, path)
    with zipfile.ZipFile(path) as z:
        entries = {n: z.read(n) for n in z.namelist()}
    prefix = next(n for n in entries if n.endswith("/data.pkl"))
    entries[prefix] = pickle.dumps({"x": _Evil()}, protocol=2)
    with zipfile.ZipFile(path, "w") as z:
        for n, data in entries.items():
            z.writestr(n, data)
    with pytest.raises(pickle.UnpicklingError, match="refuses 'posix.system'"):
        ember.load(path)
    assert not os.path.exists("/tmp/ember_pwned")


def test_kill_mid_save_keeps_the_old_file(tmp_path):
    import signal
    import subprocess
    import sys
    import time

    path = tmp_path / "ckpt.pt"
    ember.save({"w": ember.ones(3)}, path)
    before = path.read_bytes()
    script = f"""
import ember, numpy as np, ember.serialization as s
real = s._write
def slow(out, structure, arrays):
    out.write(b"partial bytes")
    out.flush()
    print("writing", flush=True)
    import time; time.sleep(30)
s._write = slow
ember.save({{"w": ember.zeros(1000)}}, {str(path)!r})
"""
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "writing"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    time.sleep(0.1)
    assert path.read_bytes() == before
    assert ember.load(path)["w"].tolist() == [1.0, 1.0, 1.0]


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64", "uint8", "int8", "int16",
                                   "int32", "int64", "bool"])
def test_bit_exact_round_trip_every_dtype(dtype):
    rng = np.random.default_rng(0)
    arr = (rng.standard_normal((3, 4)) * 100).astype(dtype)
    buf = io.BytesIO()
    ember.save({"t": ember.tensor(arr), "z": ember.tensor(arr[0, 0]), "e": ember.zeros(0, 2)},
               buf)
    buf.seek(0)
    back = ember.load(buf)
    assert back["t"].numpy().tobytes() == arr.tobytes()
    assert back["z"].shape == () and back["e"].shape == (0, 2)
