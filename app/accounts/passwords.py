"""Password hashing (argon2 through pwdlib) and the password policy."""

from __future__ import annotations

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from app.errors import InvalidInput

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256
UNUSABLE_PASSWORD = "!"  # noqa: S105  (a hash that no password verifies against)

_hasher = PasswordHash((Argon2Hasher(),))
# Verified against when the account does not exist, so that the response takes as long as for a
# real account and does not reveal which emails have one.
_DUMMY_HASH = _hasher.hash("rankfile-dummy-password-for-timing")

# Long passwords that still appear at the top of breach corpora; refused outright.
COMMON_PASSWORDS = frozenset(
    {
        "123456789012",
        "1234567890123",
        "12345678901234",
        "123456789abc",
        "1q2w3e4r5t6y",
        "aaaaaaaaaaaa",
        "abc123456789",
        "abcdefghijkl",
        "abcd1234abcd",
        "administrator",
        "changemenow!",
        "iloveyou1234",
        "letmein12345",
        "password1234",
        "password12345",
        "password123!",
        "passwordpassword",
        "qwerty123456",
        "qwertyuiop12",
        "qwertyuiopas",
        "solidarity123",
        "solidarityforever",
        "unionstrong1",
        "unionstrong123",
        "welcome12345",
        "welcome123456",
    }
)


def check_password_policy(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            f"password is too short: use at least {MIN_PASSWORD_LENGTH} characters",
            field="password",
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidInput(
            f"password is too long: use at most {MAX_PASSWORD_LENGTH} characters", field="password"
        )
    if password.lower() in COMMON_PASSWORDS or len(set(password)) < 4:
        raise InvalidInput("password is too common: choose a longer passphrase", field="password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str | None) -> tuple[bool, str | None]:
    """Whether the password matches, and a new hash when the stored one uses old parameters."""
    if not password_hash or password_hash == UNUSABLE_PASSWORD:
        _hasher.verify(password, _DUMMY_HASH)
        return False, None
    return _hasher.verify_and_update(password, password_hash)
