"""Indonesian formatting for official documents: dates, NIP, numbers in words, scores."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any

WIB = timezone(timedelta(hours=7), "WIB")
MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
          "Oktober", "November", "Desember")
DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
_SMALL_WORDS = frozenset({"dan", "di", "ke", "dari", "yang", "untuk", "atau", "pada", "serta", "dengan"})
_UNITS = ("", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan", "sepuluh",
          "sebelas")


def as_date(value: Any) -> date | None:
    """A date from a date, a datetime (taken in WIB) or an ISO string; None when unreadable."""
    if isinstance(value, datetime):
        return (value.astimezone(WIB) if value.tzinfo else value).date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value.strip():
        text = value.strip()
        try:
            return as_date(datetime.fromisoformat(text)) if "T" in text else date.fromisoformat(text[:10])
        except ValueError:
            return None
    return None


def tanggal(value: Any, default: str = "-") -> str:
    """`12 Maret 2027`; text that is not a date is shown as given."""
    day = as_date(value)
    if day is None:
        return str(value) if value not in (None, "") else default
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def hari_tanggal(value: Any, default: str = "-") -> str:
    """`Jumat, 12 Maret 2027`."""
    day = as_date(value)
    return f"{DAYS[day.weekday()]}, {tanggal(day)}" if day else tanggal(value, default)


def nip(value: Any) -> str:
    """An 18-digit NIP grouped 8-6-1-3 (`19740727 200604 1 003`); other values as given."""
    digits = "".join(ch for ch in str(value or "") if ch.isdigit())
    if len(digits) != 18:
        return str(value or "").strip()
    return f"{digits[:8]} {digits[8:14]} {digits[14]} {digits[15:]}"


def terbilang(number: int) -> str:
    """A whole number from 0 to 999,999 in Indonesian words (`12` → `dua belas`)."""
    if number < 0 or number > 999_999:
        return str(number)
    if number == 0:
        return "nol"
    return _words(number)


def _words(n: int) -> str:
    if n < 12:
        return _UNITS[n]
    if n < 20:
        return f"{_UNITS[n - 10]} belas"
    if n < 100:
        return _join(f"{_UNITS[n // 10]} puluh", n % 10)
    if n < 200:
        return _join("seratus", n - 100)
    if n < 1000:
        return _join(f"{_UNITS[n // 100]} ratus", n % 100)
    if n < 2000:
        return _join("seribu", n - 1000)
    return _join(f"{_words(n // 1000)} ribu", n % 1000)


def _join(head: str, rest: int) -> str:
    return f"{head} {_words(rest)}" if rest else head


def count_words(number: int, noun: str) -> str:
    """`1 (satu) berkas`, the way letters write counts."""
    return f"{number} ({terbilang(number)}) {noun}"


def decimal(value: Any, places: int = 2) -> str:
    """A number with a decimal comma (`91,17`); non-numbers as given, empty as `-`."""
    if isinstance(value, bool) or value is None or value == "":
        return "-"
    if isinstance(value, int | float):
        return f"{value:.{places}f}".replace(".", ",")
    return str(value)


def weight(value: Any) -> str:
    """A component weight without needless decimals (`20`, `12,5`)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:g}".replace(".", ",")
    return str(value or "-")


def judul(text: Any) -> str:
    """Title case the Indonesian way, small words in lower case (`Dinas Perpustakaan dan Kearsipan`)."""
    words = str(text or "").lower().split()
    return " ".join(w if i and w in _SMALL_WORDS else w[:1].upper() + w[1:] for i, w in enumerate(words))


def paragraphs(text: Any) -> list[str]:
    """Free text split into paragraphs at blank lines or line breaks, empty ones dropped."""
    if not isinstance(text, str):
        return []
    return [part.strip() for part in text.replace("\r\n", "\n").split("\n") if part.strip()]
