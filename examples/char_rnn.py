"""Character-level text generation on Shakespeare with an LSTM (note 001, lectures 12-13).

Embedding -> LSTM -> Linear predicts the next character; trained on random 64-character
windows with truncated back-propagation, then sampled with a temperature.

    python examples/char_rnn.py --root ../shared/data --steps 2000
"""

from __future__ import annotations

import argparse
import gzip
import math
import os
from pathlib import Path

import ember as torch
import ember.nn.functional as F


class CharRNN(torch.nn.Module):
    def __init__(self, vocab: int, embed: int = 32, hidden: int = 128, layers: int = 1) -> None:
        super().__init__()
        self.embedding = torch.nn.Embedding(vocab, embed)
        self.lstm = torch.nn.LSTM(embed, hidden, layers, batch_first=True)
        self.fc = torch.nn.Linear(hidden, vocab)

    def forward(self, x, state=None):
        out, state = self.lstm(self.embedding(x), state)
        return self.fc(out), state


def generate(model, stoi: dict, itos: list, prime: str, length: int, temperature: float,
             generator) -> str:
    model.eval()
    with torch.no_grad():
        x = torch.tensor([[stoi[c] for c in prime]])
        logits, state = model(x)
        out = list(prime)
        for _ in range(length):
            probs = F.softmax(logits[0, -1] / temperature, dim=0)
            nxt = torch.multinomial(probs, 1, generator=generator).item()
            out.append(itos[nxt])
            logits, state = model(torch.tensor([[nxt]]), state)
    model.train()
    return "".join(out)


def main(argv=None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--root", default=os.environ.get("EMBER_DATA", "../shared/data"))
    p.add_argument("--fast", action="store_true", help="fewer steps (for the tests)")
    p.add_argument("--steps", type=int, default=1500)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--seq-len", type=int, default=64)
    p.add_argument("--length", type=int, default=300, help="characters to generate")
    args = p.parse_args(argv)
    steps = args.steps
    if args.fast:
        steps, args.batch_size, args.seq_len, args.length = 200, 16, 48, 120
    path = Path(args.root) / "text" / "shakespeare.txt.gz"
    if not path.exists():
        raise SystemExit(f"{path} not found (pass --root or set EMBER_DATA)")
    with gzip.open(path, "rt", encoding="utf-8") as f:
        text = f.read()
    itos = sorted(set(text))
    stoi = {c: i for i, c in enumerate(itos)}
    data = torch.tensor([stoi[c] for c in text])
    print(f"{len(text):,} characters, vocabulary of {len(itos)}; "
          f"uniform guessing costs ln({len(itos)}) = {math.log(len(itos)):.3f} nats")

    torch.manual_seed(0)
    g = torch.Generator().manual_seed(0)
    model = CharRNN(len(itos))
    optimizer = torch.optim.Adam(model.parameters(), lr=0.005)
    offsets = torch.arange(args.seq_len + 1)
    losses = []
    for step in range(1, steps + 1):
        starts = torch.randint(0, len(data) - args.seq_len - 1, (args.batch_size, 1), generator=g)
        chunk = data[starts + offsets]  # (batch, seq_len + 1)
        logits, _ = model(chunk[:, :-1])
        loss = F.cross_entropy(logits.reshape(-1, len(itos)), chunk[:, 1:].reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        optimizer.step()
        losses.append(loss.item())
        if step % 50 == 0:
            recent = sum(losses[-50:]) / 50
            print(f"step {step}: loss {recent:.3f} (perplexity {math.exp(recent):.1f})")
    sample = generate(model, stoi, itos, "ROMEO:", args.length, 0.8, g)
    print("--- sample ---\n" + sample)
    return {"first_loss": losses[0], "final_loss": sum(losses[-50:]) / 50, "sample": sample,
            "vocab": len(itos)}


if __name__ == "__main__":
    main()
