"""Transforms on PIL images and tensors: exact results where torchvision's are defined by
formula (ToTensor, Normalize, crops, flips, pad, rotate by 90), shapes and seeding elsewhere."""

import numpy as np
import pytest

import ember
from ember.vision import transforms as T
from ember.vision.transforms import functional as F

Image = pytest.importorskip("PIL.Image")


def _img(h=6, w=8, mode="RGB", seed=0):
    rng = np.random.default_rng(seed)
    shape = (h, w, 3) if mode == "RGB" else (h, w)
    return Image.fromarray(rng.integers(0, 256, shape, dtype=np.uint8), mode=mode)


def test_to_tensor_and_pil_round_trip():
    img = _img()
    t = T.ToTensor()(img)
    arr = np.array(img)
    assert t.shape == (3, 6, 8) and t.dtype == ember.float32
    np.testing.assert_allclose(t.numpy(), arr.transpose(2, 0, 1) / 255.0, rtol=1e-6)
    back = T.ToPILImage()(t)
    np.testing.assert_array_equal(np.array(back), arr)
    p = T.PILToTensor()(img)
    assert p.dtype == ember.uint8 and p.shape == (3, 6, 8)
    gray = T.ToTensor()(_img(mode="L"))
    assert gray.shape == (1, 6, 8)


def test_normalize_matches_formula_and_errors():
    t = ember.rand(3, 4, 4)
    out = T.Normalize((0.5, 0.4, 0.3), (0.2, 0.3, 0.4))(t)
    mean = np.array([0.5, 0.4, 0.3], np.float32)[:, None, None]
    std = np.array([0.2, 0.3, 0.4], np.float32)[:, None, None]
    np.testing.assert_allclose(out.numpy(), (t.numpy() - mean) / std, rtol=1e-6)
    with pytest.raises(TypeError, match="Input tensor should be a float tensor"):
        T.Normalize((0.5,), (0.5,))(ember.zeros(1, 2, 2, dtype=ember.uint8))
    with pytest.raises(ValueError, match="std evaluated to zero"):
        T.Normalize((0.5,), (0.0,))(ember.zeros(1, 2, 2))


def test_crops_flips_pad_rotate_on_tensors_and_pil_agree():
    img = _img(8, 10)
    t = T.ToTensor()(img)
    for tr in (T.CenterCrop(4), T.CenterCrop((5, 3)), T.Pad(2), T.Pad((1, 2, 3, 4)),
               T.Pad(2, padding_mode="reflect"), T.Pad(1, padding_mode="edge")):
        np.testing.assert_allclose(tr(t).numpy(), T.ToTensor()(tr(img)).numpy(), atol=1e-6,
                                   err_msg=repr(tr))
    np.testing.assert_array_equal(F.hflip(t).numpy(), t.numpy()[..., ::-1])
    np.testing.assert_array_equal(F.vflip(t).numpy(), t.numpy()[..., ::-1, :])
    sq = T.ToTensor()(_img(6, 6))
    np.testing.assert_array_equal(F.rotate(sq, 90).numpy(), np.rot90(sq.numpy(), 1, (1, 2)))


def test_resize_shapes_and_values():
    t = ember.rand(3, 8, 12)
    assert T.Resize((4, 6))(t).shape == (3, 4, 6)
    assert T.Resize(4)(t).shape == (3, 4, 6)
    assert T.Resize(4)(_img(8, 12)).size == (6, 4)
    const = ember.full((1, 5, 5), 0.25)
    np.testing.assert_allclose(T.Resize((9, 3))(const).numpy(), 0.25, rtol=1e-6)
    up = T.Resize((4, 4), interpolation="nearest")(ember.tensor([[[1.0, 2.0], [3.0, 4.0]]]))
    np.testing.assert_array_equal(up.numpy()[0], np.repeat(np.repeat([[1, 2], [3, 4]], 2, 0),
                                                           2, 1))


def test_random_transforms_follow_ember_seed():
    img = _img(12, 12)
    aug = T.Compose([T.RandomCrop(8, padding=2), T.RandomHorizontalFlip(),
                     T.RandomRotation(15), T.ColorJitter(0.3, 0.3, 0.3, 0.1), T.ToTensor(),
                     T.RandomErasing(p=1.0)])
    ember.manual_seed(3)
    a = aug(img).numpy()
    ember.manual_seed(3)
    b = aug(img).numpy()
    np.testing.assert_array_equal(a, b)
    assert a.shape == (3, 8, 8)
    t = ember.rand(3, 12, 12)
    for tr in (T.RandomResizedCrop(6), T.RandomAffine(10, (0.1, 0.1), (0.9, 1.1), 5),
               T.GaussianBlur(3), T.RandomGrayscale(1.0), T.Grayscale(3),
               T.RandomApply([T.RandomVerticalFlip(1.0)], p=1.0),
               T.RandomChoice([T.RandomHorizontalFlip(1.0), T.RandomVerticalFlip(1.0)])):
        out = tr(t)
        assert out.ndim == 3 and out.shape[0] == 3, repr(tr)


def test_reprs_like_torchvision():
    assert repr(T.Compose([T.ToTensor(), T.Normalize((0.1307,), (0.3081,))])) == (
        "Compose(\n    ToTensor()\n    Normalize(mean=(0.1307,), std=(0.3081,))\n)")
    assert repr(T.RandomHorizontalFlip()) == "RandomHorizontalFlip(p=0.5)"
    assert repr(T.CenterCrop(4)) == "CenterCrop(size=(4, 4))"
