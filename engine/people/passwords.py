"""The password policy: long enough, not the username, not one of the passwords everyone tries first.

It applies wherever a person chooses a password (`senapas users add`, a password change, the demo's
seeding); stored hashes of older, weaker passwords keep working until their owner changes them.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from engine.errors import BadRequest

MIN_LENGTH = 10
COMMON_PASSWORDS = Path(__file__).with_name("common_passwords.txt")


def check_policy(username: str, password: str) -> None:
    """Refuse a password that is short, equals (or mirrors) the username, or is commonly used."""
    if len(password) < MIN_LENGTH:
        raise BadRequest("password_too_short", minimum=MIN_LENGTH)
    folded = password.strip().casefold()
    name = username.strip().casefold()
    if name and name in (folded, folded[::-1]):
        raise BadRequest("password_is_username")
    if folded in common_passwords() or len(set(folded)) <= 2:
        raise BadRequest("password_too_common")


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of commonly used passwords (one a line, `#` starts a comment), case-folded."""
    lines = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().casefold() for line in lines if line.strip() and not line.startswith("#"))
