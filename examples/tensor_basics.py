"""Tensor basics (note 004, section 3): the dtype table, creation, indexing, shapes, statistics.

    python examples/tensor_basics.py
"""

from __future__ import annotations

import numpy as np

import ember as torch

DTYPES = [("32bit float", torch.float32, torch.FloatTensor),
          ("64bit float", torch.float64, torch.DoubleTensor),
          ("8bit integer", torch.uint8, torch.ByteTensor),
          ("32bit integer", torch.int32, torch.IntTensor),
          ("64bit integer", torch.int64, torch.LongTensor)]


def main(argv=None) -> dict:
    print(f"{'data type':<14} {'dtype':<14} {'CPU tensor':<18} {'a.type()'}")
    table = []
    for name, dtype, cls in DTYPES:
        a = torch.zeros(2, dtype=dtype)
        table.append((str(dtype), a.type(), isinstance(a, cls)))
        print(f"{name:<14} {str(dtype):<14} {cls.__name__:<18} {a.type()}")

    print("\n# creation")
    print(torch.tensor(2.2), torch.full([], 7.0).dim(), torch.tensor([2.2, 3.3]))
    print(torch.from_numpy(np.ones(2)), torch.FloatTensor(2, 3).shape, torch.eye(3))
    print(torch.arange(0, 10, 2), torch.linspace(0, 10, steps=5), torch.randint(1, 10, [3]))

    print("\n# indexing and slicing")
    a = torch.rand(4, 3, 28, 28)
    shapes = {
        "a[0]": a[0].shape, "a[:2, 1:]": a[:2, 1:, :, :].shape,
        "a[:, :, ::2, ::2]": a[:, :, 0:28:2, 0:28:2].shape,
        "index_select": a.index_select(0, torch.tensor([0, 2])).shape,
        "a[..., :2]": a[..., :2].shape,
        "view(4, 784)": torch.rand(4, 1, 28, 28).view(4, 28 * 28).shape,
        "unsqueeze(0)": torch.rand(4, 1, 28, 28).unsqueeze(0).shape,
        "squeeze()": torch.rand(1, 32, 1, 1).squeeze().shape,
        "expand": torch.rand(1, 32, 1, 1).expand(4, 32, 14, 14).shape,
        "repeat": torch.rand(1, 32, 1, 1).repeat(4, 1, 32, 32).shape,
        "transpose(1, 3)": a.transpose(1, 3).shape,
        "permute(0, 2, 3, 1)": a.permute(0, 2, 3, 1).shape,
        "cat dim 0": torch.cat([torch.rand(4, 32, 8), torch.rand(5, 32, 8)], dim=0).shape,
        "stack dim 0": torch.stack([torch.rand(32, 8), torch.rand(32, 8)], dim=0).shape,
    }
    for k, v in shapes.items():
        print(f"{k:<20} {v}")
    x = torch.randn(3, 4)
    print("masked_select(x >= 0.5):", torch.masked_select(x, x.ge(0.5)).shape)
    print("take:", torch.take(torch.tensor([[4, 3, 5], [6, 7, 8]]), torch.tensor([0, 2, 5])))

    print("\n# math and statistics")
    b = torch.full([8], 1.0).view(2, 4)
    print("norm(1), norm(2):", b.norm(1).item(), b.norm(2).item(), b.norm(2, dim=1))
    c = torch.tensor([[0.6, 0.7], [0.8, 0.4]])
    print("where:", torch.where(c > 0.5, torch.zeros(2, 2), torch.ones(2, 2)))
    prob = torch.randn(4, 10)
    idx = prob.topk(dim=1, k=3)[1]
    print("gather:", torch.gather((torch.arange(10) + 100).expand(4, 10), 1, idx))
    print("max(dim=1):", prob.max(dim=1).indices, "argmax:", prob.argmax(dim=1))
    return {"dtypes": table, "shapes": shapes}


if __name__ == "__main__":
    main()
