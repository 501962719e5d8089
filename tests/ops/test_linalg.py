"""Linear algebra beyond the oracle table: errors (class and message) and grad_fn names against
PyTorch, LinAlgError for singular matrices, the ``ember.linalg`` namespace, dtypes kept."""

import math

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

_rng = np.random.default_rng(3)
_SINGULAR = np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 0.0, 1.0]], dtype=np.float32)


def _t(L, *shape, dtype="float32", rg=False):
    """The same random data in Ember or PyTorch (seeded per shape, so both libraries agree)."""
    rng = np.random.default_rng(sum(shape) + 7 * len(shape))
    a = rng.standard_normal(shape).astype(dtype)
    t = L.tensor(a)
    return t.requires_grad_() if rg else t


def _lib_dtype(L, name):
    return getattr(L, name)


ERRORS = {
    # matmul: every dispatch path reports what torch's kernel reports
    "matmul_0d": lambda L: L.matmul(_t(L), _t(L, 3)),
    "matmul_2d_2d": lambda L: _t(L, 2, 3) @ _t(L, 4, 5),
    "matmul_1d_1d": lambda L: _t(L, 2) @ _t(L, 3),
    "matmul_1d_2d": lambda L: _t(L, 2) @ _t(L, 3, 4),
    "matmul_2d_1d": lambda L: _t(L, 2, 3) @ _t(L, 4),
    "matmul_3d_1d": lambda L: _t(L, 2, 2, 3) @ _t(L, 4),
    "matmul_1d_3d": lambda L: _t(L, 4) @ _t(L, 2, 3, 3),
    "matmul_1d_3d_grad": lambda L: _t(L, 4, rg=True) @ _t(L, 2, 3, 3),
    "matmul_4d_2d": lambda L: _t(L, 2, 2, 2, 3) @ _t(L, 4, 5),
    "matmul_2d_4d": lambda L: _t(L, 2, 3) @ _t(L, 2, 2, 4, 5),
    "matmul_2d_4d_grad": lambda L: _t(L, 2, 3, rg=True) @ _t(L, 2, 2, 4, 5),
    "matmul_3d_3d": lambda L: _t(L, 2, 2, 3) @ _t(L, 2, 4, 5),
    "matmul_batch": lambda L: _t(L, 2, 3, 2, 3) @ _t(L, 2, 2, 3, 5),
    "matmul_batch_3d_4d": lambda L: _t(L, 3, 2, 3) @ _t(L, 2, 2, 3, 5),
    "matmul_dtype_2d": lambda L: _t(L, 2, 3) @ _t(L, 3, 4, dtype="float64"),
    "matmul_dtype_1d": lambda L: _t(L, 3) @ _t(L, 3, dtype="float64"),
    "matmul_dtype_mv": lambda L: _t(L, 3, 3) @ _t(L, 3, dtype="float64"),
    "matmul_dtype_3d": lambda L: _t(L, 2, 2, 3) @ _t(L, 2, 3, 3, dtype="float64"),
    "matmul_dtype_int": lambda L: L.ones(2, 3, dtype=L.int64) @ _t(L, 3, 4),
    "matmul_dtype_small_ints": lambda L: L.ones(2, 3, dtype=L.int32) @ L.ones(3, 2,
                                                                             dtype=L.int16),
    "matmul_bool": lambda L: L.ones(2, 3, dtype=L.bool) @ L.ones(3, 2, dtype=L.bool),
    "mm_1d": lambda L: L.mm(_t(L, 3), _t(L, 3, 4)),
    "mm_mat2_1d": lambda L: L.mm(_t(L, 2, 3), _t(L, 3)),
    "mm_shapes": lambda L: L.mm(_t(L, 2, 3), _t(L, 4, 4)),
    "mm_dtype": lambda L: L.mm(_t(L, 2, 3), _t(L, 3, 4, dtype="float64")),
    "bmm_2d": lambda L: L.bmm(_t(L, 2, 3), _t(L, 2, 3, 4)),
    "bmm_2d_second": lambda L: L.bmm(_t(L, 2, 2, 3), _t(L, 3, 4)),
    "bmm_batch": lambda L: L.bmm(_t(L, 2, 2, 3), _t(L, 3, 3, 4)),
    "bmm_inner": lambda L: L.bmm(_t(L, 2, 2, 3), _t(L, 2, 4, 4)),
    "bmm_dtype": lambda L: L.bmm(_t(L, 2, 2, 3, dtype="float64"), _t(L, 2, 3, 4)),
    "mv_size": lambda L: L.mv(_t(L, 2, 3), _t(L, 4)),
    "mv_1d": lambda L: L.mv(_t(L, 3), _t(L, 3)),
    "mv_2d_vec": lambda L: L.mv(_t(L, 2, 3), _t(L, 3, 1)),
    "mv_dtype": lambda L: L.mv(_t(L, 2, 3, dtype="float64"), _t(L, 3)),
    "dot_size": lambda L: L.dot(_t(L, 3), _t(L, 4)),
    "dot_2d": lambda L: L.dot(_t(L, 3, 1), _t(L, 3)),
    "dot_dtype": lambda L: L.dot(_t(L, 3), _t(L, 3, dtype="float64")),
    "vdot_size": lambda L: L.vdot(_t(L, 3), _t(L, 4)),
    "inner_last": lambda L: L.inner(_t(L, 2, 3), _t(L, 4, 2)),
    "outer_2d": lambda L: L.outer(_t(L, 3, 1), _t(L, 4)),
    "outer_2d_second": lambda L: L.outer(_t(L, 3), _t(L, 4, 1)),
    # add-products
    "addmm_shapes": lambda L: L.addmm(_t(L, 2, 4), _t(L, 2, 3), _t(L, 2, 4)),
    "addmm_input": lambda L: L.addmm(_t(L, 3, 4), _t(L, 2, 3), _t(L, 3, 4)),
    "addmm_input_3d": lambda L: L.addmm(_t(L, 1, 2, 4), _t(L, 2, 3), _t(L, 3, 4)),
    "addmm_1d": lambda L: L.addmm(_t(L, 2), _t(L, 3), _t(L, 3, 2)),
    "addmm_dtype_self": lambda L: L.addmm(_t(L, 2, 4, dtype="float64"), _t(L, 2, 3),
                                          _t(L, 3, 4)),
    "addmm_dtype_mat1": lambda L: L.addmm(_t(L, 2, 4), _t(L, 2, 3, dtype="float64"),
                                          _t(L, 3, 4)),
    "addmm_dtype_mat2": lambda L: L.addmm(_t(L, 2, 4), _t(L, 2, 3),
                                          _t(L, 3, 4, dtype="float64")),
    "addmv_size": lambda L: L.addmv(_t(L, 3), _t(L, 2, 3), _t(L, 3)),
    "addmv_dtype": lambda L: L.addmv(_t(L, 2), _t(L, 2, 3), _t(L, 3, dtype="float64")),
    "baddbmm_batch": lambda L: L.baddbmm(_t(L, 2, 2, 4), _t(L, 2, 2, 3), _t(L, 3, 3, 4)),
    "baddbmm_dtype": lambda L: L.baddbmm(_t(L, 4), _t(L, 2, 2, 3), _t(L, 2, 3, 4,
                                                                       dtype="float64")),
    "addbmm_batches": lambda L: L.addbmm(_t(L, 4), _t(L, 2, 2, 3), _t(L, 3, 3, 4)),
    "addbmm_2d": lambda L: L.addbmm(_t(L, 4), _t(L, 2, 3), _t(L, 3, 3, 4)),
    "addr_2d": lambda L: L.addr(_t(L, 4), _t(L, 2, 3), _t(L, 3)),
    # einsum
    "einsum_size": lambda L: L.einsum("ij,jk", _t(L, 2, 3), _t(L, 4, 4)),
    "einsum_dtype": lambda L: L.einsum("ij,jk", _t(L, 2, 3), _t(L, 3, 4, dtype="float64")),
    "einsum_fewer": lambda L: L.einsum("ij,jk", _t(L, 2, 3)),
    "einsum_more": lambda L: L.einsum("ij", _t(L, 2, 3), _t(L, 2, 3)),
    "einsum_ndim": lambda L: L.einsum("ijk", _t(L, 2, 3)),
    "einsum_ndim_ellipsis": lambda L: L.einsum("ijk...", _t(L, 2, 3)),
    "einsum_out_unknown": lambda L: L.einsum("ij->k", _t(L, 2, 3)),
    "einsum_out_repeat": lambda L: L.einsum("ij->ii", _t(L, 2, 3)),
    "einsum_diag_sizes": lambda L: L.einsum("ii->i", _t(L, 3, 4)),
    "einsum_bad_char": lambda L: L.einsum("i1", _t(L, 2, 3)),
    # tensordot, trace, cross
    "tensordot_size": lambda L: L.tensordot(_t(L, 2, 3, 4), _t(L, 4, 5), 2),
    "tensordot_size_lists": lambda L: L.tensordot(_t(L, 2, 3, 4), _t(L, 3, 5), ([1], [1])),
    "tensordot_lengths": lambda L: L.tensordot(_t(L, 2, 3, 4), _t(L, 3, 5), ([1, 2], [0])),
    "tensordot_neg": lambda L: L.tensordot(_t(L, 2, 3, 4), _t(L, 3, 5), -1),
    "tensordot_dtype": lambda L: L.tensordot(_t(L, 2, 3, 4), _t(L, 4, 5, dtype="float64"), 1),
    "trace_3d": lambda L: L.trace(_t(L, 3, 4, 2)),
    "trace_1d": lambda L: L.trace(_t(L, 3)),
    "cross_len": lambda L: L.linalg.cross(_t(L, 2, 4), _t(L, 2, 4)),
    # square matrices
    "inv_singular": lambda L: L.inverse(L.tensor(_SINGULAR)),
    "inv_zero": lambda L: L.linalg.inv(L.zeros(3, 3)),
    "inv_batch_singular": lambda L: L.linalg.inv(L.stack([L.eye(3), L.tensor(_SINGULAR)])),
    "inv_not_square": lambda L: L.linalg.inv(_t(L, 2, 3)),
    "inv_1d": lambda L: L.linalg.inv(_t(L, 3)),
    "inv_int": lambda L: L.linalg.inv(L.ones(2, 2, dtype=L.int64)),
    "det_not_square": lambda L: L.det(_t(L, 2, 3)),
    "det_int": lambda L: L.det(L.ones(2, 2, dtype=L.int64)),
    "slogdet_not_square": lambda L: L.linalg.slogdet(_t(L, 2, 3)),
    "solve_singular": lambda L: L.linalg.solve(L.tensor(_SINGULAR), _t(L, 3)),
    "solve_not_square": lambda L: L.linalg.solve(_t(L, 2, 3), _t(L, 2)),
    "solve_vec": lambda L: L.linalg.solve(_t(L, 3, 3), _t(L, 4)),
    "solve_mat": lambda L: L.linalg.solve(_t(L, 3, 3), _t(L, 4, 2)),
    "solve_right_vec": lambda L: L.linalg.solve(_t(L, 3, 3), _t(L, 3), left=False),
    "solve_right_mat": lambda L: L.linalg.solve(_t(L, 3, 3), _t(L, 4, 2), left=False),
    "solve_dtype": lambda L: L.linalg.solve(_t(L, 3, 3), _t(L, 3, dtype="float64")),
    "matrix_power_rect": lambda L: L.matrix_power(_t(L, 2, 3), 2),
    "matrix_power_1d": lambda L: L.matrix_power(_t(L, 3), 2),
    "cholesky_not_pd": lambda L: L.linalg.cholesky(-L.eye(3)),
    "cholesky_minor_3": lambda L: L.linalg.cholesky(L.diag(L.tensor([1.0, 2.0, -1.0, 3.0]))),
    # norms
    "vector_norm_int": lambda L: L.linalg.vector_norm(L.ones(3, dtype=L.int64)),
    "vector_norm_narrowing": lambda L: L.linalg.vector_norm(_t(L, 3, dtype="float64"),
                                                            dtype=L.float32),
    "vector_norm_str": lambda L: L.linalg.vector_norm(_t(L, 3), ord="fro"),
    "matrix_norm_1d": lambda L: L.linalg.matrix_norm(_t(L, 3)),
    "matrix_norm_order": lambda L: L.linalg.matrix_norm(_t(L, 3, 4), 3),
    "matrix_norm_same_dims": lambda L: L.linalg.matrix_norm(_t(L, 3, 4), dim=(0, 0)),
    "norm_ord_3d": lambda L: L.linalg.norm(_t(L, 3, 4, 2), 1),
    "norm_dims_3": lambda L: L.linalg.norm(_t(L, 3, 4, 2), dim=(0, 1, 2)),
    "norm_fro_1d": lambda L: L.linalg.norm(_t(L, 3), "fro"),
    "norm_fro_dim1": lambda L: L.linalg.norm(_t(L, 3, 4, 2), "fro", dim=1),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_errors_match_torch(name):
    fn = ERRORS[name]
    with pytest.raises(Exception) as te:
        fn(torch)
    with pytest.raises(Exception) as ee:
        fn(ember)
    want = te.value
    if isinstance(want, torch.linalg.LinAlgError):
        assert isinstance(ee.value, ember.linalg.LinAlgError)
    else:
        assert type(ee.value) is type(want), (type(ee.value), type(want))
    assert str(ee.value).replace("ember.", "torch.") == str(want)


GRAD_FNS = {
    "mm": lambda L: L.mm(_t(L, 2, 3, rg=True), _t(L, 3, 4)),
    "matmul_2d": lambda L: _t(L, 2, 3, rg=True) @ _t(L, 3, 4),
    "matmul_dot": lambda L: _t(L, 3, rg=True) @ _t(L, 3),
    "matmul_mv": lambda L: _t(L, 2, 3, rg=True) @ _t(L, 3),
    "matmul_row": lambda L: _t(L, 3, rg=True) @ _t(L, 3, 4),
    "matmul_fold": lambda L: _t(L, 5, 2, 3, rg=True) @ _t(L, 3, 4, rg=True),
    "matmul_fold_vec": lambda L: _t(L, 5, 2, 3, rg=True) @ _t(L, 3),
    "matmul_batched": lambda L: _t(L, 5, 2, 3, rg=True) @ _t(L, 5, 3, 4),
    "bmm": lambda L: L.bmm(_t(L, 2, 2, 3, rg=True), _t(L, 2, 3, 4)),
    "mv": lambda L: L.mv(_t(L, 2, 3, rg=True), _t(L, 3)),
    "dot": lambda L: L.dot(_t(L, 3, rg=True), _t(L, 3)),
    "vdot": lambda L: L.vdot(_t(L, 3, rg=True), _t(L, 3)),
    "inner": lambda L: L.inner(_t(L, 2, 3, rg=True), _t(L, 4, 3)),
    "outer": lambda L: L.outer(_t(L, 3, rg=True), _t(L, 4)),
    "addmm": lambda L: L.addmm(_t(L, 2, 4, rg=True), _t(L, 2, 3), _t(L, 3, 4)),
    "addmm_beta0": lambda L: L.addmm(_t(L, 2, 4), _t(L, 2, 3, rg=True), _t(L, 3, 4), beta=0),
    "addmv": lambda L: L.addmv(_t(L, 2, rg=True), _t(L, 2, 3), _t(L, 3)),
    "baddbmm": lambda L: L.baddbmm(_t(L, 4, rg=True), _t(L, 2, 2, 3), _t(L, 2, 3, 4)),
    "addbmm": lambda L: L.addbmm(_t(L, 4, rg=True), _t(L, 2, 2, 3), _t(L, 2, 3, 4)),
    "addr": lambda L: L.addr(_t(L, 2, 4, rg=True), _t(L, 2), _t(L, 4)),
    "einsum": lambda L: L.einsum("ij,jk", _t(L, 2, 3, rg=True), _t(L, 3, 4)),
    "tensordot": lambda L: L.tensordot(_t(L, 2, 3, 4, rg=True), _t(L, 3, 4, 5)),
    "trace": lambda L: L.trace(_t(L, 3, 4, rg=True)),
    "cross": lambda L: L.linalg.cross(_t(L, 2, 3, rg=True), _t(L, 2, 3)),
    "inverse": lambda L: L.inverse(_t(L, 3, 3, rg=True)),
    "det": lambda L: L.det(_t(L, 3, 3, rg=True)),
    "logdet": lambda L: L.logdet(_t(L, 3, 3, rg=True)),
    "slogdet": lambda L: L.linalg.slogdet(_t(L, 3, 3, rg=True))[1],
    "solve": lambda L: L.linalg.solve(_t(L, 3, 3, rg=True), _t(L, 3)),
    "solve_right": lambda L: L.linalg.solve(_t(L, 3, 3, rg=True), _t(L, 2, 3), left=False),
    "matrix_power_0": lambda L: L.matrix_power(_t(L, 3, 3, rg=True), 0),
    "matrix_power_3": lambda L: L.matrix_power(_t(L, 3, 3, rg=True), 3),
    "matrix_power_neg1": lambda L: L.matrix_power(_t(L, 3, 3, rg=True), -1),
    "vector_norm": lambda L: L.linalg.vector_norm(_t(L, 3, 4, rg=True)),
    "norm_fro": lambda L: L.linalg.norm(_t(L, 3, 4, rg=True)),
    "matrix_norm": lambda L: L.linalg.matrix_norm(_t(L, 3, 4, rg=True)),
    "svd": lambda L: L.linalg.svd(_t(L, 4, 3, rg=True))[1],
    "svdvals": lambda L: L.linalg.svdvals(_t(L, 4, 3, rg=True)),
    "eigh": lambda L: L.linalg.eigh(_t(L, 3, 3, rg=True))[0],
    "cholesky": lambda L: L.linalg.cholesky(L.eye(3).requires_grad_()),
    "qr": lambda L: L.linalg.qr(_t(L, 4, 3, rg=True))[0],
}


@pytest.mark.parametrize("name", list(GRAD_FNS))
def test_grad_fn_names_match_torch(name):
    e, t = GRAD_FNS[name](ember), GRAD_FNS[name](torch)
    assert e.grad_fn.name() == type(t.grad_fn).__name__


def test_linalg_namespace():
    import ember.linalg as la

    assert la is ember.linalg
    assert issubclass(la.LinAlgError, RuntimeError)
    assert la.matmul is ember.matmul and la.inv is ember.inverse and la.det is ember.det
    for name in torch.linalg.__all__ if hasattr(torch.linalg, "__all__") else []:
        if name in la.__all__:
            assert callable(getattr(la, name))


def test_named_tuples_like_torch():
    a = np.eye(3, dtype=np.float32) * 2
    cases = {
        "linalg_slogdet": (lambda L, x: L.linalg.slogdet(x), ("sign", "logabsdet")),
        "linalg_svd": (lambda L, x: L.linalg.svd(x), ("U", "S", "Vh")),
        "linalg_qr": (lambda L, x: L.linalg.qr(x), ("Q", "R")),
        "linalg_eigh": (lambda L, x: L.linalg.eigh(x), ("eigenvalues", "eigenvectors")),
    }
    for name, (fn, fields) in cases.items():
        e, t = fn(ember, ember.tensor(a)), fn(torch, torch.tensor(a))
        assert type(e).__name__ == type(t).__name__ == name
        assert len(e) == len(t) == len(fields)
        for f in fields:
            np.testing.assert_allclose(getattr(e, f).numpy(), getattr(t, f).numpy(), atol=1e-6)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_products_keep_the_dtype(dtype):
    a = _t(ember, 4, 5, dtype=dtype)
    b = _t(ember, 5, 3, dtype=dtype)
    for out in (a @ b, ember.mm(a, b), ember.einsum("ij,jk", a, b), ember.tensordot(a, b, 1),
                ember.linalg.inv(a @ a.mT + ember.eye(4, dtype=a.dtype)),
                ember.linalg.vector_norm(a), ember.linalg.matrix_norm(a, "nuc")):
        assert out.dtype == a.dtype


def test_large_float32_matmul_matches_torch():
    a, b = _t(ember, 256, 300), _t(ember, 300, 128)
    got = (a @ b).numpy()
    assert got.dtype == np.float32
    want = (torch.tensor(a.numpy()) @ torch.tensor(b.numpy())).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)


def test_singular_error_is_catchable_as_runtime_error():
    with pytest.raises(RuntimeError, match="singular"):
        ember.linalg.inv(ember.zeros(2, 2))


def test_addmm_beta0_ignores_nan_input_like_torch():
    for L in (ember, torch):
        out = L.addmm(L.full((2, 2), math.nan), L.ones(2, 3), L.ones(3, 2), beta=0)
        assert not out.isnan().any()


def test_einsum_third_derivative_matches_torch():
    outs = []
    for L in (ember, torch):
        a = L.tensor(np.linspace(-1, 1, 6).reshape(2, 3), requires_grad=True)
        y = L.einsum("ij,ij,ij->", a, a, a)
        (g,) = L.autograd.grad(y, a, create_graph=True)
        (gg,) = L.autograd.grad(g.sum(), a, create_graph=True)
        (ggg,) = L.autograd.grad(gg.sum(), a)
        outs.append(ggg.numpy())
    np.testing.assert_allclose(outs[0], outs[1])


TRIANGULAR_ERRORS = {
    "b_1d": lambda L: L.linalg.solve_triangular(L.eye(3), L.ones(3), upper=True),
    "shapes": lambda L: L.linalg.solve_triangular(L.eye(3), L.ones(4, 2), upper=True),
    "half": lambda L: L.linalg.inv(L.eye(2, dtype=L.half)),
}


@pytest.mark.parametrize("name", list(TRIANGULAR_ERRORS))
def test_more_errors_match_torch(name):
    fn = TRIANGULAR_ERRORS[name]
    with pytest.raises(RuntimeError) as te:
        fn(torch)
    with pytest.raises(RuntimeError) as ee:
        fn(ember)
    assert str(ee.value) == str(te.value)
