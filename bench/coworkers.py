"""Benchmark: the organizer's phone pages at 100,000 coworkers (issue: the organizer's phone).

Seeds a fresh database (give an empty one with --database-url) with `rankfile demo --coworkers
N`, then measures in-process the server's own time (`ServerClock`: from the call into the app,
built as `rankfile serve` builds it, to the last byte of its response), p50/p95, of:
  the organizer's list, the committee's list (everyone; and searches), a coworker's page,
  and recording a level. Budgets: pages p95 < 50 ms, recording p95 < 30 ms.
Then the same pages under 50 concurrent clients against `rankfile serve` on loopback.

Usage: python bench/coworkers.py [--coworkers 100000] [--database-url URL] [--runs 200]
"""

from __future__ import annotations

import argparse
import itertools
import os
import re
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import RANKFILE, ServerClock, report, seed_demo, server_timed

# The committee sees all coworkers, so a search that matches few names, or only names late in
# the alphabet, is the one that used to read the whole list.
SEARCHES = (
    ("garcia", "early in the alphabet"),
    ("smith", "late in the alphabet"),
    ("zzqx", "no match"),
    ("phlebotomist", "job title only"),
    ("radiology", "department only"),
    ("nurse", "a quarter of everyone"),
    ("zq", "2 characters, no match"),
    ("an", "2 characters"),
)


def search(client: Any, query: str) -> Any:
    """The list as htmx asks for it while the member types."""
    response = client.get(
        "/campaigns/demo/coworkers", params={"q": query}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200, response.status_code
    return response


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--coworkers", type=int, default=100_000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=50)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="rankfile-bench-")
    url = args.database_url or f"sqlite:///{tmp}/bench.db"
    os.environ.update(DATABASE_URL=url, RANKFILE_ENV="development")
    logins = seed_demo(url, args.coworkers)

    from fastapi.testclient import TestClient
    from sqlalchemy import text

    from app.db import get_engine

    engine = get_engine(url)
    if engine.dialect.name == "postgresql":
        # What autovacuum would have done by the time anyone looks: without statistics the
        # planner guesses, and the figures would measure its guesses.
        with engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))

    from app.asgi import app  # as `rankfile serve` builds it, startup memory settled

    clock = ServerClock(app)

    def logged_in(email: str) -> TestClient:
        client = TestClient(clock, headers={"Sec-Fetch-Site": "same-origin"})
        response = client.post("/login", data={"email": email, "password": logins[email]})
        assert response.status_code == 200, response.status_code
        return client

    organizer = logged_in("organizer@example.org")
    committee = logged_in("committee@example.org")
    my_list = organizer.get("/campaigns/demo/coworkers").text
    mine = re.findall(r"/campaigns/demo/coworkers/(\d+)\"", my_list)
    print(f"database: {url.split(':')[0]}; the organizer's list holds {len(mine)} on page 1")
    detail_url = f"/campaigns/demo/coworkers/{mine[0]}"
    levels = itertools.cycle("12345")

    def record() -> None:
        response = organizer.post(
            f"{detail_url}/assessments",
            data={"level": next(levels), "note": "bench"},
            headers={"HX-Request": "true"},
        )
        assert response.status_code == 200

    runs = args.runs
    report(
        "organizer: my list",
        server_timed(clock, lambda: organizer.get("/campaigns/demo/coworkers"), runs),
        50,
    )
    report(
        "committee: everyone, page 1",
        server_timed(clock, lambda: committee.get("/campaigns/demo/coworkers"), runs),
        50,
    )
    report(
        "committee: everyone, page 40",
        server_timed(clock, lambda: committee.get("/campaigns/demo/coworkers?page=40"), runs),
        50,
    )
    report(
        "committee: longest since assessed",
        server_timed(clock, lambda: committee.get("/campaigns/demo/coworkers?sort=stale"), runs),
        50,
    )
    for query, what in SEARCHES:
        report(
            f"committee: search {query!r} ({what})",
            server_timed(clock, lambda q=query: search(committee, q), runs),
            50,
        )
    report(
        "organizer: search 'an' (htmx)",
        server_timed(clock, lambda: search(organizer, "an"), runs),
        50,
    )
    report("coworker page", server_timed(clock, lambda: organizer.get(detail_url), runs), 50)
    report("record a level (htmx)", server_timed(clock, record, runs), 30)

    concurrent(url, logins, mine, args.concurrency, runs)


def concurrent(url: str, logins: dict[str, str], mine: list[str], clients: int, runs: int) -> None:
    """The same pages from `clients` threads against a real server on loopback."""
    import httpx2 as httpx

    port = 18000 + os.getpid() % 1000
    env = {**os.environ, "DATABASE_URL": url, "RANKFILE_ENV": "development"}
    server = subprocess.Popen(
        [RANKFILE, "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                httpx.get(f"{base}/login", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        browsers = []
        for _ in range(clients):
            browser = httpx.Client(base_url=base, headers={"Sec-Fetch-Site": "same-origin"})
            browser.post(
                "/login",
                data={
                    "email": "organizer@example.org",
                    "password": logins["organizer@example.org"],
                },
            )
            browsers.append(browser)

        def one(index: int) -> float:
            browser = browsers[index % clients]
            path = (
                "/campaigns/demo/coworkers"
                if index % 2
                else f"/campaigns/demo/coworkers/{mine[index % len(mine)]}"
            )
            started = time.perf_counter()
            response = browser.get(path)
            assert response.status_code == 200
            return (time.perf_counter() - started) * 1000

        with ThreadPoolExecutor(max_workers=clients) as pool:
            list(pool.map(one, range(clients * 2)))  # warm up
            samples = list(pool.map(one, range(clients * max(4, runs // 25))))
        report(f"{clients} concurrent organizers (2 workers)", samples)
        print(
            "  (latency seen by clients on loopback, queueing included;"
            " client and server share 2 cores)"
        )
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
