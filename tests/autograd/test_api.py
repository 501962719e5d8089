"""``autograd.backward`` / ``autograd.grad`` and the autograd errors, against PyTorch."""

from __future__ import annotations

import numpy as np
import pytest

import ember

from ._both import both, same_error, tensor, torch, warnings_of

X = [0.5, -1.5, 2.0]


def test_backward_weights_several_outputs():
    def f(L):
        x = tensor(L, X, requires_grad=True)
        y0, y1 = x * 2, x ** 3
        L.autograd.backward([y0, y1], grad_tensors=[tensor(L, [1, 2, 3]), tensor(L, [.5, -1, 4])])
        return x.grad

    both(f)


def test_backward_gradient_positional_and_accumulation():
    def f(L):
        x = tensor(L, X, requires_grad=True)
        (x * x).backward(tensor(L, [1, 1, 1]))
        first = x.grad.clone()
        (x.sin()).sum().backward()
        return first, x.grad

    both(f)


def test_second_backward_raises_and_retain_graph_allows_it():
    def ok(L):
        x = tensor(L, X, requires_grad=True)
        s = (x.exp() * x).sum()
        s.backward(retain_graph=True)
        s.backward()
        return x.grad

    both(ok)

    def twice(L):
        x = tensor(L, X, requires_grad=True)
        s = (x.exp() * x).sum()
        s.backward()
        s.backward()

    same_error(twice, "Trying to backward through the graph a second time")


def test_grad_then_backward_on_freed_graph():
    def f(L):
        x = tensor(L, X, requires_grad=True)
        s = (x * x).sum()
        L.autograd.grad(s, x)
        s.backward()

    same_error(f, "Specify retain_graph=True")


def test_third_order_of_x4():
    def f(L):
        x = tensor(L, X, requires_grad=True)
        g1, = L.autograd.grad((x ** 4).sum(), x, create_graph=True)
        g2, = L.autograd.grad(g1.sum(), x, create_graph=True)
        g3, = L.autograd.grad(g2.sum(), x, create_graph=True)
        g4, = L.autograd.grad(g3.sum(), x)
        return g1, g2, g3, g4, g3.requires_grad, g4.requires_grad

    both(f)


def test_create_graph_backward_makes_differentiable_grad_and_warns():
    def f(L):
        x = tensor(L, X, requires_grad=True)
        (x ** 3).sum().backward(create_graph=True)
        g = x.grad
        x.grad = None
        g.sum().backward()
        return g, g.requires_grad, x.grad

    both(f)


def test_create_graph_backward_warns_once():
    import subprocess
    import sys

    code = (
        "import warnings, {0} as L\n"
        "warnings.simplefilter('always')\n"
        "x = L.ones(2, requires_grad=True)\n"
        "for _ in range(2):\n"
        "    with warnings.catch_warnings(record=True) as w:\n"
        "        warnings.simplefilter('always')\n"
        "        (x * x).sum().backward(create_graph=True)\n"
        "    print(len(w), [str(m.message)[:70] for m in w])\n"
    )
    got = [subprocess.run([sys.executable, "-c", code.format(lib)], capture_output=True,
                          text=True, check=True).stdout for lib in ("ember", "torch")]
    assert got[0] == got[1]
    assert "reference cycle" in got[0]


def test_backward_inputs_limits_accumulation():
    def f(L):
        a = tensor(L, [1, 2], requires_grad=True)
        b = tensor(L, [3, 4], requires_grad=True)
        (a * b).sum().backward(inputs=[a])
        return a.grad, b.grad

    both(f)


def test_backward_inputs_non_leaf_retains_grad():
    def f(L):
        a = tensor(L, [1, 2], requires_grad=True)
        y = a * 2
        z = (y * y).sum()
        z.backward(inputs=[y], retain_graph=True)
        first = y.grad.clone()
        z.backward(inputs=[y])
        return first, y.grad, y.retains_grad, a.grad

    both(f)


def test_backward_inputs_empty():
    def f(L):
        a = tensor(L, [1, 2], requires_grad=True)
        (a * 2).sum().backward(inputs=[])

    same_error(f)


def test_grad_allow_unused_and_materialize():
    def f(L):
        x = tensor(L, X, requires_grad=True)
        u = tensor(L, [1.0], requires_grad=True)
        s = (x * 3).sum()
        g1 = L.autograd.grad(s, [x, u], allow_unused=True, retain_graph=True)
        g2 = L.autograd.grad(s, [x, u], materialize_grads=True)
        return g1, g2

    both(f)


def test_grad_unused_input_error():
    def f(L):
        x = tensor(L, X, requires_grad=True)
        u = tensor(L, [1.0], requires_grad=True)
        L.autograd.grad((x * 3).sum(), [x, u])

    same_error(f)


def test_grad_allow_unused_false_with_materialize_error():
    def f(L):
        x = tensor(L, X, requires_grad=True)
        L.autograd.grad((x * 3).sum(), [x], allow_unused=False, materialize_grads=True)

    same_error(f)


def test_grad_does_not_accumulate_and_weights_outputs():
    def f(L):
        x = tensor(L, X, requires_grad=True)
        y = x.exp()
        g, = L.autograd.grad([y, x * x], x, [tensor(L, [1, 0, 2]), tensor(L, [3, 3, 3])])
        return g, x.grad

    both(f)


def test_grad_of_non_leaf_input():
    def f(L):
        x = tensor(L, X, requires_grad=True)
        h = x * 2
        g, = L.autograd.grad((h ** 2).sum(), h)
        return g

    both(f)


def test_non_scalar_backward_needs_gradient():
    same_error(lambda L: (tensor(L, X, requires_grad=True) * 2).backward())
    same_error(lambda L: L.autograd.grad(tensor(L, X, requires_grad=True) * 2,
                                         tensor(L, X, requires_grad=True)))


def test_grad_output_shape_mismatch():
    def f(L):
        x = tensor(L, X, requires_grad=True)
        L.autograd.grad((x * 2).sum(), x, grad_outputs=tensor(L, [1, 2]))

    same_error(f)


def test_output_without_grad_fn():
    same_error(lambda L: tensor(L, X).sum().backward())
    same_error(lambda L: L.autograd.grad(tensor(L, X, requires_grad=True).sum(), tensor(L, X)))


def test_requires_grad_on_int_tensor():
    key = "Tensors of floating point"
    same_error(lambda L: L.tensor([1, 2]).requires_grad_(), key)
    same_error(lambda L: L.tensor([1, 2], requires_grad=True), key)


def test_in_place_on_leaf_requiring_grad():
    same_error(lambda L: tensor(L, X, requires_grad=True).add_(1))

    def under_no_grad(L):
        x = tensor(L, X, requires_grad=True)
        with L.no_grad():
            x.mul_(2)
        return x, x.requires_grad, x.is_leaf

    both(under_no_grad)


@pytest.mark.parametrize("case", ["input", "output", "leaf", "view"])
def test_saved_tensor_modified_in_place(case):
    def f(L):
        x = tensor(L, X, requires_grad=True)
        if case == "input":
            a = x * 1
            y = a * a
            a.add_(1)
        elif case == "output":
            y = x.exp()
            with L.no_grad():
                y.add_(1)
        elif case == "leaf":
            y = x.sin()
            with L.no_grad():
                x.add_(1)
        else:
            a = x * 1
            y = a.sin()
            with L.no_grad():
                a[1:].mul_(2)
        y.sum().backward()

    same_error(f)


def test_version_counter_values():
    def f(L):
        x = tensor(L, X, requires_grad=True)
        a = x * 1
        v0 = a._version
        a.add_(1)
        a.mul_(2)
        return v0, a._version, x._version

    both(f)


def test_non_leaf_grad_warns_and_retain_grad():
    def access(L):
        y = tensor(L, X, requires_grad=True) * 2
        return y.grad

    key = "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed"
    assert any(key in w for w in warnings_of(access, ember))
    assert any(key in w for w in warnings_of(access, torch))

    def retained(L):
        x = tensor(L, X, requires_grad=True)
        y = x * 2
        y.retain_grad()
        (y * y).sum().backward()
        return y.grad, y.retains_grad, y.is_leaf, x.grad

    both(retained)
    assert warnings_of(retained, ember) == []


def test_grad_reset_patterns():
    def f(L):
        x = tensor(L, X, requires_grad=True)
        (x * 2).sum().backward()
        x.grad = None
        (x * 3).sum().backward()
        after_none = x.grad.clone()
        with L.no_grad():
            x.grad.mul_(0)
        (x * 5).sum().backward()
        return after_none, x.grad

    both(f)


def test_detach_shares_data_and_leaves_graph():
    def f(L):
        x = tensor(L, X, requires_grad=True)
        y = x * 2
        d = y.detach()
        d_leaf = (d.requires_grad, d.is_leaf, d.grad_fn is None)
        d.add_(1)  # shares memory with y
        return d_leaf, y, x.detach().requires_grad

    both(f)


def test_grad_modes_as_context_managers():
    def f(L):
        x = tensor(L, X, requires_grad=True)
        with L.no_grad():
            a = x * 2
            with L.enable_grad():
                b = x * 2
            inner = L.is_grad_enabled()
        with L.set_grad_enabled(False):
            c = x * 2
        with L.inference_mode():
            d = x * 2
        with L.inference_mode(False):
            e = x * 2
        L.set_grad_enabled(False)
        g = x * 2
        L.set_grad_enabled(True)
        return [t.requires_grad for t in (a, b, c, d, e, g)], inner, L.is_grad_enabled()

    both(f)


def test_grad_modes_as_decorators():
    def f(L):
        x = tensor(L, X, requires_grad=True)

        @L.no_grad
        def bare():
            return x * 2, L.is_grad_enabled()

        @L.no_grad()
        def called():
            return x * 2

        @L.enable_grad()
        def enabled():
            return x * 2

        @L.set_grad_enabled(False)
        def disabled():
            return x * 2

        @L.inference_mode()
        def inference():
            return x * 2

        with L.no_grad():
            inside = enabled()
        out, flag = bare()
        return ([t.requires_grad for t in (out, called(), inside, disabled(), inference())],
                flag, L.is_grad_enabled())

    both(f)


def test_grad_mode_restored_after_exception():
    def f(L):
        try:
            with L.no_grad():
                raise KeyError
        except KeyError:
            pass
        return L.is_grad_enabled()

    both(f)


def test_ops_in_no_grad_do_not_record():
    def f(L):
        x = tensor(L, X, requires_grad=True)
        with L.no_grad():
            y = (x * 2).exp()
        return y.requires_grad, y.grad_fn is None, y.is_leaf

    both(f)


def test_backward_through_shared_subgraph():
    def f(L):
        x = tensor(L, X, requires_grad=True)
        h = x.exp()
        y = (h * h + h.sin() * x).sum()
        y.backward()
        return x.grad

    both(f)


def test_float32_grad_stays_float32():
    def f(L):
        x = tensor(L, X, "float32", requires_grad=True)
        (x * 2.5).sum().backward()
        return x.grad

    assert both(f)[0] == "float32"


def test_is_leaf_requires_grad_flags():
    def f(L):
        x = tensor(L, X, requires_grad=True)
        c = tensor(L, X)
        y = x + c
        return (x.is_leaf, c.is_leaf, y.is_leaf, y.requires_grad, (c * 2).requires_grad,
                y.grad_fn.name())

    both(f)


def test_grad_of_unreachable_leaf_is_none():
    def f(L):
        x = tensor(L, X, requires_grad=True)
        w = tensor(L, [1.0], requires_grad=True)
        (x * 2).sum().backward()
        return w.grad is None, np.allclose(x.grad.numpy(), 2)

    both(f)


@pytest.mark.parametrize("op", [lambda x: x * 2, lambda x: x / 4, lambda x: 3 * x])
def test_product_with_a_number_saves_no_tensor(op):
    """As PyTorch: only the number is kept, so writing into the input afterwards is fine."""
    def fn(L):
        x = L.tensor([1.0, 2.0], requires_grad=True)
        h = x * 1
        y = op(h)
        h.add_(1)
        y.sum().backward()
        return x.grad

    both(fn)


def test_product_of_tensors_still_catches_inplace_writes():
    def fn(L):
        h = L.tensor([1.0, 2.0], requires_grad=True) * 1
        y = h * h
        h.add_(1)
        y.sum().backward()

    same_error(fn, "modified by an inplace operation")


@pytest.mark.parametrize("program", [
    # a write through one view changes another view's values: its graph must follow
    lambda L, x: (L.tensor([1.0, 1.0]) * _views(x, lambda v1, v2: v1.mul_(10))[1]).sum(),
    # the stale view is the backward root
    lambda L, x: _views(x, lambda v1, v2: v2.mul_(3))[0].sum(),
    # the base itself is written after the views were made
    lambda L, x: _views(x, lambda v1, v2: v1._base.mul_(x))[1].sum(),
])
def test_views_follow_inplace_writes_made_after_them(program):
    def fn(L):
        x = L.tensor([1.0, 2.0, 3.0], requires_grad=True)
        program(L, x).backward()
        return x.grad

    both(fn)


def _views(x, write):
    """Two overlapping views of an intermediate ``x * 1``, then ``write(v1, v2)``."""
    base = x * 1
    v1, v2 = base[0:2], base[1:3]
    write(v1, v2)
    return v1, v2


def test_view_made_under_no_grad_is_refused_after_base_writes():
    def fn(L):
        w = L.tensor([1.0, 2.0, 3.0], requires_grad=True)
        with L.no_grad():
            v = w[0:2]
            w.mul_(2)
        (v * L.tensor([1.0, 1.0], requires_grad=True)).sum().backward()

    same_error(fn)


def test_view_made_under_no_grad_of_a_plain_base_is_fine_after_writes():
    def fn(L):
        b = L.zeros(3)
        with L.no_grad():
            v = b[0:2]
        b.add_(1)
        w = L.ones(2, requires_grad=True)
        (v * w).sum().backward()
        return w.grad

    both(fn)


def test_view_of_a_plain_base_follows_a_grad_write_into_it():
    def fn(L):
        x = L.tensor([1.0, 2.0], requires_grad=True)
        base = L.zeros(3)
        v = base[1:]
        base[:2] = x * 5
        (v * 1).sum().backward()
        return x.grad

    both(fn)
