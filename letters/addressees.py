"""Who receives the notification letters about a library: the authority that supervises it.

The table is the `letter_supervisors` setting, keyed by library type or "type:subtype" (the more
precise key wins): SMA/SMK/SLB belong to the province's Cabang Dinas Pendidikan, SD/SMP to the
regency's education office, madrasahs to Kemenag, village libraries to their village government.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

_PLACEHOLDER = re.compile(r"\{(desa|kecamatan|institution|name)\}")


def supervisor_of(table: Mapping[str, Any], library: Mapping[str, Any]) -> str:
    """The addressee who supervises this library, or "" when the table has no entry for its type."""
    kind = str(library.get("library_type") or "").strip().lower()
    subtype = str(library.get("subtype") or "").strip()
    found = next((table[key] for key in (f"{kind}:{subtype}", kind) if key in table), None)
    if not kind or not isinstance(found, str) or not found.strip():
        return ""
    values = {"desa": library.get("desa"), "kecamatan": library.get("kecamatan"),
              "institution": library.get("institution"),
              "name": library.get("library_name") or library.get("name")}
    # Only the named placeholders are replaced (no str.format): the table is typed into the settings.
    text = _PLACEHOLDER.sub(lambda m: str(values[m.group(1)] or "").strip(), found)
    return " ".join(text.split())


def addressees(chosen: Iterable[str], table: Mapping[str, Any], libraries: Iterable[Mapping[str, Any]]) -> list[str]:
    """The letter's chosen addressees, then the supervisor of each scheduled library, each once."""
    names: list[str] = []
    for name in [*chosen, *(supervisor_of(table, library) for library in libraries)]:
        if name and name.casefold() not in {n.casefold() for n in names}:
            names.append(name)
    return names
