"""The password policy, hashing, and settings that refuse to run unsafely."""

from __future__ import annotations

import pytest

from app.accounts.passwords import (
    UNUSABLE_PASSWORD,
    check_password_policy,
    hash_password,
    verify_password,
)
from app.accounts.service import generate_password, normalise_email
from app.errors import InvalidInput
from app.settings import INSECURE_DEVELOPMENT_KEY, ConfigurationError, Environment, Settings


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short pass1", "too short"),
        ("password1234", "too common"),
        ("aaaaaaaaaaaaaaaa", "too common"),
        ("x" * 300, "too long"),
    ],
)
def test_weak_passwords_are_refused(password: str, reason: str) -> None:
    with pytest.raises(InvalidInput, match=reason):
        check_password_policy(password)


def test_a_long_passphrase_is_accepted_and_verifies() -> None:
    password = "staffing ratios save lives"
    check_password_policy(password)
    stored = hash_password(password)
    assert stored.startswith("$argon2id$")
    assert password not in stored
    assert verify_password(password, stored)[0]
    assert not verify_password("staffing ratios save live", stored)[0]


def test_an_unusable_hash_never_verifies() -> None:
    assert verify_password("", UNUSABLE_PASSWORD) == (False, None)
    assert verify_password("anything at all", None) == (False, None)


def test_generated_passwords_pass_the_policy_and_differ() -> None:
    first, second = generate_password(), generate_password()
    check_password_policy(first)
    assert first != second
    assert len(first) >= 20


@pytest.mark.parametrize("email", ["bad", "a@b", "two@@example.org", "sp ace@example.org", ""])
def test_malformed_emails_are_refused(email: str) -> None:
    with pytest.raises(InvalidInput, match="malformed email"):
        normalise_email(email)


def test_emails_are_compared_lower_case() -> None:
    assert normalise_email("  Ana.Organizer@Example.ORG ") == "ana.organizer@example.org"


def test_production_refuses_to_start_without_a_real_secret() -> None:
    with pytest.raises(ConfigurationError, match="RANKFILE_SECRET_KEY is not set"):
        Settings(env=Environment.production, secret_key="").check_secret()
    with pytest.raises(ConfigurationError, match="RANKFILE_SECRET_KEY is not set"):
        Settings(env=Environment.production, secret_key=INSECURE_DEVELOPMENT_KEY).check_secret()
    with pytest.raises(ConfigurationError, match="too short"):
        Settings(env=Environment.production, secret_key="short-secret").check_secret()
    Settings(env=Environment.production, secret_key="s" * 40).check_secret()


@pytest.mark.parametrize("env", [Environment.development, Environment.test])
def test_development_and_tests_run_without_a_secret(env: Environment) -> None:
    settings = Settings(env=env, secret_key="")
    settings.check_secret()
    assert not settings.secure_cookies
    assert settings.session_cookie_name == "rankfile_session"


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1/rankfile")
    monkeypatch.setenv("RANKFILE_ENV", "production")
    monkeypatch.setenv("RANKFILE_SESSION_IDLE_MINUTES", "10")
    settings = Settings()
    assert settings.database_url == "postgresql://postgres@127.0.0.1/rankfile"
    assert settings.is_production
    assert settings.secure_cookies
    assert settings.session_cookie_name == "__Host-rankfile_session"
    assert settings.session_idle_minutes == 10


def test_the_default_environment_is_production(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RANKFILE_ENV", raising=False)
    assert Settings(_env_file=None).is_production  # type: ignore[call-arg]
