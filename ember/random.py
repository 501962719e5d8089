"""Random number generation: ``manual_seed``, ``Generator`` and the default generator.

Streams come from NumPy's PCG64, so the same seed gives the same numbers on every run and
machine (they are not PyTorch's numbers: its Mersenne Twister streams are not reproduced).
"""

from __future__ import annotations

import numpy as np

_DEFAULT_SEED = 67280421310721  # PyTorch's initial seed in a fresh process


class Generator:
    """A source of random numbers, passed to sampling functions as ``generator=``."""

    def __init__(self, device="cpu") -> None:
        self.device = device
        self.manual_seed(_DEFAULT_SEED)

    def manual_seed(self, seed: int) -> Generator:
        """Reseed; returns self, like PyTorch."""
        seed = int(seed)
        self._seed = seed
        self.np = np.random.Generator(np.random.PCG64(seed & 0xFFFFFFFFFFFFFFFF))
        return self

    def seed(self) -> int:
        """Reseed from the OS's entropy and return the new seed."""
        import secrets

        s = secrets.randbits(63)
        self.manual_seed(s)
        return s

    def initial_seed(self) -> int:
        return self._seed

    def get_state(self):
        """The generator state as a uint8 tensor (feed it back to ``set_state``)."""
        import json

        from .ops.creation import tensor

        blob = json.dumps({"seed": self._seed, "state": self.np.bit_generator.state})
        return tensor(list(blob.encode()), dtype="uint8")

    def set_state(self, state) -> Generator:
        import json

        data = json.loads(bytes(np.asarray(state, dtype=np.uint8).tolist()).decode())
        self._seed = data["seed"]
        bit = np.random.PCG64()
        bit.state = data["state"]
        self.np = np.random.Generator(bit)
        return self


default_generator = Generator()


def manual_seed(seed: int) -> Generator:
    """Seed the default generator (and return it), as ``torch.manual_seed``."""
    return default_generator.manual_seed(seed)


def seed() -> int:
    return default_generator.seed()


def initial_seed() -> int:
    return default_generator.initial_seed()


def get_rng_state():
    return default_generator.get_state()


def set_rng_state(state) -> None:
    default_generator.set_state(state)


def np_rng(generator: Generator | None) -> np.random.Generator:
    """The NumPy generator behind ``generator=`` (the default one when None)."""
    return (generator or default_generator).np
