"""Shared helpers for the benchmarks: seed with the project's own command, time requests."""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

RANKFILE = str(Path(sys.executable).parent / "rankfile")


def seed_demo(database_url: str, coworkers: int) -> dict[str, str]:
    """Migrate and seed the demo campaign; returns email → password of its logins."""
    env = {**os.environ, "DATABASE_URL": database_url, "RANKFILE_ENV": "development"}
    subprocess.run([RANKFILE, "migrate"], env=env, check=True, capture_output=True)
    started = time.perf_counter()
    done = subprocess.run(
        [RANKFILE, "demo", "--coworkers", str(coworkers)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    print(f"seeded {coworkers:,} coworkers in {time.perf_counter() - started:.1f} s")
    return dict(re.findall(r"email: (\S+)\s+password: (\S+)", done.stdout))


class ServerClock:
    """An ASGI wrapper that times the server's own work on each request: from the call into
    the application until it has handed over the last byte of its response. What the test
    client adds (its thread hops, reading and un-gzipping the body) is not server time."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.last_ms = 0.0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        started = time.perf_counter()
        await self.app(scope, receive, send)
        self.last_ms = (time.perf_counter() - started) * 1000


def server_timed(
    clock: ServerClock, request: Callable[[], object], runs: int, warmup: int = 5
) -> list[float]:
    """Server milliseconds per request (see ServerClock), after a warm-up."""
    for _ in range(warmup):
        request()
    samples = []
    for _ in range(runs):
        request()
        samples.append(clock.last_ms)
    return samples


def timed(action: Callable[[], object], runs: int, warmup: int = 5) -> list[float]:
    """Milliseconds per call, after a warm-up."""
    for _ in range(warmup):
        action()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def report(name: str, samples: list[float], budget_ms: float | None = None) -> None:
    ordered = sorted(samples)
    p50 = statistics.median(ordered)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    verdict = ""
    if budget_ms is not None:
        verdict = f"  budget p95 < {budget_ms:g} ms: {'ok' if p95 < budget_ms else 'OVER'}"
    print(f"{name:<44} n={len(samples):<4} p50 {p50:7.2f} ms  p95 {p95:7.2f} ms{verdict}")
