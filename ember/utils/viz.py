"""Draw the autograd graph of a tensor, in the spirit of torchviz's ``make_dot``.

``make_dot(y)`` walks ``y.grad_fn`` through ``next_functions`` and returns Graphviz DOT text:
one box per backward op (``MulBackward0``), leaves that require grad in blue (named when
``params`` names them, e.g. ``dict(model.named_parameters())``), inputs that do not require
grad as dashed boxes, the output in green, and each edge labelled with the shape of the tensor
that flows along it. ``render`` turns that into SVG/PNG with Graphviz's ``dot`` program.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

__all__ = ["DotGraph", "make_dot", "render"]


def _fmt(shape) -> str:
    return "(" + ", ".join(str(int(s)) for s in shape) + ")"


def _walk(outputs, params: dict | None = None) -> tuple[list[dict], list[tuple]]:
    """Nodes ({id, kind, label, shape}) and edges (src, dst, shape) of the backward graph.

    kinds: "output", "op" (a grad_fn), "param" (a leaf that requires grad), "const" (an input
    that does not). Iterative, so deep (e.g. RNN) graphs cannot overflow the stack.
    """
    names = {id(p): n for n, p in (params or {}).items()}
    nodes: list[dict] = []
    edges: list[tuple] = []
    ids: dict[int, str] = {}

    def add(kind: str, label: str, shape=None) -> str:
        nid = f"n{len(nodes)}"
        nodes.append({"id": nid, "kind": kind, "label": label, "shape": shape})
        return nid

    stack = []
    for i, t in enumerate(outputs):
        label = "output" if len(outputs) == 1 else f"output {i}"
        out = add("output", label, tuple(t.shape))
        fn = t.grad_fn
        if fn is None:
            if t.requires_grad:  # a leaf: the graph is the tensor alone
                nodes[-1]["kind"] = "param"
                nodes[-1]["label"] = names.get(id(t), "output")
            continue
        if id(fn) not in ids:
            ids[id(fn)] = add("op", fn.name())
            stack.append(fn)
        edges.append((ids[id(fn)], out, tuple(t.shape)))
    while stack:
        fn = stack.pop()
        meta = getattr(fn, "_in_meta", ())
        for j, (nxt, _) in enumerate(fn.next_functions):
            shape = meta[j][0] if j < len(meta) and meta[j] is not None else None
            if nxt is None:
                if shape is not None:
                    edges.append((add("const", "no grad", shape), ids[id(fn)], shape))
                continue
            if id(nxt) not in ids:
                var = getattr(nxt, "variable", None)
                if var is not None:
                    ids[id(nxt)] = add("param", names.get(id(var), ""), tuple(var.shape))
                else:
                    ids[id(nxt)] = add("op", nxt.name())
                    stack.append(nxt)
            edges.append((ids[id(nxt)], ids[id(fn)], shape))
    return nodes, edges


_STYLE = {
    "output": 'style=filled, fillcolor="darkolivegreen1"',
    "op": 'style=filled, fillcolor="lightgrey"',
    "param": 'style=filled, fillcolor="lightblue"',
    "const": 'style=dashed',
}


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


class DotGraph(str):
    """DOT source text (a ``str``) with ``.source`` and ``.render()`` like graphviz.Digraph."""

    @property
    def source(self) -> str:
        return str(self)

    def render(self, path: str | Path, format: str = "svg") -> Path:
        """Write the drawing to ``path`` (``format`` "svg", "png" or "pdf") with ``dot``."""
        return _run_dot(str(self), path, format)

    def _repr_svg_(self) -> str:  # drawn inline in Jupyter when Graphviz is installed
        dot = shutil.which("dot")
        if dot is None:
            return ""
        return subprocess.run([dot, "-Tsvg"], input=str(self).encode(), capture_output=True,
                              check=True).stdout.decode()


def make_dot(tensor, params: dict | None = None) -> DotGraph:
    """The autograd graph that produced ``tensor`` (or a tuple of tensors) as DOT text.

    Args:
        tensor: the result to draw (e.g. a loss); it must carry a ``grad_fn`` or require grad.
        params: optional ``{name: tensor}`` (such as ``dict(model.named_parameters())``) used to
            label the leaves.

    Example::

        y = (x * w + b).sum()
        print(make_dot(y, params={"w": w, "b": b}))
    """
    outputs = tuple(tensor) if isinstance(tensor, (tuple, list)) else (tensor,)
    nodes, edges = _walk(outputs, params)
    lines = ["digraph {", '\tgraph [rankdir=TB]',
             '\tnode [shape=box, align=left, fontsize=10, height=0.2, ranksep=0.1]']
    for n in nodes:
        label = n["label"]
        if n["shape"] is not None and n["kind"] != "op":
            label = f"{label}\n{_fmt(n['shape'])}" if label else _fmt(n["shape"])
        lines.append(f"\t{n['id']} [label={_quote(label)}, {_STYLE[n['kind']]}]")
    for src, dst, shape in edges:
        attr = f" [label={_quote(_fmt(shape))}]" if shape is not None else ""
        lines.append(f"\t{src} -> {dst}{attr}")
    lines.append("}")
    return DotGraph("\n".join(lines) + "\n")


def _run_dot(source: str, path: str | Path, format: str) -> Path:
    if format not in ("svg", "png", "pdf"):
        raise ValueError(f"format must be 'svg', 'png' or 'pdf', got {format!r}")
    dot = shutil.which("dot")
    if dot is None:
        raise RuntimeError("render needs Graphviz's `dot` program, which is not on PATH; "
                           "install Graphviz (e.g. `apt-get install graphviz`) or use "
                           "make_dot(...) for the DOT text")
    path = Path(path)
    done = subprocess.run([dot, f"-T{format}", "-o", str(path)], input=source.encode(),
                          capture_output=True)
    if done.returncode != 0:
        raise RuntimeError(f"dot failed: {done.stderr.decode().strip()}")
    return path


def render(tensor, path: str | Path, format: str = "svg", params: dict | None = None) -> Path:
    """Draw the autograd graph of ``tensor`` into ``path`` as SVG or PNG; returns the path."""
    return _run_dot(make_dot(tensor, params), path, format)


# --- TensorBoard's GraphDef, for SummaryWriter.add_graph --------------------------------------


def graph_def(tensor, params: dict | None = None, verbose: bool = False) -> bytes:
    """The backward graph of ``tensor`` as a serialized ``tensorflow.GraphDef``.

    Parameter names become scopes (``fc1.weight`` -> ``fc1/weight``) so TensorBoard groups
    them by module.
    """
    from .tensorboard._proto import f_bytes, f_varint

    outputs = tuple(tensor) if isinstance(tensor, (tuple, list)) else (tensor,)
    nodes, edges = _walk(outputs, params)
    names, counts = {}, {}
    for n in nodes:
        base = {"param": n["label"].replace(".", "/") or "leaf", "const": "input",
                "output": "output"}.get(n["kind"], n["label"])
        counts[base] = counts.get(base, 0) + 1
        names[n["id"]] = base if counts[base] == 1 else f"{base}_{counts[base] - 1}"
    inputs: dict[str, list[str]] = {n["id"]: [] for n in nodes}
    out_shape: dict[str, tuple] = {n["id"]: n["shape"] for n in nodes}
    for src, dst, shape in edges:
        inputs[dst].append(names[src])
        if shape is not None:
            out_shape[src] = shape
    body = b""
    for n in nodes:
        op = {"param": "Parameter", "const": "IO Node", "output": "IO Node"}.get(n["kind"],
                                                                              n["label"])
        node = f_bytes(1, names[n["id"]]) + f_bytes(2, op)
        node += b"".join(f_bytes(3, i) for i in inputs[n["id"]])
        shape = out_shape[n["id"]]
        if shape is not None:
            dims = b"".join(f_bytes(2, f_varint(1, d)) for d in shape)
            attr = f_bytes(1, f_bytes(7, dims))  # AttrValue.list.shape
            node += f_bytes(5, f_bytes(1, "_output_shapes") + f_bytes(2, attr))
        body += f_bytes(1, node)
    if verbose:
        print(body)
    return body + f_bytes(4, f_varint(1, 22))
