"""Settings: read from ``FOERDERBUCH_*`` environment variables (pydantic-settings) or passed explicitly by tests.

``Settings(...)`` built in code reads nothing from the environment (tests stay independent of the shell
they run in); ``Settings.from_environ()`` reads the process environment, or a mapping given to it.

The store, ``FOERDERBUCH_DATABASE_URL``:

* ``sqlite:///PATH`` — the embedded default, ``foerderbuch.sqlite`` in the working directory;
* ``postgresql://USER[:PASSWORD]@HOST[:PORT]/DB`` — the shared multi-user backend;
* ``memory://`` — in-memory, for fast unit tests (nothing is kept).

A production setup behind a reverse proxy also sets ``FOERDERBUCH_BASE_URL`` (every link in e-mails and
letters starts with it, never with the request's ``Host`` header), ``FOERDERBUCH_HTTPS=1`` (Secure
cookies and HSTS) and ``FOERDERBUCH_TRUSTED_PROXIES`` (the proxies whose ``X-Forwarded-For`` is
believed). Payment runs need the city's account, ``FOERDERBUCH_SEPA_DEBTOR_NAME``, ``_IBAN`` and
``_BIC`` (checked with schwifty when the settings are read). The README lists every setting with its default.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, EnvSettingsSource, PydanticBaseSettingsSource, SettingsConfigDict
from pydantic_settings.sources.utils import parse_env_vars

from domain.actors import USER_ROLES
from domain.claim_policy import ClaimPolicy
from domain.errors import DomainError
from domain.money import Money
from exports.sepa import Debtor, DebtorError, debtor

DEFAULT_DATABASE_URL = "sqlite:///foerderbuch.sqlite"
PREFIX = "FOERDERBUCH_"

IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class SettingsError(ValueError):
    """Raised when a setting cannot be understood; the message says which and why."""


class _MappingSource(EnvSettingsSource):
    """The ``FOERDERBUCH_*`` variables of a given mapping (``os.environ`` unless a test passes its own)."""

    def __init__(self, settings_cls: type[BaseSettings], environ: Mapping[str, str]) -> None:
        self._environ = environ
        super().__init__(settings_cls)

    def _load_env_vars(self) -> Mapping[str, str | None]:
        return parse_env_vars(self._environ, self.case_sensitive, self.env_ignore_empty, self.env_parse_none_str)

    def prepare_field_value(self, field_name: str, field: FieldInfo, value: Any, value_is_complex: bool) -> Any:
        return value  # lists are written comma-separated, not as JSON; the validators below split them


class Settings(BaseSettings):
    """Everything Förderbuch can be told from outside; immutable once made."""

    model_config = SettingsConfigDict(env_prefix=PREFIX, frozen=True, extra="forbid", case_sensitive=False)

    database_url: str = DEFAULT_DATABASE_URL
    secret_key: str = Field(default="", repr=False)
    # The seal's key (HMAC), kept outside the database: the key itself, or a file holding it
    seal_key: str = Field(default="", repr=False)
    seal_key_file: str = ""
    # The key that wraps the per-person keys of personal data (foerderbuch.privacy.keys), kept likewise
    privacy_key: str = Field(default="", repr=False)
    privacy_key_file: str = ""
    # Production behind a proxy
    base_url: str = ""  # e.g. https://foerderung.dortmund.de; empty: http://HOST:PORT of ``serve``
    https: bool = False
    trusted_proxies: tuple[IpNetwork, ...] = ()
    max_body_mb: int = Field(default=110, ge=1, le=2048)  # signed-in requests (uploads: 10 × 10 MB)
    max_anonymous_body_kb: int = Field(default=64, ge=4, le=10240)  # sign-in, reset and account-request forms
    # Sessions and sign-in
    session_idle_minutes: int = Field(default=30, ge=1, le=24 * 60)
    session_hours: int = Field(default=8, ge=1, le=7 * 24)
    two_factor_roles: tuple[str, ...] = ("admin", "finance", "cashier")
    # Mail (``notify``, invitations, password resets, account requests)
    smtp_host: str = ""
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_user: str = ""
    smtp_password: str = Field(default="", repr=False)
    smtp_from: str = "foerderbuch@localhost"
    smtp_ca_file: str = ""  # a CA bundle to trust besides the system's (a city-internal CA)
    # Uploaded documents
    document_dir: str = ""
    # Letters: the office's own templates (a folder; files there win over the shipped defaults)
    letter_templates: str = ""
    # Reminders of proof deadlines: how many days before, and how often ``serve`` runs them (0: never)
    reminder_days_before: int = Field(default=14, ge=0, le=180)
    reminder_interval_minutes: int = Field(default=60, ge=0, le=7 * 24 * 60)
    # Retention of records with personal data, in years (``foerderbuch privacy due``; PRIVACY.md)
    retention_applications_years: int = Field(default=3, ge=0, le=100)  # applications not granted
    retention_grants_years: int = Field(default=10, ge=0, le=100)  # the books (KomHVO NRW § 59)
    retention_receipts_years: int = Field(default=6, ge=0, le=100)  # receipts (KomHVO NRW § 59)
    retention_documents_years: int = Field(default=6, ge=0, le=100)  # other uploaded documents
    retention_messages_years: int = Field(default=6, ge=0, le=100)  # notes and messages of a grant
    retention_accounts_years: int = Field(default=10, ge=0, le=100)  # disabled user accounts
    retention_accounts_adopted_after: int = Field(default=1, ge=0, le=10)  # years until the accounts are adopted
    # The city's account that payment runs pay from (the debtor of the SEPA credit-transfer files)
    sepa_debtor_name: str = ""
    sepa_debtor_iban: str = ""
    sepa_debtor_bic: str = ""  # empty: derived from the IBAN's bank code where schwifty knows it
    # Claims (KomHVO NRW): below this a claim may be left (§ 23 (2)); value limits per role for Stundung,
    # Niederschlagung and Erlass (the city's Dienstanweisung), as ROLE=EURO,ROLE=EURO
    small_claim_limit: Decimal = Field(default=Decimal("10.00"), ge=0, le=Decimal("10000"), decimal_places=2)
    relief_limits: str = "finance=5000,approver=50000"
    # Grant law: items bought with a grant from this value (euros) are listed with their earmarking period;
    # a foreign-currency rate whose date is further than this many days from the payment gets a warning
    item_value_limit: Decimal = Field(default=Decimal("800.00"), ge=0, le=1_000_000, decimal_places=2)
    rate_warning_days: int = Field(default=14, ge=0, le=366)
    # Extra eventsourcing environment (tests: POSTGRES_SCHEMA); never read from the environment
    extra_env: dict[str, str] = Field(default_factory=dict)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings,)  # only ``from_environ`` reads the environment

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """The settings the environment (or the given mapping) names; defaults for the rest."""
        source = _MappingSource(cls, os.environ if environ is None else environ)
        values = {name: value for name, value in source().items() if name != "extra_env"}
        try:
            return cls(**values)
        except ValidationError as error:
            raise SettingsError(_german(error)) from None

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _networks(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [part for part in value.replace(";", ",").split(",") if part.strip()]
        if isinstance(value, list | tuple):
            try:
                return tuple(ipaddress.ip_network(str(part).strip(), strict=False) for part in value)
            except ValueError as error:
                raise ValueError(f"keine IP-Adresse oder kein Netz: {error}") from None
        return value

    @field_validator("two_factor_roles", mode="before")
    @classmethod
    def _roles(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [part.strip().lower() for part in value.split(",") if part.strip()]
        if isinstance(value, list | tuple):
            known = {role.value for role in USER_ROLES}
            unknown = [str(role) for role in value if str(role) not in known]
            if unknown:
                raise ValueError(f"unbekannte Rolle {', '.join(unknown)} (möglich: {', '.join(sorted(known))})")
            return tuple(str(role) for role in value)
        return value

    @field_validator("relief_limits")
    @classmethod
    def _relief_limits(cls, value: str) -> str:
        try:
            ClaimPolicy(relief_limits=ClaimPolicy.parse_limits(value))
        except DomainError as error:
            raise ValueError(str(error)) from None
        return value

    def claim_policy(self) -> ClaimPolicy:
        """The small-amount limit and the value limits per role, for the office."""
        return ClaimPolicy(Money(self.small_claim_limit), ClaimPolicy.parse_limits(self.relief_limits))

    @field_validator("base_url")
    @classmethod
    def _base_url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if not value:
            return ""
        url = urlparse(value)
        if url.scheme not in ("http", "https") or not url.hostname or url.query or url.fragment:
            raise ValueError("erwartet https://HOST[:PORT][/PFAD], ohne ? und #")
        return value

    @model_validator(mode="after")
    def _debtor(self) -> Settings:
        try:
            debtor(self.sepa_debtor_name, self.sepa_debtor_iban, self.sepa_debtor_bic)
        except DebtorError as error:
            raise ValueError(str(error)) from None
        return self

    def sepa_debtor(self) -> Debtor | None:
        """The city's account for SEPA files, checked; None when it is not set up."""
        return debtor(self.sepa_debtor_name, self.sepa_debtor_iban, self.sepa_debtor_bic)

    def __repr_args__(self) -> Any:
        for name, value in super().__repr_args__():
            if name == "database_url" and isinstance(value, str):
                url = urlparse(value)
                if url.password:
                    value = value.replace(f":{url.password}@", ":***@", 1)
            yield name, value

    def link_base(self, host: str = "127.0.0.1", port: int = 8000) -> str:
        """The start of every link sent out: ``FOERDERBUCH_BASE_URL``, else the local server's address."""
        return self.base_url or f"http://{host}:{port}"

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

    def postgres_conninfo(self) -> str:
        """A libpq connection string for the database the URL names."""
        params = self.postgres_params()
        parts = (
            ("host", params["POSTGRES_HOST"]),
            ("port", params["POSTGRES_PORT"]),
            ("dbname", params["POSTGRES_DBNAME"]),
            ("user", params["POSTGRES_USER"]),
            ("password", params["POSTGRES_PASSWORD"]),
        )
        return " ".join(f"{key}={_quoted(value)}" for key, value in parts if value)

    @property
    def postgres_schema(self) -> str | None:
        return (self.extra_env.get("POSTGRES_SCHEMA") or "").strip() or None

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


def _quoted(value: str) -> str:
    if value and all(c.isalnum() or c in "._-/:" for c in value):
        return value
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _german(error: ValidationError) -> str:
    problems = []
    for item in error.errors():
        message = item.get("msg", "ungültig")
        message = message.removeprefix("Value error, ")
        if not item["loc"]:  # a check of several settings together names them in its message
            problems.append(message)
            continue
        name = PREFIX + "_".join(str(part) for part in item["loc"][:1]).upper()
        problems.append(f"{name}: {message}")
    return "; ".join(problems)
