"""Settings: where the events live, read from the environment or passed explicitly by tests.

One setting names the store, ``FOERDERBUCH_DATABASE_URL``:

* ``sqlite:///PATH`` — the embedded default, ``foerderbuch.sqlite`` in the working directory;
* ``postgresql://USER[:PASSWORD]@HOST[:PORT]/DB`` — the shared multi-user backend;
* ``memory://`` — in-memory, for fast unit tests (nothing is kept).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

DEFAULT_DATABASE_URL = "sqlite:///foerderbuch.sqlite"


class SettingsError(ValueError):
    """Raised when a setting cannot be understood; the message says which and why."""


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    secret_key: str = field(default="", repr=False)
    extra_env: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_environ(cls, environ: dict[str, str] | None = None) -> Settings:
        environ = dict(os.environ if environ is None else environ)
        return cls(
            database_url=environ.get("FOERDERBUCH_DATABASE_URL", DEFAULT_DATABASE_URL),
            secret_key=environ.get("FOERDERBUCH_SECRET_KEY", ""),
        )

    @property
    def backend(self) -> str:
        scheme = urlparse(self.database_url).scheme
        if scheme == "sqlite":
            return "sqlite"
        if scheme in ("postgresql", "postgres"):
            return "postgres"
        if scheme == "memory":
            return "memory"
        raise SettingsError(
            f"FOERDERBUCH_DATABASE_URL »{self.database_url}«: erwartet sqlite:///PFAD, "
            "postgresql://BENUTZER@HOST:PORT/DATENBANK oder memory://"
        )

    @property
    def sqlite_path(self) -> Path:
        url = urlparse(self.database_url)
        path = unquote(url.netloc + url.path)
        # sqlite:///relative.sqlite gives "/relative.sqlite"; sqlite:////abs/path gives "//abs/path"
        if path.startswith("//"):
            return Path(path[1:])
        return Path(path.lstrip("/")) if path else Path("foerderbuch.sqlite")

    def postgres_params(self) -> dict[str, str]:
        url = urlparse(self.database_url)
        if not url.hostname or not url.path.strip("/"):
            raise SettingsError(f"FOERDERBUCH_DATABASE_URL »{self.database_url}« braucht Host und Datenbank.")
        return {
            "POSTGRES_HOST": url.hostname,
            "POSTGRES_PORT": str(url.port or 5432),
            "POSTGRES_DBNAME": url.path.strip("/"),
            "POSTGRES_USER": unquote(url.username or "postgres"),
            "POSTGRES_PASSWORD": unquote(url.password or ""),
        }

    def eventsourcing_env(self) -> dict[str, str]:
        """The environment for the eventsourcing application (passed explicitly, never via os.environ)."""
        backend = self.backend
        if backend == "memory":
            env = {"PERSISTENCE_MODULE": "eventsourcing.popo"}
        elif backend == "sqlite":
            path = self.sqlite_path
            if path.parent and not path.parent.exists():
                raise SettingsError(f"Das Verzeichnis {path.parent} für die Datenbank gibt es nicht.")
            env = {
                "PERSISTENCE_MODULE": "eventsourcing.sqlite",
                "SQLITE_DBNAME": str(path),
                "SQLITE_LOCK_TIMEOUT": "30",
            }
        else:
            env = {
                "PERSISTENCE_MODULE": "eventsourcing.postgres",
                **self.postgres_params(),
                "POSTGRES_POOL_SIZE": "5",
                "POSTGRES_MAX_OVERFLOW": "10",
                "POSTGRES_LOCK_TIMEOUT": "10",
            }
        env.update(self.extra_env)
        return env
