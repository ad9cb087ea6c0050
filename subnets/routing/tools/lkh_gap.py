#!/usr/bin/env python3
"""Gap of each solver to LKH-3 on exported TSP instances (BENCHMARKS.md).

    python -m venv /tmp/lkh && /tmp/lkh/bin/pip install elkai==2.0.1
    cargo run --release -p agora-subnet-routing --example export_tsp -- 1000 1500 \
        | /tmp/lkh/bin/python subnets/routing/tools/lkh_gap.py [RUNS]

Distances are the subnet's cost function (Euclidean rounded to nearest, exact integers), so
LKH's tour cost is comparable with ours exactly.
"""
import json
import math
import sys

import elkai


def dist(a, b):
    s = (a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2
    f = math.isqrt(s)
    return f + 1 if s - f * f > f else f


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    for inst in json.load(sys.stdin):
        p = inst["problem"]
        pts = [(p["depot"]["x"], p["depot"]["y"])] + [(s["x"], s["y"]) for s in p["stops"]]
        m = [[dist(a, b) for b in pts] for a in pts]
        tour = elkai.DistanceMatrix(m).solve_tsp(runs=runs)
        if tour[0] != tour[-1]:
            tour.append(tour[0])
        lkh = sum(m[tour[i]][tour[i + 1]] for i in range(len(tour) - 1))
        gaps = ", ".join(
            f"{name} {100 * (c / lkh - 1):.2f}%" for name, c in zip(inst["solvers"], inst["costs"])
        )
        print(f"{len(p['stops'])} stops, {inst['distribution']}, LKH {lkh}: {gaps}")


if __name__ == "__main__":
    main()
