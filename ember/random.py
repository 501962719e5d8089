"""Random number generation: ``manual_seed``, ``Generator``, the default generator, ``fork_rng``.

Streams come from NumPy's PCG64, so the same seed gives the same numbers on every run and
machine. They are not PyTorch's numbers (its Mersenne Twister streams are not reproduced), and a
fresh process starts from PyTorch's documented default seed rather than from OS entropy.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Iterator

import numpy as np

from . import devices

_DEFAULT_SEED = 67280421310721  # PyTorch's default CPU seed
_U64 = (1 << 64) - 1
_STATE_BYTES = 45  # seed (8) + PCG64 state (16) + increment (16) + has_uint32 (1) + uinteger (4)


def _check_seed(seed) -> int:
    """PyTorch's seed rules: any integer in [-2**63, 2**64), negatives wrap to uint64."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise RuntimeError(f"manual_seed expected a long, but got {type(seed).__name__}")
    seed = int(seed)
    if not -(1 << 63) <= seed <= _U64:
        raise ValueError("Overflow when unpacking long long")
    return seed & _U64


class Generator:
    """A source of random numbers, passed to sampling functions as ``generator=``.

    ``Generator(device="cpu")``; like PyTorch's, a new generator starts from the default seed.
    """

    def __init__(self, device="cpu") -> None:
        self._device = devices.parse(device)
        self.manual_seed(_DEFAULT_SEED)

    @property
    def device(self) -> devices.device:
        return self._device

    def manual_seed(self, seed: int) -> Generator:
        """Reseed; returns self, like PyTorch."""
        self._seed = _check_seed(seed)
        self.np = np.random.Generator(np.random.PCG64(self._seed))
        return self

    def seed(self) -> int:
        """Reseed from the OS's entropy and return the new seed."""
        s = secrets.randbits(64)
        self.manual_seed(s)
        return s

    def initial_seed(self) -> int:
        """The seed this generator was last seeded with."""
        return self._seed

    def get_state(self):
        """The generator state as a uint8 tensor of 45 bytes (feed it back to ``set_state``)."""
        from .tensor import Tensor

        st = self.np.bit_generator.state
        blob = (self._seed.to_bytes(8, "little") + st["state"]["state"].to_bytes(16, "little")
                + st["state"]["inc"].to_bytes(16, "little") + bytes([st["has_uint32"]])
                + int(st["uinteger"]).to_bytes(4, "little"))
        return Tensor._make(np.frombuffer(blob, np.uint8).copy())

    def set_state(self, new_state) -> Generator:
        """Restore a state from ``get_state``; PyTorch's errors for anything else."""
        from .tensor import Tensor

        if not isinstance(new_state, Tensor):
            raise TypeError(f"expected a torch.ByteTensor, but got {type(new_state).__name__}")
        if new_state._data.dtype != np.uint8:
            raise TypeError("RNG state must be a torch.ByteTensor")
        blob = new_state._data.tobytes()
        if len(blob) != _STATE_BYTES:
            raise RuntimeError(
                f"Expected a CPUGeneratorImplState of size {_STATE_BYTES} but found the input RNG "
                f"state size to be {len(blob)}"
            )
        bit = np.random.PCG64()
        bit.state = {
            "bit_generator": "PCG64",
            "state": {"state": int.from_bytes(blob[8:24], "little"),
                      "inc": int.from_bytes(blob[24:40], "little")},
            "has_uint32": blob[40],
            "uinteger": int.from_bytes(blob[41:45], "little"),
        }
        self._seed = int.from_bytes(blob[:8], "little")
        self.np = np.random.Generator(bit)
        return self

    def __repr__(self) -> str:
        return f"<ember.Generator object at {id(self):#x}>"


default_generator = Generator()


def manual_seed(seed: int) -> Generator:
    """Seed the default generator (and return it), as ``torch.manual_seed``."""
    return default_generator.manual_seed(int(seed))


def seed() -> int:
    """Seed the default generator from OS entropy; returns the seed."""
    return default_generator.seed()


def initial_seed() -> int:
    """The default generator's seed."""
    return default_generator.initial_seed()


def get_rng_state():
    """The default generator's state as a uint8 tensor."""
    return default_generator.get_state()


def set_rng_state(new_state) -> None:
    """Restore the default generator's state from ``get_rng_state``."""
    default_generator.set_state(new_state)


@contextlib.contextmanager
def fork_rng(devices=(), enabled: bool = True, _caller: str = "fork_rng",
             _devices_kw: str = "devices", device_type: str = "cpu") -> Iterator[None]:
    """Run a block with the default generator's state saved before and restored after it."""
    if not enabled:
        yield
        return
    saved = get_rng_state()
    try:
        yield
    finally:
        set_rng_state(saved)


def np_rng(generator: Generator | None) -> np.random.Generator:
    """The NumPy generator behind ``generator=`` (the default one when None)."""
    if generator is None:
        return default_generator.np
    if isinstance(generator, Generator):
        return generator.np
    raise TypeError(f"generator must be a torch.Generator, not {type(generator).__name__}")
