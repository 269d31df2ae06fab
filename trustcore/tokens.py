"""Capabilities: share codes and secret tokens.

- The share code (join a session) has 69 random bits, written as 14 lowercase characters from an
  alphabet without look-alikes, so it can also be typed from a projector.
- Facilitator, participant and survey tokens have 144 random bits (``secrets.token_urlsafe(18)``), never
  starting with a dash so that one can be passed to the command line as it is.
- Only a token's SHA-256 is stored; comparisons run in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no i, l, o, 0, 1
CODE_LENGTH = 14  # 14 * log2(31) = 69.4 random bits
_CODE_CLEAN = re.compile(r"[\s\-_.]")
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str | None) -> str | None:
    """A typed or pasted code, tidied (case, spaces, dashes); None if it cannot be a code."""
    if not text:
        return None
    code = _CODE_CLEAN.sub("", str(text)).lower()
    if len(code) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in code):
        return None
    return code


def display_code(code: str) -> str:
    """A code grouped for reading aloud: ``abcd-efgh-jkmn-pq``."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def spelled_code(code: str) -> str:
    """The code letter by letter, in its groups, as a screen reader should say it: ``A B C D, E F G H, …``."""
    return ", ".join(" ".join(group.upper()) for group in display_code(code).split("-"))


def new_token() -> str:
    """A fresh token; never one that starts with "-", which a command line would read as an option."""
    while (token := secrets.token_urlsafe(18)).startswith("-"):
        pass
    return token


def looks_like_token(text: str | None) -> bool:
    return bool(text) and bool(_TOKEN.match(str(text)))


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_matches(token: str | None, stored_hash: str | None) -> bool:
    """Constant-time check of a presented token against a stored hash."""
    if not token or not stored_hash or not looks_like_token(token):
        # still spend the comparison so a wrong token and a malformed one take the same path
        hmac.compare_digest("0" * 64, stored_hash or "1" * 64)
        return False
    return hmac.compare_digest(hash_token(token), stored_hash)
