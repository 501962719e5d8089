"""Datasets, mirroring ``torchvision.datasets``."""

from . import utils
from .cifar import CIFAR10, CIFAR100
from .fakedata import FakeData
from .folder import DatasetFolder, ImageFolder
from .mnist import EMNIST, KMNIST, MNIST, FashionMNIST
from .vision import VisionDataset

__all__ = ["VisionDataset", "MNIST", "FashionMNIST", "KMNIST", "EMNIST", "CIFAR10", "CIFAR100",
           "DatasetFolder", "ImageFolder", "FakeData", "utils"]
