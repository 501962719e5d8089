"""make_dot / render: the autograd graph as DOT text (note 001, lecture 4's linear model)."""

from __future__ import annotations

import re
import shutil

import pytest

import ember
from ember.utils import viz


def _lecture4(lib):
    """loss = (x * w + b - y)^2, w and b require grad, x and y do not."""
    x, y = lib.tensor([1.0, 2.0, 3.0]), lib.tensor([2.0, 4.0, 6.0])
    w = lib.tensor([1.0], requires_grad=True)
    b = lib.tensor([0.5], requires_grad=True)
    loss = ((x * w + b - y) ** 2).mean()
    return loss, w, b


def _parse(dot: str):
    nodes = dict(re.findall(r'\t(n\d+) \[label="([^"]*)"', dot))
    edges = re.findall(r"\t(n\d+) -> (n\d+)(?: \[label=\"([^\"]*)\"\])?", dot)
    return nodes, [(nodes[a], nodes[b], s) for a, b, s in edges]


def test_dot_text_of_the_lecture_graph():
    loss, w, b = _lecture4(ember)
    dot = viz.make_dot(loss, params={"w": w, "b": b})
    assert dot.startswith("digraph {") and dot.rstrip().endswith("}")
    assert dot.source == str(dot)
    nodes, edges = _parse(dot)
    assert sorted(nodes.values()) == sorted([
        "output\\n()", "MeanBackward0", "PowBackward0", "SubBackward0", "AddBackward0",
        "MulBackward0", "w\\n(1)", "b\\n(1)", "no grad\\n(3)", "no grad\\n(3)"])
    assert set(edges) == {
        ("MeanBackward0", "output\\n()", "()"),
        ("PowBackward0", "MeanBackward0", "(3)"),
        ("SubBackward0", "PowBackward0", "(3)"),
        ("AddBackward0", "SubBackward0", "(3)"),
        ("no grad\\n(3)", "SubBackward0", "(3)"),   # y
        ("MulBackward0", "AddBackward0", "(3)"),
        ("b\\n(1)", "AddBackward0", "(1)"),
        ("no grad\\n(3)", "MulBackward0", "(3)"),   # x
        ("w\\n(1)", "MulBackward0", "(1)"),
    }
    # leaves that require grad are filled blue; inputs without grad are dashed
    assert re.search(r'label="w\\n\(1\)", style=filled, fillcolor="lightblue"', dot)
    assert dot.count("style=dashed") == 2


def test_op_names_match_pytorch_grad_fn_chain():
    torch = pytest.importorskip("torch")

    def names(fn, seen):
        if fn is None or fn in seen:
            return []
        seen.add(fn)
        out = [] if fn.name().endswith("AccumulateGrad") else [fn.name()]
        for nxt, _ in fn.next_functions:
            out += names(nxt, seen)
        return out

    theirs = names(_lecture4(torch)[0].grad_fn, set())
    nodes, _ = _parse(viz.make_dot(_lecture4(ember)[0]))
    ours = [v for v in nodes.values() if v.endswith("Backward0")]
    assert sorted(ours) == sorted(theirs)


def test_unnamed_leaves_shared_nodes_and_several_outputs():
    a = ember.randn(2, 3, requires_grad=True)
    h = a * a  # a is used twice: one leaf node, two edges
    dot = viz.make_dot((h.sum(), h.exp()))
    nodes, edges = _parse(dot)
    assert list(nodes.values()).count("(2, 3)") == 1
    assert [e for e in edges if e[0] == "(2, 3)"] == [("(2, 3)", "MulBackward0", "(2, 3)")] * 2
    assert "output 0\\n()" in nodes.values() and "output 1\\n(2, 3)" in nodes.values()
    assert list(nodes.values()).count("MulBackward0") == 1


def test_module_parameters_are_named():
    model = ember.nn.Sequential(ember.nn.Linear(4, 3), ember.nn.Tanh(), ember.nn.Linear(3, 1))
    out = model(ember.randn(5, 4)).sum()
    nodes, _ = _parse(viz.make_dot(out, params=dict(model.named_parameters())))
    for name, shape in (("0.weight", "(3, 4)"), ("0.bias", "(3)"), ("2.weight", "(1, 3)")):
        assert f"{name}\\n{shape}" in nodes.values()
    assert "TanhBackward0" in nodes.values()


def test_a_leaf_alone_and_quoting():
    w = ember.zeros(2, requires_grad=True)
    dot = viz.make_dot(w, params={'my "w"': w})
    assert 'label="my \\"w\\"\\n(2)", style=filled, fillcolor="lightblue"' in dot
    assert "->" not in dot


def test_render_svg_or_clear_error(tmp_path, monkeypatch):
    loss, w, b = _lecture4(ember)
    if shutil.which("dot"):
        path = viz.render(loss, tmp_path / "g.svg", params={"w": w, "b": b})
        assert "<svg" in path.read_text() and "MulBackward0" in path.read_text()
        png = viz.make_dot(loss).render(tmp_path / "g.png", format="png")
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(RuntimeError, match="Graphviz's `dot` program"):
        viz.render(loss, tmp_path / "h.svg")
    with pytest.raises(ValueError, match="format"):
        viz.render(loss, tmp_path / "h.gif", format="gif")
