"""RNN basics (note 001, lecture 12): learn "hello" -> "ohlol" three ways.

RNNCell stepped by hand, nn.RNN over the whole sequence, and nn.Embedding + nn.RNN + a linear
head, each trained with cross-entropy on one-hot (or index) characters.

    python examples/rnn_basics.py
"""

from __future__ import annotations

import ember as torch

IDX2CHAR = ["e", "h", "l", "o"]
X_DATA = [1, 0, 2, 2, 3]  # hello
Y_DATA = [3, 1, 2, 3, 2]  # ohlol
INPUT_SIZE, HIDDEN_SIZE, BATCH_SIZE = 4, 4, 1


def one_hot(indices):
    return torch.eye(INPUT_SIZE)[torch.tensor(indices)]


def decode(indices) -> str:
    return "".join(IDX2CHAR[i] for i in indices)


def train_cell(epochs: int) -> str:
    cell = torch.nn.RNNCell(INPUT_SIZE, HIDDEN_SIZE)
    inputs = one_hot(X_DATA).view(-1, BATCH_SIZE, INPUT_SIZE)
    labels = torch.tensor(Y_DATA).view(-1, 1)
    criterion = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(cell.parameters(), lr=0.1)
    for _ in range(epochs):
        loss, hidden, predicted = 0, torch.zeros(BATCH_SIZE, HIDDEN_SIZE), []
        optimizer.zero_grad()
        for x, y in zip(inputs, labels):
            hidden = cell(x, hidden)
            loss = loss + criterion(hidden, y)
            predicted.append(hidden.argmax(dim=1).item())
        loss.backward()
        optimizer.step()
    print(f"RNNCell:          predicted {decode(predicted)}, epoch [{epochs}/{epochs}] "
          f"loss = {loss.item():.4f}")
    return decode(predicted)


def train_rnn(epochs: int) -> str:
    rnn = torch.nn.RNN(INPUT_SIZE, HIDDEN_SIZE, num_layers=1)
    inputs = one_hot(X_DATA).view(-1, BATCH_SIZE, INPUT_SIZE)
    labels = torch.tensor(Y_DATA)
    criterion = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(rnn.parameters(), lr=0.05)
    for _ in range(epochs):
        out, _ = rnn(inputs, torch.zeros(1, BATCH_SIZE, HIDDEN_SIZE))
        loss = criterion(out.view(-1, HIDDEN_SIZE), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    predicted = out.view(-1, HIDDEN_SIZE).argmax(dim=1).tolist()
    print(f"RNN:              predicted {decode(predicted)}, epoch [{epochs}/{epochs}] "
          f"loss = {loss.item():.4f}")
    return decode(predicted)


class EmbeddingModel(torch.nn.Module):
    def __init__(self, embedding_size: int = 10, hidden_size: int = 8) -> None:
        super().__init__()
        self.emb = torch.nn.Embedding(INPUT_SIZE, embedding_size)
        self.rnn = torch.nn.RNN(embedding_size, hidden_size, num_layers=2, batch_first=True)
        self.fc = torch.nn.Linear(hidden_size, len(IDX2CHAR))

    def forward(self, x):
        out, _ = self.rnn(self.emb(x))
        return self.fc(out).view(-1, len(IDX2CHAR))


def train_embedding(epochs: int) -> str:
    model = EmbeddingModel()
    inputs, labels = torch.tensor([X_DATA]), torch.tensor(Y_DATA)
    criterion = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.05)
    for _ in range(epochs):
        out = model(inputs)
        loss = criterion(out, labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    predicted = out.argmax(dim=1).tolist()
    print(f"Embedding + RNN:  predicted {decode(predicted)}, epoch [{epochs}/{epochs}] "
          f"loss = {loss.item():.4f}")
    return decode(predicted)


def main(argv=None) -> dict:
    torch.manual_seed(0)
    return {"cell": train_cell(30), "rnn": train_rnn(50), "embedding": train_embedding(50)}


if __name__ == "__main__":
    main()
