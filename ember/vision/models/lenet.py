"""LeNet-5 for 28x28 single-channel images (the notes' CNN; not part of torchvision)."""

from __future__ import annotations

from ... import nn


class LeNet(nn.Module):
    """conv(6, 5x5, pad 2) - pool - conv(16, 5x5) - pool - fc 120 - fc 84 - fc classes."""

    def __init__(self, num_classes: int = 10, in_channels: int = 1) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(in_channels, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        )
        self.classifier = nn.Sequential(
            nn.Flatten(), nn.Linear(16 * 5 * 5, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(),
            nn.Linear(84, num_classes),
        )

    def forward(self, x):
        return self.classifier(self.features(x))


def lenet(*, num_classes: int = 10, **kwargs) -> LeNet:
    return LeNet(num_classes, **kwargs)
