"""Rows for the regression/classification losses and distances beyond CE/NLL/MSE."""

from tests.oracle import Arg, Row


def F(L):
    return L.nn.functional


PROB = Arg((4, 3), low=0.05, high=0.95)
TGT01 = Arg((4, 3), low=0.0, high=1.0, grad=False)
SIGN = Arg((4,), "int64", low=0, high=2, grad=False)

ROWS = [
    Row("nn_l1_loss", lambda L, x, y: F(L).l1_loss(x, y), [Arg((3, 4), unique=True), (3, 4)],
        order=1),
    Row("nn_smooth_l1_loss", lambda L, x, y: F(L).smooth_l1_loss(x, y, beta=0.5),
        [Arg((3, 4), unique=True), (3, 4)], order=1),
    Row("nn_huber_loss", lambda L, x, y: F(L).huber_loss(x, y, reduction="sum", delta=0.7),
        [Arg((3, 4), unique=True), (3, 4)], order=1),
    Row("nn_bce", lambda L, p, y: F(L).binary_cross_entropy(p, y), [PROB, TGT01]),
    Row("nn_bce_weight_none", lambda L, p, y, w: F(L).binary_cross_entropy(
        p, y, weight=w, reduction="none"), [PROB, TGT01, Arg((3,), grad=False)]),
    Row("nn_bce_logits", lambda L, x, y: F(L).binary_cross_entropy_with_logits(x, y),
        [(4, 3), TGT01]),
    Row("nn_bce_logits_pos_weight", lambda L, x, y, pw: F(L).binary_cross_entropy_with_logits(
        x, y, pos_weight=pw, reduction="sum"), [(4, 3), TGT01,
                                                Arg((3,), low=0.5, high=2, grad=False)]),
    Row("nn_kl_div", lambda L, x, y: F(L).kl_div(x, y, reduction="batchmean"),
        [(4, 3), Arg((4, 3), low=0.0, high=1.0, grad=False)]),
    Row("nn_kl_div_log_target", lambda L, x, y: F(L).kl_div(x, y, reduction="sum",
                                                            log_target=True), [(4, 3), (4, 3)]),
    Row("nn_poisson_nll", lambda L, x, y: F(L).poisson_nll_loss(x, y),
        [(4, 3), Arg((4, 3), low=0, high=4, grad=False)]),
    Row("nn_gaussian_nll", lambda L, x, y, v: F(L).gaussian_nll_loss(x, y, v),
        [(4, 3), (4, 3), Arg((4, 3), low=0.5, high=2)]),
    Row("nn_soft_margin", lambda L, x, y: F(L).soft_margin_loss(x, y * 2 - 1),
        [(5,), Arg((5,), "int64", high=2, grad=False)]),
    Row("nn_multilabel_soft_margin", lambda L, x, y: F(L).multilabel_soft_margin_loss(x, y),
        [(4, 3), Arg((4, 3), "int64", high=2, grad=False)]),
    Row("nn_multi_margin", lambda L, x, t: F(L).multi_margin_loss(x, t),
        [Arg((4, 3), unique=True), Arg((4,), "int64", high=3, grad=False)], order=1),
    Row("nn_triplet_margin", lambda L, a, p, n: F(L).triplet_margin_loss(a, p, n, margin=2.0),
        [(4, 5), (4, 5), (4, 5)], order=1),
    Row("nn_cosine_similarity", lambda L, a, b: F(L).cosine_similarity(a, b), [(4, 5), (4, 5)]),
    Row("nn_pairwise_distance", lambda L, a, b: F(L).pairwise_distance(a, b), [(4, 5), (4, 5)]),
    Row("nn_pdist", lambda L, a: F(L).pdist(a), [(4, 3)], order=1),
]
