"""``FakeData``: random images and labels, reproducible per index."""

from __future__ import annotations

import numpy as np

from .vision import VisionDataset


class FakeData(VisionDataset):
    """``size`` random (C, H, W) images with labels in [0, num_classes)."""

    def __init__(self, size: int = 1000, image_size=(3, 224, 224), num_classes: int = 10,
                 transform=None, target_transform=None, random_offset: int = 0) -> None:
        super().__init__(None, transform=transform, target_transform=target_transform)
        self.size, self.num_classes = size, num_classes
        self.image_size, self.random_offset = tuple(image_size), random_offset

    def __getitem__(self, index: int):
        if index >= len(self):
            raise IndexError(f"{type(self).__name__} index out of range")
        rng = np.random.default_rng(index + self.random_offset)
        img = (rng.random(self.image_size) * 255).astype(np.uint8).transpose(1, 2, 0)
        target = int(rng.integers(0, self.num_classes))
        try:
            from PIL import Image

            img = Image.fromarray(img[:, :, 0] if img.shape[2] == 1 else img)
        except ImportError:
            pass
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def __len__(self) -> int:
        return self.size
