"""``python -m ember.compat``: unmodified PyTorch programs (PyTorch idioms only) run on Ember.

Each program runs in its own interpreter, so the real torch used by other tests is untouched.
"""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

DATA = Path(os.environ.get("EMBER_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))

PROGRAMS = {
    "linear_regression": ("""
        import torch
        from torch import nn
        torch.manual_seed(0)
        x = torch.linspace(-1, 1, 64).unsqueeze(1)
        y = 3 * x + 0.5 + 0.01 * torch.randn(64, 1)
        model = nn.Linear(1, 1)
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        loss_fn = nn.MSELoss()
        for _ in range(300):
            loss = loss_fn(model(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
        print(round(model.weight.item(), 1), round(model.bias.item(), 1))
        """, "3.0 0.5"),
    "logistic_regression": ("""
        import torch
        import torch.nn as nn
        torch.manual_seed(1)
        x = torch.randn(200, 2)
        y = (x[:, 0] + x[:, 1] > 0).float().view(-1, 1)
        model = nn.Sequential(nn.Linear(2, 1), nn.Sigmoid())
        opt = torch.optim.Adam(model.parameters(), lr=0.1)
        for _ in range(200):
            loss = nn.BCELoss()(model(x), y)
            opt.zero_grad(); loss.backward(); opt.step()
        with torch.no_grad():
            acc = ((model(x) > 0.5).float() == y).float().mean()
        print("ok" if acc > 0.95 else acc)
        """, "ok"),
    "autograd": ("""
        import torch
        x = torch.tensor([2.0], requires_grad=True)
        y = x ** 3
        g, = torch.autograd.grad(y, x, create_graph=True)
        g2, = torch.autograd.grad(g, x)
        w = torch.tensor([1.0, 2.0], requires_grad=True)
        y0, y1 = (w * 2).sum(), (w ** 2).sum()
        torch.autograd.backward([y0, y1], grad_tensors=[torch.tensor(1.0), torch.tensor(2.0)])
        print(g.item(), g2.item(), w.grad.tolist())
        """, "12.0 12.0 [6.0, 10.0]"),
    "tensor_basics": ("""
        import torch
        a = torch.arange(6).reshape(2, 3)
        b = torch.ones(3, dtype=torch.float64)
        print(a.dtype == torch.int64, (a + b).dtype == torch.float64, a[:, 1].tolist(),
              a.t().shape == torch.Size([3, 2]), torch.cat([a, a]).shape[0],
              isinstance(a, torch.Tensor), torch.is_tensor(a) if hasattr(torch, "is_tensor")
              else True)
        """, "True True [1, 4] True 4 True True"),
    "cnn_shapes": ("""
        import torch
        import torch.nn as nn
        import torch.nn.functional as F
        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.conv1 = nn.Conv2d(1, 6, 5)
                self.pool = nn.MaxPool2d(2, 2)
                self.fc = nn.Linear(6 * 12 * 12, 10)
            def forward(self, x):
                x = self.pool(F.relu(self.conv1(x)))
                return self.fc(torch.flatten(x, 1))
        net = Net()
        out = net(torch.randn(4, 1, 28, 28))
        out.sum().backward()
        print(tuple(out.shape), net.conv1.weight.grad.shape == net.conv1.weight.shape)
        """, "(4, 10) True"),
    "dataset_loader": ("""
        import torch
        from torch.utils.data import Dataset, DataLoader, random_split
        class Squares(Dataset):
            def __len__(self): return 50
            def __getitem__(self, i): return torch.tensor([float(i)]), i * i
        train, val = random_split(Squares(), [40, 10])
        batches = list(DataLoader(train, batch_size=8, shuffle=True))
        print(len(train), len(val), len(batches), tuple(batches[0][0].shape))
        """, "40 10 5 (8, 1)"),
    "gru_classifier": ("""
        import torch
        import torch.nn as nn
        torch.manual_seed(0)
        class Classifier(nn.Module):
            def __init__(self):
                super().__init__()
                self.emb = nn.Embedding(10, 8)
                self.gru = nn.GRU(8, 16, batch_first=True, bidirectional=True)
                self.fc = nn.Linear(32, 2)
            def forward(self, x):
                _, h = self.gru(self.emb(x))
                return self.fc(torch.cat([h[0], h[1]], dim=1))
        model = Classifier()
        x = torch.randint(0, 10, (32, 5)); y = (x[:, 0] > 4).long()
        opt = torch.optim.Adam(model.parameters(), lr=0.01)
        for _ in range(60):
            loss = nn.CrossEntropyLoss()(model(x), y)
            opt.zero_grad(); loss.backward(); opt.step()
        print("ok" if loss.item() < 0.2 else loss.item())
        """, "ok"),
    "save_load": ("""
        import os, tempfile
        import torch
        import torch.nn as nn
        model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4))
        path = os.path.join(tempfile.mkdtemp(), "m.pt")
        torch.save(model.state_dict(), path)
        other = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4))
        print(other.load_state_dict(torch.load(path)),
              torch.equal(other[0].weight, model[0].weight))
        """, "<All keys matched successfully> True"),
    "lr_scheduler": ("""
        import torch
        p = torch.nn.Parameter(torch.zeros(1))
        opt = torch.optim.SGD([p], lr=1.0, momentum=0.9)
        sched = torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
        lrs = []
        for _ in range(5):
            opt.step(); sched.step(); lrs.append(sched.get_last_lr()[0])
        print(lrs)
        """, "[1.0, 0.5, 0.5, 0.25, 0.25]"),
    "no_grad_and_hooks": ("""
        import torch
        x = torch.ones(3, requires_grad=True)
        seen = []
        x.register_hook(lambda g: seen.append(g.sum().item()))
        (x * 2).sum().backward()
        with torch.no_grad():
            y = x * 2
        print(seen, y.requires_grad, x.grad.tolist())
        """, "[6.0] False [2.0, 2.0, 2.0]"),
    "missing_attribute": ("""
        import torch
        torch.not_a_real_function(1)
        """, None),
}


def _run(tmp_path, name, source):
    script = tmp_path / f"{name}.py"
    script.write_text(textwrap.dedent(source))
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    return subprocess.run([sys.executable, "-m", "ember.compat", str(script)],
                          capture_output=True, text=True, env=env, timeout=120)


@pytest.mark.parametrize("name", [n for n in PROGRAMS if PROGRAMS[n][1] is not None])
def test_pytorch_program_runs_on_ember(tmp_path, name):
    source, expected = PROGRAMS[name]
    result = _run(tmp_path, name, source)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == expected


def test_ignite_program(tmp_path):
    """A PyTorch-Ignite training loop (note 002 uses Ignite) runs on ember.engine."""
    source = """
        import torch
        from torch import nn
        from ignite.engine import Events, create_supervised_trainer, create_supervised_evaluator
        from ignite.metrics import Accuracy, Loss
        from ignite.handlers import EarlyStopping
        torch.manual_seed(0)
        x = torch.randn(256, 2)
        y = (x[:, 0] + x[:, 1] > 0).long()
        data = list(zip(x.split(32), y.split(32)))
        model = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 2))
        opt = torch.optim.SGD(model.parameters(), lr=0.5)
        trainer = create_supervised_trainer(model, opt, nn.CrossEntropyLoss())
        evaluator = create_supervised_evaluator(
            model, metrics={"acc": Accuracy(), "loss": Loss(nn.CrossEntropyLoss())})
        evaluator.add_event_handler(Events.COMPLETED, EarlyStopping(
            patience=2, score_function=lambda e: e.state.metrics["acc"], trainer=trainer))

        @trainer.on(Events.EPOCH_COMPLETED)
        def validate(engine):
            evaluator.run(data)

        trainer.run(data, max_epochs=5)
        print(evaluator.state.metrics["acc"] >= 0.95, trainer.state.epoch)
        """
    result = _run(tmp_path, "ignite_loop", source)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().split()[0] == "True"


def test_missing_torch_attribute_is_named(tmp_path):
    result = _run(tmp_path, "missing", PROGRAMS["missing_attribute"][0])
    assert result.returncode != 0
    assert "torch.not_a_real_function is not supported by Ember" in result.stderr


@pytest.mark.skipif(not (DATA / "mnist").is_dir(), reason="MNIST files not found")
def test_torchvision_program(tmp_path):
    source = f"""
        import torchvision
        from torchvision import datasets, transforms
        from torch.utils.data import DataLoader
        ds = datasets.MNIST({str(DATA)!r}, train=False,
                            transform=transforms.Compose([transforms.ToTensor(),
                                                          transforms.Normalize((0.1307,),
                                                                               (0.3081,))]))
        x, y = next(iter(DataLoader(ds, batch_size=4)))
        print(tuple(x.shape), y.tolist())
        """
    result = _run(tmp_path, "tv", source)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "(4, 1, 28, 28) [7, 2, 1, 0]"


def test_usage_message():
    result = subprocess.run([sys.executable, "-m", "ember.compat"], capture_output=True,
                            text=True)
    assert result.returncode == 2 and "usage: python -m ember.compat" in result.stdout
