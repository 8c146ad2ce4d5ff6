"""Secrets kept outside the database: the seal key and the privacy key.

Each comes from a setting holding the key itself (``FOERDERBUCH_…_KEY``), or from the file a second
setting names (``FOERDERBUCH_…_KEY_FILE``), or — by default — from a file beside the SQLite file
(``<database>.sealkey``, ``<database>.privacykey``; for PostgreSQL ``foerderbuch.sealkey`` … in the
working directory), made once with 48 random bytes and readable only by its owner. A store in memory
gets a key per database URL, kept in the process.

Neither key is ever written into the database; the database keeps only a *key id* (an HMAC of a fixed
text under the key), so a process started with the wrong key is refused instead of using it.
"""

from __future__ import annotations

import os
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from foerderbuch.settings import Settings, SettingsError

MIN_KEY_CHARS = 32
_memory_keys: dict[tuple[str, str], bytes] = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class KeyFile:
    """Where one kind of key is looked for: its settings, its file's suffix, and its German name."""

    setting: str  # the attribute of Settings holding the key itself, e.g. "seal_key"
    suffix: str  # ".sealkey": beside the SQLite file, or foerderbuch.sealkey for PostgreSQL
    german: str  # "Siegelschlüssel"

    @property
    def variable(self) -> str:
        return f"FOERDERBUCH_{self.setting.upper()}"

    def given(self, settings: Settings) -> str:
        return str(getattr(settings, self.setting))

    def path(self, settings: Settings) -> Path | None:
        """The key file used when no key is set (None for an in-memory store)."""
        named = str(getattr(settings, f"{self.setting}_file"))
        if named:
            return Path(named)
        if settings.backend == "sqlite":
            return Path(settings.sqlite_path).with_suffix(self.suffix)
        if settings.backend == "postgres":
            return Path(f"foerderbuch{self.suffix}")
        return None

    def load(self, settings: Settings, create: bool = True) -> bytes:
        """The key; made (once, 0600) where the settings say if there is none yet and ``create`` is set."""
        if self.given(settings):
            return self._checked(self.given(settings), self.variable)
        path = self.path(settings)
        if path is None:
            with _lock:
                return _memory_keys.setdefault(
                    (self.setting, settings.database_url), secrets.token_urlsafe(48).encode("ascii")
                )
        if not path.exists():
            if not create:
                raise SettingsError(f"Der {self.german} {path} fehlt ({self.variable}_FILE).")
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
                raise SettingsError(f"Der {self.german} {path} ist nicht lesbar: {error}") from None
            if text:
                break
            time.sleep(0.02)
        return self._checked(text, str(path))

    def _checked(self, text: str, where: str) -> bytes:
        if len(text.strip()) < MIN_KEY_CHARS:
            raise SettingsError(f"Der {self.german} aus {where} ist zu kurz (mindestens {MIN_KEY_CHARS} Zeichen).")
        return text.strip().encode("utf-8")


SEAL_KEY = KeyFile("seal_key", ".sealkey", "Siegelschlüssel")
PRIVACY_KEY = KeyFile("privacy_key", ".privacykey", "Datenschutzschlüssel")
KEY_FILES = (SEAL_KEY, PRIVACY_KEY)


class LoadedKey:
    """One store's key of one kind, read on first use and kept for the process."""

    def __init__(self, settings: Settings, kind: KeyFile) -> None:
        self.settings = settings
        self.kind = kind
        self._key: bytes | None = None

    def __call__(self, create: bool = True) -> bytes:
        """The key; ``create=False`` refuses to make a new key file (a store that has a key needs *that* one)."""
        if self._key is None:
            self._key = self.kind.load(self.settings, create)
        return self._key
