"""``autograd.functional`` (jacobian, hessian, vjp, jvp, hvp, vhp) against PyTorch's."""

from __future__ import annotations

import numpy as np
import pytest

from ._both import both, same_error, tensor

X = [0.5, -1.5, 2.0]
Y = [[0.3, -0.2], [1.1, 0.4]]


def F(L):
    return L.autograd.functional


def xy(L):
    return tensor(L, X), tensor(L, Y)


def f1(a):
    return a.exp() * 2


def f2(a, b):
    return a.sum() * b, (b ** 2).sum() * a[:2].sum()


def s1(a):
    return (a ** 3).sum()


def s2(a, b):
    return a.sin().sum() * (b ** 2).sum()


def ones(L, *shape):
    return tensor(L, np.ones(shape))


@pytest.mark.parametrize("vectorize", [False, True])
def test_jacobian_shapes_single_and_tuple(vectorize):
    def f(L):
        x, y = xy(L)
        J = F(L).jacobian
        return (J(f1, x, vectorize=vectorize), J(f1, (x,), vectorize=vectorize),
                J(f2, (x, y), vectorize=vectorize),
                J(lambda a: (a * 2, a.sum()), x, vectorize=vectorize))

    both(f)


def test_jacobian_create_graph_and_unused_input():
    def f(L):
        x, y = xy(L)
        xr = tensor(L, X, requires_grad=True)
        j = F(L).jacobian(lambda a: a ** 2, xr, create_graph=True)
        plain = F(L).jacobian(f1, x)
        return (j, j.requires_grad, plain.requires_grad,
                F(L).jacobian(lambda a, b: a * 2, (x, y)))

    both(f)


def test_jacobian_strict_errors():
    same_error(lambda L: F(L).jacobian(lambda a, b: a * 2, xy(L), strict=True))
    same_error(lambda L: F(L).jacobian(lambda a: ones(L, 3), tensor(L, X), strict=True))
    same_error(lambda L: F(L).jacobian(f1, tensor(L, X), strict=True, vectorize=True))


def test_hessian():
    def f(L):
        x, y = xy(L)
        return F(L).hessian(s1, x), F(L).hessian(s2, (x, y)), F(L).hessian(s1, (x,))

    both(f)


def test_hessian_errors():
    same_error(lambda L: F(L).hessian(f1, tensor(L, X)))
    same_error(lambda L: F(L).hessian(lambda a: (a.sum(), a.sum()), tensor(L, X)))
    same_error(lambda L: F(L).hessian(lambda a: a.sum() * 2, tensor(L, X), strict=True))


def test_vjp_and_jvp():
    def f(L):
        x, y = xy(L)
        fn = F(L)
        return (fn.vjp(f1, x, ones(L, 3)),
                fn.vjp(f2, (x, y), (ones(L, 2, 2), tensor(L, 2.0))),
                fn.vjp(s1, x),
                fn.jvp(f1, x, ones(L, 3)),
                fn.jvp(f2, (x, y), (ones(L, 3), ones(L, 2, 2))),
                fn.jvp(lambda a: a.exp().sum(), tensor(L, [0.3]), None))

    both(f)


def test_vjp_jvp_create_graph():
    def f(L):
        xr = tensor(L, X, requires_grad=True)
        out, v = F(L).vjp(lambda a: a ** 3, xr, ones(L, 3), create_graph=True)
        g, = L.autograd.grad(v.sum(), xr)
        out2, j = F(L).jvp(lambda a: a ** 3, xr, ones(L, 3), create_graph=True)
        return v, v.requires_grad, g, j, j.requires_grad

    both(f)


def test_hvp_and_vhp():
    def f(L):
        x, y = xy(L)
        fn = F(L)
        return (fn.hvp(s1, x, ones(L, 3)), fn.hvp(s2, (x, y), (ones(L, 3), ones(L, 2, 2))),
                fn.vhp(s1, x, ones(L, 3)), fn.vhp(s2, (x, y), (ones(L, 3), ones(L, 2, 2))))

    both(f)


@pytest.mark.parametrize("call", [
    lambda L, fn: fn.vjp(f1, tensor(L, X)),
    lambda L, fn: fn.vjp(f1, tensor(L, X), ones(L, 2)),
    lambda L, fn: fn.vjp(f2, xy(L), (ones(L, 2, 2),)),
    lambda L, fn: fn.vjp(f2, xy(L), (ones(L, 2, 2), ones(L, 3))),
    lambda L, fn: fn.jvp(f1, tensor(L, X)),
    lambda L, fn: fn.vhp(f1, tensor(L, X), ones(L, 3)),
    lambda L, fn: fn.hvp(lambda a: (a.sum(),), tensor(L, X), ones(L, 3)),
    lambda L, fn: fn.jacobian(f1, [tensor(L, X)]),
    lambda L, fn: fn.jacobian(f1, (tensor(L, X), 3)),
    lambda L, fn: fn.hvp(lambda a: a.sum(), tensor(L, X), ones(L, 3), strict=True),
    lambda L, fn: fn.jvp(lambda a: ones(L, 3), tensor(L, X), ones(L, 3), strict=True),
    lambda L, fn: fn.vjp(lambda a: ones(L, 3) * 1, tensor(L, X), ones(L, 3), strict=True),
])
def test_errors(call):
    same_error(lambda L: call(L, F(L)))
