"""SummaryWriter's event files, read back by TensorBoard's EventAccumulator and by our reader."""

from __future__ import annotations

import glob
import io
import os
import struct
import zlib

import numpy as np
import pytest

import ember
from ember.utils.tensorboard import SummaryWriter
from ember.utils.tensorboard._proto import crc32c, masked_crc32c, read_records, record
from ember.utils.tensorboard._reader import read_events


def _event_file(logdir) -> str:
    (path,) = glob.glob(os.path.join(str(logdir), "events.out.tfevents.*"))
    return path


def _accumulator(logdir):
    ea_mod = pytest.importorskip("tensorboard.backend.event_processing.event_accumulator")
    acc = ea_mod.EventAccumulator(str(logdir), size_guidance={k: 0 for k in (
        ea_mod.SCALARS, ea_mod.HISTOGRAMS, ea_mod.IMAGES, ea_mod.TENSORS, ea_mod.GRAPH)})
    acc.Reload()
    return acc


def _decode_png(data: bytes) -> np.ndarray:
    """A tiny decoder for the unfiltered 8-bit PNGs encode_png writes."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    i, idat, header = 8, b"", None
    while i < len(data):
        (size,) = struct.unpack(">I", data[i : i + 4])
        kind, body = data[i + 4 : i + 8], data[i + 8 : i + 8 + size]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        i += 12 + size
    w, h, _, color, *_ = header
    c = {0: 1, 2: 3, 6: 4}[color]
    rows = np.frombuffer(zlib.decompress(idat), np.uint8).reshape(h, 1 + w * c)
    assert (rows[:, 0] == 0).all()
    return rows[:, 1:].reshape(h, w, c)


def test_crc32c_known_vectors():
    # RFC 3720 (iSCSI) test vectors for CRC-32C
    assert crc32c(b"") == 0
    assert crc32c(b"123456789") == 0xE3069283
    assert crc32c(bytes(32)) == 0x8A9136AA
    assert crc32c(bytes([0xFF] * 32)) == 0x62A8AB43


def test_records_round_trip_and_detect_corruption(tmp_path):
    path = tmp_path / "r"
    path.write_bytes(record(b"abc") + record(b"") + record(b"x" * 300))
    assert list(read_records(str(path))) == [b"abc", b"", b"x" * 300]
    blob = bytearray(path.read_bytes())
    blob[13] ^= 1
    path.write_bytes(bytes(blob))
    with pytest.raises(ValueError, match="corrupt"):
        list(read_records(str(path)))
    assert masked_crc32c(b"abc") != crc32c(b"abc")


def test_scalars_read_back(tmp_path):
    with SummaryWriter(tmp_path) as w:
        for step in range(5):
            w.add_scalar("loss/train", 1.0 / (step + 1), step)
        w.add_scalar("acc", ember.tensor(0.75), 7, walltime=123.5)
        w.add_scalar("int", 3, 0)
    events = read_events(_event_file(tmp_path))
    assert events[0]["file_version"] == "brain.Event:2"
    values = [(e["step"], e["summary"][0]["tag"], e["summary"][0]["simple_value"])
              for e in events[1:]]
    assert values[:5] == [(s, "loss/train", pytest.approx(1.0 / (s + 1))) for s in range(5)]
    assert values[5] == (7, "acc", 0.75) and events[6]["wall_time"] == 123.5
    acc = _accumulator(tmp_path)
    assert set(acc.Tags()["scalars"]) == {"loss/train", "acc", "int"}
    got = acc.Scalars("loss/train")
    assert [e.step for e in got] == list(range(5))
    assert [e.value for e in got] == pytest.approx([1.0 / (s + 1) for s in range(5)])
    assert acc.Scalars("acc")[0].wall_time == 123.5
    assert acc.Scalars("int")[0].value == 3.0


def test_scalar_rejects_a_tensor_with_several_elements(tmp_path):
    torch = pytest.importorskip("torch")
    from torch.utils.tensorboard import SummaryWriter as TorchWriter  # noqa: F401

    with SummaryWriter(tmp_path) as w, pytest.raises(AssertionError, match="one element"):
        w.add_scalar("x", ember.ones(3))
    with TorchWriter(str(tmp_path / "t")) as tw, pytest.raises(AssertionError, match="one elem"):
        tw.add_scalar("x", torch.ones(3))


def test_add_scalars_writes_one_run_per_curve(tmp_path):
    with SummaryWriter(tmp_path) as w:
        for step in range(3):
            w.add_scalars("loss", {"train": 1.0 - step / 10, "val": 2.0 - step / 10}, step)
    for name, start in (("train", 1.0), ("val", 2.0)):
        acc = _accumulator(tmp_path / f"loss_{name}")
        assert [e.value for e in acc.Scalars("loss")] == pytest.approx(
            [start, start - 0.1, start - 0.2])


def test_histogram_matches_numpy_and_tensorboard(tmp_path):
    values = ember.randn(2000)
    with SummaryWriter(tmp_path) as w:
        w.add_histogram("weights", values, 3)
        w.add_histogram("fixed", np.array([0.5, 1.5, 1.5, 2.5]), 4, bins=3)
    arr = values.numpy().astype(np.float64)
    h = read_events(_event_file(tmp_path))[1]["summary"][0]["histo"]
    assert h["num"] == 2000 and h["min"] == arr.min() and h["max"] == arr.max()
    assert h["sum"] == pytest.approx(arr.sum()) and sum(h["bucket"]) == 2000
    acc = _accumulator(tmp_path)
    fixed = acc.Histograms("fixed")[0]
    assert fixed.step == 4
    hv = fixed.histogram_value
    counts, limits = np.histogram([0.5, 1.5, 1.5, 2.5], bins=3)
    # PyTorch's layout: an empty bin left, then right edges of the non-empty bins
    assert list(hv.bucket) == [0.0, *counts.tolist()]
    assert list(hv.bucket_limit) == pytest.approx(limits.tolist())
    assert (hv.min, hv.max, hv.num, hv.sum, hv.sum_squares) == (0.5, 2.5, 4, 6.0, 11.0)
    assert acc.Histograms("weights")[0].histogram_value.num == 2000


def test_histogram_matches_pytorch_summary(tmp_path):
    pytest.importorskip("torch")
    from torch.utils.tensorboard import SummaryWriter as TorchWriter
    from torch.utils.tensorboard.summary import histogram as torch_histogram

    from ember.utils.tensorboard.summary import histogram

    with TorchWriter(str(tmp_path)) as tw:
        bins = tw.default_bins
    assert SummaryWriter(tmp_path / "e").default_bins == bins
    values = np.random.default_rng(0).normal(size=500)
    for b in ("tensorflow", 7):
        ours = read_events_from_summary(histogram("h", values, bins=b))
        theirs = torch_histogram("h", values, bins=bins if b == "tensorflow" else b)
        assert ours == read_events_from_summary(theirs.SerializeToString())


def read_events_from_summary(summary_bytes: bytes) -> list:
    from ember.utils.tensorboard._proto import decode
    from ember.utils.tensorboard._reader import _value

    return [_value(v) for v in decode(summary_bytes)[1]]


def test_images_read_back(tmp_path):
    img = ember.rand(3, 10, 12)
    batch = ember.rand(10, 1, 4, 5)
    with SummaryWriter(tmp_path) as w:
        w.add_image("one", img, 1)
        w.add_image("hwc", (img.permute(1, 2, 0) * 255).to(ember.uint8), 2, dataformats="HWC")
        w.add_images("batch", batch, 3)
    acc = _accumulator(tmp_path)
    one = acc.Images("one")[0]
    assert (one.step, one.height, one.width) == (1, 10, 12)
    pixels = _decode_png(one.encoded_image_string)
    expect = (img.numpy().transpose(1, 2, 0) * 255).clip(0, 255).astype(np.uint8)
    assert np.array_equal(pixels, expect)
    assert np.array_equal(_decode_png(acc.Images("hwc")[0].encoded_image_string), expect)
    grid = acc.Images("batch")[0]
    assert (grid.height, grid.width) == (2 * 4, 8 * 5)  # 8 per row, 2 rows
    try:
        from PIL import Image
    except ImportError:
        return
    decoded = np.asarray(Image.open(io.BytesIO(one.encoded_image_string)))
    assert np.array_equal(decoded, expect)


def test_images_match_pytorch_pixels():
    torch = pytest.importorskip("torch")
    pytest.importorskip("PIL")
    from torch.utils.tensorboard.summary import image as torch_image

    from ember.utils.tensorboard.summary import image

    data = np.random.default_rng(1).random((6, 3, 5, 7)).astype(np.float32)
    ours = read_events_from_summary(image("x", ember.tensor(data), dataformats="NCHW"))[0]
    theirs = read_events_from_summary(
        torch_image("x", torch.tensor(data), dataformats="NCHW").SerializeToString())[0]
    for key in ("height", "width", "colorspace"):
        assert ours["image"][key] == theirs["image"][key]
    from PIL import Image

    a = np.asarray(Image.open(io.BytesIO(ours["image"]["encoded_image_string"])))
    b = np.asarray(Image.open(io.BytesIO(theirs["image"]["encoded_image_string"])))
    assert np.array_equal(a, b)


def test_text_read_back(tmp_path):
    with SummaryWriter(tmp_path) as w:
        w.add_text("notes", "lr **0.01**, 中文", 5)
    ours = read_events(_event_file(tmp_path))[1]["summary"][0]
    assert ours["tag"] == "notes/text_summary" and ours["plugin"] == "text"
    assert ours["tensor"]["string_val"] == ["lr **0.01**, 中文".encode()]
    acc = _accumulator(tmp_path)
    (ev,) = acc.Tensors("notes/text_summary")
    assert ev.step == 5 and ev.tensor_proto.string_val == ["lr **0.01**, 中文".encode()]
    assert "notes/text_summary" in acc.PluginTagToContent("text")


def test_hparams_read_back(tmp_path):
    pytest.importorskip("tensorboard")
    from tensorboard.plugins.hparams import plugin_data_pb2

    with SummaryWriter(tmp_path) as w:
        w.add_hparams({"lr": 0.1, "bs": 32, "opt": "sgd", "nesterov": True},
                      {"hparam/accuracy": 0.9}, run_name="run1")
    acc = _accumulator(tmp_path / "run1")
    content = acc.PluginTagToContent("hparams")
    exp = plugin_data_pb2.HParamsPluginData.FromString(content["_hparams_/experiment"])
    assert [h.name for h in exp.experiment.hparam_infos] == ["lr", "bs", "opt", "nesterov"]
    assert [m.name.tag for m in exp.experiment.metric_infos] == ["hparam/accuracy"]
    ssi = plugin_data_pb2.HParamsPluginData.FromString(content["_hparams_/session_start_info"])
    hp = ssi.session_start_info.hparams
    assert hp["lr"].number_value == 0.1 and hp["bs"].number_value == 32
    assert hp["opt"].string_value == "sgd" and hp["nesterov"].bool_value is True
    sei = plugin_data_pb2.HParamsPluginData.FromString(content["_hparams_/session_end_info"])
    assert sei.session_end_info.status == 1
    assert acc.Scalars("hparam/accuracy")[0].value == pytest.approx(0.9)


def test_add_graph_read_back(tmp_path):
    model = ember.nn.Sequential(ember.nn.Linear(3, 4), ember.nn.ReLU(), ember.nn.Linear(4, 2))
    with SummaryWriter(tmp_path) as w:
        w.add_graph(model, ember.randn(5, 3))
    graph = _accumulator(tmp_path).Graph()
    nodes = {n.name: n for n in graph.node}
    assert {"0/weight", "0/bias", "2/weight", "2/bias", "output"} <= set(nodes)
    assert nodes["0/weight"].op == "Parameter"
    relu = next(n for n in graph.node if n.op == "ReluBackward0")
    assert len(relu.input) == 1
    shape = nodes["0/weight"].attr["_output_shapes"].list.shape[0]
    assert [d.size for d in shape.dim] == [4, 3]


def test_flush_close_and_default_logdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    w = SummaryWriter(comment="_exp", max_queue=1000)
    assert w.get_logdir().startswith("runs" + os.sep) and w.get_logdir().endswith("_exp")
    w.add_scalar("a", 1.0, 0)
    path = _event_file(w.get_logdir())
    w.flush()
    assert len(read_events(path)) == 2
    w.close()
    w.add_scalar("a", 2.0, 1)  # reopens a new file, as PyTorch does
    w.close()
    assert len(glob.glob(os.path.join(w.get_logdir(), "events.out.tfevents.*"))) == 2


def test_purge_step_writes_a_session_start(tmp_path):
    with SummaryWriter(tmp_path, purge_step=10) as w:
        w.add_scalar("a", 1.0, 10)
    ev = read_events(_event_file(tmp_path))
    assert ev[1]["step"] == 10 and ev[1]["session_log"][1] == [1]
