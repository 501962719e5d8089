"""``VisionDataset``: root, transforms and the repr torchvision prints."""

from __future__ import annotations

import os

from ...utils.data import Dataset


class VisionDataset(Dataset):
    """Base of the image datasets: holds ``root`` and the (target) transforms."""

    _repr_indent = 4

    def __init__(self, root=None, transforms=None, transform=None,
                 target_transform=None) -> None:
        if isinstance(root, str):
            root = os.path.expanduser(root)
        self.root = os.fspath(root) if root is not None else None
        has_transforms = transforms is not None
        has_separate = transform is not None or target_transform is not None
        if has_transforms and has_separate:
            raise ValueError(
                "Only transforms or transform/target_transform can be passed as argument"
            )
        self.transform, self.target_transform = transform, target_transform
        self.transforms = transforms if has_transforms else (
            StandardTransform(transform, target_transform) if has_separate else None
        )

    def __len__(self) -> int:
        raise NotImplementedError

    def __repr__(self) -> str:
        head = "Dataset " + type(self).__name__
        body = [f"Number of datapoints: {self.__len__()}"]
        if self.root is not None:
            body.append(f"Root location: {self.root}")
        body += self.extra_repr().splitlines()
        if self.transforms is not None:
            body += repr(self.transforms).splitlines()
        lines = [head] + [" " * self._repr_indent + line for line in body]
        return "\n".join(lines)

    def extra_repr(self) -> str:
        return ""


class StandardTransform:
    def __init__(self, transform=None, target_transform=None) -> None:
        self.transform, self.target_transform = transform, target_transform

    def __call__(self, input, target):
        if self.transform is not None:
            input = self.transform(input)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return input, target

    def __repr__(self) -> str:
        body = [type(self).__name__]
        if self.transform is not None:
            lines = repr(self.transform).splitlines()
            body += ["Transform: " + lines[0]] + [" " * 11 + line for line in lines[1:]]
        if self.target_transform is not None:
            lines = repr(self.target_transform).splitlines()
            body += ["Target transform: " + lines[0]] + [" " * 18 + line for line in lines[1:]]
        return "\n".join(body)
