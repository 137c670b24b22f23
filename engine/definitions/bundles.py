"""Bundles: every file one startable process needs (its BPMN, DMN, forms, instruments, scenario tests).

A bundle is a mapping of relative path -> bytes: `*.bpmn` and `*.dmn` at the top, `forms/*.json`,
`instruments/*.json` and `tests/*.json`. It arrives as a folder, as several uploaded files or as a
zip; a zip is hostile input, so its size, file count, total uncompressed size and paths are checked
before anything is read out of it. Its hash covers every name and every byte, in name order.
"""

from __future__ import annotations

import hashlib
import io
import re
import stat
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from engine.errors import BadRequest, TooLarge

MAX_FILES = 200
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_TOTAL_BYTES = 20 * 1024 * 1024
FOLDERS = ("forms", "instruments", "tests")
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,150}")
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
# A fixed timestamp keeps a downloaded bundle byte-identical however often it is made.
_EPOCH = (1980, 1, 1, 0, 0, 0)

Bundle = dict[str, bytes]


def check_path(name: str) -> str:
    """The bundle path of a file, or BadRequest: no absolute paths, `..`, unknown folders or kinds."""
    _check_raw(name)
    clean = name.replace("\\", "/")
    parts = clean.split("/")
    if "" in parts or "." in parts:
        raise BadRequest("bundle_path_invalid", name=name)
    if not all(_NAME.fullmatch(part) for part in parts):
        raise BadRequest("bundle_path_invalid", name=name)
    if clean.lower().endswith(".zip"):
        raise BadRequest("bundle_nested_zip", name=name)
    if len(parts) == 1 and clean.endswith((".bpmn", ".dmn")):
        return clean
    if len(parts) == 2 and parts[0] in FOLDERS and clean.endswith(".json"):
        return clean
    raise BadRequest("bundle_file_unexpected", name=name)


def _check_raw(name: str) -> None:
    """Refuse absolute paths (also Windows drives) and any `..` step, before anything else is read."""
    clean = name.replace("\\", "/")
    if clean.startswith("/") or re.match(r"[A-Za-z]:", clean) or ".." in clean.split("/"):
        raise BadRequest("bundle_path_invalid", name=name)


def place(name: str) -> str:
    """Where an uploaded file goes: its own bundle path, or a bare `.json` file into `forms/`."""
    clean = name.replace("\\", "/")
    if "/" not in clean and clean.endswith(".json"):
        clean = f"forms/{clean}"
    return check_path(clean)


def from_files(files: Iterable[tuple[str, bytes]]) -> Bundle:
    """A bundle from uploaded (name, bytes) pairs, with the same caps as a zip."""
    bundle: Bundle = {}
    for name, content in files:
        path = place(name)
        if path in bundle:
            raise BadRequest("bundle_file_twice", name=path)
        if content.startswith(_ZIP_MAGIC):
            raise BadRequest("bundle_nested_zip", name=name)
        bundle[path] = content
        _check_caps(bundle)
    return bundle


def from_zip(data: bytes) -> Bundle:
    """A bundle from a zip: every entry checked before any is decompressed; one top folder is dropped."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = [info for info in archive.infolist() if not info.is_dir()]
    except (zipfile.BadZipFile, ValueError, EOFError) as exc:
        raise BadRequest("bundle_not_zip") from exc
    if len(entries) > MAX_FILES:
        raise TooLarge("bundle_too_many_files", limit=MAX_FILES)
    if sum(info.file_size for info in entries) > MAX_TOTAL_BYTES:
        raise TooLarge("bundle_too_large", limit_mb=MAX_TOTAL_BYTES // (1024 * 1024))
    for info in entries:
        if stat.S_ISLNK(info.external_attr >> 16):
            raise BadRequest("bundle_path_invalid", name=info.filename)
        _check_raw(info.filename)
    names = [info.filename for info in entries]
    prefix = _common_folder(names)
    bundle: Bundle = {}
    with archive:
        for info in entries:
            path = check_path(info.filename[len(prefix):])
            if path in bundle:
                raise BadRequest("bundle_file_twice", name=path)
            bundle[path] = _read_entry(archive, info)
            if bundle[path].startswith(_ZIP_MAGIC):
                raise BadRequest("bundle_nested_zip", name=info.filename)
            _check_caps(bundle)
    if not bundle:
        raise BadRequest("bundle_empty")
    return bundle


def from_folder(folder: Path) -> Bundle:
    """A bundle from a folder on disk: its top-level BPMN/DMN files and the JSON files of its known folders."""
    bundle: Bundle = {}
    for path in sorted(folder.iterdir()):
        if path.is_file() and not path.is_symlink() and path.suffix in (".bpmn", ".dmn"):
            bundle[path.name] = path.read_bytes()
    for sub in FOLDERS:
        if (folder / sub).is_dir():
            for path in sorted((folder / sub).iterdir()):
                if path.is_file() and not path.is_symlink() and path.suffix == ".json":
                    bundle[f"{sub}/{path.name}"] = path.read_bytes()
    _check_caps(bundle)
    return bundle


def is_bundle_folder(folder: Path) -> bool:
    """Whether a folder holds a BPMN file at its top (a bundle), rather than bundles in subfolders."""
    return any(p.suffix == ".bpmn" and p.is_file() for p in folder.iterdir())


def digest(bundle: Mapping[str, bytes]) -> str:
    """A stable SHA-256 over every path and its bytes, in path order (lengths framed)."""
    hashed = hashlib.sha256()
    for name in sorted(bundle):
        content = bundle[name]
        hashed.update(f"{len(name)}:{name}:{len(content)}:".encode())
        hashed.update(content)
    return hashed.hexdigest()


def to_zip(bundle: Mapping[str, bytes]) -> bytes:
    """The bundle as a zip, byte-identical for the same content (fixed times, path order)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(bundle):
            info = zipfile.ZipInfo(name, date_time=_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, bundle[name])
    return buffer.getvalue()


def bpmn_names(bundle: Mapping[str, bytes]) -> list[str]:
    """The BPMN files of a bundle, in name order."""
    return sorted(name for name in bundle if name.endswith(".bpmn"))


def _common_folder(names: list[str]) -> str:
    """`folder/` when every entry sits under that one folder (a zipped bundle folder), else ``."""
    firsts = {name.replace("\\", "/").split("/", 1)[0] for name in names}
    if len(firsts) == 1 and all("/" in name.replace("\\", "/") for name in names):
        first = next(iter(firsts))
        if first not in FOLDERS:
            return f"{first}/"
    return ""


def _read_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """An entry's bytes, refusing one that inflates past its declared size or the per-file cap."""
    if info.file_size > MAX_FILE_BYTES:
        raise TooLarge("bundle_file_too_large", name=info.filename, limit_mb=MAX_FILE_BYTES // (1024 * 1024))
    try:
        with archive.open(info) as handle:
            content = handle.read(info.file_size + 1)
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, ValueError, EOFError) as exc:
        raise BadRequest("bundle_not_zip") from exc
    if len(content) > info.file_size:
        raise BadRequest("bundle_not_zip")
    return content


def _check_caps(bundle: Mapping[str, bytes]) -> None:
    if len(bundle) > MAX_FILES:
        raise TooLarge("bundle_too_many_files", limit=MAX_FILES)
    for name, content in bundle.items():
        if len(content) > MAX_FILE_BYTES:
            raise TooLarge("bundle_file_too_large", name=name, limit_mb=MAX_FILE_BYTES // (1024 * 1024))
    if sum(len(c) for c in bundle.values()) > MAX_TOTAL_BYTES:
        raise TooLarge("bundle_too_large", limit_mb=MAX_TOTAL_BYTES // (1024 * 1024))
