"""Uploaded documents: content-addressed files outside the event log; the event records only their hash.

A file is kept under its SHA-256 (``ab/cdef…``) in a folder beside the SQLite file
(``<db stem>.dokumente``) or in ``FOERDERBUCH_DOCUMENT_DIR``. The uploaded file name is metadata only
and never part of a path. A file is written to a temporary file in the same folder and renamed into
place, so a reader never sees half a file; the same content uploaded twice is kept once.

Limits: 10 MB per file; the type is found by sniffing the first bytes (the client's word is not
trusted): PDF, PNG, JPEG and the zip-based office formats (docx, xlsx, odt). Everything else is
refused with a German message.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
import threading
import unicodedata
import zipfile
from pathlib import Path
from typing import Any, BinaryIO

from domain.errors import InvalidInputError
from foerderbuch.settings import Settings

MAX_BYTES = 10 * 1024 * 1024
CHUNK = 64 * 1024
FIELD = "dateien"
DIGEST = re.compile(r"[0-9a-f]{64}")

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"
ZIP = "application/zip"
ALLOWED = "PDF, PNG, JPEG, Word (docx), Excel (xlsx) oder OpenDocument (odt)"


def sniff(head: bytes) -> str | None:
    """The content type by the first bytes, or None for a type that is not accepted. Zip files answer
    ``application/zip``; ``office_type`` then looks inside."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        return ZIP
    return None


MAX_ZIP_ENTRIES = 2000
MAX_EXPANDED_BYTES = 100 * 1024 * 1024
MAX_RATIO = 200  # an office file's parts compress well, but not a thousandfold


def zip_within_limits(archive: zipfile.ZipFile) -> bool:
    """Refuses a zip bomb by its directory (nothing is unpacked): too many entries, too much when unpacked,
    or a member that claims to unpack to far more than it compresses from."""
    entries = archive.infolist()
    if len(entries) > MAX_ZIP_ENTRIES:
        return False
    expanded = 0
    for entry in entries:
        expanded += entry.file_size
        if expanded > MAX_EXPANDED_BYTES:
            return False
        if entry.file_size > 1024 * 1024 and entry.file_size > MAX_RATIO * max(entry.compress_size, 1):
            return False
    return True


def office_type(path: Path) -> str | None:
    """docx, xlsx or odt by the members of the zip file (only names and the tiny mimetype member are read),
    and only for an archive within the limits of ``zip_within_limits``."""
    try:
        with zipfile.ZipFile(path) as archive:
            if not zip_within_limits(archive):
                return None
            names = set(archive.namelist())
            if (
                "mimetype" in names
                and archive.getinfo("mimetype").file_size < 100
                and archive.read("mimetype").strip() == ODT.encode()
            ):
                return ODT
            if "word/document.xml" in names:
                return DOCX
            if "xl/workbook.xml" in names:
                return XLSX
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, RuntimeError):
        return None
    return None


_INVISIBLE = {"Cc", "Cf", "Cs", "Co", "Zl", "Zp"}


def clean_name(name: str) -> str:
    """An uploaded file's name as shown: no control, format or bidi characters (a right-to-left override
    could make ``rechnung\u202efdp.exe`` read as a PDF), spaces collapsed, at most 200 characters. The name
    is metadata only, never part of a path."""
    text = "".join(c for c in (name or "") if unicodedata.category(c) not in _INVISIBLE)
    return " ".join(text.split())[:200]


class DocumentFiles:
    """The document store of the composition root (``web.services.DocumentStore``)."""

    def __init__(self, folder: Path | None) -> None:
        self._folder = folder  # None: a temporary folder, made on the first upload (memory backend)
        self._fresh: set[str] = set()  # files this process wrote and nobody has yet confirmed
        self._lock = threading.Lock()

    @classmethod
    def for_settings(cls, settings: Settings, environ: dict[str, str] | None = None) -> DocumentFiles:
        if environ is not None:  # an explicit environment (older callers) wins over the settings
            configured = environ.get("FOERDERBUCH_DOCUMENT_DIR", "").strip()
        else:
            configured = settings.document_dir.strip()
        if configured:
            return cls(Path(configured))
        if settings.backend == "sqlite":
            path = Path(settings.sqlite_path)
            return cls(path.with_name(f"{path.stem}.dokumente"))
        if settings.backend == "postgres":
            return cls(Path("foerderbuch.dokumente"))
        return cls(None)

    @property
    def folder(self) -> Path:
        if self._folder is None:
            self._folder = Path(tempfile.mkdtemp(prefix="foerderbuch-dokumente-"))
        return self._folder

    def _path(self, sha256: str) -> Path:
        if not DIGEST.fullmatch(sha256):
            raise ValueError("not a SHA-256 in lower-case hex")
        return self.folder / sha256[:2] / sha256[2:]

    def save(self, name: str, source: BinaryIO) -> dict[str, Any]:
        """Keeps the bytes of ``source`` (at most 10 MB, an accepted type) and returns the record for the
        event: {"name", "content_type", "size", "sha256"}. ``name`` is only carried along."""
        name = clean_name(name)
        shown = name or "ohne Namen"
        self.folder.mkdir(parents=True, exist_ok=True)
        fd, temp_name = tempfile.mkstemp(prefix=".upload-", dir=self.folder)
        temp = Path(temp_name)
        try:
            digest, size, head = hashlib.sha256(), 0, b""
            with os.fdopen(fd, "wb") as target:
                while chunk := source.read(CHUNK):
                    size += len(chunk)
                    if size > MAX_BYTES:
                        raise InvalidInputError(
                            f"Die Datei »{shown}« ist zu groß: höchstens 10 MB je Datei.", field=FIELD
                        )
                    if len(head) < 2048:
                        head += chunk[: 2048 - len(head)]
                    digest.update(chunk)
                    target.write(chunk)
                target.flush()
                os.fsync(target.fileno())
            if size == 0:
                raise InvalidInputError(f"Die Datei »{shown}« ist leer.", field=FIELD)
            kind = sniff(head)
            if kind == ZIP:
                kind = office_type(temp)
            if kind is None:
                raise InvalidInputError(
                    f"Die Datei »{shown}« hat eine Art, die wir nicht annehmen. Erlaubt sind {ALLOWED}.",
                    field=FIELD,
                )
            sha = digest.hexdigest()
            final = self._path(sha)
            final.parent.mkdir(exist_ok=True)
            if final.exists():
                temp.unlink()
            else:
                os.chmod(temp, 0o640)
                os.replace(temp, final)
                with self._lock:
                    self._fresh.add(sha)
            return {"name": name, "content_type": kind, "size": size, "sha256": sha}
        except BaseException:
            temp.unlink(missing_ok=True)
            raise

    def discard(self, records: list[dict[str, Any]]) -> None:
        """Removes files saved for a command that was then refused, so a refused upload leaves nothing.

        Only files this store wrote itself for those records go; a file that was there before (the same
        content uploaded earlier) stays."""
        for record in records:
            sha = str(record.get("sha256", ""))
            with self._lock:
                if sha not in self._fresh:
                    continue
                self._fresh.discard(sha)
            with contextlib.suppress(ValueError, FileNotFoundError):
                self._path(sha).unlink()

    def keep(self, records: list[dict[str, Any]]) -> None:
        """The command recorded these files: they are no longer fresh."""
        with self._lock:
            self._fresh.difference_update(str(r.get("sha256", "")) for r in records)

    def delete(self, sha256: str) -> bool:
        """Removes a stored file (its hash stays in the log); False when there was none."""
        try:
            self._path(sha256).unlink()
        except (ValueError, FileNotFoundError):
            return False
        return True

    def read(self, sha256: str) -> bytes | None:
        """The stored bytes, or None when there is no such file."""
        try:
            return self._path(sha256).read_bytes()
        except (ValueError, FileNotFoundError):
            return None
