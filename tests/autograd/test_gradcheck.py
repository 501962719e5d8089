"""``gradcheck`` / ``gradgradcheck`` against PyTorch's."""

from __future__ import annotations

import pytest

import ember
from ember.autograd.gradcheck import GradcheckError

from ._both import both, error_of, same_error, tensor, torch, warnings_of

X = [0.5, -1.5, 2.0]


def _wrong(L):
    class WrongSquare(L.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return 3 * x * grad  # should be 2 * x * grad

    return WrongSquare


def _ignores_grad_output(L):
    class Const(L.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, grad):
            return grad * 0 + 2

    return Const


def test_correct_functions_pass():
    def f(L):
        a = tensor(L, X, requires_grad=True)
        b = tensor(L, [[0.1, 0.2, 0.3], [1.0, -1.0, 0.5]], requires_grad=True)
        return (L.autograd.gradcheck(lambda a, b: (a * b).sin(), (a, b)),
                L.autograd.gradcheck(lambda a: (a.exp(), (a ** 2).sum()), a),
                L.autograd.gradgradcheck(lambda a, b: (a * b).tanh(), (a, b)),
                L.autograd.gradcheck(lambda a, k: a * k, (a, 3.0)))

    both(f)


def same_gradcheck_error(fn, key: str) -> None:
    """Both raise their own GradcheckError (a RuntimeError) with ``key`` in the message."""
    from torch.autograd.gradcheck import GradcheckError as TorchGradcheckError

    e, t = error_of(fn, ember), error_of(fn, torch)
    assert isinstance(t, TorchGradcheckError) and key in str(t), t
    assert type(e) is GradcheckError and key in str(e), e
    assert isinstance(e, RuntimeError)


def test_wrong_backward_raises_gradcheck_error():
    same_gradcheck_error(
        lambda L: L.autograd.gradcheck(_wrong(L).apply, tensor(L, X, requires_grad=True)),
        "Jacobian mismatch for output 0 with respect to input 0,\nnumerical:",
    )


def test_raise_exception_false_returns_false():
    both(lambda L: L.autograd.gradcheck(_wrong(L).apply, tensor(L, X, requires_grad=True),
                                        raise_exception=False))


def test_backward_ignoring_grad_output_fails():
    same_gradcheck_error(
        lambda L: L.autograd.gradcheck(_ignores_grad_output(L).apply,
                                       tensor(L, X, requires_grad=True)),
        "Jacobian mismatch for output 0 with respect to input 0",
    )


def test_gradgradcheck_finds_wrong_double_backward():
    def f(L):
        x = tensor(L, X, requires_grad=True)
        v = tensor(L, [1, 1, 1], requires_grad=True)
        return L.autograd.gradgradcheck(_wrong(L).apply, (x,), (v,), raise_exception=False)

    both(f)


def test_no_input_requires_grad():
    same_error(lambda L: L.autograd.gradcheck(lambda a: a * 2, (tensor(L, X),)))


def test_single_precision_input_warns():
    def f(L):
        x = tensor(L, X, "float32", requires_grad=True)
        return L.autograd.gradcheck(lambda a: a * 2, (x,), eps=1e-3, atol=1e-2)

    key = "Input #0 requires gradient and is not a double precision floating point"
    assert any(key in m for m in warnings_of(f, ember))
    assert any(key in m for m in warnings_of(f, torch))


def test_non_differentiable_outputs():
    both(lambda L: L.autograd.gradcheck(lambda a: a.argmax(), (tensor(L, X, requires_grad=True),)))
    same_gradcheck_error(
        lambda L: L.autograd.gradcheck(lambda a: a.detach() * 2,
                                       (tensor(L, X, requires_grad=True),)),
        "Numerical gradient for function expected to be zero",
    )


def test_tolerances_are_used():
    def f(L):
        x = tensor(L, X, requires_grad=True)
        fn = _wrong(L).apply
        return (L.autograd.gradcheck(fn, (x,), atol=10.0, rtol=0.0),
                L.autograd.gradcheck(fn, (x,), atol=0.0, rtol=0.1, raise_exception=False))

    both(f)


def test_forward_ad_checks_are_not_available():
    with pytest.raises(NotImplementedError):
        ember.autograd.gradcheck(lambda a: a * 2, (ember.ones(2, dtype=ember.float64,
                                                              requires_grad=True),),
                                 check_forward_ad=True)
