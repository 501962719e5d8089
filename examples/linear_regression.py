"""Linear regression with nn.Linear, MSELoss and SGD (note 001, lecture 5).

    python examples/linear_regression.py
"""

from __future__ import annotations

import ember as torch

x_data = torch.tensor([[1.0], [2.0], [3.0]])
y_data = torch.tensor([[2.0], [4.0], [6.0]])


class LinearModel(torch.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.linear = torch.nn.Linear(1, 1)

    def forward(self, x):
        return self.linear(x)


def main(argv=None) -> dict:
    torch.manual_seed(0)
    model = LinearModel()
    criterion = torch.nn.MSELoss(reduction="sum")
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    for epoch in range(1000):
        loss = criterion(model(x_data), y_data)
        if epoch % 100 == 0:
            print(epoch, loss.item())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    w, b = model.linear.weight.item(), model.linear.bias.item()
    pred = model(torch.tensor([[4.0]])).item()
    print(f"w = {w:.4f}, b = {b:.4f}, y_pred(4) = {pred:.4f}")
    return {"w": w, "b": b, "pred": pred, "loss": loss.item()}


if __name__ == "__main__":
    main()
