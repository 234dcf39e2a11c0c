"""User-facing text goes through gettext, so that a translation is a file, not a rewrite."""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.support import Translations
from jinja2 import Environment, FileSystemLoader

from app.paths import TEMPLATES_DIR

ROOT = Path(__file__).resolve().parents[2]


def extracted_messages() -> set[str]:
    method_map = [("app/**.py", "python"), ("templates/**.html", "jinja2")]
    options = {"templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    return {
        message if isinstance(message, str) else message[0]
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT),
            method_map,
            options_map=options,
            keywords={"_": None, "gettext": None, "N_": None, "ngettext": (1, 2)},
        )
    }


def test_templates_and_code_strings_are_extractable() -> None:
    messages = extracted_messages()
    for expected in (
        "Log in",
        "Log out",
        "Password",
        "Unassessed",
        "Leader",
        "Opposed",
        "active coworkers",
        "Not found",
        "Email or password is incorrect, or the account is disabled.",
    ):
        assert expected in messages, expected


def test_a_catalogue_translates_a_page(tmp_path: Path) -> None:
    catalog = Catalog(locale="es")
    catalog.add("Log in", "Iniciar sesión")
    catalog.add("Email", "Correo")
    mo_path = tmp_path / "es" / "LC_MESSAGES" / "messages.mo"
    mo_path.parent.mkdir(parents=True)
    with mo_path.open("wb") as handle:
        write_mo(handle, catalog)
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR), autoescape=True, extensions=["jinja2.ext.i18n"]
    )
    environment.install_gettext_translations(  # type: ignore[attr-defined]
        Translations.load(str(tmp_path), ["es"]), newstyle=True
    )
    html = environment.get_template("accounts/login.html").render(
        next_path="/", email="", error=None, current_user=None
    )
    assert "Iniciar sesión" in html
    assert "Correo" in html
