"""Functional image transforms on PIL images and on (..., C, H, W) tensors.

PIL is optional: tensor inputs need only NumPy. Results follow torchvision's definitions
(ToTensor scales uint8 to [0, 1] as float32 CHW; Normalize is (x - mean) / std per channel;
resize uses bilinear/nearest interpolation with torchvision's pixel-centre convention).
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from ...tensor import Tensor


def _is_pil(img) -> bool:
    try:
        from PIL import Image
    except ImportError:
        return False
    return isinstance(img, Image.Image)


def _pil():
    try:
        from PIL import Image
    except ImportError as e:
        raise ImportError(
            "this transform needs Pillow for PIL images: pip install 'ember[vision]'"
        ) from e
    return Image


def get_image_size(img) -> list[int]:
    """[width, height]."""
    if _is_pil(img):
        return list(img.size)
    return [img.shape[-1], img.shape[-2]]


def get_dimensions(img) -> list[int]:
    """[channels, height, width]."""
    if _is_pil(img):
        w, h = img.size
        return [len(img.getbands()), h, w]
    c = 1 if img.ndim == 2 else img.shape[-3]
    return [c, img.shape[-2], img.shape[-1]]


def to_tensor(pic) -> Tensor:
    """PIL image or HWC ndarray -> float32 CHW tensor in [0, 1] (uint8 inputs are scaled)."""
    if isinstance(pic, np.ndarray):
        if pic.ndim not in (2, 3):
            raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
        arr = pic[:, :, None] if pic.ndim == 2 else pic
        out = np.ascontiguousarray(arr.transpose(2, 0, 1))
        if out.dtype == np.uint8:
            return Tensor._make(out.astype(np.float32) / 255)
        return Tensor._make(out)
    if not _is_pil(pic):
        raise TypeError(f"pic should be PIL Image or ndarray. Got {type(pic)}")
    arr = np.array(pic, copy=True)
    if pic.mode == "1":
        arr = arr.astype(np.uint8) * 255
    if arr.ndim == 2:
        arr = arr[:, :, None]
    out = np.ascontiguousarray(arr.transpose(2, 0, 1))
    if out.dtype == np.uint8:
        return Tensor._make(out.astype(np.float32) / 255)
    return Tensor._make(out.astype(np.float32) if out.dtype.kind == "f" else out)


def pil_to_tensor(pic) -> Tensor:
    """PIL image -> CHW tensor of its own dtype (no scaling)."""
    if not _is_pil(pic):
        raise TypeError(f"pic should be PIL Image. Got {type(pic)}")
    arr = np.array(pic, copy=True)
    if arr.ndim == 2:
        arr = arr[:, :, None]
    return Tensor._make(np.ascontiguousarray(arr.transpose(2, 0, 1)))


def to_pil_image(pic, mode: str | None = None):
    """CHW tensor or HWC ndarray -> PIL image (floats are scaled by 255)."""
    image = _pil()
    if isinstance(pic, Tensor):
        arr = pic.detach().numpy()
        if arr.ndim == 3:
            arr = arr.transpose(1, 2, 0)
    else:
        arr = np.asarray(pic)
    if arr.ndim == 3 and arr.shape[2] == 1:
        arr = arr[:, :, 0]
    if arr.dtype.kind == "f":
        arr = (arr * 255).astype(np.uint8)
    return image.fromarray(arr, mode=mode)


def convert_image_dtype(image: Tensor, dtype=None) -> Tensor:
    """Convert between uint8 [0, 255] and float [0, 1] images (and other int widths)."""
    from ... import dtypes as _dt

    target = _dt.parse(dtype) if dtype is not None else _dt.float32
    a = image._data
    if a.dtype == target.np:
        return image
    if a.dtype.kind == "f":
        if target.is_floating_point:
            return Tensor._make(a.astype(target.np))
        top = np.iinfo(target.np).max
        return Tensor._make((a * (top + 1.0 - 0.001)).astype(target.np))
    top = np.iinfo(a.dtype).max
    if target.is_floating_point:
        return Tensor._make(a.astype(target.np) / top)
    out_top = np.iinfo(target.np).max
    return Tensor._make((a.astype(np.int64) * (out_top + 1) // (top + 1)).astype(target.np))


def normalize(tensor: Tensor, mean, std, inplace: bool = False) -> Tensor:
    """(x - mean[c]) / std[c] for each channel c of a float (..., C, H, W) tensor."""
    if not isinstance(tensor, Tensor):
        raise TypeError(f"img should be Tensor Image. Got {type(tensor)}")
    if not tensor.is_floating_point():
        raise TypeError(f"Input tensor should be a float tensor. Got {tensor.dtype}.")
    if tensor.ndim < 3:
        raise ValueError(
            "Expected tensor to be a tensor image of size (..., C, H, W). Got tensor.size() = "
            f"{tensor.shape}"
        )
    dt = tensor._data.dtype
    mean = np.asarray(mean, dt).reshape(-1, 1, 1)
    std = np.asarray(std, dt).reshape(-1, 1, 1)
    if (std == 0).any():
        raise ValueError(
            f"std evaluated to zero after conversion to {tensor.dtype}, leading to division by "
            "zero."
        )
    out = (tensor._data - mean) / std
    if inplace:
        tensor._data[...] = out
        return tensor
    return Tensor._make(out.astype(dt, copy=False))


def _size_hw(img, size, max_size=None) -> tuple[int, int]:
    w, h = get_image_size(img)
    if isinstance(size, (list, tuple)) and len(size) == 2:
        return int(size[0]), int(size[1])
    s = size[0] if isinstance(size, (list, tuple)) else size
    short, long = (w, h) if w <= h else (h, w)
    new_short, new_long = s, int(s * long / short)
    if max_size is not None and new_long > max_size:
        new_short, new_long = int(max_size * new_short / new_long), max_size
    return (new_long, new_short) if w <= h else (new_short, new_long)


def _bilinear_weights(in_size: int, out_size: int):
    """Source indices and weights along one axis (align_corners=False, no antialias)."""
    scale = in_size / out_size
    x = (np.arange(out_size) + 0.5) * scale - 0.5
    x = np.clip(x, 0, in_size - 1)
    x0 = np.floor(x).astype(np.int64)
    x1 = np.minimum(x0 + 1, in_size - 1)
    return x0, x1, (x - x0)


def _resize_array(a: np.ndarray, oh: int, ow: int, mode: str) -> np.ndarray:
    h, w = a.shape[-2:]
    if mode == "nearest":
        ys = np.minimum((np.arange(oh) * (h / oh)).astype(np.int64), h - 1)
        xs = np.minimum((np.arange(ow) * (w / ow)).astype(np.int64), w - 1)
        return a[..., ys[:, None], xs[None, :]]
    src = a.astype(np.float32) if a.dtype.kind != "f" else a
    y0, y1, wy = _bilinear_weights(h, oh)
    x0, x1, wx = _bilinear_weights(w, ow)
    wy = wy.astype(src.dtype)[:, None]
    wx = wx.astype(src.dtype)[None, :]
    top = src[..., y0[:, None], x0[None, :]] * (1 - wx) + src[..., y0[:, None], x1[None, :]] * wx
    bot = src[..., y1[:, None], x0[None, :]] * (1 - wx) + src[..., y1[:, None], x1[None, :]] * wx
    out = top * (1 - wy) + bot * wy
    if a.dtype.kind != "f":
        out = np.clip(np.round(out), np.iinfo(a.dtype).min, np.iinfo(a.dtype).max).astype(a.dtype)
    return out


_PIL_MODES = {"nearest": 0, "bilinear": 2, "bicubic": 3, "box": 4, "hamming": 5, "lanczos": 1}


def _interp_name(interpolation) -> str:
    name = getattr(interpolation, "value", interpolation)
    return str(name).lower()


def resize(img, size, interpolation="bilinear", max_size=None, antialias=True):
    """Resize to ``size`` ((h, w), or an int for the shorter side)."""
    oh, ow = _size_hw(img, size, max_size)
    mode = _interp_name(interpolation)
    if _is_pil(img):
        return img.resize((ow, oh), _PIL_MODES.get(mode, 2))
    if mode not in ("nearest", "bilinear"):
        raise NotImplementedError(f"tensor resize supports nearest and bilinear, not {mode}")
    return Tensor._make(_resize_array(img._data, oh, ow, mode))


def crop(img, top: int, left: int, height: int, width: int):
    """The (height, width) region at (top, left); zero-padded where it leaves the image."""
    if _is_pil(img):
        return img.crop((left, top, left + width, top + height))
    a = img._data
    h, w = a.shape[-2:]
    if top < 0 or left < 0 or top + height > h or left + width > w:
        pads = [max(-top, 0), max(top + height - h, 0), max(-left, 0), max(left + width - w, 0)]
        widths = [(0, 0)] * (a.ndim - 2) + [(pads[0], pads[1]), (pads[2], pads[3])]
        a = np.pad(a, widths)
        top, left = top + pads[0], left + pads[2]
    return Tensor._make(np.ascontiguousarray(a[..., top : top + height, left : left + width]))


def center_crop(img, output_size):
    """The central (h, w) region (an int means a square)."""
    if isinstance(output_size, numbers.Number):
        output_size = (int(output_size), int(output_size))
    elif len(output_size) == 1:
        output_size = (output_size[0], output_size[0])
    w, h = get_image_size(img)
    ch, cw = output_size
    top = int(round((h - ch) / 2.0))
    left = int(round((w - cw) / 2.0))
    return crop(img, top, left, ch, cw)


def hflip(img):
    if _is_pil(img):
        return img.transpose(0)
    return Tensor._make(np.ascontiguousarray(img._data[..., ::-1]))


def vflip(img):
    if _is_pil(img):
        return img.transpose(1)
    return Tensor._make(np.ascontiguousarray(img._data[..., ::-1, :]))


def pad(img, padding, fill=0, padding_mode: str = "constant"):
    """Pad the borders: ``padding`` is an int, (lr, tb) or (l, t, r, b)."""
    if isinstance(padding, numbers.Number):
        left = top = right = bottom = int(padding)
    elif len(padding) == 2:
        left, right, top, bottom = padding[0], padding[0], padding[1], padding[1]
    else:
        left, top, right, bottom = padding
    if _is_pil(img):
        arr = np.array(img)
        out = _pad_array(arr, left, top, right, bottom, fill, padding_mode, channels_last=True)
        return _pil().fromarray(out, mode=img.mode)
    return Tensor._make(_pad_array(img._data, left, top, right, bottom, fill, padding_mode,
                                   channels_last=False))


def _pad_array(a, left, top, right, bottom, fill, mode, channels_last):
    spatial = [(top, bottom), (left, right)]
    if channels_last:
        widths = spatial + [(0, 0)] * (a.ndim - 2)
    else:
        widths = [(0, 0)] * (a.ndim - 2) + spatial
    np_mode = {"constant": "constant", "edge": "edge", "reflect": "reflect",
               "symmetric": "symmetric"}[mode]
    if np_mode == "constant":
        return np.pad(a, widths, constant_values=fill)
    return np.pad(a, widths, mode=np_mode)


def rgb_to_grayscale(img, num_output_channels: int = 1):
    """ITU-R 601-2 luma: 0.299 R + 0.587 G + 0.114 B."""
    if _is_pil(img):
        g = img.convert("L")
        return g if num_output_channels == 1 else g.convert("RGB")
    a = img._data
    r, gch, b = a[..., 0, :, :], a[..., 1, :, :], a[..., 2, :, :]
    gray = (0.299 * r + 0.587 * gch + 0.114 * b).astype(a.dtype if a.dtype.kind == "f"
                                                        else np.float32)
    if a.dtype.kind != "f":
        gray = np.round(gray).astype(a.dtype)
    gray = gray[..., None, :, :]
    return Tensor._make(np.repeat(gray, num_output_channels, axis=-3))


def rotate(img, angle: float, interpolation="nearest", expand: bool = False, center=None,
           fill=None):
    """Rotate counter-clockwise by ``angle`` degrees about the centre."""
    if _is_pil(img):
        return img.rotate(angle, _PIL_MODES[_interp_name(interpolation)], expand, center,
                          fillcolor=fill)
    k = int(round(angle / 90.0))
    square = img.shape[-1] == img.shape[-2]
    if math.isclose(angle, 90 * k) and (expand or square or k % 2 == 0):
        return Tensor._make(np.ascontiguousarray(np.rot90(img._data, k % 4, axes=(-2, -1))))
    return _affine_tensor(img, angle, (0, 0), 1.0, (0.0, 0.0), interpolation, fill, center)


def _affine_tensor(img, angle, translate, scale, shear, interpolation, fill, center):
    """Inverse-map every output pixel through the affine matrix (nearest or bilinear)."""
    a = img._data
    h, w = a.shape[-2:]
    cx, cy = (w - 1) * 0.5, (h - 1) * 0.5
    if center is not None:
        cx, cy = center
    rot, sx, sy = math.radians(angle), math.radians(shear[0]), math.radians(shear[1])
    m = np.array([[math.cos(rot - sy) / math.cos(sy),
                   -math.cos(rot - sy) * math.tan(sx) / math.cos(sy) - math.sin(rot)],
                  [math.sin(rot - sy) / math.cos(sy),
                   -math.sin(rot - sy) * math.tan(sx) / math.cos(sy) + math.cos(rot)]]) * scale
    inv = np.linalg.inv(m)
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float64)
    px, py = xs - cx - translate[0], ys - cy - translate[1]
    src_x = inv[0, 0] * px - inv[0, 1] * py + cx
    src_y = -inv[1, 0] * px + inv[1, 1] * py + cy
    xi, yi = np.round(src_x).astype(np.int64), np.round(src_y).astype(np.int64)
    valid = (xi >= 0) & (xi < w) & (yi >= 0) & (yi < h)
    out = np.zeros_like(a) + (0 if fill is None else np.asarray(fill, a.dtype).reshape(-1, 1, 1)
                              if np.ndim(fill) else fill)
    out[..., valid] = a[..., yi[valid], xi[valid]]
    return Tensor._make(out)


def adjust_brightness(img, brightness_factor: float):
    return _blend(img, None, brightness_factor)


def adjust_contrast(img, contrast_factor: float):
    if _is_pil(img):
        from PIL import ImageEnhance

        return ImageEnhance.Contrast(img).enhance(contrast_factor)
    a = img._data
    gray = rgb_to_grayscale(img)._data if a.shape[-3] == 3 else a
    mean = gray.astype(np.float32).mean(axis=(-3, -2, -1), keepdims=True)
    return _blend(img, mean, contrast_factor)


def adjust_saturation(img, saturation_factor: float):
    if _is_pil(img):
        from PIL import ImageEnhance

        return ImageEnhance.Color(img).enhance(saturation_factor)
    return _blend(img, rgb_to_grayscale(img)._data.astype(np.float32), saturation_factor)


def _blend(img, other, ratio: float):
    if _is_pil(img):
        from PIL import ImageEnhance

        return ImageEnhance.Brightness(img).enhance(ratio)
    a = img._data
    bound = 1.0 if a.dtype.kind == "f" else 255.0
    base = np.zeros_like(a, dtype=np.float32) if other is None else other
    out = np.clip(ratio * a.astype(np.float32) + (1 - ratio) * base, 0, bound)
    return Tensor._make(out.astype(a.dtype))


def adjust_hue(img, hue_factor: float):
    if not -0.5 <= hue_factor <= 0.5:
        raise ValueError(f"hue_factor ({hue_factor}) is not in [-0.5, 0.5].")
    if _is_pil(img):
        h, s, v = img.convert("HSV").split()
        hh = (np.array(h, np.int16) + int(hue_factor * 255)) % 256
        return _pil().merge("HSV", (_pil().fromarray(hh.astype(np.uint8), "L"), s, v)).convert(
            img.mode)
    raise NotImplementedError("adjust_hue on tensors is not implemented in Ember yet")


def gaussian_blur(img, kernel_size, sigma=None):
    """Blur with a separable Gaussian kernel (reflect padding, as torchvision)."""
    if isinstance(kernel_size, int):
        kernel_size = [kernel_size, kernel_size]
    if sigma is None:
        sigma = [ks * 0.15 + 0.35 for ks in kernel_size]
    if isinstance(sigma, (int, float)):
        sigma = [float(sigma), float(sigma)]
    pil = _is_pil(img)
    t = to_tensor(img) if pil else img
    a = t._data.astype(np.float32) if t._data.dtype.kind != "f" else t._data
    for axis, (ks, s) in enumerate(zip(kernel_size, sigma)):
        x = np.arange(ks) - (ks - 1) / 2
        k = np.exp(-0.5 * (x / s) ** 2)
        k /= k.sum()
        dim = a.ndim - 1 - axis  # width first, then height
        half = ks // 2
        widths = [(0, 0)] * a.ndim
        widths[dim] = (half, half)
        p = np.pad(a, widths, mode="reflect")
        a = sum(k[i] * np.take(p, np.arange(i, i + a.shape[dim]), axis=dim) for i in range(ks))
    out = Tensor._make(a.astype(t._data.dtype) if t._data.dtype.kind == "f" else
                       np.round(a).astype(t._data.dtype))
    return to_pil_image(out) if pil else out


def erase(img: Tensor, i: int, j: int, h: int, w: int, v, inplace: bool = False) -> Tensor:
    """Set the (h, w) region at (i, j) to ``v``."""
    a = img._data if inplace else img._data.copy()
    a[..., i : i + h, j : j + w] = v._data if isinstance(v, Tensor) else v
    if inplace:
        return img
    return Tensor._make(a)
