"""Name -> country with a bidirectional GRU (note 001, lecture 13).

Characters -> nn.Embedding -> bidirectional nn.GRU over the packed, length-sorted batch ->
the last hidden states of both directions, concatenated -> nn.Linear -> 18 countries.

    python examples/name_classifier.py --root ../shared/data
"""

from __future__ import annotations

import argparse
import csv
import gzip
import os
import time
from pathlib import Path

import ember as torch
from ember.nn.utils.rnn import pack_padded_sequence


def read_names(root: str, split: str) -> tuple[list[str], list[str]]:
    path = Path(root) / "text" / f"names_{split}.csv.gz"
    if not path.exists():
        raise SystemExit(f"{path} not found (pass --root or set EMBER_DATA)")
    with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
        rows = [r for r in csv.reader(f) if len(r) == 2]
    return [r[0] for r in rows], [r[1] for r in rows]


def make_tensors(names: list[str], countries: list[str], country_index: dict):
    """Padded ASCII codes (batch, max_len) sorted by length (longest first), lengths, targets."""
    codes = [[min(ord(c), 127) for c in n] for n in names]
    lengths = torch.tensor([len(c) for c in codes])
    padded = torch.zeros(len(codes), int(lengths.max()), dtype=torch.long)
    for i, c in enumerate(codes):
        padded[i, : len(c)] = torch.tensor(c)
    lengths, order = lengths.sort(dim=0, descending=True)
    target = torch.tensor([country_index[c] for c in countries])
    return padded[order], lengths, target[order]


class RNNClassifier(torch.nn.Module):
    def __init__(self, input_size: int, hidden_size: int, output_size: int,
                 n_layers: int = 1, bidirectional: bool = True) -> None:
        super().__init__()
        self.n_directions = 2 if bidirectional else 1
        self.embedding = torch.nn.Embedding(input_size, hidden_size)
        self.gru = torch.nn.GRU(hidden_size, hidden_size, n_layers, bidirectional=bidirectional)
        self.fc = torch.nn.Linear(hidden_size * self.n_directions, output_size)

    def forward(self, inputs, seq_lengths):
        embedding = self.embedding(inputs.t())  # (seq, batch, hidden)
        packed = pack_padded_sequence(embedding, seq_lengths)
        _, hidden = self.gru(packed)
        if self.n_directions == 2:
            hidden = torch.cat([hidden[-1], hidden[-2]], dim=1)
        else:
            hidden = hidden[-1]
        return self.fc(hidden)


def batches(x, lengths, y, batch_size: int, generator):
    """Random batches, each sorted longest first as pack_padded_sequence needs."""
    perm = torch.randperm(len(y), generator=generator)
    for i in range(0, len(y), batch_size):
        idx = perm[i : i + batch_size].sort().values  # keep the global length order
        bl = lengths[idx]
        yield x[idx, : int(bl[0])], bl, y[idx]


def accuracy(model, x, lengths, y, batch_size: int = 1024) -> float:
    correct = 0
    with torch.no_grad():
        for i in range(0, len(y), batch_size):
            bl = lengths[i : i + batch_size]
            out = model(x[i : i + batch_size, : int(bl[0])], bl)
            correct += (out.argmax(dim=1) == y[i : i + batch_size]).sum().item()
    return correct / len(y)


def main(argv=None) -> float:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--root", default=os.environ.get("EMBER_DATA", "../shared/data"))
    p.add_argument("--fast", action="store_true", help="a smaller model, fewer epochs")
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--hidden", type=int, default=100)
    p.add_argument("--layers", type=int, default=2)
    p.add_argument("--batch-size", type=int, default=256)
    args = p.parse_args(argv)
    if args.fast:
        args.epochs, args.hidden, args.layers = 2, 64, 1
    torch.manual_seed(0)
    train_names, train_countries = read_names(args.root, "train")
    test_names, test_countries = read_names(args.root, "test")
    countries = sorted(set(train_countries))
    index = {c: i for i, c in enumerate(countries)}
    train = make_tensors(train_names, train_countries, index)
    test = make_tensors(test_names, test_countries, index)
    print(f"{len(train_names)} training / {len(test_names)} test names, {len(countries)} countries")

    model = RNNClassifier(128, args.hidden, len(countries), args.layers)
    criterion = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.001 if not args.fast else 0.005)
    g = torch.Generator().manual_seed(0)
    for epoch in range(1, args.epochs + 1):
        start, total = time.perf_counter(), 0.0
        for x, lengths, y in batches(*train, args.batch_size, g):
            loss = criterion(model(x, lengths), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(y)
        acc = accuracy(model, *test)
        print(f"epoch {epoch}: loss {total / len(train_names):.4f}, test accuracy {acc:.2%} "
              f"({time.perf_counter() - start:.0f} s)")
    model.eval()
    for name in ("Dostoevsky", "Nakamura", "Schmidt", "Rossi"):
        x, lengths, _ = make_tensors([name], [countries[0]], index)
        print(f"  {name:<12} -> {countries[model(x, lengths).argmax(dim=1).item()]}")
    return acc


if __name__ == "__main__":
    main()
