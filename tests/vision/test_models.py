"""Model zoo: parameter counts equal torchvision's published ones, forward and backward run,
and the GoogLeNet auxiliary outputs behave as torchvision's."""

import pytest

import ember
from ember.vision import models

# torchvision's documented parameter counts (1000 classes)
COUNTS = {"resnet18": 11689512, "resnet50": 25557032, "vgg11": 132863336, "vgg16_bn": 138365992,
          "googlenet": 6624904, "resnext50_32x4d": 25028904, "wide_resnet50_2": 68883240}


@pytest.mark.parametrize("name,count", COUNTS.items())
def test_parameter_counts_match_torchvision(name, count):
    kwargs = {"aux_logits": False} if name == "googlenet" else {}  # as torchvision's weights
    model = getattr(models, name)(**kwargs)
    assert sum(p.numel() for p in model.parameters()) == count


def test_resnet_and_lenet_train_step():
    for model, shape in ((models.resnet18(num_classes=5), (2, 3, 32, 32)),
                         (models.lenet(), (4, 1, 28, 28))):
        out = model(ember.randn(*shape))
        loss = ember.nn.functional.cross_entropy(out, ember.zeros(shape[0], dtype=ember.int64))
        loss.backward()
        assert all(p.grad is not None for p in model.parameters())


def test_googlenet_aux_outputs():
    model = models.googlenet(num_classes=7)
    out = model(ember.randn(2, 3, 64, 64))
    assert out.logits.shape == (2, 7) and out.aux_logits1.shape == (2, 7)
    model.eval()
    assert model(ember.randn(1, 3, 64, 64)).shape == (1, 7)


def test_pretrained_weights_raise_clearly():
    with pytest.raises(NotImplementedError, match="no pretrained weights"):
        models.resnet18(weights="IMAGENET1K_V1")
