"""ember.engine against PyTorch-Ignite itself (optional: skipped without ``pytorch-ignite``).

The same scenario runs on both; event logs, metric values and checkpoint file names must agree.
"""

from __future__ import annotations

import numpy as np
import pytest

ignite_engine = pytest.importorskip("ignite.engine")
torch = pytest.importorskip("torch")
import ignite.handlers as ignite_handlers  # noqa: E402
import ignite.metrics as ignite_metrics  # noqa: E402

import ember  # noqa: E402
import ember.engine as ember_engine  # noqa: E402
import ember.engine.handlers as ember_handlers  # noqa: E402
import ember.engine.metrics as ember_metrics  # noqa: E402
import ember.nn as enn  # noqa: E402
import ember.nn.functional as EF  # noqa: E402

LIBS = {"ember": (ember_engine, ember_metrics, ember_handlers, ember),
        "ignite": (ignite_engine, ignite_metrics, ignite_handlers, torch)}
NAMES = ["STARTED", "EPOCH_STARTED", "ITERATION_STARTED", "ITERATION_COMPLETED",
         "EPOCH_COMPLETED", "COMPLETED", "TERMINATE", "TERMINATE_SINGLE_EPOCH"]


def _logged(eng_mod, process=None):
    log = []
    engine = eng_mod.Engine(process or (lambda e, b: log.append(("batch", b))))
    for name in NAMES:
        # (Ignite passes iter_counter= to TERMINATE_SINGLE_EPOCH handlers; Ember passes nothing)
        engine.add_event_handler(getattr(eng_mod.Events, name), lambda e, n=name, **_: log.append(
            (n, e.state.epoch, e.state.iteration)))
    return engine, log


def _plain(E):
    engine, log = _logged(E)
    engine.run(range(3), max_epochs=2)
    return log


def _filters(E):
    engine, log = _logged(E)
    ev = E.Events
    for i, filt in enumerate([ev.ITERATION_COMPLETED(every=3), ev.ITERATION_STARTED(once=5),
                              ev.EPOCH_COMPLETED(every=2), ev.EPOCH_STARTED(after=1, before=4),
                              ev.EPOCH_COMPLETED(once=1) | ev.COMPLETED]):
        engine.add_event_handler(filt, lambda e, i=i: log.append(("f", i, e.state.iteration)))
    engine.run(range(2), max_epochs=5)
    return log


def _terminate(E):
    engine, log = _logged(E)
    engine.add_event_handler(E.Events.ITERATION_COMPLETED(once=4), lambda e: e.terminate())
    engine.run(range(3), max_epochs=5)
    engine.run(range(3), max_epochs=5)  # resumes
    engine2, log2 = _logged(E)
    engine2.add_event_handler(E.Events.EPOCH_COMPLETED(once=2),
                              lambda e: e.terminate(skip_completed=True))
    engine2.run(range(2), max_epochs=3)
    return log + ["second"] + log2


def _terminate_epoch(E):
    engine, log = _logged(E)
    engine.add_event_handler(E.Events.ITERATION_COMPLETED,
                             lambda e: e.terminate_epoch() if e.state.iteration % 5 == 2 else None)
    engine.run(range(5), max_epochs=3)
    return log


def _resume_state(E):
    engine, log = _logged(E)
    engine.load_state_dict({"iteration": 15, "epoch_length": 10, "max_epochs": 3})
    engine.run(range(10), max_epochs=3)
    engine.run(range(10), max_epochs=4)  # finished at 3: one more epoch
    return log


def _iterators(E):
    engine, log = _logged(E)
    engine.run(iter(range(7)), max_epochs=1)
    engine2, log2 = _logged(E)
    engine2.run(range(10), max_epochs=3, epoch_length=4)
    return log + ["second"] + log2


@pytest.mark.parametrize("scenario", [_plain, _filters, _terminate, _terminate_epoch,
                                      _resume_state, _iterators])
def test_event_logs_match_ignite(scenario):
    assert scenario(ember_engine) == scenario(ignite_engine)


def _metric_values(lib_name):
    E, M, _, T = LIBS[lib_name]
    rng = np.random.default_rng(0)
    logits = [rng.standard_normal((n, 6)).astype(np.float32) for n in (5, 8, 3)]
    labels = [rng.integers(0, 6, n) for n in (5, 8, 3)]
    binary = [(rng.integers(0, 2, n), rng.integers(0, 2, n)) for n in (4, 6)]
    multi = [(rng.integers(0, 2, (n, 3)), rng.integers(0, 2, (n, 3))) for n in (4, 6)]
    loss_fn = torch.nn.functional.cross_entropy if lib_name == "ignite" else EF.cross_entropy
    out = {}
    for name, metric, batches in [
        ("acc", M.Accuracy(), zip(logits, labels)),
        ("top3", M.TopKCategoricalAccuracy(k=3), zip(logits, labels)),
        ("loss", M.Loss(loss_fn), zip(logits, labels)),
        ("binary", M.Accuracy(), binary),
        ("multilabel", M.Accuracy(is_multilabel=True), multi),
    ]:
        engine = E.Engine(lambda e, b: b)
        metric.attach(engine, name)
        data = [(T.tensor(p), T.tensor(y)) for p, y in batches]
        out[name] = engine.run(data).metrics[name]
    engine = E.Engine(lambda e, b: b)
    M.RunningAverage(output_transform=lambda x: x, alpha=0.9).attach(engine, "ra")
    values = []
    engine.add_event_handler(E.Events.ITERATION_COMPLETED,
                             lambda e: values.append(e.state.metrics["ra"]))
    engine.run([1.0, 3.0, 2.0, 5.0], max_epochs=2)
    out["ra"] = values
    return out


def test_metric_values_match_ignite():
    ours, theirs = _metric_values("ember"), _metric_values("ignite")
    assert ours.keys() == theirs.keys()
    for k in ours:
        np.testing.assert_allclose(ours[k], theirs[k], rtol=1e-6, err_msg=k)


def _handlers(lib_name, tmp_path):
    E, _, H, T = LIBS[lib_name]
    model = enn.Linear(2, 2) if lib_name == "ember" else torch.nn.Linear(2, 2)
    scores = [0.3, 0.8, 0.5, 0.9, 0.1, 0.85, 0.2, 0.2]
    trainer = E.Engine(lambda e, b: None)
    trainer.add_event_handler(E.Events.EPOCH_STARTED, lambda e: setattr(
        e.state, "score", scores[e.state.epoch - 1]))
    d1, d2 = tmp_path / lib_name / "a", tmp_path / lib_name / "b"
    best = H.ModelCheckpoint(d1, "best", score_function=lambda e: e.state.score,
                             score_name="acc", n_saved=2,
                             global_step_transform=H.global_step_from_engine(trainer))
    latest = H.ModelCheckpoint(d2, "last", n_saved=3)
    trainer.add_event_handler(E.Events.EPOCH_COMPLETED, best, {"model": model})
    trainer.add_event_handler(E.Events.ITERATION_COMPLETED(every=2), latest, {"m": model,
                                                                              "n": model})
    trainer.add_event_handler(E.Events.EPOCH_COMPLETED,
                              H.EarlyStopping(3, lambda e: e.state.score, trainer))
    state = trainer.run(range(3), max_epochs=8)
    return (state.epoch, sorted(p.name for p in d1.iterdir()),
            sorted(p.name for p in d2.iterdir()), best.last_checkpoint.name)


def test_checkpoint_names_and_early_stopping_match_ignite(tmp_path):
    assert _handlers("ember", tmp_path) == _handlers("ignite", tmp_path)
