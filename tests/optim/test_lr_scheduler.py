"""Every scheduler's learning-rate (and momentum) sequence over 100 steps equals PyTorch's."""

import math
import warnings

import pytest

import ember

torch = pytest.importorskip("torch", reason="PyTorch (the oracle) is not installed")


def _make(lib, name, kwargs, opt_name="SGD", groups=1):
    params = [lib.zeros(1, requires_grad=True) for _ in range(groups)]
    opt_kwargs = dict(lr=0.1, momentum=0.9) if opt_name == "SGD" else dict(lr=0.1)
    opt = getattr(lib.optim, opt_name)([{"params": [p]} for p in params], **opt_kwargs)
    sched = getattr(lib.optim.lr_scheduler, name)(opt, **kwargs)
    return opt, sched


def _sequence(lib, name, kwargs, steps=100, opt_name="SGD", groups=1):
    opt, sched = _make(lib, name, kwargs, opt_name, groups)
    out = []
    for _ in range(steps):
        opt.step()
        sched.step()
        g = opt.param_groups[0]
        out.append((tuple(sched.get_last_lr()), g.get("momentum"), g.get("betas")))
    return out


CASES = [
    ("LambdaLR", dict(lr_lambda=lambda e: 0.95**e)),
    ("MultiplicativeLR", dict(lr_lambda=lambda e: 0.97)),
    ("StepLR", dict(step_size=7, gamma=0.5)),
    ("MultiStepLR", dict(milestones=[10, 30, 30, 80], gamma=0.3)),
    ("ConstantLR", dict(factor=0.25, total_iters=12)),
    ("LinearLR", dict(start_factor=0.2, end_factor=0.9, total_iters=40)),
    ("ExponentialLR", dict(gamma=0.96)),
    ("PolynomialLR", dict(total_iters=60, power=2.0)),
    ("CosineAnnealingLR", dict(T_max=30, eta_min=0.001)),
    ("CosineAnnealingWarmRestarts", dict(T_0=10, T_mult=2, eta_min=0.01)),
    ("CyclicLR", dict(base_lr=0.01, max_lr=0.1, step_size_up=7, mode="triangular2")),
    ("CyclicLR", dict(base_lr=0.01, max_lr=0.1, step_size_up=5, step_size_down=9,
                      mode="exp_range", gamma=0.98)),
    ("OneCycleLR", dict(max_lr=0.5, total_steps=100)),
    ("OneCycleLR", dict(max_lr=[0.5], epochs=10, steps_per_epoch=10, anneal_strategy="linear",
                        three_phase=True, pct_start=0.25)),
]


def _close(a, b):
    assert len(a) == len(b)
    for x, y in zip(a, b):
        for u, v in zip(x, y):
            if isinstance(u, tuple):
                assert all(math.isclose(p, q, rel_tol=1e-12, abs_tol=1e-15) for p, q in zip(u, v))
            elif u is None:
                assert v is None
            else:
                assert math.isclose(u, v, rel_tol=1e-12, abs_tol=1e-15), (x, y)


@pytest.mark.parametrize("name,kwargs", CASES, ids=[c[0] + str(i) for i, c in enumerate(CASES)])
def test_sequence_matches_torch(name, kwargs):
    _close(_sequence(ember, name, kwargs), _sequence(torch, name, kwargs))


def test_cyclic_and_onecycle_cycle_adam_betas():
    for name, kwargs in [CASES[10], CASES[12]]:
        _close(_sequence(ember, name, kwargs, opt_name="Adam"),
               _sequence(torch, name, kwargs, opt_name="Adam"))


def _composite(lib, kind):
    p = lib.zeros(1, requires_grad=True)
    opt = lib.optim.SGD([p], lr=0.1)
    s = lib.optim.lr_scheduler
    a = s.LinearLR(opt, start_factor=0.1, total_iters=5)
    b = s.ExponentialLR(opt, gamma=0.9)
    if kind == "sequential":
        sched = s.SequentialLR(opt, schedulers=[a, b], milestones=[5])
    else:
        sched = s.ChainedScheduler([a, b])
    out = []
    for _ in range(30):
        opt.step()
        sched.step()
        out.append((tuple(sched.get_last_lr()), None, None))
    return out


@pytest.mark.parametrize("kind", ["sequential", "chained"])
def test_composites_match_torch(kind):
    _close(_composite(ember, kind), _composite(torch, kind))


def _plateau(lib, **kwargs):
    p = lib.zeros(1, requires_grad=True)
    opt = lib.optim.SGD([p, lib.zeros(1, requires_grad=True)], lr=0.1)
    sched = lib.optim.lr_scheduler.ReduceLROnPlateau(opt, **kwargs)
    losses = [1.0 / (1 + i) if i < 20 else 0.05 + 0.001 * math.sin(i) for i in range(100)]
    out = []
    for loss in losses:
        sched.step(loss)
        out.append((tuple(sched.get_last_lr()), None, None))
    return out


@pytest.mark.parametrize("kwargs", [
    dict(),
    dict(mode="max", factor=0.5, patience=3, threshold=0.01, threshold_mode="abs"),
    dict(patience=2, cooldown=3, min_lr=0.002, factor=0.3),
])
def test_reduce_lr_on_plateau_matches_torch(kwargs):
    _close(_plateau(ember, **kwargs), _plateau(torch, **kwargs))


@pytest.mark.parametrize("name,kwargs", [CASES[2], CASES[8], CASES[10], CASES[12]])
def test_state_dict_round_trip(name, kwargs):
    straight = _sequence(ember, name, kwargs, steps=40)
    opt, sched = _make(ember, name, kwargs)
    for _ in range(20):
        opt.step()
        sched.step()
    state = sched.state_dict()
    opt2, sched2 = _make(ember, name, kwargs)
    opt2.load_state_dict(opt.state_dict())
    sched2.load_state_dict(state)
    rest = []
    for _ in range(20):
        opt2.step()
        sched2.step()
        g = opt2.param_groups[0]
        rest.append((tuple(sched2.get_last_lr()), g.get("momentum"), g.get("betas")))
    _close(straight[20:], rest)


def test_warns_when_stepped_before_optimizer():
    for lib in (ember, torch):
        _, sched = _make(lib, "StepLR", dict(step_size=2))
        with pytest.warns(UserWarning, match="before `optimizer.step\\(\\)`"):
            sched.step()
        opt, sched = _make(lib, "StepLR", dict(step_size=2))
        opt.step()
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            sched.step()


def test_errors_match_torch():
    for lib in (ember, torch):
        p = lib.zeros(1, requires_grad=True)
        opt = lib.optim.SGD([p], lr=0.1)
        s = lib.optim.lr_scheduler
        with pytest.raises(ValueError, match="Factor should be < 1.0"):
            s.ReduceLROnPlateau(opt, factor=1.5)
        with pytest.raises(ValueError, match="Expected positive integer T_0"):
            s.CosineAnnealingWarmRestarts(opt, T_0=0)
        with pytest.raises(ValueError, match="total_steps OR"):
            s.OneCycleLR(opt, max_lr=0.1)
        with pytest.raises(TypeError, match="is not an Optimizer"):
            s.StepLR(object(), step_size=1)
        with pytest.raises(ValueError, match="Constant multiplicative factor"):
            s.ConstantLR(opt, factor=2.0)
