"""SWA utilities against PyTorch: averaged parameters, SWALR's lr sequence, update_bn."""

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch", reason="PyTorch (the oracle) is not installed")


def _model(lib):
    lib.manual_seed(0)
    return lib.nn.Sequential(lib.nn.Linear(3, 4), lib.nn.BatchNorm1d(4), lib.nn.Linear(4, 2))


def _copy_weights(e, t):
    e.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in t.state_dict().items()})


@pytest.mark.parametrize("ema", [False, True])
def test_averaged_model_matches_torch(ema):
    t_model, e_model = _model(torch), _model(ember)
    _copy_weights(e_model, t_model)
    kw_t = {"avg_fn": torch.optim.swa_utils.get_ema_avg_fn(0.9)} if ema else {}
    kw_e = {"avg_fn": ember.optim.swa_utils.get_ema_avg_fn(0.9)} if ema else {}
    t_avg = torch.optim.swa_utils.AveragedModel(t_model, **kw_t)
    e_avg = ember.optim.swa_utils.AveragedModel(e_model, **kw_e)
    rng = np.random.default_rng(0)
    for _ in range(4):
        with torch.no_grad():
            for p in t_model.parameters():
                p.add_(torch.tensor(rng.standard_normal(tuple(p.shape)).astype(np.float32)))
        _copy_weights(e_model, t_model)
        t_avg.update_parameters(t_model)
        e_avg.update_parameters(e_model)
    for (k, a), (_, b) in zip(e_avg.state_dict().items(), t_avg.state_dict().items()):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-5, atol=1e-6, err_msg=k)


def test_swalr_sequence_matches_torch():
    seqs = []
    for lib in (ember, torch):
        p = lib.zeros(1, requires_grad=True)
        opt = lib.optim.SGD([p], lr=0.5)
        sched = lib.optim.swa_utils.SWALR(opt, swa_lr=0.05, anneal_epochs=5)
        out = []
        for _ in range(10):
            opt.step()
            sched.step()
            out.append(sched.get_last_lr()[0])
        seqs.append(out)
    np.testing.assert_allclose(seqs[0], seqs[1], rtol=1e-12)


def test_update_bn_recomputes_running_stats_like_torch():
    t_model, e_model = _model(torch), _model(ember)
    _copy_weights(e_model, t_model)
    data = np.random.default_rng(1).standard_normal((6, 8, 3)).astype(np.float32)
    torch.optim.swa_utils.update_bn([torch.tensor(b) for b in data], t_model)
    ember.optim.swa_utils.update_bn([ember.tensor(b) for b in data], e_model)
    np.testing.assert_allclose(e_model[1].running_mean.numpy(),
                               t_model[1].running_mean.numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(e_model[1].running_var.numpy(), t_model[1].running_var.numpy(),
                               rtol=1e-5, atol=1e-6)
