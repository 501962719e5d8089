"""ember.engine: the Ignite-shaped training loop, its metrics and handlers (issue 6)."""

from __future__ import annotations

import sys

import numpy as np
import pytest

import ember
import ember.nn as nn
import ember.nn.functional as F
from ember.engine import Engine, Events, create_supervised_evaluator, create_supervised_trainer
from ember.engine.handlers import (
    EarlyStopping,
    LRScheduler,
    ModelCheckpoint,
    ProgressBar,
    Timer,
    global_step_from_engine,
)
from ember.engine.metrics import (
    Accuracy,
    Average,
    Loss,
    NotComputableError,
    RunningAverage,
    TopKCategoricalAccuracy,
)
from ember.utils.data import DataLoader, TensorDataset

EVENTS = [Events.STARTED, Events.EPOCH_STARTED, Events.ITERATION_STARTED,
          Events.ITERATION_COMPLETED, Events.EPOCH_COMPLETED, Events.COMPLETED,
          Events.TERMINATE, Events.TERMINATE_SINGLE_EPOCH]


def _recording(process=lambda e, b: b):
    """An engine that logs (event name, epoch, iteration) for every event."""
    engine, log = Engine(process), []
    for ev in EVENTS:
        engine.add_event_handler(ev, lambda e, ev=ev: log.append((ev.name, e.state.epoch,
                                                                 e.state.iteration)))
    return engine, log


# ---- the loop ---------------------------------------------------------------------------------


def test_event_order_and_counts():
    engine, log = _recording()
    state = engine.run([10, 20, 30], max_epochs=2)
    names = [n for n, _, _ in log]
    assert names[:4] == ["STARTED", "EPOCH_STARTED", "ITERATION_STARTED", "ITERATION_COMPLETED"]
    assert names[-2:] == ["EPOCH_COMPLETED", "COMPLETED"]
    assert names.count("ITERATION_COMPLETED") == 6 and names.count("EPOCH_STARTED") == 2
    assert ("EPOCH_COMPLETED", 1, 3) in log and ("EPOCH_STARTED", 2, 3) in log
    assert "TERMINATE" not in names
    assert (state.epoch, state.iteration, state.epoch_length, state.max_epochs) == (2, 6, 3, 2)
    assert state.output == 30 and state.batch == 30
    assert state.times["EPOCH_COMPLETED"] >= 0 and state.times["COMPLETED"] >= 0


def test_filters_every_once_before_after_and_or():
    engine, seen = Engine(lambda e, b: None), {}

    def rec(key):
        return lambda e: seen.setdefault(key, []).append(
            e.state.iteration if "it" in key else e.state.epoch)

    engine.add_event_handler(Events.ITERATION_COMPLETED(every=3), rec("it_every3"))
    engine.add_event_handler(Events.ITERATION_STARTED(once=5), rec("it_once5"))
    engine.add_event_handler(Events.ITERATION_COMPLETED(once=[2, 7]), rec("it_once27"))
    engine.add_event_handler(Events.EPOCH_COMPLETED(every=2), rec("ep_every2"))
    engine.add_event_handler(Events.EPOCH_STARTED(after=1, before=4), rec("ep_between"))
    engine.add_event_handler(Events.ITERATION_COMPLETED(event_filter=lambda e, n: n in (1, 10)),
                             rec("it_custom"))
    engine.add_event_handler(Events.EPOCH_COMPLETED(once=1) | Events.COMPLETED, rec("ep_or"))
    engine.run(range(2), max_epochs=5)
    assert seen == {"it_every3": [3, 6, 9], "it_once5": [5], "it_once27": [2, 7],
                    "ep_every2": [2, 4], "ep_between": [2, 3], "it_custom": [1, 10],
                    "ep_or": [1, 5]}
    with pytest.raises(ValueError):
        Events.ITERATION_COMPLETED(every=0)
    with pytest.raises(ValueError):
        Events.ITERATION_COMPLETED(every=2, once=3)


def test_terminate_fires_terminate_then_completed():
    engine, log = _recording()
    engine.add_event_handler(Events.ITERATION_COMPLETED(once=4), lambda e: e.terminate())
    state = engine.run(range(3), max_epochs=5)
    names = [n for n, _, _ in log]
    assert (state.epoch, state.iteration) == (2, 4)
    assert names[-3:] == ["ITERATION_COMPLETED", "TERMINATE", "COMPLETED"]
    assert "EPOCH_COMPLETED" not in names[names.index("EPOCH_STARTED", 3):]

    engine, log = _recording()
    engine.add_event_handler(Events.EPOCH_COMPLETED, lambda e: e.terminate(skip_completed=True))
    engine.run(range(3), max_epochs=5)
    assert [n for n, _, _ in log][-2:] == ["EPOCH_COMPLETED", "TERMINATE"]


def test_terminate_epoch_goes_on_with_the_next_epoch():
    engine, log = _recording()
    engine.add_event_handler(Events.ITERATION_COMPLETED,
                             lambda e: e.terminate_epoch() if e.state.iteration % 5 == 2 else None)
    state = engine.run(range(5), max_epochs=3)
    names = [n for n, _, _ in log]
    assert names.count("TERMINATE_SINGLE_EPOCH") == 3 and names.count("EPOCH_COMPLETED") == 3
    assert (state.epoch, state.iteration) == (3, 12)  # the iteration count is global: 2, 7, 12
    engine = Engine(lambda e, b: None)
    engine.add_event_handler(Events.EPOCH_STARTED, lambda e: e.terminate_epoch())
    with pytest.raises(RuntimeError, match="terminate_epoch"):
        engine.run(range(2))


def test_run_resumes_after_terminate_like_ignite():
    """Ignite's documented example: terminate at iteration 14, run again, end at (4, 34)."""
    seen = []
    engine = Engine(lambda e, b: seen.append((e.state.epoch, e.state.iteration, b)))
    engine.add_event_handler(Events.ITERATION_COMPLETED(once=14), lambda e: e.terminate())
    state = engine.run(range(10), max_epochs=4)
    assert (state.epoch, state.iteration) == (2, 14)
    state = engine.run(range(10), max_epochs=4)
    assert (state.epoch, state.iteration) == (4, 34)
    assert seen[14] == (3, 15, 0) and seen[-1] == (4, 34, 9)
    with pytest.raises(ValueError, match="max_epochs"):  # fewer epochs than done: an error
        engine.run(range(10), max_epochs=2)
    state = engine.run(range(10))  # a finished run starts again from zero
    assert (state.epoch, state.iteration, state.max_epochs) == (1, 10, 1)


def test_run_resumes_from_loaded_state_mid_epoch():
    seen = []
    engine = Engine(lambda e, b: seen.append((e.state.epoch, e.state.iteration, b)))
    engine.load_state_dict({"iteration": 15, "epoch_length": 10, "max_epochs": 3})
    assert engine.state.epoch == 1
    state = engine.run(range(10), max_epochs=3)
    assert seen[0] == (2, 16, 0) and seen[4] == (2, 20, 4)
    assert seen[5] == (3, 21, 5)  # as Ignite: data restarts only when it runs out
    assert (state.epoch, state.iteration) == (3, 30)
    assert engine.state_dict() == {"iteration": 30, "epoch_length": 10, "max_epochs": 3}
    with pytest.raises(ValueError, match="max_epochs"):
        engine.load_state_dict({"iteration": 20, "epoch_length": 10, "max_epochs": 3})
        engine.run(range(10), max_epochs=1)


def test_epoch_length_data_none_and_iterators():
    engine = Engine(lambda e, b: b)
    assert engine.run(epoch_length=4, max_epochs=2).iteration == 8
    assert engine.state.output is None
    state = Engine(lambda e, b: b).run(iter(range(7)))  # no len: its end ends the epoch
    assert state.epoch_length == 7 and state.output == 6
    state = Engine(lambda e, b: b).run(range(10), max_epochs=2, epoch_length=4)
    assert state.iteration == 8 and state.output == 7  # data continues across epochs
    with pytest.raises(ValueError, match="epoch_length"):
        Engine(lambda e, b: b).run(None)
    with pytest.raises(ValueError, match="zero size"):
        Engine(lambda e, b: b).run([])
    with pytest.raises(TypeError):
        Engine(lambda e, b: b).run(3)


def test_exceptions_go_to_handlers_or_propagate():
    def boom(engine, batch):
        if engine.state.iteration == 2:
            raise ValueError("bad batch")

    with pytest.raises(ValueError, match="bad batch"):
        Engine(boom).run(range(3))

    engine, log = _recording(boom)
    caught = []
    engine.add_event_handler(Events.EXCEPTION_RAISED, lambda e, exc: caught.append(exc))
    state = engine.run(range(3))
    assert isinstance(caught[0], ValueError) and state.iteration == 2
    assert "COMPLETED" not in [n for n, _, _ in log]

    def interrupt(engine, batch):
        raise KeyboardInterrupt

    engine = Engine(interrupt)
    saved = []
    engine.add_event_handler(Events.EXCEPTION_RAISED, lambda e, exc: saved.append(type(exc)))
    with pytest.raises(KeyboardInterrupt):  # handlers run, then Ctrl-C still stops the program
        engine.run(range(3))
    assert saved == [KeyboardInterrupt]


def test_handler_registration_forms():
    engine, calls = Engine(lambda e, b: None), []

    @engine.on(Events.EPOCH_COMPLETED, "tag", scale=2)
    def with_args(e, tag, scale):
        calls.append((tag, scale * e.state.epoch))

    def no_engine():
        calls.append("no engine")

    engine.add_event_handler(Events.COMPLETED, no_engine)
    handle = engine.add_event_handler(Events.STARTED, lambda e: calls.append("started"))
    assert with_args.__name__ == "with_args"  # the decorator returns the function
    assert engine.has_event_handler(with_args) and engine.has_event_handler(no_engine,
                                                                            Events.COMPLETED)
    assert not engine.has_event_handler(no_engine, Events.STARTED)
    handle.remove()
    engine.run(range(1), max_epochs=2)
    assert calls == [("tag", 2), ("tag", 4), "no engine"]
    engine.remove_event_handler(with_args, Events.EPOCH_COMPLETED)
    assert not engine.has_event_handler(with_args)
    with pytest.raises(ValueError):
        engine.remove_event_handler(with_args, Events.EPOCH_COMPLETED)
    with pytest.raises(ValueError):
        engine.add_event_handler(Events.STARTED, lambda a, b, c: None)
    with pytest.raises(ValueError):
        engine.add_event_handler("custom", no_engine)
    engine.register_events("custom")
    engine.add_event_handler("custom", lambda e: calls.append("fired"))
    engine.fire_event("custom")
    assert calls[-1] == "fired"


# ---- metrics ----------------------------------------------------------------------------------


def _feed(metric, batches):
    metric.reset()
    for b in batches:
        metric.update(b)
    return metric.compute()


def test_accuracy_multiclass_binary_multilabel():
    rng = np.random.default_rng(0)
    logits = [rng.standard_normal((n, 5)).astype(np.float32) for n in (7, 4)]
    labels = [rng.integers(0, 5, n) for n in (7, 4)]
    expected = np.mean(np.concatenate([lg.argmax(1) == y for lg, y in zip(logits, labels)]))
    got = _feed(Accuracy(), [(ember.tensor(lg), ember.tensor(y))
                             for lg, y in zip(logits, labels)])
    assert got == pytest.approx(expected)

    pred, y = rng.integers(0, 2, 20), rng.integers(0, 2, 20)
    assert _feed(Accuracy(), [(ember.tensor(pred), ember.tensor(y))]) == pytest.approx(
        np.mean(pred == y))
    with pytest.raises(ValueError, match="0's and 1's"):
        _feed(Accuracy(), [(ember.tensor([0.3, 0.9]), ember.tensor([0, 1]))])

    pred, y = rng.integers(0, 2, (10, 3)), rng.integers(0, 2, (10, 3))
    pred[:4] = y[:4]
    got = _feed(Accuracy(is_multilabel=True), [(ember.tensor(pred), ember.tensor(y))])
    assert got == pytest.approx(np.mean((pred == y).all(1)))
    with pytest.raises(ValueError, match="compatible shapes"):
        _feed(Accuracy(), [(ember.zeros(4, 3), ember.zeros(5, dtype=ember.int64))])


def test_topk_and_loss_weighted_by_batch_size():
    rng = np.random.default_rng(1)
    scores = rng.standard_normal((12, 6)).astype(np.float32)
    y = rng.integers(0, 6, 12)
    top3 = np.argsort(-scores, axis=1)[:, :3]
    got = _feed(TopKCategoricalAccuracy(k=3), [(ember.tensor(scores[:5]), ember.tensor(y[:5])),
                                               (ember.tensor(scores[5:]), ember.tensor(y[5:]))])
    assert got == pytest.approx(np.mean((top3 == y[:, None]).any(1)))

    # batch means 1.0 over 2 samples and 4.0 over 6: the epoch mean is (2 + 24) / 8
    loss = Loss(lambda p, t: p.mean())
    got = _feed(loss, [(ember.ones(2), ember.zeros(2)), (4 * ember.ones(6), ember.zeros(6))])
    assert got == pytest.approx(26 / 8)
    logp = scores - np.log(np.exp(scores).sum(1, keepdims=True))
    got = _feed(Loss(F.cross_entropy), [(ember.tensor(scores[:5]), ember.tensor(y[:5])),
                                        (ember.tensor(scores[5:]), ember.tensor(y[5:]))])
    assert got == pytest.approx(-logp[np.arange(12), y].mean(), rel=1e-5)


def test_running_average_and_average():
    values = [2.0, 4.0, 1.0, 3.0]
    ra = RunningAverage(output_transform=lambda x: x, alpha=0.9)
    got = _feed(ra, values)
    expected = values[0]
    for v in values[1:]:
        expected = 0.9 * expected + 0.1 * v
    assert got == pytest.approx(expected)

    engine = Engine(lambda e, b: float(b))
    RunningAverage(output_transform=lambda x: x).attach(engine, "loss")
    seen = []
    engine.add_event_handler(Events.ITERATION_COMPLETED, lambda e: seen.append(
        e.state.metrics["loss"]))
    engine.run([1, 2], max_epochs=2)  # not reset between epochs
    assert seen[0] == 1.0 and seen[1] == pytest.approx(0.98 + 0.04)
    assert seen[3] == pytest.approx(0.98 * seen[2] + 0.02 * 2)
    with pytest.raises(ValueError):
        RunningAverage()

    src = RunningAverage(Accuracy(), alpha=0.5)  # running average of per-batch accuracy
    engine = Engine(lambda e, b: b)
    src.attach(engine, "acc")
    batches = [(ember.tensor([[0.0, 1.0], [1.0, 0.0]]), ember.tensor([1, 1])),
               (ember.tensor([[0.0, 1.0], [1.0, 0.0]]), ember.tensor([1, 0]))]
    assert engine.run(batches).metrics["acc"] == pytest.approx(0.5 * 0.5 + 0.5 * 1.0)

    assert _feed(Average(), [1.0, 2.0, 6.0]) == pytest.approx(3.0)
    got = _feed(Average(), [ember.tensor([[1.0, 2.0], [3.0, 4.0]]), ember.tensor([[5.0, 6.0]])])
    np.testing.assert_allclose(got.numpy(), [3.0, 4.0])


def test_not_computable_without_examples():
    for metric in (Accuracy(), TopKCategoricalAccuracy(), Loss(F.cross_entropy), Average()):
        with pytest.raises(NotComputableError, match="at least one example"):
            metric.compute()


def test_attached_metrics_reset_each_epoch():
    engine = Engine(lambda e, b: b)
    acc = Accuracy()
    acc.attach(engine, "acc")
    right = (ember.tensor([[0.0, 1.0]]), ember.tensor([1]))
    wrong = (ember.tensor([[0.0, 1.0]]), ember.tensor([0]))
    per_epoch = []
    engine.add_event_handler(Events.EPOCH_COMPLETED, lambda e: per_epoch.append(
        e.state.metrics["acc"]))
    engine.run([right, right, right, wrong], max_epochs=2, epoch_length=2)
    assert per_epoch == [1.0, 0.5]
    assert acc.is_attached(engine)
    acc.detach(engine)
    assert not acc.is_attached(engine)


# ---- handlers ---------------------------------------------------------------------------------


def _scored_trainer(scores):
    """A trainer whose EPOCH_COMPLETED runs ``handler`` with the epoch's score."""
    trainer = Engine(lambda e, b: None)
    trainer.add_event_handler(Events.EPOCH_STARTED, lambda e: setattr(
        e.state, "score", scores[e.state.epoch - 1]))
    return trainer


def test_early_stopping_after_patience():
    trainer = _scored_trainer([0.5, 0.6, 0.6, 0.55, 0.59, 0.9, 0.95])
    trainer.add_event_handler(Events.EPOCH_COMPLETED,
                              EarlyStopping(3, lambda e: e.state.score, trainer))
    assert trainer.run(range(2), max_epochs=7).epoch == 5  # best 0.6 at 2, then 3 worse

    trainer = _scored_trainer([0.5, 0.505, 0.51, 0.515, 0.7])  # gains below min_delta
    stop = EarlyStopping(2, lambda e: e.state.score, trainer, min_delta=0.01)
    trainer.add_event_handler(Events.EPOCH_COMPLETED, stop)
    assert trainer.run(range(1), max_epochs=5).epoch == 3
    trainer = _scored_trainer([0.5, 0.505, 0.51, 0.515, 0.7])
    stop = EarlyStopping(3, lambda e: e.state.score, trainer, min_delta=0.01,
                         cumulative_delta=True)  # 0.515 - 0.5 > 0.01 counts as better
    trainer.add_event_handler(Events.EPOCH_COMPLETED, stop)
    assert trainer.run(range(1), max_epochs=5).epoch == 5 and stop.best_score == 0.7
    with pytest.raises(ValueError):
        EarlyStopping(0, lambda e: 0, trainer)


def test_model_checkpoint_keeps_best_n_and_loads_back(tmp_path):
    model = nn.Linear(3, 2)
    scores = [0.3, 0.8, 0.5, 0.9, 0.1]
    trainer = _scored_trainer(scores)
    ckpt = ModelCheckpoint(tmp_path, "best", score_function=lambda e: e.state.score,
                           score_name="val_acc", n_saved=2,
                           global_step_transform=global_step_from_engine(trainer))
    states = {}

    def save(e):
        with ember.no_grad():
            model.weight.add_(1.0)
        states[e.state.epoch] = {k: v.clone() for k, v in model.state_dict().items()}
        ckpt(e, {"model": model})

    trainer.add_event_handler(Events.EPOCH_COMPLETED, save)
    trainer.run(range(1), max_epochs=5)
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == ["best_model_2_val_acc=0.8000.pt", "best_model_4_val_acc=0.9000.pt"]
    assert ckpt.last_checkpoint == tmp_path / "best_model_4_val_acc=0.9000.pt"
    fresh = nn.Linear(3, 2)
    fresh.load_state_dict(ember.load(ckpt.last_checkpoint))
    for k, v in fresh.state_dict().items():
        np.testing.assert_array_equal(v.numpy(), states[4][k].numpy())

    with pytest.raises(ValueError, match="require_empty"):
        ModelCheckpoint(tmp_path, "again")


def test_model_checkpoint_without_score_keeps_latest(tmp_path):
    model, opt = nn.Linear(2, 1), None
    opt = ember.optim.SGD(model.parameters(), lr=0.1)
    trainer = Engine(lambda e, b: None)
    ckpt = ModelCheckpoint(tmp_path, "run", n_saved=2)
    trainer.add_event_handler(Events.ITERATION_COMPLETED(every=2), ckpt,
                              {"model": model, "optimizer": opt})
    trainer.run(range(4), max_epochs=2)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run_checkpoint_6.pt",
                                                          "run_checkpoint_8.pt"]
    saved = ember.load(ckpt.last_checkpoint)
    assert set(saved) == {"model", "optimizer"} and "param_groups" in saved["optimizer"]
    ModelCheckpoint(tmp_path / "sub", score_function=lambda e: -1.5)(trainer, {"m": model})
    assert [p.name for p in (tmp_path / "sub").iterdir()] == ["m_-1.5000.pt"]


@pytest.mark.filterwarnings("ignore:Detected call of")
def test_lr_scheduler_handler():
    model = nn.Linear(2, 1)
    opt = ember.optim.SGD(model.parameters(), lr=1.0)
    trainer = Engine(lambda e, b: None)
    trainer.add_event_handler(Events.EPOCH_COMPLETED, LRScheduler(
        ember.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.1), save_history=True))
    trainer.run(range(3), max_epochs=5)
    assert opt.param_groups[0]["lr"] == pytest.approx(0.01)
    assert [h[0] for h in trainer.state.param_history["lr"]] == pytest.approx(
        [1.0, 0.1, 0.1, 0.01, 0.01])
    plateau = ember.optim.lr_scheduler.ReduceLROnPlateau(opt, patience=0, factor=0.5)
    trainer = Engine(lambda e, b: None)
    trainer.add_event_handler(Events.EPOCH_COMPLETED, LRScheduler(plateau, lambda e: 1.0))
    trainer.run(range(1), max_epochs=3)
    assert opt.param_groups[0]["lr"] == pytest.approx(0.01 * 0.25)


def test_progress_bar_without_tqdm(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "tqdm", None)  # import tqdm now raises ImportError
    engine = Engine(lambda e, b: 0.25 * b)
    pbar = ProgressBar(persist=True)
    assert pbar._tqdm is None
    RunningAverage(output_transform=lambda x: x).attach(engine, "avg")
    pbar.attach(engine, metric_names=["avg"], output_transform=lambda x: {"loss": x})
    engine.run(range(4), max_epochs=2)
    err = capsys.readouterr().err
    assert "Epoch [1/2]: 4/4" in err and "Epoch [2/2]: 4/4" in err and "loss=0.75" in err
    assert "avg=" in err and err.endswith("\n")
    with pytest.raises(TypeError):
        pbar.attach(engine, metric_names="loss")


def test_progress_bar_with_tqdm(capsys):
    pytest.importorskip("tqdm")
    engine = Engine(lambda e, b: b)
    pbar = ProgressBar(persist=True, desc="train")
    assert pbar._tqdm is not None
    pbar.attach(engine, output_transform=lambda x: x)
    engine.run(range(5), max_epochs=2)
    err = capsys.readouterr().err
    assert "train [2/2]" in err and "output=4" in err
    assert pbar.pbar is None  # closed at EPOCH_COMPLETED


def test_timer_counts_steps():
    engine = Engine(lambda e, b: None)
    timer = Timer(average=True).attach(engine, start=Events.STARTED,
                                       resume=Events.ITERATION_STARTED,
                                       pause=Events.ITERATION_COMPLETED,
                                       step=Events.ITERATION_COMPLETED)
    engine.run(range(5))
    assert timer.step_count == 5 and 0 <= timer.value() < 1


# ---- supervised -------------------------------------------------------------------------------


def _blobs(n=200, seed=0):
    g = ember.Generator().manual_seed(seed)
    y = ember.randint(0, 2, (n,), generator=g)
    x = ember.randn(n, 2, generator=g) * 0.5 + (y.float() * 4 - 2).unsqueeze(1)
    return TensorDataset(x, y)


def test_supervised_trainer_learns_separable_blobs():
    ember.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 2))
    opt = ember.optim.SGD(model.parameters(), lr=0.1)
    trainer = create_supervised_trainer(model, opt, F.cross_entropy)
    evaluator = create_supervised_evaluator(model, metrics={"acc": Accuracy(),
                                                            "loss": Loss(F.cross_entropy)})
    losses, modes = [], []
    trainer.add_event_handler(Events.ITERATION_COMPLETED(once=1), lambda e: modes.append(
        model.training))
    evaluator.add_event_handler(Events.ITERATION_COMPLETED, lambda e: modes.append(
        model.training))
    trainer.add_event_handler(Events.EPOCH_COMPLETED, lambda e: losses.append(
        evaluator.run(DataLoader(_blobs(seed=1), 50)).metrics["loss"]))
    trainer.run(DataLoader(_blobs(), 20, shuffle=True), max_epochs=5)
    assert isinstance(trainer.state.output, float)
    assert modes[:2] == [True, False]  # the trainer trains, the evaluator evaluates
    metrics = evaluator.run(DataLoader(_blobs(seed=2), 50)).metrics
    assert not model.training  # the evaluator switched to eval mode
    assert metrics["acc"] >= 0.98, metrics
    assert losses[-1] < losses[0]


def test_gradient_accumulation_matches_one_big_batch():
    data = _blobs(8)
    models = [nn.Linear(2, 2) for _ in range(2)]
    models[1].load_state_dict(models[0].state_dict())
    opts = [ember.optim.SGD(m.parameters(), lr=0.5) for m in models]
    create_supervised_trainer(models[0], opts[0], F.cross_entropy).run(DataLoader(data, 8))
    create_supervised_trainer(models[1], opts[1], F.cross_entropy,
                              gradient_accumulation_steps=2).run(DataLoader(data, 4))
    for a, b in zip(models[0].parameters(), models[1].parameters()):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-5,
                                   atol=1e-6)
