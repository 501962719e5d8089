"""``detect_anomaly`` / ``set_detect_anomaly`` against PyTorch."""

from __future__ import annotations

import ember

from ._both import both, error_of, same_error, tensor, torch, warnings_of


def _nan_backward(L):
    x = tensor(L, [1.0, 0.0], requires_grad=True)
    with L.autograd.detect_anomaly():
        y = x / x
        y.sum().backward()


def test_nan_in_backward_names_the_node():
    same_error(_nan_backward)


def test_nan_error_comes_with_forward_traceback_warning():
    for L in (ember, torch):
        msgs = warnings_of(lambda L: error_of(_nan_backward, L, quiet=False), L)
        assert any(m.startswith("Anomaly Detection has been enabled") for m in msgs)
        trace = [m for m in msgs if m.startswith("Error detected in DivBackward0")]
        assert trace and "y = x / x" in trace[0], msgs


def test_no_check_without_anomaly_mode():
    def f(L):
        x = tensor(L, [1.0, 0.0], requires_grad=True)
        (x / x).sum().backward()
        return x.grad.isnan().tolist()

    both(f)


def test_check_nan_false_only_keeps_traces():
    def f(L):
        x = tensor(L, [1.0, 0.0], requires_grad=True)
        with L.autograd.detect_anomaly(check_nan=False):
            (x / x).sum().backward()
        return x.grad.isnan().tolist(), L.is_anomaly_enabled()

    both(f)


def test_flags_and_set_detect_anomaly():
    def f(L):
        A = L.autograd
        seen = [L.is_anomaly_enabled()]
        A.set_detect_anomaly(True)
        seen.append((L.is_anomaly_enabled(), L.is_anomaly_check_nan_enabled()))
        with A.set_detect_anomaly(False):
            seen.append(L.is_anomaly_enabled())
        seen.append(L.is_anomaly_enabled())
        A.set_detect_anomaly(False)
        with A.set_detect_anomaly(True, check_nan=False):
            seen.append((L.is_anomaly_enabled(), L.is_anomaly_check_nan_enabled()))
        seen.append((L.is_anomaly_enabled(), L.is_anomaly_check_nan_enabled()))
        return seen

    both(f)


def test_error_in_custom_backward_warns_with_forward_trace():
    def f(L):
        class Boom(L.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x.clone()

            @staticmethod
            def backward(ctx, grad):
                raise ValueError("boom in backward")

        x = tensor(L, [1.0], requires_grad=True)
        with L.autograd.set_detect_anomaly(True):
            out = Boom.apply(x)
            out.sum().backward()

    same_error(f)
    for L in (ember, torch):
        msgs = warnings_of(lambda L: error_of(f, L, quiet=False), L)
        assert any(m.startswith("Error detected in BoomBackward") and "out = Boom.apply(x)" in m
                   for m in msgs), msgs


def test_version_error_hint_under_anomaly_mode():
    def f(L):
        x = tensor(L, [1.0, 2.0], requires_grad=True)
        with L.autograd.set_detect_anomaly(True, check_nan=False):
            y = x.exp()
            with L.no_grad():
                y.add_(1)
            y.sum().backward()

    same_error(f)
