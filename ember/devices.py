"""Device objects (``ember.device('cpu')``) and the errors for devices this build lacks.

Ember computes on the CPU only. ``ember.device('cuda:1')`` still parses (so device-agnostic
code can build and compare devices), but putting a tensor there raises PyTorch's
CPU-only-build error.
"""

from __future__ import annotations

# PyTorch's device types, in the order its parse error lists them.
_TYPES = (
    "cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve", "fpga",
    "maia", "xla", "lazy", "vulkan", "mps", "meta", "hpu", "mtia", "privateuseone",
)


class NoCudaError(RuntimeError, AssertionError):
    """CUDA asked of a CPU-only build. PyTorch raises AssertionError here; being a RuntimeError
    too, it is also caught by code written for other backends' errors."""


def _parse_index(text: str, whole: str) -> int:
    # c10 accepts only plain decimal digits without leading zeros, within an int32.
    if not text.isdigit() or not text.isascii() or (len(text) > 1 and text[0] == "0"):
        raise RuntimeError(f"Invalid device string: '{whole}'")
    if int(text) > 2**31 - 1:
        raise RuntimeError(f"Could not parse device index '{text}' in device string '{whole}'")
    return int(text)


def _is_type_name(name: str) -> bool:
    return bool(name) and name.isascii() and name.replace("_", "a").isalpha()


def _invalid_args(value) -> TypeError:
    return TypeError(
        f"device() received an invalid combination of arguments - got "
        f"({type(value).__name__}), but expected one of:\n * (torch.device device)\n"
        f" * (str type, int index = -1)\n"
    )


class device:
    """Where a tensor lives: ``device('cpu')``, ``device('cuda', 0)``, ``device('cuda:1')``.

    As in PyTorch, a device never equals a string (``device('cpu') == 'cpu'`` is False), and
    ``device(0)`` (an accelerator index) raises on a machine without an accelerator.
    """

    __slots__ = ("type", "index")

    def __init__(self, type, index: int | None = None) -> None:  # noqa: A002 - torch's name
        if isinstance(type, device):
            self.type, self.index = type.type, type.index
            return
        if isinstance(type, int) and not isinstance(type, bool):
            if type < 0:
                raise RuntimeError("Device index must not be negative")
            raise RuntimeError("Cannot access accelerator device when none is available.")
        if not isinstance(type, str):
            raise _invalid_args(type)
        if index is not None and index < 0:
            raise RuntimeError("Device index must not be negative")
        if not type:
            raise RuntimeError("Device string must not be empty")
        name, colon, idx = type.partition(":")
        if not _is_type_name(name):
            raise RuntimeError(f"Invalid device string: '{type}'")
        if name not in _TYPES:
            raise RuntimeError(
                f"Expected one of {', '.join(_TYPES)} device type at start of device string: "
                f"{name}"
            )
        if colon:
            if index is not None:
                raise RuntimeError(
                    "type (string) must not include an index because index was passed "
                    f"explicitly: {type}"
                )
            index = _parse_index(idx, type)
        self.type, self.index = name, index

    def __reduce__(self):
        return (device, (self.type,) if self.index is None else (self.type, self.index))

    def __eq__(self, other) -> bool:
        if not isinstance(other, device):
            return False
        return self.type == other.type and self.index == other.index

    def __hash__(self) -> int:
        return hash((self.type, self.index))

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __repr__(self) -> str:
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"


CPU = device("cpu")


def parse(d) -> device:
    """The device a tensor goes to (a device, string or index); anything but the CPU raises."""
    if d is None or d is CPU or (d.__class__ is str and d == "cpu"):
        return CPU
    d = device(d)
    if d.type != "cpu":
        check_available(d)
    return CPU


def check_available(d: device) -> None:
    """Raise PyTorch's error for a device this machine does not have."""
    if d.type == "cuda":
        raise NoCudaError(
            "Torch not compiled with CUDA enabled (Ember computes on the CPU only: "
            "ember.cuda.is_available() is False; keep tensors on 'cpu')"
        )
    if d.type != "cpu":
        raise RuntimeError(f"Ember has no '{d.type}' backend; keep tensors on 'cpu'")


def get_default_device() -> device:
    """The device new tensors go to: always the CPU in Ember."""
    return CPU


def set_default_device(d) -> None:
    """Only the CPU (or None, meaning the CPU) is accepted; other devices raise."""
    parse(d)
