"""Transform classes (``transforms.Compose([...])``), mirroring ``torchvision.transforms``.

Random transforms draw from Ember's default generator, so ``ember.manual_seed`` makes them
reproducible.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from ...random import default_generator
from ...tensor import Tensor
from . import functional as F


def _rand() -> float:
    return float(default_generator.np.random())


def _uniform(a: float, b: float) -> float:
    return float(default_generator.np.uniform(a, b))


def _randint(lo: int, hi: int) -> int:
    """An integer in [lo, hi) (hi exclusive, like torch.randint)."""
    return int(default_generator.np.integers(lo, hi))


def _pair(v, name: str) -> tuple:
    if isinstance(v, numbers.Number):
        return (int(v), int(v))
    if len(v) == 1:
        return (int(v[0]), int(v[0]))
    if len(v) != 2:
        raise ValueError(f"Please provide only two dimensions (h, w) for {name}.")
    return (int(v[0]), int(v[1]))


class Compose:
    """Apply ``transforms`` in order."""

    def __init__(self, transforms) -> None:
        self.transforms = transforms

    def __call__(self, img):
        for t in self.transforms:
            img = t(img)
        return img

    def __repr__(self) -> str:
        lines = [f"    {t}" for t in self.transforms]
        return f"{type(self).__name__}(\n" + "\n".join(lines) + "\n)"


class _Simple:
    """A transform whose repr is ``Name()`` or ``Name(arg=value, ...)``."""

    _repr_args: tuple = ()

    def __repr__(self) -> str:
        args = ", ".join(f"{a}={getattr(self, a)!r}" if not isinstance(getattr(self, a), float)
                         else f"{a}={getattr(self, a)}" for a in self._repr_args)
        return f"{type(self).__name__}({args})"


class ToTensor(_Simple):
    """PIL image / HWC ndarray -> float32 CHW tensor in [0, 1]."""

    def __call__(self, pic):
        return F.to_tensor(pic)


class PILToTensor(_Simple):
    def __call__(self, pic):
        return F.pil_to_tensor(pic)


class ToPILImage(_Simple):
    def __init__(self, mode=None) -> None:
        self.mode = mode

    def __call__(self, pic):
        return F.to_pil_image(pic, self.mode)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()" if self.mode is None else \
            f"{type(self).__name__}(mode={self.mode})"


class ConvertImageDtype(_Simple):
    def __init__(self, dtype) -> None:
        self.dtype = dtype

    def __call__(self, image):
        return F.convert_image_dtype(image, self.dtype)


class Normalize(_Simple):
    """(x - mean) / std per channel of a float tensor image."""

    def __init__(self, mean, std, inplace: bool = False) -> None:
        self.mean, self.std, self.inplace = mean, std, inplace

    def __call__(self, tensor):
        return F.normalize(tensor, self.mean, self.std, self.inplace)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(mean={self.mean}, std={self.std})"


class Resize(_Simple):
    """Resize to ``size`` ((h, w), or an int for the shorter side, keeping aspect)."""

    def __init__(self, size, interpolation="bilinear", max_size=None, antialias=True) -> None:
        self.size, self.interpolation = size, interpolation
        self.max_size, self.antialias = max_size, antialias

    def __call__(self, img):
        return F.resize(img, self.size, self.interpolation, self.max_size, self.antialias)

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(size={self.size}, interpolation={self.interpolation}, "
                f"max_size={self.max_size}, antialias={self.antialias})")


class CenterCrop(_Simple):
    def __init__(self, size) -> None:
        self.size = _pair(size, "size")

    def __call__(self, img):
        return F.center_crop(img, self.size)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(size={self.size})"


class Pad(_Simple):
    def __init__(self, padding, fill=0, padding_mode: str = "constant") -> None:
        if padding_mode not in ("constant", "edge", "reflect", "symmetric"):
            raise ValueError("Padding mode should be either constant, edge, reflect or symmetric")
        self.padding, self.fill, self.padding_mode = padding, fill, padding_mode

    def __call__(self, img):
        return F.pad(img, self.padding, self.fill, self.padding_mode)

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(padding={self.padding}, fill={self.fill}, "
                f"padding_mode={self.padding_mode})")


class RandomCrop(_Simple):
    """A random ``size`` crop, after optional padding."""

    def __init__(self, size, padding=None, pad_if_needed: bool = False, fill=0,
                 padding_mode: str = "constant") -> None:
        self.size = _pair(size, "size")
        self.padding, self.pad_if_needed = padding, pad_if_needed
        self.fill, self.padding_mode = fill, padding_mode

    @staticmethod
    def get_params(img, output_size) -> tuple[int, int, int, int]:
        w, h = F.get_image_size(img)
        th, tw = output_size
        if h < th or w < tw:
            raise ValueError(
                f"Required crop size {(th, tw)} is larger than input image size {(h, w)}"
            )
        if w == tw and h == th:
            return 0, 0, h, w
        return _randint(0, h - th + 1), _randint(0, w - tw + 1), th, tw

    def __call__(self, img):
        if self.padding is not None:
            img = F.pad(img, self.padding, self.fill, self.padding_mode)
        w, h = F.get_image_size(img)
        if self.pad_if_needed and w < self.size[1]:
            img = F.pad(img, [self.size[1] - w, 0], self.fill, self.padding_mode)
        if self.pad_if_needed and h < self.size[0]:
            img = F.pad(img, [0, self.size[0] - h], self.fill, self.padding_mode)
        i, j, th, tw = self.get_params(img, self.size)
        return F.crop(img, i, j, th, tw)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(size={self.size}, padding={self.padding})"


class RandomResizedCrop(_Simple):
    """A random area/aspect crop resized to ``size`` (Inception-style augmentation)."""

    def __init__(self, size, scale=(0.08, 1.0), ratio=(3.0 / 4.0, 4.0 / 3.0),
                 interpolation="bilinear", antialias=True) -> None:
        self.size = _pair(size, "size")
        self.scale, self.ratio, self.interpolation = scale, ratio, interpolation
        self.antialias = antialias

    @staticmethod
    def get_params(img, scale, ratio) -> tuple[int, int, int, int]:
        width, height = F.get_image_size(img)
        area = height * width
        log_ratio = (math.log(ratio[0]), math.log(ratio[1]))
        for _ in range(10):
            target = area * _uniform(scale[0], scale[1])
            aspect = math.exp(_uniform(*log_ratio))
            w = int(round(math.sqrt(target * aspect)))
            h = int(round(math.sqrt(target / aspect)))
            if 0 < w <= width and 0 < h <= height:
                return _randint(0, height - h + 1), _randint(0, width - w + 1), h, w
        in_ratio = width / height
        if in_ratio < min(ratio):
            w, h = width, int(round(width / min(ratio)))
        elif in_ratio > max(ratio):
            h, w = height, int(round(height * max(ratio)))
        else:
            w, h = width, height
        return (height - h) // 2, (width - w) // 2, h, w

    def __call__(self, img):
        i, j, h, w = self.get_params(img, self.scale, self.ratio)
        return F.resize(F.crop(img, i, j, h, w), self.size, self.interpolation)

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(size={self.size}, scale={self.scale}, "
                f"ratio={self.ratio}, interpolation={self.interpolation}, "
                f"antialias={self.antialias})")


class RandomHorizontalFlip(_Simple):
    _repr_args = ("p",)

    def __init__(self, p: float = 0.5) -> None:
        self.p = p

    def __call__(self, img):
        return F.hflip(img) if _rand() < self.p else img


class RandomVerticalFlip(RandomHorizontalFlip):
    def __call__(self, img):
        return F.vflip(img) if _rand() < self.p else img


class RandomRotation(_Simple):
    def __init__(self, degrees, interpolation="nearest", expand: bool = False, center=None,
                 fill=0) -> None:
        if isinstance(degrees, numbers.Number):
            if degrees < 0:
                raise ValueError("If degrees is a single number, it must be positive.")
            degrees = (-degrees, degrees)
        self.degrees = [float(d) for d in degrees]
        self.interpolation, self.expand, self.center, self.fill = (interpolation, expand, center,
                                                                   fill)

    def __call__(self, img):
        angle = _uniform(self.degrees[0], self.degrees[1])
        return F.rotate(img, angle, self.interpolation, self.expand, self.center, self.fill)

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(degrees={self.degrees}, "
                f"interpolation={self.interpolation}, expand={self.expand}, fill={self.fill})")


class RandomAffine(_Simple):
    def __init__(self, degrees, translate=None, scale=None, shear=None,
                 interpolation="nearest", fill=0, center=None) -> None:
        self.degrees = [-degrees, degrees] if isinstance(degrees, numbers.Number) else list(
            degrees)
        self.translate, self.scale, self.shear = translate, scale, shear
        self.interpolation, self.fill, self.center = interpolation, fill, center

    def __call__(self, img):
        w, h = F.get_image_size(img)
        angle = _uniform(*self.degrees)
        tx = ty = 0
        if self.translate is not None:
            tx = int(round(_uniform(-self.translate[0] * w, self.translate[0] * w)))
            ty = int(round(_uniform(-self.translate[1] * h, self.translate[1] * h)))
        scale = _uniform(*self.scale) if self.scale is not None else 1.0
        shear = (0.0, 0.0)
        if self.shear is not None:
            s = self.shear
            shear = (_uniform(-s, s), 0.0) if isinstance(s, numbers.Number) else (
                _uniform(s[0], s[1]), _uniform(s[2], s[3]) if len(s) == 4 else 0.0)
        t = F.to_tensor(img) if F._is_pil(img) else img
        out = F._affine_tensor(t, angle, (tx, ty), scale, shear, self.interpolation, self.fill,
                               self.center)
        return F.to_pil_image(out) if F._is_pil(img) else out

    def __repr__(self) -> str:
        return f"{type(self).__name__}(degrees={self.degrees})"


class ColorJitter(_Simple):
    """Random brightness, contrast, saturation and hue changes, in random order."""

    def __init__(self, brightness=0, contrast=0, saturation=0, hue=0) -> None:
        self.brightness = self._range(brightness, "brightness")
        self.contrast = self._range(contrast, "contrast")
        self.saturation = self._range(saturation, "saturation")
        self.hue = self._range(hue, "hue", center=0, bound=(-0.5, 0.5))

    @staticmethod
    def _range(value, name, center=1.0, bound=(0, float("inf"))):
        if isinstance(value, numbers.Number):
            if value < 0:
                raise ValueError(f"If {name} is a single number, it must be non negative.")
            value = [center - float(value), center + float(value)]
            if center == 1.0:
                value[0] = max(value[0], 0.0)
        if value[0] == value[1] == center:
            return None
        return tuple(value)

    def __call__(self, img):
        order = default_generator.np.permutation(4)
        for k in order:
            if k == 0 and self.brightness is not None:
                img = F.adjust_brightness(img, _uniform(*self.brightness))
            elif k == 1 and self.contrast is not None:
                img = F.adjust_contrast(img, _uniform(*self.contrast))
            elif k == 2 and self.saturation is not None:
                img = F.adjust_saturation(img, _uniform(*self.saturation))
            elif k == 3 and self.hue is not None:
                img = F.adjust_hue(img, _uniform(*self.hue))
        return img

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(brightness={self.brightness}, contrast={self.contrast}, "
                f"saturation={self.saturation}, hue={self.hue})")


class Grayscale(_Simple):
    _repr_args = ("num_output_channels",)

    def __init__(self, num_output_channels: int = 1) -> None:
        self.num_output_channels = num_output_channels

    def __call__(self, img):
        return F.rgb_to_grayscale(img, self.num_output_channels)


class RandomGrayscale(_Simple):
    _repr_args = ("p",)

    def __init__(self, p: float = 0.1) -> None:
        self.p = p

    def __call__(self, img):
        if _rand() < self.p:
            c = F.get_dimensions(img)[0]
            return F.rgb_to_grayscale(img, c)
        return img


class GaussianBlur(_Simple):
    def __init__(self, kernel_size, sigma=(0.1, 2.0)) -> None:
        self.kernel_size = _pair(kernel_size, "kernel_size")
        for ks in self.kernel_size:
            if ks <= 0 or ks % 2 == 0:
                raise ValueError("Kernel size value should be an odd and positive number.")
        self.sigma = (sigma, sigma) if isinstance(sigma, numbers.Number) else tuple(sigma)

    def __call__(self, img):
        s = _uniform(self.sigma[0], self.sigma[1])
        return F.gaussian_blur(img, list(self.kernel_size), [s, s])

    def __repr__(self) -> str:
        return f"{type(self).__name__}(kernel_size={self.kernel_size}, sigma={self.sigma})"


class Lambda(_Simple):
    def __init__(self, lambd) -> None:
        if not callable(lambd):
            raise TypeError(f"Argument lambd should be callable, got {type(lambd).__name__!r}")
        self.lambd = lambd

    def __call__(self, img):
        return self.lambd(img)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class RandomApply(_Simple):
    def __init__(self, transforms, p: float = 0.5) -> None:
        self.transforms, self.p = transforms, p

    def __call__(self, img):
        if self.p < _rand():
            return img
        for t in self.transforms:
            img = t(img)
        return img

    def __repr__(self) -> str:
        lines = [f"    p={self.p}"] + [f"    {t}" for t in self.transforms]
        return f"{type(self).__name__}(\n" + "\n".join(lines) + "\n)"


class RandomChoice(_Simple):
    def __init__(self, transforms, p=None) -> None:
        self.transforms, self.p = transforms, p

    def __call__(self, img):
        weights = self.p if self.p is not None else [1.0] * len(self.transforms)
        probs = np.asarray(weights, np.float64) / np.sum(weights)
        k = int(default_generator.np.choice(len(self.transforms), p=probs))
        return self.transforms[k](img)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(transforms={self.transforms}, p={self.p})"


class RandomErasing(_Simple):
    """Erase a random rectangle of a tensor image (Zhong et al.)."""

    def __init__(self, p: float = 0.5, scale=(0.02, 0.33), ratio=(0.3, 3.3), value=0,
                 inplace: bool = False) -> None:
        if not 0 <= p <= 1:
            raise ValueError("Random erasing probability should be between 0 and 1")
        self.p, self.scale, self.ratio, self.value, self.inplace = p, scale, ratio, value, inplace

    def __call__(self, img: Tensor):
        if _rand() >= self.p:
            return img
        c, h, w = img.shape[-3], img.shape[-2], img.shape[-1]
        area = h * w
        log_ratio = (math.log(self.ratio[0]), math.log(self.ratio[1]))
        for _ in range(10):
            erase_area = area * _uniform(*self.scale)
            aspect = math.exp(_uniform(*log_ratio))
            eh = int(round(math.sqrt(erase_area * aspect)))
            ew = int(round(math.sqrt(erase_area / aspect)))
            if eh < h and ew < w:
                if self.value == "random":
                    v = Tensor._make(default_generator.np.standard_normal(
                        (c, eh, ew)).astype(img._data.dtype))
                else:
                    v = self.value
                i, j = _randint(0, h - eh + 1), _randint(0, w - ew + 1)
                return F.erase(img, i, j, eh, ew, v, self.inplace)
        return img

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(p={self.p}, scale={self.scale}, ratio={self.ratio}, "
                f"value={self.value}, inplace={self.inplace})")


