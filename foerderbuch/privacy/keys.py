"""The key store: one AES-256 key per data subject, outside the log, and the list of erased subjects.

    personal_keys(subject TEXT PRIMARY KEY, key TEXT NOT NULL, created_at TEXT NOT NULL)
    erased_subjects(subject TEXT PRIMARY KEY, erased_at TEXT NOT NULL, erasure_id TEXT NOT NULL)
    privacy_key(key_id TEXT PRIMARY KEY)

Both tables live in the events' own database (the same SQLite file, or the same PostgreSQL schema), so
a backup of the database holds them; they are not events and can be deleted. Deleting a subject's
key makes every field encrypted under it unreadable for good (crypto-shredding); ``erased_subjects``
remembers that the subject was erased, so that no new key is ever made for it and fields written in
clear text before encryption existed read as erased too.

Every key is stored *wrapped*: encrypted with AES-256-GCM under the privacy key (``FOERDERBUCH_PRIVACY_KEY``
or its file, by default ``<database>.privacykey``; see ``foerderbuch.key_files``), with the subject as
associated data, as ``w1:<base64 nonce + ciphertext>``. The privacy key never enters the database, so a
copy of the database alone (a stolen file, a dump) reveals no personal data. ``privacy_key`` holds the
privacy key's id only: a process started with another key is refused at once instead of reading every
field as erased. Keys written unwrapped by an earlier release are wrapped when a process first opens
the store.

Keys are cached in the process (a key never changes); the list of erased subjects is read again at
most every :data:`ERASED_REFRESH_SECONDS`, so an erasure made by another process shows everywhere
within that time, and at once in the process that made it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from foerderbuch.database import Records
from foerderbuch.settings import SettingsError
from projections.db import Cursor

CREATE = [
    "CREATE TABLE IF NOT EXISTS personal_keys (subject TEXT PRIMARY KEY, key TEXT NOT NULL, created_at TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS erased_subjects (subject TEXT PRIMARY KEY, erased_at TEXT NOT NULL, "
    "erasure_id TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS privacy_key (key_id TEXT PRIMARY KEY)",
]
KEY_BYTES = 32  # AES-256
NONCE_BYTES = 12
WRAPPED = "w1:"  # a wrapped key's prefix (an unwrapped one, of an earlier release, is plain base64)
ERASED_REFRESH_SECONDS = 2.0


def privacy_key_id(privacy_key: bytes) -> str:
    """A name for the privacy key that reveals nothing of it: kept in the database (``privacy_key``)."""
    return hmac.new(privacy_key, b"foerderbuch-privacy-key-id", hashlib.sha256).hexdigest()[:16]


class KeyWrapper:
    """Wraps and unwraps the per-subject keys under the privacy key (AES-256-GCM, the subject as associated data)."""

    def __init__(self, privacy_key: bytes) -> None:
        derived = HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=b"foerderbuch personal keys")
        self._aead = AESGCM(derived.derive(privacy_key))
        self.key_id = privacy_key_id(privacy_key)

    def wrap(self, name: str, key: bytes) -> str:
        nonce = secrets.token_bytes(NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, key, name.encode("ascii"))
        return WRAPPED + base64.b64encode(nonce + sealed).decode("ascii")

    def unwrap(self, name: str, stored: str) -> bytes | None:
        """The subject's key; an unwrapped one (earlier release) as it is; None if it does not open."""
        if not stored.startswith(WRAPPED):
            return base64.b64decode(stored)
        blob = base64.b64decode(stored[len(WRAPPED) :])
        try:
            return self._aead.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], name.encode("ascii"))
        except InvalidTag:  # altered in the database: unreadable, never somebody else's key
            return None


class KeyStore:
    """Keys per subject (made on first use), and the subjects erased."""

    def __init__(self, records: Records, privacy_key: Callable[[bool], bytes]) -> None:
        """``privacy_key(create)`` gives the privacy key, making a new one only if ``create`` (a new store)."""
        self.records = records
        records.create(CREATE)
        self.wrapper = KeyWrapper(privacy_key(not self._key_ids()))
        self._check_privacy_key()
        self.wrap_plain_keys()
        self._keys: dict[str, bytes] = {}
        self._erased: frozenset[str] = frozenset()
        self._erased_read_at = float("-inf")
        self._lock = threading.Lock()

    def _key_ids(self) -> list[str]:
        def work(cursor: Cursor) -> list[str]:
            cursor.execute("SELECT key_id FROM privacy_key")
            return [str(row["key_id"]) for row in cursor.fetchall()]

        return self.records.run(work)

    def _check_privacy_key(self) -> None:
        """Records the privacy key's id on first use; refuses a process started with another key."""

        def work(cursor: Cursor) -> list[str]:
            cursor.execute("SELECT key_id FROM privacy_key")
            found = [str(row["key_id"]) for row in cursor.fetchall()]
            if not found:
                cursor.execute(
                    "INSERT INTO privacy_key (key_id) VALUES (?) ON CONFLICT (key_id) DO NOTHING",
                    (self.wrapper.key_id,),
                )
                cursor.execute("SELECT key_id FROM privacy_key")
                found = [str(row["key_id"]) for row in cursor.fetchall()]
            return found

        found = self.records.run(work, write=True)
        if found != [self.wrapper.key_id]:
            raise SettingsError(
                f"Der Datenschutzschlüssel passt nicht zu dieser Datenbank (sie erwartet Kennung {', '.join(found)}, "
                f"eingestellt ist {self.wrapper.key_id}): FOERDERBUCH_PRIVACY_KEY bzw. FOERDERBUCH_PRIVACY_KEY_FILE "
                "prüfen. Ohne den richtigen Schlüssel sind die personenbezogenen Daten nicht lesbar."
            )

    def wrap_plain_keys(self) -> int:
        """Wraps the keys an earlier release stored unwrapped; returns how many (0 once all are wrapped)."""

        def work(cursor: Cursor) -> int:
            cursor.execute("SELECT subject, key FROM personal_keys WHERE substr(key, 1, 3) <> 'w1:'")
            rows = [(str(row["subject"]), str(row["key"])) for row in cursor.fetchall()]
            for name, plain in rows:
                cursor.execute(
                    "UPDATE personal_keys SET key = ? WHERE subject = ? AND key = ?",
                    (self.wrapper.wrap(name, base64.b64decode(plain)), name, plain),
                )
            return len(rows)

        return self.records.run(work, write=True)

    # Reading and making keys --------------------------------------------------------------------

    def key(self, subject: UUID, create: bool = False) -> bytes | None:
        """The subject's key; a new one if ``create`` and the subject has none (never for an erased one)."""
        name = subject.hex
        if self.is_erased(subject):
            return None
        cached = self._keys.get(name)
        if cached is not None:
            return cached
        found = self._read(name)
        if found is None and create:
            found = self._make(name)
        if found is not None:
            with self._lock:
                self._keys[name] = found
        return found

    def _read(self, name: str) -> bytes | None:
        def work(cursor: Cursor) -> bytes | None:
            cursor.execute("SELECT key FROM personal_keys WHERE subject = ?", (name,))
            row = cursor.fetchone()
            return self.wrapper.unwrap(name, str(row["key"])) if row else None

        return self.records.run(work)

    def _make(self, name: str) -> bytes | None:
        fresh = self.wrapper.wrap(name, secrets.token_bytes(KEY_BYTES))

        def work(cursor: Cursor) -> bytes | None:
            cursor.execute("SELECT 1 AS erased FROM erased_subjects WHERE subject = ?", (name,))
            if cursor.fetchone() is not None:
                return None
            cursor.execute(
                "INSERT INTO personal_keys (subject, key, created_at) VALUES (?, ?, ?) "
                "ON CONFLICT (subject) DO NOTHING",
                (name, fresh, _now()),
            )
            cursor.execute("SELECT key FROM personal_keys WHERE subject = ?", (name,))
            row = cursor.fetchone()
            return self.wrapper.unwrap(name, str(row["key"])) if row else None

        return self.records.run(work, write=True)

    # Erasure ------------------------------------------------------------------------------------

    def is_erased(self, subject: UUID) -> bool:
        now = time.monotonic()
        if now - self._erased_read_at > ERASED_REFRESH_SECONDS:
            self._refresh_erased(now)
        return subject.hex in self._erased

    def _refresh_erased(self, now: float) -> None:
        def work(cursor: Cursor) -> frozenset[str]:
            cursor.execute("SELECT subject FROM erased_subjects")
            return frozenset(str(row["subject"]) for row in cursor.fetchall())

        erased = self.records.run(work)
        with self._lock:
            self._erased = erased
            self._erased_read_at = now
            for name in erased:
                self._keys.pop(name, None)

    def erase(self, subjects: list[UUID], erasure_id: UUID, unlinked: list[UUID] | tuple[UUID, ...] = ()) -> int:
        """Deletes the subjects' keys and marks them erased, in one transaction; returns how many keys went.

        ``unlinked`` subjects are marked without the erasure's id and with the day only: they can be found
        from the person's address (the id release 0.1 derived, the e-mail index's entries), so nothing
        may tie them to the erasure, which names the person's other ids."""
        rows = {s.hex: (_now(), erasure_id.hex) for s in subjects}
        rows.update({s.hex: (_now()[:10], "") for s in unlinked})
        names = sorted(rows)

        def work(cursor: Cursor) -> int:
            deleted = 0
            for name in names:
                cursor.execute("SELECT 1 AS found FROM personal_keys WHERE subject = ?", (name,))
                if cursor.fetchone() is not None:
                    deleted += 1
                cursor.execute("DELETE FROM personal_keys WHERE subject = ?", (name,))
                cursor.execute(
                    "INSERT INTO erased_subjects (subject, erased_at, erasure_id) VALUES (?, ?, ?) "
                    "ON CONFLICT (subject) DO NOTHING",
                    (name, *rows[name]),
                )
            return deleted

        deleted = self.records.run(work, write=True)
        with self._lock:
            self._erased = self._erased | frozenset(names)
            for name in names:
                self._keys.pop(name, None)
        return deleted

    def erased_subjects(self) -> dict[str, str]:
        """subject hex -> when it was erased (ISO timestamp)."""

        def work(cursor: Cursor) -> dict[str, str]:
            cursor.execute("SELECT subject, erased_at FROM erased_subjects ORDER BY erased_at, subject")
            return {str(row["subject"]): str(row["erased_at"]) for row in cursor.fetchall()}

        return self.records.run(work)

    def count(self) -> int:
        def work(cursor: Cursor) -> int:
            cursor.execute("SELECT COUNT(*) AS n FROM personal_keys")
            row = cursor.fetchone()
            return int(row["n"]) if row else 0

        return self.records.run(work)

    def close(self) -> None:
        self.records.close()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
