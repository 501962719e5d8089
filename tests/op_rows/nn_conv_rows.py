"""Rows for convolutions, unfold/fold and padding (ember.nn.functional vs torch.nn.functional)."""


from tests.oracle import Row


def F(L):
    return L.nn.functional


ROWS = [
    Row("nn_conv1d", lambda L, x, w, b: F(L).conv1d(x, w, b, stride=2, padding=1),
        [(2, 3, 9), (4, 3, 3), (4,)]),
    Row("nn_conv2d", lambda L, x, w, b: F(L).conv2d(x, w, b), [(2, 3, 6, 5), (4, 3, 3, 2), (4,)]),
    Row("nn_conv2d_stride_pad_dil", lambda L, x, w: F(L).conv2d(x, w, stride=(2, 1),
                                                                padding=(1, 2), dilation=2),
        [(1, 2, 7, 6), (3, 2, 2, 3)]),
    Row("nn_conv2d_groups", lambda L, x, w, b: F(L).conv2d(x, w, b, groups=2, padding=1),
        [(2, 4, 5, 5), (6, 2, 3, 3), (6,)]),
    Row("nn_conv2d_same", lambda L, x, w: F(L).conv2d(x, w, padding="same"),
        [(1, 2, 5, 6), (2, 2, 2, 3)]),
    Row("nn_conv2d_unbatched", lambda L, x, w: F(L).conv2d(x, w, padding="valid"),
        [(2, 5, 5), (3, 2, 3, 3)]),
    Row("nn_conv3d", lambda L, x, w: F(L).conv3d(x, w, padding=1), [(1, 2, 4, 4, 3),
                                                                     (2, 2, 2, 3, 2)]),
    Row("nn_conv_transpose1d", lambda L, x, w, b: F(L).conv_transpose1d(x, w, b, stride=2),
        [(2, 3, 5), (3, 2, 3), (2,)]),
    Row("nn_conv_transpose2d", lambda L, x, w, b: F(L).conv_transpose2d(
        x, w, b, stride=2, padding=1, output_padding=1), [(2, 4, 3, 4), (4, 3, 3, 3), (3,)]),
    Row("nn_conv_transpose2d_groups", lambda L, x, w: F(L).conv_transpose2d(
        x, w, groups=2, dilation=2), [(1, 4, 3, 3), (4, 1, 2, 2)]),
    Row("nn_unfold", lambda L, x: F(L).unfold(x, (2, 3), padding=1, stride=2), [(2, 3, 5, 6)]),
    Row("nn_fold", lambda L, x: F(L).fold(x, (4, 5), (2, 2), stride=1), [(2, 12, 12)]),
    Row("nn_pad_constant", lambda L, x: F(L).pad(x, (1, 2, 0, 1), value=0.5), [(2, 3, 4)]),
    Row("nn_pad_crop", lambda L, x: F(L).pad(x, (-1, 2)), [(3, 5)]),
    Row("nn_pad_reflect", lambda L, x: F(L).pad(x, (2, 1, 1, 2), mode="reflect"),
        [(1, 2, 4, 5)]),
    Row("nn_pad_replicate", lambda L, x: F(L).pad(x, (2, 3), mode="replicate"), [(2, 3, 4)]),
    Row("nn_pad_circular", lambda L, x: F(L).pad(x, (1, 2, 2, 1), mode="circular"),
        [(1, 1, 3, 4)]),
]
