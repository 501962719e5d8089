"""Rows for linear algebra: the matmul family (every 1-D / 2-D / batched / broadcast dispatch),
add-products, einsum, tensordot, kron, trace, cross, inverse/det/solve on well-conditioned
matrices, norms and decompositions. Decompositions compare sign-free quantities only (singular
vectors and eigenvectors are unique up to sign)."""

import math

import numpy as np

from tests.oracle import Arg, Row

_rng = np.random.default_rng(7)


def _w(n, *batch):
    """A well-conditioned matrix (batch): random + n * I."""
    return _rng.standard_normal(batch + (n, n)) + n * np.eye(n)


_I = Arg((2, 3), "int64")
_J = Arg((3, 4), "int64")


def _svd_free(L, a):
    u, s, vh = L.linalg.svd(a, full_matrices=False)
    return s, u * u[..., :1, :], vh * vh[..., :, :1]


def _eigh_free(L, a):
    w, v = L.linalg.eigh(a + a.mT)
    return w, v * v[..., :1, :]


ROWS = [
    # matmul: every dispatch path of torch.matmul
    Row("la_matmul_2d_2d", lambda L, a, b: L.matmul(a, b), [(2, 3), (3, 4)]),
    Row("la_matmul_1d_1d", lambda L, a, b: L.matmul(a, b), [(3,), (3,)]),
    Row("la_matmul_2d_1d", lambda L, a, b: L.matmul(a, b), [(2, 3), (3,)]),
    Row("la_matmul_1d_2d", lambda L, a, b: L.matmul(a, b), [(3,), (3, 4)]),
    Row("la_matmul_3d_3d", lambda L, a, b: a @ b, [(5, 2, 3), (5, 3, 4)]),
    Row("la_matmul_3d_2d", lambda L, a, b: a @ b, [(5, 2, 3), (3, 4)]),
    Row("la_matmul_2d_3d", lambda L, a, b: a @ b, [(2, 3), (5, 3, 4)]),
    Row("la_matmul_3d_1d", lambda L, a, b: a @ b, [(5, 2, 3), (3,)]),
    Row("la_matmul_1d_3d", lambda L, a, b: a @ b, [(3,), (5, 3, 4)]),
    Row("la_matmul_1d_4d", lambda L, a, b: a @ b, [(3,), (2, 1, 3, 4)]),
    Row("la_matmul_4d_1d", lambda L, a, b: a @ b, [(2, 5, 2, 3), (3,)]),
    Row("la_matmul_bcast_left", lambda L, a, b: a @ b, [(1, 2, 3), (5, 3, 4)]),
    Row("la_matmul_bcast_right", lambda L, a, b: a @ b, [(5, 2, 3), (1, 3, 4)]),
    Row("la_matmul_bcast_both", lambda L, a, b: a @ b, [(5, 1, 2, 3), (4, 3, 2)]),
    Row("la_matmul_bcast_4d", lambda L, a, b: L.matmul(a, b), [(2, 1, 3, 4), (1, 5, 4, 2)]),
    Row("la_matmul_empty", lambda L, a, b: a @ b, [(2, 0), (0, 3)]),
    Row("la_matmul_int", lambda L, a, b: a @ b, [_I, _J], order=0),
    Row("la_linalg_matmul", lambda L, a, b: L.linalg.matmul(a, b), [(4, 2, 3), (3, 2)]),
    Row("la_mm", lambda L, a, b: L.mm(a, b), [(2, 3), (3, 4)]),
    Row("la_mm_method_t", lambda L, a, b: a.t().mm(b), [(3, 2), (3, 4)]),
    Row("la_bmm", lambda L, a, b: L.bmm(a, b), [(4, 2, 3), (4, 3, 5)]),
    Row("la_bmm_method", lambda L, a, b: a.bmm(b.transpose(1, 2)), [(4, 2, 3), (4, 5, 3)]),
    Row("la_mv", lambda L, a, b: L.mv(a, b), [(2, 3), (3,)]),
    Row("la_mv_method", lambda L, a, b: a.mv(b), [(4, 3), (3,)]),
    Row("la_dot", lambda L, a, b: L.dot(a, b), [(5,), (5,)]),
    Row("la_dot_method", lambda L, a, b: a.dot(b), [(5,), (5,)]),
    Row("la_dot_int", lambda L, a, b: L.dot(a, b), [Arg((4,), "int64"), Arg((4,), "int64")],
        order=0),
    Row("la_vdot", lambda L, a, b: L.vdot(a, b), [(5,), (5,)]),
    Row("la_inner_1d", lambda L, a, b: L.inner(a, b), [(3,), (3,)]),
    Row("la_inner_nd", lambda L, a, b: L.inner(a, b), [(2, 5, 3), (4, 3)]),
    Row("la_inner_0d", lambda L, a, b: a.inner(b), [(), (4, 3)]),
    Row("la_outer", lambda L, a, b: L.outer(a, b), [(3,), (4,)]),
    Row("la_outer_method", lambda L, a, b: a.outer(b), [(3,), (4,)]),
    Row("la_ger", lambda L, a, b: L.ger(a, b), [(3,), (2,)]),
    # beta * input + alpha * product
    Row("la_addmm", lambda L, c, a, b: L.addmm(c, a, b), [(2, 4), (2, 3), (3, 4)]),
    Row("la_addmm_scaled", lambda L, c, a, b: L.addmm(c, a, b, beta=0.5, alpha=-2.0),
        [(2, 4), (2, 3), (3, 4)]),
    Row("la_addmm_bcast", lambda L, c, a, b: c.addmm(a, b, alpha=3), [(4,), (2, 3), (3, 4)]),
    Row("la_addmm_beta0", lambda L, c, a, b: L.addmm(c, a, b, beta=0), [(2, 1), (2, 3), (3, 4)]),
    Row("la_addmv", lambda L, c, a, b: L.addmv(c, a, b, beta=2, alpha=0.5), [(2,), (2, 3), (3,)]),
    Row("la_addmv_method", lambda L, c, a, b: c.addmv(a, b), [(), (2, 3), (3,)]),
    Row("la_baddbmm", lambda L, c, a, b: L.baddbmm(c, a, b, beta=-1, alpha=2),
        [(3, 2, 4), (3, 2, 5), (3, 5, 4)]),
    Row("la_baddbmm_bcast", lambda L, c, a, b: c.baddbmm(a, b), [(2, 1), (3, 2, 5), (3, 5, 4)]),
    Row("la_addbmm", lambda L, c, a, b: L.addbmm(c, a, b, beta=0.5, alpha=2),
        [(2, 4), (3, 2, 5), (3, 5, 4)]),
    Row("la_addbmm_method", lambda L, c, a, b: c.addbmm(a, b), [(4,), (3, 2, 5), (3, 5, 4)]),
    Row("la_addr", lambda L, c, a, b: L.addr(c, a, b, beta=2, alpha=-1), [(3, 4), (3,), (4,)]),
    Row("la_addr_method", lambda L, c, a, b: c.addr(a, b), [(1, 4), (3,), (4,)]),
    Row("la_multi_dot", lambda L, a, b, c: L.linalg.multi_dot([a, b, c]),
        [(2, 3), (3, 4), (4, 2)]),
    Row("la_multi_dot_vec", lambda L, a, b, c: L.linalg.multi_dot([a, b, c]),
        [(3,), (3, 4), (4,)]),
    Row("la_chain_matmul", lambda L, a, b, c: L.chain_matmul(a, b, c), [(2, 3), (3, 4), (4, 2)]),
    # einsum
    Row("la_einsum_mm", lambda L, a, b: L.einsum("ij,jk->ik", a, b), [(2, 3), (3, 4)]),
    Row("la_einsum_implicit", lambda L, a, b: L.einsum("ij,jk", a, b), [(2, 3), (3, 4)]),
    Row("la_einsum_implicit_order", lambda L, a, b: L.einsum("kj,ji", a, b), [(2, 3), (3, 4)]),
    Row("la_einsum_bmm", lambda L, a, b: L.einsum("bij,bjk->bik", a, b), [(2, 3, 4), (2, 4, 5)]),
    Row("la_einsum_trace", lambda L, a: L.einsum("ii", a), [(3, 3)]),
    Row("la_einsum_diag", lambda L, a: L.einsum("ii->i", a), [(3, 3)]),
    Row("la_einsum_batch_diag", lambda L, a: L.einsum("...ii->...i", a), [(2, 3, 3)]),
    Row("la_einsum_repeat_other", lambda L, a, b: L.einsum("iij,j->i", a, b), [(3, 3, 2), (2,)]),
    Row("la_einsum_sum_all", lambda L, a: L.einsum("ijk->", a), [(2, 3, 4)]),
    Row("la_einsum_sum_one", lambda L, a: L.einsum("ijk->ki", a), [(2, 3, 4)]),
    Row("la_einsum_outer", lambda L, a, b: L.einsum("i,j->ij", a, b), [(3,), (4,)]),
    Row("la_einsum_dot", lambda L, a, b: L.einsum("ij,ij->", a, b), [(3, 4), (3, 4)]),
    Row("la_einsum_hadamard", lambda L, a, b: L.einsum("ij,ij->ij", a, b), [(3, 4), (3, 4)]),
    Row("la_einsum_three", lambda L, a, b, c: L.einsum("ij,jk,kl->il", a, b, c),
        [(2, 3), (3, 4), (4, 5)]),
    Row("la_einsum_three_shared", lambda L, a, b, c: L.einsum("i,i,i->", a, b, c),
        [(4,), (4,), (4,)]),
    Row("la_einsum_ellipsis", lambda L, a, b: L.einsum("...ij,...jk->...ik", a, b),
        [(2, 3, 2, 3), (3, 3, 4)]),
    Row("la_einsum_ellipsis_bcast", lambda L, a, b: L.einsum("...ij,...jk", a, b),
        [(1, 2, 3), (5, 3, 4)]),
    Row("la_einsum_ellipsis_mid", lambda L, a: L.einsum("i...j->j...i", a), [(2, 3, 4, 5)]),
    Row("la_einsum_size1_bcast", lambda L, a, b: L.einsum("bij,bjk->bik", a, b),
        [(1, 2, 3), (4, 3, 2)]),
    Row("la_einsum_spaces", lambda L, a, b: L.einsum("i j , j k -> i k", a, b),
        [(2, 3), (3, 4)]),
    Row("la_einsum_list", lambda L, a, b: L.einsum("ij,jk->ik", [a, b]), [(2, 3), (3, 4)]),
    Row("la_einsum_sublist", lambda L, a, b: L.einsum(a, [0, 1], b, [1, 2], [0, 2]),
        [(2, 3), (3, 4)]),
    Row("la_einsum_upper", lambda L, a, b: L.einsum("Ab,bC->AC", a, b), [(2, 3), (3, 4)]),
    Row("la_einsum_int", lambda L, a, b: L.einsum("ij,jk->ik", a, b), [_I, _J], order=0),
    # tensordot, kron, trace, cross
    Row("la_tensordot_2", lambda L, a, b: L.tensordot(a, b), [(2, 3, 4), (3, 4, 5)]),
    Row("la_tensordot_1", lambda L, a, b: L.tensordot(a, b, 1), [(2, 3, 4), (4, 5)]),
    Row("la_tensordot_0", lambda L, a, b: L.tensordot(a, b, dims=0), [(2, 3), (4,)]),
    Row("la_tensordot_lists", lambda L, a, b: L.tensordot(a, b, ([1, 0], [0, 2])),
        [(2, 3, 4), (3, 5, 2)]),
    Row("la_tensordot_neg", lambda L, a, b: L.tensordot(a, b, dims=([-1], [-2])),
        [(2, 3, 4), (5, 4, 2)]),
    Row("la_kron_2d", lambda L, a, b: L.kron(a, b), [(2, 3), (4, 2)]),
    Row("la_kron_mixed", lambda L, a, b: a.kron(b), [(3,), (2, 2)]),
    Row("la_trace", lambda L, a: L.trace(a), [(3, 3)]),
    Row("la_trace_rect", lambda L, a: a.trace(), [(3, 5)]),
    Row("la_trace_int", lambda L, a: L.trace(a), [Arg((3, 3), "int32")], order=0),
    Row("la_cross", lambda L, a, b: L.linalg.cross(a, b), [(4, 3), (4, 3)]),
    Row("la_cross_bcast", lambda L, a, b: L.linalg.cross(a, b), [(1, 3), (4, 3)]),
    Row("la_cross_dim", lambda L, a, b: L.cross(a, b, dim=0), [(3, 2), (3, 2)]),
    Row("la_cross_method", lambda L, a, b: a.cross(b, dim=-1), [(2, 3), (2, 3)]),
    # inverse, det, slogdet, solve, matrix_power
    Row("la_inverse", lambda L, a: L.inverse(a), [_w(3)]),
    Row("la_inverse_method", lambda L, a: a.inverse(), [_w(4)]),
    Row("la_linalg_inv_batch", lambda L, a: L.linalg.inv(a), [_w(3, 2)]),
    Row("la_inv_ex", lambda L, a: L.linalg.inv_ex(a), [_w(3)]),
    Row("la_det", lambda L, a: L.det(a), [_w(3)]),
    Row("la_det_batch", lambda L, a: L.linalg.det(a), [_w(2, 2, 3)]),
    Row("la_det_method", lambda L, a: a.det(), [_w(4)]),
    Row("la_logdet", lambda L, a: L.logdet(a), [_w(3)]),
    Row("la_slogdet", lambda L, a: L.linalg.slogdet(a), [-_w(3, 2)]),
    Row("la_slogdet_torch", lambda L, a: L.slogdet(a), [_w(3)]),
    Row("la_solve_vec", lambda L, a, b: L.linalg.solve(a, b), [_w(3), (3,)]),
    Row("la_solve_mat", lambda L, a, b: L.linalg.solve(a, b), [_w(3), (3, 2)]),
    Row("la_solve_batch_vec", lambda L, a, b: L.linalg.solve(a, b), [_w(3, 2), (2, 3)]),
    Row("la_solve_bcast", lambda L, a, b: L.linalg.solve(a, b), [_w(3, 2), (4, 1, 3, 2)]),
    Row("la_solve_bcast_vec1d", lambda L, a, b: L.linalg.solve(a, b), [_w(3, 2), (3,)]),
    Row("la_solve_left_false", lambda L, a, b: L.linalg.solve(a, b, left=False),
        [_w(3), (2, 3)]),
    Row("la_matrix_power_3", lambda L, a: L.matrix_power(a, 3), [(3, 3)]),
    Row("la_matrix_power_5_batch", lambda L, a: L.linalg.matrix_power(a, 5), [(2, 2, 2)]),
    Row("la_matrix_power_neg", lambda L, a: a.matrix_power(-2), [_w(3)]),
    Row("la_matrix_power_0", lambda L, a: L.matrix_power(a, 0) * a, [(3, 3)]),
    Row("la_matrix_power_1", lambda L, a: L.matrix_power(a, 1), [(3, 3)]),
    # norms
    Row("la_vector_norm", lambda L, a: L.linalg.vector_norm(a), [(3, 4)]),
    Row("la_vector_norm_dim", lambda L, a: L.linalg.vector_norm(a, dim=1, keepdim=True),
        [(3, 4)]),
    Row("la_vector_norm_dims", lambda L, a: L.linalg.vector_norm(a, 2, (0, 2)), [(2, 3, 4)]),
    Row("la_vector_norm_1", lambda L, a: L.linalg.vector_norm(a, 1, -1), [(3, 4)], order=1),
    Row("la_vector_norm_inf", lambda L, a: L.linalg.vector_norm(a, math.inf, 0),
        [Arg((3, 4), unique=True)], order=1),
    Row("la_vector_norm_ninf", lambda L, a: L.linalg.vector_norm(a, -math.inf),
        [Arg((3, 4), unique=True)], order=1),
    Row("la_vector_norm_0", lambda L, a: L.linalg.vector_norm(a, 0, 1), [(3, 4)], order=1),
    Row("la_vector_norm_3", lambda L, a: L.linalg.vector_norm(a, 3, dim=1), [(3, 4)]),
    Row("la_vector_norm_1p5", lambda L, a: L.linalg.vector_norm(a, 1.5), [(3, 4)]),
    Row("la_vector_norm_half", lambda L, a: L.linalg.vector_norm(a, 0.5, dim=0), [(3, 4)]),
    Row("la_vector_norm_dtype", lambda L, a: L.linalg.vector_norm(a, dtype=L.float64),
        [(3, 4)]),
    Row("la_vector_norm_0d", lambda L, a: L.linalg.vector_norm(a), [()]),
    Row("la_matrix_norm_fro", lambda L, a: L.linalg.matrix_norm(a), [(2, 3, 4)]),
    Row("la_matrix_norm_nuc", lambda L, a: L.linalg.matrix_norm(a, "nuc"), [(3, 4)],
        rtol=1e-4),
    Row("la_matrix_norm_2", lambda L, a: L.linalg.matrix_norm(a, 2), [(2, 4, 3)], rtol=1e-4),
    Row("la_matrix_norm_m2", lambda L, a: L.linalg.matrix_norm(a, -2, keepdim=True),
        [(2, 3, 4)], rtol=1e-4),
    Row("la_matrix_norm_1", lambda L, a: L.linalg.matrix_norm(a, 1), [(3, 4)], order=1),
    Row("la_matrix_norm_m1", lambda L, a: L.linalg.matrix_norm(a, -1, dim=(2, 0)), [(3, 4, 5)],
        order=1),
    Row("la_matrix_norm_inf", lambda L, a: L.linalg.matrix_norm(a, math.inf), [(3, 4)],
        order=1),
    Row("la_matrix_norm_ninf_keep", lambda L, a: L.linalg.matrix_norm(
        a, -math.inf, dim=(0, 2), keepdim=True), [(3, 4, 5)], order=1),
    Row("la_norm_default", lambda L, a: L.linalg.norm(a), [(2, 3, 4)]),
    Row("la_norm_vec_ord", lambda L, a: L.linalg.norm(a, 3), [(5,)]),
    Row("la_norm_mat_ord", lambda L, a: L.linalg.norm(a, math.inf), [(3, 4)], order=1),
    Row("la_norm_fro", lambda L, a: L.linalg.norm(a, "fro"), [(3, 4)]),
    Row("la_norm_nuc_dims", lambda L, a: L.linalg.norm(a, "nuc", dim=(0, 2)), [(3, 4, 2)],
        rtol=1e-4),
    Row("la_norm_dim1", lambda L, a: L.linalg.norm(a, dim=1, keepdim=True), [(3, 4, 2)]),
    Row("la_norm_dim_ord", lambda L, a: L.linalg.norm(a, 1, dim=(1,)), [(3, 4)], order=1),
    Row("la_vecdot", lambda L, a, b: L.linalg.vecdot(a, b), [(3, 4), (4,)]),
    # decompositions (sign-free outputs)
    Row("la_svd", _svd_free, [(4, 3)], rtol=1e-4, atol=1e-5),
    Row("la_svd_wide_batch", _svd_free, [(2, 3, 5)], rtol=1e-4, atol=1e-5),
    Row("la_svd_full_s", lambda L, a: L.linalg.svd(a)[1], [(4, 3)], rtol=1e-4),
    Row("la_svdvals", lambda L, a: L.linalg.svdvals(a), [(3, 5)], rtol=1e-4),
    Row("la_eigh", _eigh_free, [(4, 4)], rtol=1e-4, atol=1e-5),
    Row("la_eigvalsh", lambda L, a: L.linalg.eigvalsh(a @ a.mT), [(2, 3, 3)], rtol=1e-4),
    Row("la_cholesky", lambda L, a: L.linalg.cholesky(a @ a.mT + 3 * L.eye(3)), [(3, 3)]),
    Row("la_cholesky_upper", lambda L, a: L.linalg.cholesky(a @ a.mT + 3 * L.eye(3),
                                                          upper=True), [(2, 3, 3)]),
    Row("la_qr", lambda L, a: L.linalg.qr(a), [(4, 3)], rtol=1e-4, atol=1e-5),
    Row("la_qr_square_batch", lambda L, a: L.linalg.qr(a), [(2, 3, 3)], rtol=1e-4, atol=1e-5),
    Row("la_qr_complete", lambda L, a: L.linalg.qr(a, mode="complete"), [(4, 3)], order=0,
        rtol=1e-4, atol=1e-5),
    Row("la_pinv", lambda L, a: L.linalg.pinv(a), [(4, 3)], rtol=1e-4, atol=1e-5),
]

ROWS += [
    Row("la_solve_triangular_upper", lambda L, a, b: L.linalg.solve_triangular(a, b, upper=True),
        [_w(3), (3, 2)]),
    Row("la_solve_triangular_lower_right", lambda L, a, b: L.linalg.solve_triangular(
        a, b, upper=False, left=False), [_w(3, 2), (2, 4, 3)]),
    Row("la_solve_triangular_unit", lambda L, a, b: L.linalg.solve_triangular(
        a, b, upper=True, unitriangular=True), [(3, 3), (3, 2)]),
    Row("la_matrix_rank", lambda L, a: L.linalg.matrix_rank(a @ a.mT), [(4, 2)], order=0),
]
