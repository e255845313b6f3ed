"""Hash and check staff passwords with argon2id."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import Argon2Error, InvalidHashError, UnsupportedParametersError

__all__ = ["hash_password", "verify_password"]

# The OWASP minimum for argon2id: strong enough for production, fast enough that a
# login (and a test suite that creates users) takes milliseconds, not seconds.
_HASHER = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)


def hash_password(plain: str) -> str:
    """Return an argon2id hash of ``plain`` with a fresh salt."""
    return _HASHER.hash(plain)


def verify_password(password_hash: str | None, plain: str) -> bool:
    """Tell whether ``plain`` matches ``password_hash``; anything wrong is simply False."""
    if not password_hash:
        return False  # an account without a password cannot log in
    try:
        return _HASHER.verify(password_hash, plain)
    except (Argon2Error, InvalidHashError, UnsupportedParametersError):
        return False
