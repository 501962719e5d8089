"""Tensor and Node hooks, ``next_functions``, ``name()``: order and values of calls vs PyTorch."""

from __future__ import annotations

from ._both import both, same_error, tensor


def _vals(ts):
    return [None if t is None else t.detach().numpy().tolist() for t in ts]


def test_hook_call_order_and_values():
    def f(L):
        log = []
        a = tensor(L, [1, 2], requires_grad=True)
        a.register_hook(lambda g: log.append(("leaf", g.tolist())))
        y = a * 3
        y.register_hook(lambda g: log.append(("y", g.tolist())))
        y.grad_fn.register_prehook(lambda go: log.append(("pre", _vals(go))))
        y.grad_fn.register_hook(lambda gi, go: log.append(("post", _vals(gi), _vals(go))))
        a.register_post_accumulate_grad_hook(lambda t: log.append(("acc", t.grad.tolist())))
        (y * y).sum().backward()
        return log

    both(f)


def test_tensor_hooks_modify_gradient_and_remove():
    def f(L):
        a = tensor(L, [1, 2], requires_grad=True)
        h = a.register_hook(lambda g: g * 10)
        y = a * a
        hy = y.register_hook(lambda g: g + 1)
        y.sum().backward()
        first = a.grad.clone()
        h.remove()
        hy.remove()
        a.grad = None
        (a * a).sum().backward()
        return first, a.grad

    both(f)


def test_several_hooks_chain_in_registration_order():
    def f(L):
        log = []
        a = tensor(L, [1, 2], requires_grad=True)
        a.register_hook(lambda g: log.append(("first", g.tolist())) or g * 2)
        a.register_hook(lambda g: log.append(("second", g.tolist())) or g + 1)
        (a * 3).sum().backward()
        return log, a.grad

    both(f)


def test_node_hooks_replace_gradients():
    def f(L):
        a = tensor(L, [1, 2], requires_grad=True)
        b = tensor(L, [3, 4], requires_grad=True)
        y = a * b
        y.grad_fn.register_prehook(lambda go: (go[0] * 2,))
        y.grad_fn.register_hook(lambda gi, go: (gi[0], gi[1] * 0))
        y.sum().backward()
        return a.grad, b.grad

    both(f)


def test_hook_on_tensor_without_grad():
    same_error(lambda L: tensor(L, [1, 2]).register_hook(lambda g: g))


def test_post_accumulate_hook_on_non_leaf():
    same_error(lambda L: (tensor(L, [1, 2], requires_grad=True) * 2)
               .register_post_accumulate_grad_hook(lambda t: None))


def test_hooks_with_retain_grad():
    def f(L):
        a = tensor(L, [1, 2], requires_grad=True)
        y = a * 2
        y.retain_grad()
        y.register_hook(lambda g: g * 3)
        (y * y).sum().backward()
        return y.grad, a.grad

    both(f)


def _structure(fn, seen=None, depth=0):
    """The graph below ``fn`` as nested (name, output index) pairs."""
    if fn is None or depth > 6:
        return None
    return (fn.name(), tuple((_structure(n, seen, depth + 1), i) for n, i in fn.next_functions))


def test_next_functions_structure_and_names():
    def f(L):
        a = tensor(L, [1, 2], requires_grad=True)
        c = tensor(L, [3, 4])
        y = (a * c).exp()
        nf = (a * c).grad_fn.next_functions
        acc = nf[0][0]
        return (_structure(y.grad_fn), nf[1], type(acc).__name__, acc.variable is a,
                repr(acc).split(" object")[0], y.grad_fn.name())

    both(f)


def test_accumulate_grad_node_is_shared():
    def f(L):
        a = tensor(L, [1, 2], requires_grad=True)
        n1 = (a * 2).grad_fn.next_functions[0][0]
        n2 = (a + 1).grad_fn.next_functions[0][0]
        return n1 is n2

    both(f)


def test_calling_grad_fn_directly():
    def f(L):
        a = tensor(L, [1, 2], requires_grad=True)
        b = tensor(L, [3, 4], requires_grad=True)
        y = a * b
        return y.grad_fn(tensor(L, [1, 1]))

    both(f)


def test_multi_output_grad_fn_output_nr():
    def f(L):
        a = tensor(L, [[1, 5], [3, 2]], requires_grad=True)
        v, i = a.max(dim=1)
        return v.output_nr, v.grad_fn.name(), i.requires_grad

    both(f)


def test_grad_fn_is_a_graph_node():
    def f(L):
        x = tensor(L, [1, 2], requires_grad=True)
        y = x * 2
        return (isinstance(y.grad_fn, L.autograd.graph.Node),
                isinstance(y.grad_fn.next_functions[0][0], L.autograd.graph.Node))

    both(f)
