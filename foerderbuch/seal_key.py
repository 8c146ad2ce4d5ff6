"""The seal key: the secret that makes the seal's chain (and the snapshots) impossible to extend or
forge with write access to the database alone.

It comes from ``FOERDERBUCH_SEAL_KEY`` (the key itself), or from the file ``FOERDERBUCH_SEAL_KEY_FILE``
names, or — by default — from ``<database>.sealkey`` beside the SQLite file (``foerderbuch.sealkey`` in
the working directory for PostgreSQL), made once with 48 random bytes and readable only by its owner.
It is never written into the database or the log; the database keeps only a *key id* (an HMAC of a
fixed text under the key), so a process started with the wrong key is refused instead of sealing
with it. Keep a copy with the backups, apart from them (see README, *Backups*).
"""

from __future__ import annotations

import os
import secrets
import threading
import time
from pathlib import Path

from foerderbuch.settings import Settings, SettingsError

MIN_KEY_CHARS = 32
_memory_keys: dict[str, bytes] = {}
_lock = threading.Lock()


def seal_key_path(settings: Settings) -> Path | None:
    """The key file used when no key is set (None for an in-memory store)."""
    if settings.seal_key_file:
        return Path(settings.seal_key_file)
    if settings.backend == "sqlite":
        return Path(settings.sqlite_path).with_suffix(".sealkey")
    if settings.backend == "postgres":
        return Path("foerderbuch.sealkey")
    return None


def load_seal_key(settings: Settings, create: bool = True) -> bytes:
    """The key; made (once, 0600) where the settings say if there is none yet and ``create`` is set."""
    if settings.seal_key:
        return _checked(settings.seal_key, "FOERDERBUCH_SEAL_KEY")
    path = seal_key_path(settings)
    if path is None:
        with _lock:
            return _memory_keys.setdefault(settings.database_url, secrets.token_urlsafe(48).encode("ascii"))
    if not path.exists():
        if not create:
            raise SettingsError(f"Der Siegelschlüssel {path} fehlt (FOERDERBUCH_SEAL_KEY_FILE).")
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w", encoding="ascii") as handle:
                handle.write(secrets.token_urlsafe(48) + "\n")
    for _ in range(50):  # another process may have just made the file and not yet written the key
        try:
            text = path.read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError) as error:
            raise SettingsError(f"Der Siegelschlüssel {path} ist nicht lesbar: {error}") from None
        if text:
            break
        time.sleep(0.02)
    return _checked(text, str(path))


def _checked(text: str, where: str) -> bytes:
    if len(text.strip()) < MIN_KEY_CHARS:
        raise SettingsError(f"Der Siegelschlüssel aus {where} ist zu kurz (mindestens {MIN_KEY_CHARS} Zeichen).")
    return text.strip().encode("utf-8")


class SealKey:
    """The key of one store, read on first use and kept for the process."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._key: bytes | None = None

    def __call__(self) -> bytes:
        if self._key is None:
            self._key = load_seal_key(self.settings)
        return self._key
