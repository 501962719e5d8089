"""Minimising Himmelblau's function with Adam (note 004, "2D function optimisation").

Himmelblau's function has four minima with f = 0; Adam from (0, 0) finds (3, 2). With
matplotlib installed, ``--plot PATH`` saves the surface with the optimiser's path.

    python examples/himmelblau.py --plot himmelblau.png
"""

from __future__ import annotations

import argparse

import numpy as np

import ember as torch

MINIMA = [(3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126)]


def himmelblau(x):
    return (x[0] ** 2 + x[1] - 11) ** 2 + (x[0] + x[1] ** 2 - 7) ** 2


def optimise(start, steps: int = 20000, lr: float = 1e-3):
    x = torch.tensor(start, requires_grad=True)
    optimizer = torch.optim.Adam([x], lr=lr)
    path = []
    for step in range(steps):
        pred = himmelblau(x)
        optimizer.zero_grad()
        pred.backward()
        optimizer.step()
        if step % 2000 == 0:
            print(f"step {step}: x = {x.tolist()}, f(x) = {pred.item()}")
        if step % 100 == 0:
            path.append(x.tolist())
    return x.tolist(), himmelblau(x).item(), path


def plot(path: str, trajectories) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed, so no plot was saved (pip install matplotlib)")
        return
    x = np.arange(-6, 6, 0.1)
    X, Y = np.meshgrid(x, x)
    Z = himmelblau([X, Y])
    fig = plt.figure("himmelblau", figsize=(7, 6))
    ax = fig.add_subplot(projection="3d")
    ax.plot_surface(X, Y, Z, cmap="viridis", alpha=0.8)
    for traj in trajectories:
        t = np.array(traj)
        ax.plot(t[:, 0], t[:, 1], himmelblau([t[:, 0], t[:, 1]]), "r.-")
    ax.view_init(60, -30)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    fig.savefig(path, dpi=80)
    plt.close(fig)
    print(f"saved {path}")


def main(argv=None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--plot", default="", help="save the surface plot to this PNG")
    p.add_argument("--starts", default="0,0;-1,0;-4,0;4,0",
                   help="starting points 'x,y;x,y;...', one per minimum")
    p.add_argument("--steps", type=int, default=20000)
    args = p.parse_args(argv)
    results, paths = [], []
    for start in args.starts.split(";"):
        xy = [float(v) for v in start.split(",")]
        print(f"-- start {xy}")
        found, value, path = optimise(xy, args.steps)
        print(f"   found {[round(v, 4) for v in found]} with f = {value:.2e}")
        results.append((xy, found, value))
        paths.append(path)
    if args.plot:
        plot(args.plot, paths)
    return {"results": results}


if __name__ == "__main__":
    main()
