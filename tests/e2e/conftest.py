"""Real-browser tests: the real `rankfile` commands serve a real database to Debian's Chromium.

Chromium is found at RANKFILE_CHROMIUM (default /usr/bin/chromium); Playwright cannot download a
browser of its own here. Without Chromium these tests are skipped locally and fail in CI.

One server runs for the whole session, started exactly as `make run` does: `rankfile migrate`,
`rankfile demo` (whose printed logins the tests use) and `rankfile serve`, in development mode
(plain HTTP on loopback) on a free port, with its own SQLite file in a temporary folder.
"""

from __future__ import annotations

import http.client
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page

from tests.conftest import require
from tests.e2e.browser import Watch

CHROMIUM = Path(os.environ.get("RANKFILE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
RANKFILE = Path(sys.executable).parent / "rankfile"
SERVER_START_SECONDS = 30
COMMAND_SECONDS = 120
# As printed by `rankfile demo`: "  organizer  email: organizer@example.org  password: ..."
DEMO_LOGIN_LINE = re.compile(
    r"^\s+(?P<role>admin|committee|organizer)\s+email:\s+(?P<email>\S+)\s+password:\s+(?P<password>\S+)\s*$"
)


@dataclass(frozen=True)
class Login:
    email: str
    password: str


@dataclass(frozen=True)
class LiveServer:
    base_url: str
    logins: dict[str, Login]

    @property
    def admin(self) -> Login:
        return self.logins["admin"]

    @property
    def committee(self) -> Login:
        return self.logins["committee"]

    @property
    def organizer(self) -> Login:
        return self.logins["organizer"]

    def url(self, path: str) -> str:
        return self.base_url + path


@pytest.fixture(scope="session")
def chromium_executable() -> Path:
    require(
        CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK),
        f"Chromium at {str(CHROMIUM)!r} (set RANKFILE_CHROMIUM)",
    )
    return CHROMIUM


@pytest.fixture(scope="session")
def browser_type_launch_args(
    browser_type_launch_args: dict[str, Any], chromium_executable: Path
) -> dict[str, Any]:
    """pytest-playwright's launch options, with Debian's Chromium, headless and quiet."""
    return {
        **browser_type_launch_args,
        "executable_path": str(chromium_executable),
        "args": CHROMIUM_ARGS,
        "headless": True,
    }


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def server_env(database_url: str) -> dict[str, str]:
    # Nothing of the developer's own configuration leaks in: only these two settings.
    env = {key: value for key, value in os.environ.items() if not key.startswith("RANKFILE_")}
    env.pop("DATABASE_URL", None)
    env["DATABASE_URL"] = database_url
    env["RANKFILE_ENV"] = "development"
    return env


def run_command(args: list[str], *, cwd: Path, env: dict[str, str]) -> str:
    result = subprocess.run(
        [str(RANKFILE), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=COMMAND_SECONDS,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(
            f"`rankfile {' '.join(args)}` exited with {result.returncode}:\n"
            f"{result.stdout}\n{result.stderr}",
            pytrace=False,
        )
    return result.stdout


def parse_demo_logins(stdout: str) -> dict[str, Login]:
    logins = {}
    for line in stdout.splitlines():
        match = DEMO_LOGIN_LINE.match(line)
        if match:
            logins[match["role"]] = Login(email=match["email"], password=match["password"])
    if set(logins) != {"admin", "committee", "organizer"}:
        pytest.fail(f"`rankfile demo` did not print three logins:\n{stdout}", pytrace=False)
    return logins


def login_page_status(port: int) -> int | None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        connection.request("GET", "/login")
        return connection.getresponse().status
    except OSError:
        return None
    finally:
        connection.close()


def wait_until_serving(process: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"`rankfile serve` exited with {process.returncode}:\n{log.read_text()}",
                pytrace=False,
            )
        if login_page_status(port) == 200:
            return
        time.sleep(0.1)
    pytest.fail(
        f"`rankfile serve` did not answer GET /login with 200 within {SERVER_START_SECONDS} s:\n"
        f"{log.read_text()}",
        pytrace=False,
    )


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def live_server(
    chromium_executable: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """Rankfile migrated, seeded with the demo campaign and served on a free loopback port."""
    # Depends on chromium_executable so that without a browser nothing is started for nothing.
    workdir = tmp_path_factory.mktemp("e2e")
    env = server_env(f"sqlite:///{workdir / 'e2e.db'}")
    run_command(["migrate"], cwd=workdir, env=env)
    logins = parse_demo_logins(run_command(["demo"], cwd=workdir, env=env))

    port = free_port()
    log = workdir / "server.log"
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            [str(RANKFILE), "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=workdir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_serving(process, port, log)
        yield LiveServer(base_url=f"http://127.0.0.1:{port}", logins=logins)
    finally:
        stop(process)


@pytest.fixture(scope="session")
def base_url(live_server: LiveServer) -> str:
    """pytest-playwright's base_url (its own default fixture warns on pytest 9): the server's."""
    return live_server.base_url


OpenPage = Callable[[dict[str, Any]], tuple[Page, Watch]]


@pytest.fixture
def open_page(new_context: Callable[..., BrowserContext], live_server: LiveServer) -> OpenPage:
    """A new page in a new, watched browser context with the given device options."""

    def open_(options: dict[str, Any]) -> tuple[Page, Watch]:
        context = new_context(**options)
        watch = Watch(origin=live_server.base_url)
        watch.attach(context)
        return context.new_page(), watch

    return open_
