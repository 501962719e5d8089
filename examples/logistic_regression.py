"""Logistic regression: sigmoid + BCELoss (note 001, lecture 6): pass or fail by hours studied.

    python examples/logistic_regression.py
"""

from __future__ import annotations

import ember as torch
import ember.nn.functional as F

x_data = torch.tensor([[1.0], [2.0], [3.0]])
y_data = torch.tensor([[0.0], [0.0], [1.0]])


class LogisticRegressionModel(torch.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.linear = torch.nn.Linear(1, 1)

    def forward(self, x):
        return torch.sigmoid(self.linear(x))


def main(argv=None) -> dict:
    torch.manual_seed(0)
    model = LogisticRegressionModel()
    criterion = torch.nn.BCELoss(reduction="sum")
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    for epoch in range(1000):
        loss = criterion(model(x_data), y_data)
        if epoch % 200 == 0:
            print(epoch, loss.item())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    hours = torch.linspace(0, 10, 11).view(11, 1)
    with torch.no_grad():
        prob = model(hours).view(-1)
    for h, p in zip(hours.view(-1).tolist(), prob.tolist()):
        print(f"  {h:4.1f} hours -> P(pass) = {p:.3f}")
    boundary = -model.linear.bias.item() / model.linear.weight.item()
    print(f"decision boundary (P = 0.5) at {boundary:.2f} hours")
    with torch.no_grad():  # the same loss through the fused, numerically safer logits form
        final = criterion(model(x_data), y_data).item()
        logits_loss = F.binary_cross_entropy_with_logits(model.linear(x_data), y_data,
                                                         reduction="sum").item()
    print(f"final BCE loss {final:.6f}; with logits {logits_loss:.6f}")
    return {"prob": prob.tolist(), "boundary": boundary, "loss": final,
            "logits_loss": logits_loss}


if __name__ == "__main__":
    main()
