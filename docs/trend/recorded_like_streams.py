#!/usr/bin/env python3
"""Writes 50 seeded pass/fail part streams in the `journal export` CSV layout (timestamp,line,score,outcome;
score empty), 10 of each kind, for `./sightline eval-trend --history DIR/*.csv`: what a recorded line might do
when nobody drew its drift for the LSTM's training generator.

  steady-K  one rate (1, 2, 4 or 6 %) for 4,000 parts
  walk-K    the rate's logit a random walk (sd 0.03 per part, kept within 0.5 % .. 30 %), 4,000 parts
  step-K    the rate x2 or x3 from a part between 1,200 and 3,000 on, 4,000 parts
  ramp-K    the rate rising linearly to 4x from a part between 1,000 and 2,500 on, 4,000 parts
  burst-K   2,000 parts switching between the rate and 3x it (1 % chance per part)

Usage: python3 recorded_like_streams.py OUT_DIR
"""
import datetime
import math
import os
import random
import sys


def write(path, rates, seed):
    r = random.Random(seed)
    t0 = datetime.datetime(2026, 1, 1)
    with open(path, "w") as f:
        f.write("timestamp,line,score,outcome\n")
        for i, p in enumerate(rates):
            ts = (t0 + datetime.timedelta(seconds=30 * i)).isoformat() + "Z"
            f.write(f"{ts},1,,{'reject' if r.random() < p else 'pass'}\n")


def main(out):
    os.makedirs(out, exist_ok=True)
    n = 4000
    for k in range(10):
        r = random.Random(100 + k)
        base = r.choice([0.01, 0.02, 0.04, 0.06])
        write(f"{out}/steady-{k}.csv", [base] * n, 1000 + k)
        x = math.log(base / (1 - base))
        walk = []
        for _ in range(n):
            x += r.gauss(0, 0.03)
            x = max(min(x, math.log(0.3 / 0.7)), math.log(0.005 / 0.995))
            walk.append(1 / (1 + math.exp(-x)))
        write(f"{out}/walk-{k}.csv", walk, 2000 + k)
        c = r.randint(1200, 3000)
        write(f"{out}/step-{k}.csv", [base] * c + [base * r.choice([2, 3])] * (n - c), 3000 + k)
        c = r.randint(1000, 2500)
        write(f"{out}/ramp-{k}.csv", [base + base * 3 * max(0, i - c) / (n - c) for i in range(n)], 4000 + k)
        rates, state = [], 0
        for _ in range(2000):
            if r.random() < 0.01:
                state = 1 - state
            rates.append(base * 3 if state else base)
        write(f"{out}/burst-{k}.csv", rates, 5000 + k)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "streams")
