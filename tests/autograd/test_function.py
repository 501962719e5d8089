"""Custom ``autograd.Function`` against ``torch.autograd.Function``."""

from __future__ import annotations

import pytest

import ember

from ._both import both, same_error, tensor, torch

X = [0.5, -1.5, 2.0]


def _classes(L):
    """The same custom Functions written against library ``L``."""
    Function = L.autograd.Function
    once = L.autograd.function.once_differentiable

    class Cube(Function):
        @staticmethod
        def forward(ctx, x, k):
            ctx.save_for_backward(x)
            ctx.k = k
            return x ** 3 * k

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return grad * 3 * x ** 2 * ctx.k, None

    class Exp(Function):
        @staticmethod
        def forward(ctx, x):
            y = x.exp()
            ctx.save_for_backward(y)
            return y

        @staticmethod
        def backward(ctx, grad):
            (y,) = ctx.saved_tensors
            return grad * y

    class Scale(Function):  # new style: forward without ctx + setup_context
        @staticmethod
        def forward(x, k=2.0):
            return x * k

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.k = inputs[1]

        @staticmethod
        def backward(ctx, grad):
            return grad * ctx.k, None

    class Split(Function):  # several outputs, one non-differentiable, one not a Tensor
        @staticmethod
        def forward(ctx, x):
            idx = x.argmax()
            ctx.mark_non_differentiable(idx)
            return x * 2, x * 3, idx, 7

        @staticmethod
        def backward(ctx, g2, g3, gi, g7):
            ctx.seen = (g2, g3, gi, g7)
            return g2 * 2 + g3 * 3

    class Lazy(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.set_materialize_grads(False)
            return x * 2, x * 3

        @staticmethod
        def backward(ctx, g2, g3):
            out = 0
            if g2 is not None:
                out = out + g2 * 2
            if g3 is not None:
                out = out + g3 * 3
            return out

    class Mul(Function):
        @staticmethod
        def forward(ctx, a, b):
            ctx.save_for_backward(a, b)
            ctx.needs = ctx.needs_input_grad
            return a * b

        @staticmethod
        def backward(ctx, grad):
            a, b = ctx.saved_tensors
            ctx.needs_bw = ctx.needs_input_grad
            return (grad * b if ctx.needs_input_grad[0] else None,
                    grad * a if ctx.needs_input_grad[1] else None)

    class Ident(Function):
        @staticmethod
        def forward(ctx, x):
            return x

        @staticmethod
        def backward(ctx, grad):
            return grad * 5

    class AddOne_(Function):
        @staticmethod
        def forward(ctx, x):
            x.add_(1)
            ctx.mark_dirty(x)
            return x

        @staticmethod
        def backward(ctx, grad):
            return grad

    class OnceSquare(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        @once
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            ctx.enabled_inside = L.is_grad_enabled()
            return 2 * x * grad

    return dict(Cube=Cube, Exp=Exp, Scale=Scale, Split=Split, Lazy=Lazy, Mul=Mul, Ident=Ident,
                AddOne_=AddOne_, OnceSquare=OnceSquare)


def fn(L, name):
    return _classes(L)[name]


def test_forward_backward_and_node():
    def f(L):
        x = tensor(L, X, requires_grad=True)
        y = fn(L, "Cube").apply(x, 2.0)
        y.sum().backward()
        g = y.grad_fn
        return (y, x.grad, g.name(), type(g).__name__, [type(n).__name__ for n, _ in
                g.next_functions], y.requires_grad, y.is_leaf)

    both(f)


def test_forward_runs_under_no_grad_and_output_is_plain_without_grad():
    def f(L):
        seen = []

        class Probe(L.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                seen.append((L.is_grad_enabled(), ctx.needs_input_grad))
                return x * 2

            @staticmethod
            def backward(ctx, grad):
                return grad

        x = tensor(L, X, requires_grad=True)
        y1 = Probe.apply(x)
        y2 = Probe.apply(tensor(L, X))
        with L.no_grad():
            y3 = Probe.apply(x)
        return seen, [(y.requires_grad, y.grad_fn is None) for y in (y1, y2, y3)]

    both(f)


def test_saved_output_and_second_order():
    def f(L):
        x = tensor(L, X, requires_grad=True)
        y = fn(L, "Exp").apply(x)
        g, = L.autograd.grad(y.sum(), x, create_graph=True)
        g2, = L.autograd.grad(g.sum(), x)
        return y, g, g2

    both(f)


def test_saved_tensors_freed_after_backward():
    def f(L):
        x = tensor(L, X, requires_grad=True)
        y = fn(L, "Exp").apply(x)
        y.sum().backward()
        y.sum().backward()

    same_error(f)

    def retained(L):
        x = tensor(L, X, requires_grad=True)
        y = fn(L, "Exp").apply(x)
        y.sum().backward(retain_graph=True)
        y.sum().backward()
        return x.grad

    both(retained)


def test_saved_tensor_version_check():
    def saved_input(L):
        x = tensor(L, X, requires_grad=True)
        a = x * 1
        y = fn(L, "Cube").apply(a, 1.0)
        with L.no_grad():
            a.add_(1)
        y.sum().backward()

    same_error(saved_input)

    def saved_output(L):
        x = tensor(L, X, requires_grad=True)
        y = fn(L, "Exp").apply(x)
        y.add_(1)
        y.sum().backward()

    same_error(saved_output)


def test_setup_context_style_and_defaults():
    def f(L):
        x = tensor(L, X, requires_grad=True)
        Scale = fn(L, "Scale")
        y1 = Scale.apply(x)
        y2 = Scale.apply(x, k=5.0)
        (y1.sum() + y2.sum()).backward()
        return y1, y2, x.grad, y1.grad_fn.name()

    both(f)


def test_multiple_outputs_non_differentiable_and_non_tensor():
    def f(L):
        x = tensor(L, X, requires_grad=True)
        a, b, idx, seven = fn(L, "Split").apply(x)
        a.sum().backward()
        node = a.grad_fn
        return (a.output_nr, b.output_nr, idx.requires_grad, seven, x.grad, node.seen,
                b.grad_fn is node)

    both(f)


def test_set_materialize_grads_false():
    def f(L):
        x = tensor(L, X, requires_grad=True)
        a, b = fn(L, "Lazy").apply(x)
        a.sum().backward()
        return x.grad

    both(f)


def test_needs_input_grad():
    def f(L):
        a = tensor(L, X, requires_grad=True)
        b = tensor(L, [1, 2, 3])
        y = fn(L, "Mul").apply(a, b)
        y.sum().backward()
        return y.grad_fn.needs, y.grad_fn.needs_bw, a.grad, b.grad

    both(f)


def test_input_returned_as_is_is_a_new_view():
    def f(L):
        x = tensor(L, X, requires_grad=True)
        y = fn(L, "Ident").apply(x)
        y.sum().backward()
        return y is x, y._base is x, y.grad_fn.name(), x.grad

    both(f)


def test_mark_dirty():
    def f(L):
        x = tensor(L, X, requires_grad=True)
        a = x * 1
        b = fn(L, "AddOne_").apply(a)
        (b * b).sum().backward()
        return b is a, a._version, a.grad_fn.name(), x.grad

    both(f)
    same_error(lambda L: fn(L, "AddOne_").apply(tensor(L, X, requires_grad=True)))


def test_once_differentiable():
    def f(L):
        x = tensor(L, X, requires_grad=True)
        y = fn(L, "OnceSquare").apply(x)
        g, = L.autograd.grad(y.sum(), x, create_graph=True)  # grad_output needs no grad
        node_enabled = y.grad_fn.enabled_inside
        v = tensor(L, [1, 1, 1], requires_grad=True)
        y2 = fn(L, "OnceSquare").apply(x)
        g2, = L.autograd.grad(y2, x, v, create_graph=True)
        return g, node_enabled, g2, g2.requires_grad, g2.grad_fn.name()

    both(f)

    def twice(L):
        x = tensor(L, X, requires_grad=True)
        y = fn(L, "OnceSquare").apply(x)
        v = tensor(L, [1, 1, 1], requires_grad=True)
        g, = L.autograd.grad(y, x, v, create_graph=True)
        g.sum().backward()

    same_error(twice)


def _bad(L, backward, n_args=2):
    class Bad(L.autograd.Function):
        @staticmethod
        def forward(ctx, x, k=1):
            return x * k

    Bad.backward = staticmethod(backward)
    x = tensor(L, X, requires_grad=True)
    y = Bad.apply(x, 2) if n_args == 2 else Bad.apply(x)
    y.sum().backward()
    return x.grad


def test_backward_returning_wrong_number_of_gradients():
    same_error(lambda L: _bad(L, lambda ctx, g: g))
    same_error(lambda L: _bad(L, lambda ctx, g: (g, None, g)))


def test_backward_extra_none_gradients_are_allowed():
    both(lambda L: _bad(L, lambda ctx, g: (g, None, None)))


def test_backward_gradient_for_non_tensor_input():
    same_error(lambda L: _bad(L, lambda ctx, g: (g, g)))


def test_backward_gradient_of_wrong_shape():
    same_error(lambda L: _bad(L, lambda ctx, g: (g[:2], None)))
    same_error(lambda L: _bad(L, lambda ctx, g: (g.sum(), None)))


def test_backward_gradient_that_broadcasts_is_summed():
    both(lambda L: _bad(L, lambda ctx, g: (g.expand(2, 3), None)))


def test_backward_gradient_dtype_is_cast():
    both(lambda L: _bad(L, lambda ctx, g: (g.float(), None)))


def test_backward_returning_non_tensor():
    same_error(lambda L: _bad(L, lambda ctx, g: (3, None)))


def test_save_for_backward_rejects_non_tensors():
    def f(L):
        class Bad(L.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x, 3)
                return x * 2

        Bad.apply(tensor(L, X, requires_grad=True))

    same_error(f)


def test_missing_backward():
    def f(L):
        class NoBackward(L.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2

        NoBackward.apply(tensor(L, X, requires_grad=True)).sum().backward()

    same_error(f)


def test_instantiating_a_function_is_legacy():
    e = same_error(lambda L: fn(L, "Exp")()(tensor(L, X)), "Legacy autograd function")
    assert isinstance(e, RuntimeError)
    with pytest.warns(DeprecationWarning):
        fn(ember, "Exp")()
    with pytest.warns(DeprecationWarning):
        fn(torch, "Exp")()


def test_hooks_on_custom_node():
    def f(L):
        log = []
        x = tensor(L, X, requires_grad=True)
        y = fn(L, "Cube").apply(x, 1.0)
        y.grad_fn.register_prehook(lambda go: log.append(("pre", go[0].tolist())))
        y.grad_fn.register_hook(lambda gi, go: log.append(("post", gi[0].tolist())))
        y.register_hook(lambda g: log.append(("tensor", g.tolist())))
        (y * 2).sum().backward()
        return log

    both(f)


def test_function_inside_larger_graph_and_gradcheck():
    def f(L):
        x = tensor(L, X, requires_grad=True)
        w = tensor(L, [0.3, 0.1, -0.2], requires_grad=True)
        y = fn(L, "Mul").apply(fn(L, "Exp").apply(x), w.sin())
        z = (y ** 2).sum()
        z.backward()
        ok = L.autograd.gradcheck(lambda a, b: fn(L, "Mul").apply(fn(L, "Exp").apply(a), b),
                                  (x, w))
        return x.grad, w.grad, ok

    both(f)
