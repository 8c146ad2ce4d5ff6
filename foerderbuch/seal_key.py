"""The seal key: the secret that makes the seal's chain (and the snapshots) impossible to extend or
forge with write access to the database alone.

It comes from ``FOERDERBUCH_SEAL_KEY`` (the key itself), or from the file ``FOERDERBUCH_SEAL_KEY_FILE``
names, or — by default — from ``<database>.sealkey`` beside the SQLite file (``foerderbuch.sealkey`` in
the working directory for PostgreSQL), made once with 48 random bytes and readable only by its owner
(``foerderbuch.key_files``). It is never written into the database or the log; the database keeps only
a *key id* (an HMAC of a fixed text under the key), so a process started with the wrong key is refused
instead of sealing with it. Keep a copy with the backups, apart from them (see README, *Backups*).
"""

from __future__ import annotations

from pathlib import Path

from foerderbuch.key_files import MIN_KEY_CHARS, SEAL_KEY, LoadedKey
from foerderbuch.settings import Settings

__all__ = ["MIN_KEY_CHARS", "SealKey", "load_seal_key", "seal_key_path"]


def seal_key_path(settings: Settings) -> Path | None:
    """The key file used when no key is set (None for an in-memory store)."""
    return SEAL_KEY.path(settings)


def load_seal_key(settings: Settings, create: bool = True) -> bytes:
    """The key; made (once, 0600) where the settings say if there is none yet and ``create`` is set."""
    return SEAL_KEY.load(settings, create)


class SealKey(LoadedKey):
    """The seal key of one store, read on first use and kept for the process."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings, SEAL_KEY)
