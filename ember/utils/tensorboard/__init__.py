"""``ember.utils.tensorboard``: TensorBoard logging, as ``torch.utils.tensorboard``.

``SummaryWriter`` writes event files itself (no TensorFlow, tensorboardX or protobuf needed);
view them with ``tensorboard --logdir runs`` (``pip install tensorboard``).
"""

from .writer import FileWriter, SummaryWriter

__all__ = ["FileWriter", "SummaryWriter"]
