"""Model zoo against torchvision itself (when it can be imported): the same state_dict keys and
shapes, and the same outputs with the same weights."""

import sys
import types

import numpy as np
import pytest

import ember
from ember.vision import models


def _torchvision():
    torch = pytest.importorskip("torch")
    sys.modules.setdefault("torchvision._meta_registrations",
                           types.ModuleType("torchvision._meta_registrations"))
    try:
        import torchvision
    except Exception as e:  # a CUDA-only or mismatched torchvision build
        pytest.skip(f"torchvision unusable here: {e}")
    return torch, torchvision


NAMES = ["alexnet", "vgg11", "vgg11_bn", "resnet18", "resnet50", "googlenet", "mobilenet_v2",
         "squeezenet1_0", "squeezenet1_1", "resnext50_32x4d"]


@pytest.mark.parametrize("name", NAMES)
def test_state_dict_keys_shapes_and_outputs_match_torchvision(name):
    torch, tv = _torchvision()
    kwargs = {"num_classes": 7}
    if name == "googlenet":
        kwargs.update(aux_logits=False, init_weights=True)
    t = getattr(tv.models, name)(**kwargs).eval()
    e = getattr(models, name)(**kwargs).eval()
    t_sd, e_sd = t.state_dict(), e.state_dict()
    assert list(e_sd) == list(t_sd)
    assert [tuple(v.shape) for v in e_sd.values()] == [tuple(v.shape) for v in t_sd.values()]
    if name in ("resnet50", "resnext50_32x4d", "vgg11", "vgg11_bn", "alexnet"):
        return  # large: keys and shapes suffice; outputs are checked on the smaller nets
    e.load_state_dict({k: ember.tensor(v.numpy()) for k, v in t_sd.items()})
    x = np.random.default_rng(0).standard_normal((1, 3, 64, 64)).astype(np.float32)
    with torch.no_grad():
        want = t(torch.tensor(x)).numpy()
    with ember.no_grad():
        got = e(ember.tensor(x)).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-3, atol=1e-4)
