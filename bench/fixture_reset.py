"""Benchmark the pytest plugin's fixtures: how long the lab takes to start, and the reset between two tests.

Starts the served IdP (``fedlab_idp``), the whole lab (``fedlab_lab``) and the in-process IdP
(``fedlab_idp_inprocess``) as the plugin does, then runs N "tests" on each — a test makes an account and a
client and logs in (with tokens) — and times the reset before each one (a snapshot copy of the databases).

    python bench/fixture_reset.py [--tests 30]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _a_test(handle) -> None:
    person = handle.account(level=2)
    client = handle.client(redirect_uri="http://testserver/callback")
    handle.authorize(client, person, tokens=True)


def _run(name: str, start, tests: int) -> tuple[str, float, list[float], list[float]]:
    with ExitStack() as stack:
        began = time.perf_counter()
        handle = stack.enter_context(start())
        started = time.perf_counter() - began
        resets, bodies = [], []
        for _ in range(tests):
            t0 = time.perf_counter()
            handle.reset()
            t1 = time.perf_counter()
            _a_test(handle)
            resets.append(t1 - t0)
            bodies.append(time.perf_counter() - t1)
    return name, started, resets, bodies


def _ms(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tests", type=int, default=30, help="tests per fixture (default 30)")
    args = parser.parse_args()

    from fedlab.testing.inprocess import inprocess_idp
    from fedlab.testing.served import start_idp
    from fedlab.testing.served import start_lab

    print(f"fedlab fixture benchmark: {args.tests} tests per fixture; Python {platform.python_version()}, "
          f"{os.cpu_count()} CPUs")  # fmt: skip
    # The first start pays the imports of both apps; it is reported on its own line.
    rows = [
        _run("fedlab_idp (first start, with imports)", start_idp, args.tests),
        _run("fedlab_idp", start_idp, args.tests),
        _run("fedlab_lab (IdP + diary)", start_lab, args.tests),
        _run("fedlab_idp_inprocess", inprocess_idp, args.tests),
    ]
    print(f"{'fixture':42} {'start s':>8} {'reset ms p50':>13} {'p95':>7} {'max':>7} {'test ms p50':>12}")
    for name, started, resets, bodies in rows:
        print(
            f"{name:42} {started:8.2f} {statistics.median(resets) * 1000:13.1f} {_ms(resets, 0.95):7.1f} "
            f"{max(resets) * 1000:7.1f} {statistics.median(bodies) * 1000:12.1f}"
        )
    worst = max(max(r) for _, _, r, _ in rows)
    print(f"slowest reset: {worst * 1000:.1f} ms ({'below' if worst < 0.5 else 'ABOVE'} the 500 ms budget)")


if __name__ == "__main__":
    main()
