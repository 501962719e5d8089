"""Device objects (``ember.device('cpu')``) and the CUDA stub namespace's availability check."""

from __future__ import annotations


class device:
    """Where a tensor lives: ``device('cpu')``, ``device('cuda', 0)``, ``device('cuda:1')``."""

    __slots__ = ("type", "index")

    def __init__(self, type, index: int | None = None) -> None:  # noqa: A002 - torch's name
        if isinstance(type, device):
            self.type, self.index = type.type, type.index
            return
        if isinstance(type, int):
            type, index = "cuda", type
        if not isinstance(type, str):
            raise TypeError(f"device() received an invalid combination of arguments: {type!r}")
        if ":" in type:
            if index is not None:
                raise RuntimeError(f"type (string) must not include an index because index was "
                                   f"passed explicitly: {type}")
            type, _, idx = type.partition(":")
            if not idx.isdigit():
                raise RuntimeError(f"Invalid device string: '{type}:{idx}'")
            index = int(idx)
        if type not in ("cpu", "cuda", "meta", "mps"):
            raise RuntimeError(
                "Expected one of cpu, cuda, meta, mps device type at start of device string: "
                + type
            )
        self.type, self.index = type, index

    def __reduce__(self):
        return (device, (str(self),))

    def __eq__(self, other) -> bool:
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self) -> int:
        return hash((self.type, self.index))

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __repr__(self) -> str:
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"


CPU = device("cpu")


def parse(d) -> device:
    """A device from a device, string or CUDA index; anything but the CPU raises for now."""
    if d is None or d is CPU or d == "cpu":
        return CPU
    d = device(d)
    if d.type != "cpu":
        check_available(d)
    return CPU


def check_available(d: device) -> None:
    """Raise PyTorch's error for a device this machine does not have."""
    if d.type == "cuda":
        raise RuntimeError(
            "Torch not compiled with CUDA enabled: Ember has no CUDA device here "
            "(ember.cuda.is_available() is False); keep tensors on 'cpu'"
        )
    if d.type != "cpu":
        raise RuntimeError(f"Ember has no '{d.type}' backend; keep tensors on 'cpu'")
