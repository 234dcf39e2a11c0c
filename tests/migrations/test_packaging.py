"""The wheel must carry everything `rankfile` reads at run time and work from any directory.

Templates, static files and migrations live at the top of the repository; only pyproject's
force-include puts them into the package. These tests build the real wheel, unpack it and run it
with the virtualenv's interpreter supplying the dependencies, away from the checkout.
"""

from __future__ import annotations

import configparser
import importlib.util
import os
import re
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlmodel import SQLModel

import app.models  # noqa: F401  (registers every table on the metadata)
from app.migrate import alembic_config

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
MIGRATION_FILES = sorted(path.name for path in (ROOT / "migrations" / "versions").glob("*.py"))

# What pip's generated `rankfile` script does: import the entry point and exit with its result.
LAUNCHER = (
    "import sys; from importlib import import_module; "
    "module, _, name = sys.argv.pop(1).partition(':'); sys.argv[0] = 'rankfile'; "
    "sys.exit(getattr(import_module(module), name)())"
)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's wheel, built by pip as a user would build it."""
    out = tmp_path_factory.mktemp("wheel")
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out)]
    if importlib.util.find_spec("hatchling") is not None:
        command.append("--no-build-isolation")
    # Without hatchling in the virtualenv, pip fetches the pinned build backend from PyPI.
    built = subprocess.run(
        [*command, str(ROOT)], capture_output=True, text=True, timeout=600, check=False
    )
    assert built.returncode == 0, built.stderr
    [path] = out.glob("rankfile-*.whl")
    return path


@pytest.fixture(scope="module")
def names(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


@pytest.fixture(scope="module")
def unpacked(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("site")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(target)
    return target


def run_from_elsewhere(
    unpacked: Path, cwd: Path, *args: str, database_url: str = ""
) -> subprocess.CompletedProcess[str]:
    """Python with only the unpacked wheel on its path for `app`, in an unrelated directory."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("RANKFILE_") and key not in ("DATABASE_URL", "PYTHONPATH")
    }
    env["PYTHONPATH"] = str(unpacked)
    if database_url:
        env["DATABASE_URL"] = database_url
    return subprocess.run(
        [sys.executable, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def tables_in(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def alembic_version(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]


def test_wheel_carries_templates_static_files_and_migrations(names: set[str]) -> None:
    """Without these files an installed `rankfile` serves errors or cannot migrate."""
    required = {
        "app/templates/base.html",
        "app/static/css/app.css",
        "app/static/js/app.js",
        "app/migrations/env.py",
        "app/migrations/script.py.mako",
    }
    assert required <= names
    packed = sorted(
        name.rsplit("/", 1)[1]
        for name in names
        if re.fullmatch(r"app/migrations/versions/[^/]+\.py", name)
    )
    assert packed == MIGRATION_FILES
    assert not [name for name in names if "__pycache__" in name or name.endswith(".pyc")]


def test_wheel_carries_every_static_file_the_templates_link(names: set[str]) -> None:
    """Assets are served from the package; a missing vendor file breaks every page."""
    linked = {
        match
        for template in (ROOT / "templates").rglob("*.html")
        for match in re.findall(r'(?:href|src)="/static/([^"?#]+)"', template.read_text())
    }
    assert linked, "expected the templates to link static files"
    missing = sorted(path for path in linked if f"app/static/{path}" not in names)
    assert missing == [], "not in the wheel (run `make assets` before building)"


def test_installed_paths_resolve_inside_the_package(unpacked: Path, tmp_path: Path) -> None:
    """An installed copy must not look for templates next to whatever directory it runs in."""
    probe = (
        "import app, app.paths as p; "
        "print(app.__file__); print(p.TEMPLATES_DIR); print(p.STATIC_DIR); print(p.MIGRATIONS_DIR)"
    )
    result = run_from_elsewhere(unpacked, tmp_path, "-c", probe)
    assert result.returncode == 0, result.stderr
    module, templates, static, migrations = (Path(line) for line in result.stdout.splitlines())
    package = unpacked / "app"
    assert module == package / "__init__.py"
    assert templates == package / "templates"
    assert static == package / "static"
    assert migrations == package / "migrations"
    assert (templates / "base.html").is_file()


def test_rankfile_migrate_from_the_wheel_creates_the_tables(
    wheel: Path, unpacked: Path, tmp_path: Path
) -> None:
    """`rankfile migrate`, as pip installs it, must find its migrations from any directory."""
    entry_points = configparser.ConfigParser()
    dist_info = next(unpacked.glob("rankfile-*.dist-info"))
    entry_points.read(dist_info / "entry_points.txt")
    target = entry_points["console_scripts"]["rankfile"]
    database = tmp_path / "x.db"
    workdir = tmp_path / "elsewhere"
    workdir.mkdir()

    result = run_from_elsewhere(
        unpacked, workdir, "-c", LAUNCHER, target, "migrate", database_url=f"sqlite:///{database}"
    )

    assert result.returncode == 0, result.stderr
    assert "Database is up to date." in result.stdout
    assert set(SQLModel.metadata.tables) <= tables_in(database)
    assert alembic_version(database) == head_revision()
    assert list(workdir.iterdir()) == [], "nothing may be written to the working directory"


def test_python_m_app_cli_migrate_from_the_wheel(unpacked: Path, tmp_path: Path) -> None:
    """`python -m app.cli` is the way to run the command without the console script."""
    database = tmp_path / "x.db"
    result = run_from_elsewhere(
        unpacked, tmp_path, "-m", "app.cli", "migrate", database_url=f"sqlite:///{database}"
    )
    assert result.returncode == 0, result.stderr
    assert database.exists(), "the command exited 0 without migrating"
    assert set(SQLModel.metadata.tables) <= tables_in(database)
    assert alembic_version(database) == head_revision()
