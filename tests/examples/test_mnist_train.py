"""The main job trains on real MNIST to its stated accuracy, checkpoints and resumes."""

import os
import runpy
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(os.environ.get("EMBER_DATA", ROOT.parent / "shared" / "data"))
pytestmark = pytest.mark.skipif(not (DATA / "mnist").is_dir() and not (DATA / "MNIST").is_dir(),
                                reason=f"MNIST files not found under {DATA}")


def _main():
    sys.path.insert(0, str(ROOT / "examples"))
    try:
        return runpy.run_path(str(ROOT / "examples" / "mnist_train.py"))["main"]
    finally:
        sys.path.pop(0)


def test_mlp_reaches_90_percent_and_resumes(tmp_path, capsys):
    main = _main()
    ckpt = tmp_path / "ckpt.pt"
    plot = tmp_path / "curves.png"
    acc = main(["--root", str(DATA), "--epochs", "2", "--checkpoint", str(ckpt),
                "--plot", str(plot)])
    assert acc >= 0.90
    assert ckpt.exists()
    out = capsys.readouterr().out
    assert "epoch 2: train loss" in out and "test accuracy" in out
    try:
        import matplotlib  # noqa: F401

        assert plot.exists()
    except ImportError:
        assert "matplotlib is not installed" in out
    acc2 = main(["--root", str(DATA), "--epochs", "3", "--checkpoint", str(ckpt), "--resume",
                 "--plot", ""])
    out = capsys.readouterr().out
    assert "resumed from" in out and "epoch 3:" in out and "epoch 1:" not in out
    assert acc2 >= 0.90


def test_missing_data_exits_with_a_clear_message(tmp_path):
    with pytest.raises(SystemExit, match="Dataset not found"):
        _main()(["--root", str(tmp_path), "--epochs", "1"])


def test_patience_stops_early(tmp_path, capsys):
    main = _main()
    main(["--root", str(DATA), "--epochs", "30", "--patience", "1", "--checkpoint",
          str(tmp_path / "ckpt.pt"), "--plot", ""])
    out = capsys.readouterr().out
    assert "early stop: no better validation accuracy for 1 epochs" in out
    assert "epoch 30:" not in out and "test accuracy" in out
