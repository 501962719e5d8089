"""Variable-length sequences: ``PackedSequence`` and the pack/pad helpers of
``torch.nn.utils.rnn``.

A packed sequence stores time step by time step only the sequences still running: ``data`` is
(sum of lengths, *), ``batch_sizes[t]`` is how many sequences have a step t. Sequences are kept
sorted by decreasing length; ``sorted_indices``/``unsorted_indices`` map to and from the
caller's order.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np

from ...ops.creation import tensor
from ...tensor import Tensor

_PackedBase = namedtuple("PackedSequence",
                         ["data", "batch_sizes", "sorted_indices", "unsorted_indices"])


class PackedSequence(_PackedBase):
    """(data, batch_sizes, sorted_indices, unsorted_indices), as PyTorch's."""

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        if unsorted_indices is None and sorted_indices is not None:
            unsorted_indices = _invert(sorted_indices)
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def to(self, *args, **kwargs) -> PackedSequence:
        return self._replace(data=self.data.to(*args, **kwargs))

    @property
    def is_cuda(self) -> bool:
        return False


def _invert(perm: Tensor) -> Tensor:
    inv = np.empty_like(perm._data)
    inv[perm._data] = np.arange(len(perm._data))
    return Tensor._make(inv)


def pack_padded_sequence(input: Tensor, lengths, batch_first: bool = False,
                         enforce_sorted: bool = True) -> PackedSequence:
    """Pack a padded (T, B, *) batch (or (B, T, *) with ``batch_first``) of given lengths."""
    lengths = np.asarray(lengths._data if isinstance(lengths, Tensor) else lengths, np.int64)
    if enforce_sorted:
        if (np.diff(lengths) > 0).any():
            raise RuntimeError(
                "`lengths` array must be sorted in decreasing order when `enforce_sorted` is "
                "True. You can pass `enforce_sorted=False` to pack_padded_sequence and/or "
                "pack_sequence to sidestep this requirement if you do not need ONNX "
                "exportability."
            )
        order = None
    else:
        order = np.argsort(-lengths, kind="stable")
        lengths = lengths[order]
    if batch_first:
        input = input.transpose(0, 1)
    if order is not None:
        input = input[:, Tensor._make(order)]
    if (lengths <= 0).any():
        raise RuntimeError(
            "Length of all samples has to be greater than 0, but found an element in 'lengths' "
            "that is <= 0"
        )
    if lengths[0] > input.shape[0]:
        raise RuntimeError(
            f"Expected sequence length to be larger than or equal to the maximum length "
            f"{lengths[0]}, got {input.shape[0]}"
        )
    steps = int(lengths[0])
    batch_sizes = np.array([(lengths > t).sum() for t in range(steps)], np.int64)
    pieces = [input[t, : int(batch_sizes[t])] for t in range(steps)]
    from ...ops.shape import cat

    data = cat(pieces, 0)
    sorted_idx = Tensor._make(order) if order is not None else None
    return PackedSequence(data, Tensor._make(batch_sizes), sorted_idx, None)


def pad_packed_sequence(sequence: PackedSequence, batch_first: bool = False,
                        padding_value: float = 0.0, total_length: int | None = None):
    """Unpack to a padded (T, B, *) tensor (or (B, T, *)) and the lengths (int64)."""
    data, batch_sizes = sequence.data, sequence.batch_sizes._data
    steps, b = len(batch_sizes), int(batch_sizes[0])
    if total_length is not None:
        if total_length < steps:
            raise ValueError(
                "Expected total_length to be at least the length of the longest sequence in "
                f"input, but got total_length={total_length} and max sequence length being "
                f"{steps}"
            )
        steps_out = total_length
    else:
        steps_out = steps
    from ...ops.shape import stack

    rows, offset = [], 0
    tail = tuple(data.shape[1:])
    for t in range(steps_out):
        n = int(batch_sizes[t]) if t < steps else 0
        step = data[offset : offset + n]
        offset += n
        if n < b:
            fill = tensor(np.full((b - n,) + tail, padding_value, data._data.dtype))
            from ...ops.shape import cat

            step = cat([step, fill], 0) if n else fill
        rows.append(step)
    padded = stack(rows, 0)
    lengths = np.array([(batch_sizes > i).sum() for i in range(b)], np.int64)
    if sequence.unsorted_indices is not None:
        padded = padded[:, sequence.unsorted_indices]
        lengths = lengths[sequence.unsorted_indices._data]
    if batch_first:
        padded = padded.transpose(0, 1)
    return padded, Tensor._make(lengths)


def pad_sequence(sequences, batch_first: bool = False, padding_value: float = 0.0,
                 padding_side: str = "right") -> Tensor:
    """Stack tensors of different lengths (dim 0) into one padded (T, B, *) tensor."""
    if padding_side not in ("left", "right"):
        raise ValueError(
            f"Expected padding_side to be one of left or right, but got {padding_side}."
        )
    from ...ops.shape import cat, stack

    longest = max(s.shape[0] for s in sequences)
    padded = []
    for s in sequences:
        extra = longest - s.shape[0]
        if extra:
            fill = tensor(np.full((extra,) + tuple(s.shape[1:]), padding_value, s._data.dtype))
            s = cat([s, fill] if padding_side == "right" else [fill, s], 0)
        padded.append(s)
    return stack(padded, 0 if batch_first else 1)


def pack_sequence(sequences, enforce_sorted: bool = True) -> PackedSequence:
    """Pack a list of variable-length tensors."""
    lengths = [s.shape[0] for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpad_sequence(padded_sequences: Tensor, lengths, batch_first: bool = False) -> list:
    """Split a padded batch back into the list of unpadded sequences."""
    if not batch_first:
        padded_sequences = padded_sequences.transpose(0, 1)
    lens = lengths._data if isinstance(lengths, Tensor) else lengths
    return [padded_sequences[i, : int(n)] for i, n in enumerate(lens)]


def unpack_sequence(packed_sequences: PackedSequence) -> list:
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)
