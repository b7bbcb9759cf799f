#!/usr/bin/python3
"""Side-by-side reference: evaluations to f <= 1e-8 with CyberAgent's `cmaes` library
(Debian package python3-cmaes, NOT pycma), same functions / x0 / sigma0 / default popsize
as CmaesBenchmark. Usage: /usr/bin/python3 deploy/bench/cyberagent_cmaes_compare.py [seeds] [--sep]"""
import sys
import time

import numpy as np
from cmaes import CMA, SepCMA


def sphere(x):
    return float(np.sum(x * x))


def elli(x):
    n = len(x)
    if n == 1:
        return float(x[0] ** 2)
    return float(np.sum(10.0 ** (6.0 * np.arange(n) / (n - 1)) * x * x))


def rosen(x):
    return float(np.sum(100.0 * (x[:-1] ** 2 - x[1:]) ** 2 + (1.0 - x[:-1]) ** 2))


FUNCS = [("sphere", sphere, 0.5), ("elli", elli, 0.5), ("rosen", rosen, 0.1)]


def run(f, n, x0, seed, sep, target=1e-8, max_evals=1_000_000):
    cls = SepCMA if sep else CMA
    opt = cls(mean=np.full(n, x0), sigma=0.5, seed=seed)
    evals, best = 0, float("inf")
    while evals < max_evals and best > target and not opt.should_stop():
        sols = []
        for _ in range(opt.population_size):
            x = opt.ask()
            v = f(x)
            best = min(best, v)
            sols.append((x, v))
        evals += len(sols)
        opt.tell(sols)
    return evals, best <= target, opt.population_size


def main():
    seeds = 5
    sep = "--sep" in sys.argv
    for a in sys.argv[1:]:
        if a != "--sep":
            seeds = int(a)
    print(f"cmaes (CyberAgent) {__import__('cmaes').__version__}, {'SepCMA' if sep else 'CMA'}, seeds 1..{seeds}")
    print(f"{'function':8s} {'N':>4s} {'lam':>4s} {'median':>9s} {'min':>9s} {'max':>9s} {'reached':>8s} {'s/run':>7s}")
    for name, f, x0 in FUNCS:
        for n in (10, 40):
            ok, lam, t0 = [], 0, time.time()
            for s in range(1, seeds + 1):
                e, reached, lam = run(f, n, x0, s, sep)
                if reached:
                    ok.append(e)
            dt = (time.time() - t0) / seeds
            ok.sort()
            if ok:
                med = ok[len(ok) // 2] if len(ok) % 2 else (ok[len(ok) // 2 - 1] + ok[len(ok) // 2]) // 2
                print(f"{name:8s} {n:4d} {lam:4d} {med:9d} {ok[0]:9d} {ok[-1]:9d} {len(ok):5d}/{seeds} {dt:7.1f}")
            else:
                print(f"{name:8s} {n:4d} {lam:4d} {'-':>9s} {'-':>9s} {'-':>9s} {0:5d}/{seeds} {dt:7.1f}")


if __name__ == "__main__":
    main()
