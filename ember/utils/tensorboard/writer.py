"""``SummaryWriter``: log scalars, histograms, images, text and hparams for TensorBoard.

Writes TensorBoard's own event-file format (TFRecords of ``Event`` protobufs, encoded in
``_proto``), so it needs neither TensorFlow, tensorboardX nor protobuf; ``tensorboard --logdir
runs`` reads what it writes. Events are written by the calling thread and flushed every
``max_queue`` events, every ``flush_secs`` seconds, on ``flush()`` and on ``close()``.
"""

from __future__ import annotations

import os
import socket
import time
from datetime import datetime
from itertools import count

from . import summary
from ._proto import f_bytes, f_double, f_varint, record

_uid = count()


def _event(summary_bytes: bytes = b"", step: int | None = None, walltime: float | None = None,
           **fields: bytes) -> bytes:
    """A serialized ``Event``; ``fields`` are extra encoded fields (file_version, graph_def...)."""
    out = f_double(1, time.time() if walltime is None else walltime)
    if step is not None:
        out += f_varint(2, int(step))
    out += b"".join(fields.values())
    if summary_bytes:
        out += f_bytes(5, summary_bytes)
    return out


class FileWriter:
    """Appends events to one ``events.out.tfevents.*`` file in ``log_dir``."""

    def __init__(self, log_dir: str, max_queue: int = 10, flush_secs: int = 120,
                 filename_suffix: str = "") -> None:
        self.log_dir = str(log_dir)
        os.makedirs(self.log_dir, exist_ok=True)
        name = (f"events.out.tfevents.{int(time.time()):010d}.{socket.gethostname()}."
                f"{os.getpid()}.{next(_uid)}{filename_suffix}")
        self.path = os.path.join(self.log_dir, name)
        self._file = open(self.path, "wb")  # noqa: SIM115 (kept open until close())
        self._max_queue, self._flush_secs = max_queue, flush_secs
        self._pending, self._last_flush = 0, time.monotonic()
        self.add_event(_event(file_version=f_bytes(3, "brain.Event:2")))

    def get_logdir(self) -> str:
        return self.log_dir

    def add_event(self, event: bytes) -> None:
        if self._file is None:
            raise RuntimeError(f"the event file {self.path} is closed")
        self._file.write(record(event))
        self._pending += 1
        if (self._pending >= self._max_queue
                or time.monotonic() - self._last_flush >= self._flush_secs):
            self.flush()

    def add_summary(self, summary_bytes: bytes, global_step: int | None = None,
                    walltime: float | None = None) -> None:
        self.add_event(_event(summary_bytes, global_step, walltime))

    def add_graph(self, graph_def: bytes, walltime: float | None = None) -> None:
        self.add_event(_event(walltime=walltime, graph_def=f_bytes(4, graph_def)))

    def flush(self) -> None:
        if self._file is not None:
            self._file.flush()
        self._pending, self._last_flush = 0, time.monotonic()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


class SummaryWriter:
    """Writes entries for TensorBoard into event files in ``log_dir``, as PyTorch's.

    Args:
        log_dir: folder to write to; default ``runs/<Mon DD_HH-MM-SS>_<hostname><comment>``.
        comment: suffix of the default ``log_dir`` (ignored when ``log_dir`` is given).
        purge_step: TensorBoard drops events of a crashed earlier run with step >= this.
        max_queue: events buffered before a flush.
        flush_secs: seconds between flushes.
        filename_suffix: appended to every event file's name.

    Example::

        writer = SummaryWriter("runs/exp1")
        for step, loss in enumerate(losses):
            writer.add_scalar("loss/train", loss, step)
        writer.close()
    """

    def __init__(self, log_dir: str | None = None, comment: str = "",
                 purge_step: int | None = None, max_queue: int = 10, flush_secs: int = 120,
                 filename_suffix: str = "") -> None:
        if not log_dir:
            stamp = datetime.now().strftime("%b%d_%H-%M-%S")
            log_dir = os.path.join("runs", stamp + "_" + socket.gethostname() + comment)
        self.log_dir = str(log_dir)
        self.purge_step = purge_step
        self.max_queue, self.flush_secs, self.filename_suffix = max_queue, flush_secs, \
            filename_suffix
        self.file_writer: FileWriter | None = None
        self.all_writers: dict[str, FileWriter] = {}
        self._get_file_writer()
        self.default_bins = summary.DEFAULT_BINS

    def _get_file_writer(self) -> FileWriter:
        if self.file_writer is None:
            self.file_writer = FileWriter(self.log_dir, self.max_queue, self.flush_secs,
                                          self.filename_suffix)
            self.all_writers = {self.file_writer.get_logdir(): self.file_writer}
            if self.purge_step is not None:
                step, self.purge_step = self.purge_step, None
                # SessionLog(status=START) tells TensorBoard to drop events with step >= this
                start = f_bytes(6, f_varint(1, 1))
                self.file_writer.add_event(_event(step=step, session_log=start))
        return self.file_writer

    def get_logdir(self) -> str:
        """The folder the event files are written to."""
        return self.log_dir

    def _add(self, summary_bytes: bytes, global_step, walltime) -> None:
        self._get_file_writer().add_summary(summary_bytes, global_step, walltime)

    def add_scalar(self, tag: str, scalar_value, global_step: int | None = None,
                   walltime: float | None = None, new_style: bool = False,
                   double_precision: bool = False) -> None:
        """Log one number (a float, an int or a one-element tensor) under ``tag``."""
        self._add(summary.scalar(tag, scalar_value, new_style), global_step, walltime)

    def add_scalars(self, main_tag: str, tag_scalar_dict: dict, global_step: int | None = None,
                    walltime: float | None = None) -> None:
        """Log several curves on one chart: each key gets its own run ``log_dir/main_tag_key``."""
        walltime = time.time() if walltime is None else walltime
        base = self._get_file_writer().get_logdir()
        for tag, value in tag_scalar_dict.items():
            path = base + "/" + main_tag.replace("/", "_") + "_" + tag
            writer = self.all_writers.get(path)
            if writer is None:
                writer = FileWriter(path, self.max_queue, self.flush_secs, self.filename_suffix)
                self.all_writers[path] = writer
            writer.add_summary(summary.scalar(main_tag, value), global_step, walltime)

    def add_histogram(self, tag: str, values, global_step: int | None = None,
                      bins="tensorflow", walltime: float | None = None,
                      max_bins: int | None = None) -> None:
        """Log the distribution of ``values`` (weights, gradients, activations)."""
        if isinstance(bins, str) and bins == "tensorflow":
            bins = self.default_bins
        self._add(summary.histogram(tag, values, bins, max_bins), global_step, walltime)

    def add_image(self, tag: str, img_tensor, global_step: int | None = None,
                  walltime: float | None = None, dataformats: str = "CHW") -> None:
        """Log one image: floats in [0, 1] or uint8, laid out as ``dataformats``."""
        self._add(summary.image(tag, img_tensor, dataformats=dataformats), global_step, walltime)

    def add_images(self, tag: str, img_tensor, global_step: int | None = None,
                   walltime: float | None = None, dataformats: str = "NCHW") -> None:
        """Log a batch of images as one grid (8 per row)."""
        self._add(summary.image(tag, img_tensor, dataformats=dataformats), global_step, walltime)

    def add_figure(self, tag: str, figure, global_step: int | None = None, close: bool = True,
                   walltime: float | None = None) -> None:
        """Log a matplotlib figure (or a list of them) as an image."""
        figures = figure if isinstance(figure, list) else [figure]
        import numpy as np

        arrays = []
        for fig in figures:
            fig.canvas.draw()
            arrays.append(np.asarray(fig.canvas.buffer_rgba())[..., :3].transpose(2, 0, 1))
            if close:
                import matplotlib.pyplot as plt

                plt.close(fig)
        if isinstance(figure, list):
            self.add_images(tag, np.stack(arrays), global_step, walltime, dataformats="NCHW")
        else:
            self.add_image(tag, arrays[0], global_step, walltime, dataformats="CHW")

    def add_text(self, tag: str, text_string: str, global_step: int | None = None,
                 walltime: float | None = None) -> None:
        """Log a string (markdown) for TensorBoard's Text tab."""
        self._add(summary.text(tag, text_string), global_step, walltime)

    def add_hparams(self, hparam_dict: dict, metric_dict: dict,
                    hparam_domain_discrete: dict | None = None, run_name: str | None = None,
                    global_step: int | None = None) -> None:
        """Log one run's hyperparameters and final metrics for the HParams tab.

        As in PyTorch, they go to a new run ``log_dir/<run_name or time.time()>``.
        """
        if not isinstance(hparam_dict, dict) or not isinstance(metric_dict, dict):
            raise TypeError("hparam_dict and metric_dict should be dictionary.")
        exp, ssi, sei = summary.hparams(hparam_dict, metric_dict, hparam_domain_discrete)
        logdir = os.path.join(self._get_file_writer().get_logdir(), run_name or str(time.time()))
        with SummaryWriter(log_dir=logdir) as w:
            fw = w._get_file_writer()
            for s in (exp, ssi, sei):
                fw.add_summary(s, global_step)
            for k, v in metric_dict.items():
                w.add_scalar(k, v, global_step)

    def add_graph(self, model, input_to_model=None, verbose: bool = False,
                  use_strict_trace: bool = True) -> None:
        """Log the graph of ``model(input_to_model)``, traced through its autograd graph.

        PyTorch traces with the JIT; Ember records the backward graph of the output instead,
        so nodes are the ``*Backward0`` ops, and parameters appear under their names.
        """
        from ..viz import graph_def

        if input_to_model is None:
            raise ValueError("add_graph needs input_to_model to run the model once")
        inputs = input_to_model if isinstance(input_to_model, (list, tuple)) else \
            (input_to_model,)
        output = model(*inputs)
        params = dict(model.named_parameters()) if hasattr(model, "named_parameters") else {}
        self._get_file_writer().add_graph(graph_def(output, params, verbose=verbose))

    def flush(self) -> None:
        """Write buffered events to disk."""
        for writer in self.all_writers.values():
            writer.flush()

    def close(self) -> None:
        """Flush and close every event file; a later ``add_*`` opens a new file."""
        for writer in self.all_writers.values():
            writer.flush()
            writer.close()
        self.file_writer, self.all_writers = None, {}

    def __enter__(self) -> SummaryWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
