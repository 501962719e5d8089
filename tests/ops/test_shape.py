"""Shape ops beyond the oracle table: view semantics (shared memory and version counter),
strides and contiguity, error classes and messages, grad_fn names, in-place view ops, new_*."""

import importlib

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")


def _pair(shape, dtype="float32"):
    """The same arange data as an Ember and a PyTorch tensor."""
    a = np.arange(int(np.prod(shape)), dtype=dtype).reshape(shape)
    return ember.tensor(a), torch.tensor(a)


def _mk(L, *shape, dtype=None):
    n = int(np.prod(shape)) if shape else 1
    return L.arange(n, dtype=dtype or L.float32).reshape(shape)


# ---- views share memory and version counter with their base ---------------------------------

WRITABLE_VIEWS = {
    "view": lambda x: x.view(4, 5),
    "reshape": lambda x: x.reshape(2, 10),
    "view_as": lambda x: x.view_as(x.new_zeros(20)),
    "flatten": lambda x: x.flatten(),
    "unflatten": lambda x: x.unflatten(1, (5, 1)),
    "transpose": lambda x: x.transpose(0, 1),
    "t": lambda x: x.t(),
    "permute": lambda x: x.permute(1, 0),
    "movedim": lambda x: x.movedim(0, 1),
    "unsqueeze": lambda x: x.unsqueeze(1),
    "squeeze": lambda x: x.unsqueeze(0).squeeze(0),
    "narrow": lambda x: x.narrow(0, 1, 2),
    "select": lambda x: x.select(1, 2),
    "diagonal": lambda x: x.diagonal(1),
    "unfold": lambda x: x.unfold(1, 2, 2),
    "unbind": lambda x: x.unbind(1)[3],
    "split": lambda x: x.split(2, 1)[1],
    "split_sizes": lambda x: x.split([1, 3], 0)[1],
    "chunk": lambda x: x.chunk(3, 1)[2],
    "tensor_split": lambda x: x.tensor_split([1, 3], 1)[1],
    "view_dtype": lambda x: x.view(ember.int32 if isinstance(x, ember.Tensor) else torch.int32),
}


@pytest.mark.parametrize("name", list(WRITABLE_VIEWS))
def test_writes_through_views_reach_the_base(name):
    fn = WRITABLE_VIEWS[name]
    e, t = _pair((4, 5))
    ev, tv = fn(e), fn(t)
    assert np.shares_memory(ev.numpy(), e.numpy())
    ev.fill_(7)
    tv.fill_(7)
    np.testing.assert_array_equal(e.numpy(), t.numpy())
    assert e._version == ev._version == t._version == tv._version == 1


def test_all_pieces_of_a_split_share_the_version_counter():
    e = ember.arange(6.0)
    pieces = e.split(2)
    pieces[2].zero_()
    assert [p._version for p in pieces] == [1, 1, 1] and e._version == 1
    assert all(p._base is e for p in pieces)


def test_expand_is_a_stride_0_view():
    e, t = _pair((3, 1))
    ev, tv = e.expand(2, 3, 4), t.expand(2, 3, 4)
    assert np.shares_memory(ev.numpy(), e.numpy())
    assert ev.stride() == tv.stride()
    assert ev.is_contiguous() == tv.is_contiguous()


def test_copying_ops_do_not_share_memory():
    e = ember.arange(6.0).reshape(2, 3)
    for out in (e.flip(0), e.roll(1), e.repeat(1, 1), e.rot90(), e.clone(), e.diag(),
                ember.cat([e]), ember.stack([e]), e.tril(), e.repeat_interleave(1, 0)):
        assert not np.shares_memory(out.numpy(), e.numpy())


def test_write_through_a_view_invalidates_a_saved_base():
    for lib in (ember, torch):
        x = lib.ones(3, 4, requires_grad=True)
        y = x.exp()  # saves its output y for backward
        with lib.no_grad():
            y.narrow(0, 0, 1).fill_(0)
        assert y._version == 1
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            y.sum().backward()


# ---- strides and contiguity match PyTorch ------------------------------------------------------

LAYOUTS = {
    "transpose": lambda x: x.transpose(0, 2),
    "t": lambda x: x[0].t(),
    "permute": lambda x: x.permute(2, 0, 1),
    "movedim": lambda x: x.movedim(-1, 0),
    "expand": lambda x: x[:, :1].expand(2, 5, 4),
    "narrow0": lambda x: x.narrow(0, 1, 1),
    "narrow2": lambda x: x.narrow(2, 1, 2),
    "select": lambda x: x.select(1, 2),
    "diagonal": lambda x: x.diagonal(0, 1, 2),
    "unfold": lambda x: x.unfold(1, 2, 1),
    "unflatten": lambda x: x.unflatten(2, (2, 2)),
    "split": lambda x: x.split(1, 2)[1],
    "unbind": lambda x: x.unbind(2)[0],
    "squeeze": lambda x: x.narrow(0, 0, 1).squeeze(0),
    "clone_t": lambda x: x.transpose(0, 2).clone(),
    "flip_t": lambda x: x.transpose(0, 2).flip(0),
    "contiguous_t": lambda x: x.transpose(0, 2).contiguous(),
    "reshape_t": lambda x: x.transpose(0, 2).reshape(4, -1),
    "flatten_narrow": lambda x: x.narrow(2, 0, 2).flatten(0, 1),
}


@pytest.mark.parametrize("name", list(LAYOUTS))
def test_strides_and_contiguity_match_torch(name):
    e, t = _pair((2, 3, 4))
    ev, tv = LAYOUTS[name](e), LAYOUTS[name](t)
    assert tuple(ev.shape) == tuple(tv.shape)
    assert ev.stride() == tv.stride()
    assert ev.is_contiguous() == tv.is_contiguous()
    np.testing.assert_array_equal(ev.numpy(), tv.numpy())


# ---- errors: PyTorch's class and message -------------------------------------------------------

ERRORS = {
    "view_bad": lambda L: _mk(L, 2, 3).view(4, -1),
    "view_two_neg": lambda L: _mk(L, 2, 3).view(-1, -1),
    "view_neg2": lambda L: _mk(L, 2, 3).view(-2, 3),
    "view_stride": lambda L: _mk(L, 2, 3).t().view(6),
    "view_empty_infer": lambda L: _mk(L, 0, 3).reshape(0, -1),
    "view_dtype_size": lambda L: _mk(L, 3).view(L.float64),
    "view_dtype_0d": lambda L: _mk(L).reshape(()).view(L.int16),
    "view_dtype_noncontig": lambda L: _mk(L, 2, 4).t().view(L.float16),
    "expand_fewer": lambda L: _mk(L, 2, 3).expand(3),
    "expand_bad": lambda L: _mk(L, 2, 3).expand(2, 4),
    "expand_neg_lead": lambda L: _mk(L, 3).expand(-1, 3),
    "expand_neg_other": lambda L: _mk(L, 3).expand(2, -2),
    "permute_len": lambda L: _mk(L, 2, 3).permute(0),
    "permute_dup": lambda L: _mk(L, 2, 3).permute(0, 0),
    "transpose_range": lambda L: _mk(L, 2, 3).transpose(0, 2),
    "t_3d": lambda L: _mk(L, 2, 3, 4).t(),
    "squeeze_range": lambda L: _mk(L, 2, 1).squeeze(2),
    "squeeze_dup": lambda L: _mk(L, 2, 1).squeeze((1, 1)),
    "unsqueeze_range": lambda L: _mk(L, 2, 1).unsqueeze(4),
    "flatten_order": lambda L: _mk(L, 2, 3, 4).flatten(2, 1),
    "unflatten_bad": lambda L: _mk(L, 2, 6).unflatten(1, (4, 2)),
    "unflatten_bad_infer": lambda L: _mk(L, 2, 6).unflatten(1, (5, -1)),
    "unflatten_empty": lambda L: _mk(L, 2, 6).unflatten(1, ()),
    "unflatten_two_neg": lambda L: _mk(L, 2, 6).unflatten(1, (-1, -1)),
    "cat_empty": lambda L: L.cat([]),
    "cat_0d": lambda L: L.cat([_mk(L), _mk(L)]),
    "cat_0d_second": lambda L: L.cat([_mk(L, 2), _mk(L)]),
    "cat_ndim": lambda L: L.cat([_mk(L, 2, 3), _mk(L, 2, 3, 1)]),
    "cat_size": lambda L: L.cat([_mk(L, 2, 3), _mk(L, 2, 4)]),
    "cat_size_dim1": lambda L: L.cat([_mk(L, 2, 3), _mk(L, 3, 3), _mk(L, 2, 4)], 1),
    "cat_dim_range": lambda L: L.cat([_mk(L, 2, 3), _mk(L, 2, 3)], 2),
    "cat_not_list": lambda L: L.cat(_mk(L, 2, 3)),
    "cat_not_tensor": lambda L: L.cat([_mk(L, 2), 3]),
    "stack_size": lambda L: L.stack([_mk(L, 2, 3), _mk(L, 2, 3), _mk(L, 3, 2)]),
    "stack_empty": lambda L: L.stack([]),
    "stack_dim": lambda L: L.stack([_mk(L, 2), _mk(L, 2)], 3),
    "hstack_empty": lambda L: L.hstack([]),
    "vstack_empty": lambda L: L.vstack([]),
    "narrow_0d": lambda L: _mk(L).narrow(0, 0, 1),
    "narrow_start": lambda L: _mk(L, 4).narrow(0, 5, 0),
    "narrow_start_neg": lambda L: _mk(L, 4).narrow(0, -5, 0),
    "narrow_len": lambda L: _mk(L, 4).narrow(0, 2, 3),
    "narrow_len_neg": lambda L: _mk(L, 4).narrow(0, 2, -1),
    "narrow_dim": lambda L: _mk(L, 4).narrow(1, 0, 1),
    "select_0d": lambda L: _mk(L).select(0, 0),
    "select_idx": lambda L: _mk(L, 2, 3).select(1, 3),
    "select_idx_neg": lambda L: _mk(L, 2, 3).select(1, -4),
    "select_dim": lambda L: _mk(L, 2, 3).select(2, 0),
    "unbind_0d": lambda L: _mk(L).unbind(),
    "split_neg": lambda L: _mk(L, 4).split(-1),
    "split_zero": lambda L: _mk(L, 4).split(0),
    "split_sizes_sum": lambda L: _mk(L, 4).split([1, 2]),
    "split_sizes_neg": lambda L: _mk(L, 4).split([5, -1]),
    "split_0d": lambda L: _mk(L).split(1),
    "chunk_zero": lambda L: _mk(L, 4).chunk(0),
    "chunk_0d": lambda L: _mk(L).chunk(1),
    "tensor_split_zero": lambda L: _mk(L, 4).tensor_split(0),
    "tensor_split_0d": lambda L: _mk(L).tensor_split(1),
    "tensor_split_float": lambda L: _mk(L, 4).tensor_split(L.tensor([1.0])),
    "tensor_split_2d": lambda L: _mk(L, 4).tensor_split(L.tensor([[1]])),
    "movedim_len": lambda L: _mk(L, 2, 3).movedim((0, 1), (0,)),
    "movedim_dup": lambda L: _mk(L, 2, 3).movedim((0, 0), (0, 1)),
    "movedim_dup_dst": lambda L: _mk(L, 2, 3).movedim((0, 1), (1, 1)),
    "movedim_range": lambda L: _mk(L, 2, 3).movedim(2, 0),
    "flip_dup": lambda L: _mk(L, 2, 3).flip(0, 0),
    "flip_range": lambda L: _mk(L, 2, 3).flip(2),
    "fliplr_1d": lambda L: _mk(L, 3).fliplr(),
    "flipud_0d": lambda L: _mk(L).flipud(),
    "roll_len": lambda L: _mk(L, 2, 3).roll((1, 2), 0),
    "roll_nodim_tuple": lambda L: _mk(L, 2, 3).roll((1, 2)),
    "roll_range": lambda L: _mk(L, 2, 3).roll(1, 2),
    "rot90_dims_len": lambda L: _mk(L, 2, 3).rot90(1, [0]),
    "rot90_1d": lambda L: _mk(L, 3).rot90(),
    "rot90_same": lambda L: _mk(L, 2, 3).rot90(1, [1, 1]),
    "rot90_same_wrapped": lambda L: _mk(L, 2, 3).rot90(1, [0, -2]),
    "rot90_range": lambda L: _mk(L, 2, 3).rot90(1, [0, 2]),
    "tril_1d": lambda L: _mk(L, 3).tril(),
    "triu_1d": lambda L: _mk(L, 3).triu(),
    "diag_3d": lambda L: _mk(L, 2, 2, 2).diag(),
    "diag_0d": lambda L: _mk(L).diag(),
    "diagonal_same": lambda L: _mk(L, 2, 3).diagonal(0, 1, 1),
    "diagonal_1d": lambda L: _mk(L, 3).diagonal(),
    "diag_embed_same": lambda L: _mk(L, 2, 3).diag_embed(0, 1, 1),
    "diag_embed_range": lambda L: _mk(L, 2, 3).diag_embed(0, 0, 3),
    "repeat_fewer": lambda L: _mk(L, 2, 3).repeat(2),
    "repeat_neg": lambda L: _mk(L, 2, 3).repeat(2, -1),
    "ri_neg": lambda L: _mk(L, 3).repeat_interleave(-1),
    "ri_tensor_len": lambda L: _mk(L, 3).repeat_interleave(L.tensor([1, 2])),
    "ri_tensor_neg": lambda L: _mk(L, 3).repeat_interleave(L.tensor([1, -2, 1])),
    "ri_tensor_float": lambda L: _mk(L, 3).repeat_interleave(L.tensor([1.0, 2.0, 1.0])),
    "ri_tensor_2d": lambda L: _mk(L, 3).repeat_interleave(L.tensor([[1, 2, 1]])),
    "ri_only_float": lambda L: L.repeat_interleave(L.tensor([1.0, 2.0])),
    "ri_only_2d": lambda L: L.repeat_interleave(L.tensor([[1, 2]])),
    "broadcast_shapes_bad": lambda L: L.broadcast_shapes((2, 3), (4,)),
    "broadcast_to_bad": lambda L: L.broadcast_to(_mk(L, 2, 3), (4,)),
    "broadcast_tensors_bad": lambda L: L.broadcast_tensors(_mk(L, 2, 3), _mk(L, 2)),
    "unfold_size": lambda L: _mk(L, 2, 3).unfold(1, 4, 1),
    "unfold_step": lambda L: _mk(L, 2, 3).unfold(1, 2, 0),
    "unfold_negsize": lambda L: _mk(L, 2, 3).unfold(1, -1, 1),
    "unfold_dim": lambda L: _mk(L, 2, 3).unfold(2, 1, 1),
    "new_zeros_neg": lambda L: _mk(L, 2).new_zeros(-1),
    "new_full_neg": lambda L: _mk(L, 2).new_full((2, -1), 1.0),
    "squeeze__leaf": lambda L: _mk(L, 2, 1).requires_grad_().squeeze_(),
    "t__3d": lambda L: _mk(L, 2, 3, 4).t_(),
}


def _raised(lib, fn):
    with pytest.raises(Exception) as info:
        fn(lib)
    return info.type, str(info.value).split("\n")[0]


@pytest.mark.parametrize("name", list(ERRORS))
def test_error_matches_torch(name):
    t_cls, t_msg = _raised(torch, ERRORS[name])
    e_cls, e_msg = _raised(ember, ERRORS[name])
    assert e_cls is t_cls, (e_cls, e_msg, t_cls, t_msg)
    t_msg = t_msg.replace("torch.", "ember.")
    if "invalid combination of arguments" in t_msg:  # PyTorch lists the signatures after this
        assert e_msg.startswith(t_msg)
    else:
        assert e_msg == t_msg


# ---- grad_fn names of every oracle row ---------------------------------------------------------


def _shape_rows():
    return importlib.import_module("tests.op_rows.shape_rows").ROWS


@pytest.mark.parametrize("row", [r for r in _shape_rows() if r.order > 0], ids=lambda r: r.name)
def test_grad_fn_names_match_torch(row):
    from tests.oracle import _flat, _spec, _tensors, make_arrays

    specs = [_spec(x) for x in row.inputs]
    arrays = make_arrays(row, "float64")
    names = []
    for lib in (ember, torch):
        out = _flat(row.fn(lib, *_tensors(lib, arrays, specs, True)))
        names.append([o.grad_fn.name() if o.grad_fn is not None else None for o in out
                      if hasattr(o, "grad_fn")])
    assert names[0] == names[1]


# ---- autograd through multi-output views ------------------------------------------------------


SPLITTERS = {
    "split": lambda x: x.split([1, 2], 0),
    "chunk": lambda x: x.chunk(2, 1),
    "unbind": lambda x: x.unbind(1),
    "tensor_split": lambda x: x.tensor_split(3),
}


@pytest.mark.parametrize("use", list(SPLITTERS))
def test_unused_pieces_get_zero_gradient(use):
    grads = []
    for lib in (ember, torch):
        x = lib.tensor(np.arange(12.0).reshape(3, 4), requires_grad=True)
        pieces = SPLITTERS[use](x)
        (pieces[1] * 3).sum().backward()
        grads.append(x.grad.numpy())
    np.testing.assert_array_equal(grads[0], grads[1])


def test_in_place_view_ops_match_torch():
    for op in ("squeeze_()", "squeeze_(1)", "unsqueeze_(0)", "t_()", "transpose_(0, 1)",
               "swapaxes_(1, 0)", "swapdims_(0, 1)"):
        res = []
        for lib in (ember, torch):
            x = lib.tensor(np.arange(4.0).reshape(4, 1), requires_grad=True)
            y = x * 2
            y2 = eval("y." + op, {"y": y})
            assert y2 is y
            (y * lib.arange(4.0).reshape(y.shape)).sum().backward()
            res.append((tuple(y.shape), y.stride(), y._version, x.grad.numpy().copy()))
        assert res[0][:3] == res[1][:3], op
        np.testing.assert_array_equal(res[0][3], res[1][3])


def test_in_place_view_op_on_leaf_is_allowed_without_grad():
    for lib in (ember, torch):
        x = lib.zeros(3, requires_grad=True)
        with lib.no_grad():
            x.unsqueeze_(0)
        assert tuple(x.shape) == (1, 3) and x._version == 1 and x.is_leaf


# ---- joins -------------------------------------------------------------------------------------


def test_cat_out_and_axis_alias():
    res = []
    for lib in (ember, torch):
        a, b = lib.ones(2, 2), lib.zeros(2, 1)
        out = lib.empty(2, 3)
        r = lib.cat([a, b], axis=1, out=out)
        assert r is out
        res.append(out.numpy().copy())
        assert tuple(lib.stack([a, a], axis=2).shape) == (2, 2, 2)
    np.testing.assert_array_equal(*res)


@pytest.mark.parametrize("dtypes", [("int32", "float16"), ("bool", "uint8"), ("int8", "uint8"),
                                    ("float32", "float64"), ("bool", "int64")])
def test_cat_and_stack_promote_like_torch(dtypes):
    for fn in ("cat", "stack"):
        got = []
        for lib in (ember, torch):
            ts = [lib.ones(2, dtype=getattr(lib, d)) for d in dtypes]
            got.append(str(getattr(lib, fn)(ts).dtype).split(".")[-1])
        assert got[0] == got[1], fn


def test_cat_only_legacy_empties():
    for lib in (ember, torch):
        assert tuple(lib.cat([lib.zeros(0), lib.zeros(0)]).shape) == (0,)


# ---- view(dtype) and new_* ---------------------------------------------------------------------


@pytest.mark.parametrize("src,dst", [("float32", "int32"), ("float32", "int16"),
                                     ("float64", "float32"), ("int64", "uint8"),
                                     ("int16", "float16"), ("uint8", "bool")])
def test_view_dtype_reinterprets_bits(src, dst):
    a = (np.arange(8) % 2).astype(src)
    e, t = ember.tensor(a).view(getattr(ember, dst)), torch.tensor(a).view(getattr(torch, dst))
    assert tuple(e.shape) == tuple(t.shape)
    np.testing.assert_array_equal(e.numpy(), t.numpy())
    assert not e.requires_grad


def test_new_factories_follow_self_dtype_and_grad_flag():
    for lib in (ember, torch):
        x = lib.ones(2, dtype=lib.float64)
        z = x.new_zeros((2, 3), requires_grad=True)
        assert z.dtype == lib.float64 and z.requires_grad and z.is_leaf
        assert x.new_ones(1, dtype=lib.int32).dtype == lib.int32
        assert x.new_empty(0, 2).shape == (0, 2)
        assert x.new_full((2,), 3).tolist() == [3.0, 3.0]
        src = lib.tensor([1, 2])
        n = x.new_tensor([4, 5])
        assert n.dtype == lib.float64 and n.tolist() == [4.0, 5.0]
        assert src.new_tensor([1.7]).tolist() == [1]


KEYWORD_FORMS = [
    lambda L, x: x.view(size=(3, 2)),
    lambda L, x: x.view(dtype=L.int32),
    lambda L, x: x.reshape(shape=(6,)),
    lambda L, x: x.expand(size=(2, 2, 3)),
    lambda L, x: x.repeat(repeats=(2, 1)),
    lambda L, x: x.permute(dims=(1, 0)),
    lambda L, x: x.flip(dims=(0,)),
    lambda L, x: x.split(split_size=1)[1],
    lambda L, x: L.cat(tensors=[x, x], dim=1),
    lambda L, x: x.narrow(dim=1, start=1, length=2),
    lambda L, x: x.transpose(dim0=0, dim1=1),
    lambda L, x: x.movedim(source=0, destination=1),
    lambda L, x: x.unflatten(dim=1, sizes=(3, 1)),
    lambda L, x: x.squeeze(dim=0),
    lambda L, x: x.roll(shifts=1, dims=1),
    lambda L, x: x.diagonal(offset=1, dim1=1, dim2=0),
]


@pytest.mark.parametrize("i", range(len(KEYWORD_FORMS)))
def test_keyword_forms_match_torch(i):
    e, t = _pair((2, 3))
    got, want = KEYWORD_FORMS[i](ember, e), KEYWORD_FORMS[i](torch, t)
    assert str(got.dtype).split(".")[-1] == str(want.dtype).split(".")[-1]
    np.testing.assert_array_equal(got.numpy(), want.numpy())
