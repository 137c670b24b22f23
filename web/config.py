"""Web-only configuration, read once from the environment beside `engine.config.from_env`.

SENAPAS_SECURE_COOKIES     "0" lets the session cookie travel over plain HTTP (the local demo);
                           default: Secure unless the app runs in debug or testing mode
SENAPAS_COMPLAINT_LIMIT    public complaints per client address and window, "count/seconds"
                           (default 5/600)
SENAPAS_LOGIN_LIMIT        failed login and token attempts per client address and per username,
                           "count/seconds" (default 20/300); successful ones never count
SENAPAS_REDIS_URL          count the rate limits in this Redis (redis://host:6379/0) instead of the
                           database; optional
SENAPAS_REDIS_PREFIX       the prefix of those keys in Redis (default "senapas")
SENAPAS_PROXY_HOPS         reverse proxies in front whose X-Forwarded-For is trusted (default 0)
SENAPAS_TOKEN_HOURS        lifetime of API bearer tokens in hours (default 12)
SENAPAS_SESSION_HOURS      a page login ends after this many hours without a request (default 8)
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

MB = 1024 * 1024


def parse_limit(text: str) -> tuple[int, float]:
    """A "count/seconds" rate limit as numbers; a malformed value is a configuration error."""
    count, _, seconds = text.partition("/")
    try:
        limit = (int(count), float(seconds))
    except ValueError as exc:
        raise ValueError(f"batas laju harus berbentuk jumlah/detik, bukan {text!r}") from exc
    if limit[0] < 1 or limit[1] <= 0:
        raise ValueError(f"batas laju harus positif: {text!r}")
    return limit


def from_env(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Flask config keys for the web layer, from SENAPAS_* variables with their defaults."""
    env = os.environ if environ is None else environ
    config: dict[str, Any] = {
        "COMPLAINT_RATE_LIMIT": parse_limit(env.get("SENAPAS_COMPLAINT_LIMIT", "5/600")),
        "LOGIN_RATE_LIMIT": parse_limit(env.get("SENAPAS_LOGIN_LIMIT", "20/300")),
        "REDIS_URL": env.get("SENAPAS_REDIS_URL", "").strip() or None,
        "REDIS_PREFIX": env.get("SENAPAS_REDIS_PREFIX", "senapas"),
        "PROXY_HOPS": int(env.get("SENAPAS_PROXY_HOPS", "0")),
        "TOKEN_HOURS": float(env.get("SENAPAS_TOKEN_HOURS", "12")),
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=float(env.get("SENAPAS_SESSION_HOURS", "8"))),
        # Uploads (BPMN files) may be larger than JSON bodies; both are refused with 413 beyond.
        "MAX_CONTENT_LENGTH": 5 * MB,
        "JSON_MAX_BYTES": 1 * MB,
    }
    if "SENAPAS_SECURE_COOKIES" in env:
        config["SECURE_COOKIES"] = env["SENAPAS_SECURE_COOKIES"].strip().lower() not in ("0", "false", "no")
    return config
