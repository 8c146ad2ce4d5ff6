"""Settings come from FOERDERBUCH_* variables through pydantic-settings; code and tests pass them explicitly."""

from __future__ import annotations

import ipaddress

import pytest

from foerderbuch.settings import DEFAULT_DATABASE_URL, Settings, SettingsError


def test_explicit_settings_ignore_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FOERDERBUCH_DATABASE_URL", "memory://")
    monkeypatch.setenv("FOERDERBUCH_HTTPS", "1")
    explicit = Settings(database_url="sqlite:///x.sqlite")
    assert explicit.database_url == "sqlite:///x.sqlite"
    assert explicit.https is False
    assert Settings().database_url == DEFAULT_DATABASE_URL
    from_process = Settings.from_environ()
    assert from_process.database_url == "memory://"
    assert from_process.https is True


def test_every_production_setting_is_read_by_its_variable_name() -> None:
    settings = Settings.from_environ(
        {
            "FOERDERBUCH_DATABASE_URL": "postgresql://fb:geheim@db.intern:6543/foerderbuch",
            "FOERDERBUCH_SECRET_KEY": "k" * 40,
            "FOERDERBUCH_BASE_URL": "https://foerderung.dortmund.example/",
            "FOERDERBUCH_HTTPS": "1",
            "FOERDERBUCH_TRUSTED_PROXIES": "10.0.0.5, 192.168.10.0/24",
            "FOERDERBUCH_MAX_BODY_MB": "50",
            "FOERDERBUCH_MAX_ANONYMOUS_BODY_KB": "32",
            "FOERDERBUCH_SESSION_IDLE_MINUTES": "20",
            "FOERDERBUCH_SESSION_HOURS": "4",
            "FOERDERBUCH_TWO_FACTOR_ROLES": "admin, finance, approver",
            "FOERDERBUCH_SMTP_HOST": "mail.dortmund.example",
            "FOERDERBUCH_SMTP_PORT": "587",
            "FOERDERBUCH_SMTP_USER": "foerderbuch",
            "FOERDERBUCH_SMTP_PASSWORD": "mailgeheim",
            "FOERDERBUCH_SMTP_FROM": "foerderbuch@dortmund.example",
            "FOERDERBUCH_DOCUMENT_DIR": "/srv/dokumente",
            "UNRELATED": "x",
        }
    )
    assert settings.backend == "postgres"
    assert settings.postgres_params()["POSTGRES_PORT"] == "6543"
    assert settings.base_url == "https://foerderung.dortmund.example"
    assert settings.https is True
    assert settings.trusted_proxies == (
        ipaddress.ip_network("10.0.0.5/32"),
        ipaddress.ip_network("192.168.10.0/24"),
    )
    assert (settings.max_body_mb, settings.max_anonymous_body_kb) == (50, 32)
    assert (settings.session_idle_minutes, settings.session_hours) == (20, 4)
    assert settings.two_factor_roles == ("admin", "finance", "approver")
    assert (settings.smtp_host, settings.smtp_port, settings.smtp_user) == ("mail.dortmund.example", 587, "foerderbuch")
    assert settings.document_dir == "/srv/dokumente"
    assert "geheim" not in repr(settings) and "k" * 40 not in repr(settings)


@pytest.mark.parametrize(
    ("variable", "value", "named"),
    [
        ("FOERDERBUCH_TRUSTED_PROXIES", "proxy.intern", "FOERDERBUCH_TRUSTED_PROXIES"),
        ("FOERDERBUCH_BASE_URL", "foerderung.dortmund.example", "FOERDERBUCH_BASE_URL"),
        ("FOERDERBUCH_SESSION_HOURS", "acht", "FOERDERBUCH_SESSION_HOURS"),
        ("FOERDERBUCH_TWO_FACTOR_ROLES", "admin,chef", "FOERDERBUCH_TWO_FACTOR_ROLES"),
        ("FOERDERBUCH_HTTPS", "vielleicht", "FOERDERBUCH_HTTPS"),
    ],
)
def test_a_bad_value_is_refused_naming_the_variable(variable: str, value: str, named: str) -> None:
    with pytest.raises(SettingsError) as refused:
        Settings.from_environ({variable: value})
    assert named in str(refused.value)


def test_an_unknown_database_scheme_is_explained_in_german() -> None:
    with pytest.raises(SettingsError, match="erwartet sqlite"):
        Settings(database_url="mysql://x/y").backend  # noqa: B018


class TestTheCitysAccount:
    """FOERDERBUCH_SEPA_DEBTOR_*: the account payment runs pay from, checked with schwifty when read."""

    def test_read_by_their_names_with_the_bic_derived_from_the_iban_where_schwifty_knows_it(self) -> None:
        settings = Settings.from_environ(
            {
                "FOERDERBUCH_SEPA_DEBTOR_NAME": "Stadt Dortmund",
                "FOERDERBUCH_SEPA_DEBTOR_IBAN": "DE80 4405 0199 0001 0000 17",
            }
        )
        account = settings.sepa_debtor()
        assert account is not None
        assert (account.name, account.iban, account.bic) == ("Stadt Dortmund", "DE80440501990001000017", "DORTDE33XXX")

    def test_not_set_up_is_allowed_and_none(self) -> None:
        assert Settings.from_environ({}).sepa_debtor() is None

    @pytest.mark.parametrize(
        ("environ", "says"),
        [
            ({"FOERDERBUCH_SEPA_DEBTOR_IBAN": "DE80440501990001000017"}, "FOERDERBUCH_SEPA_DEBTOR_NAME fehlt"),
            ({"FOERDERBUCH_SEPA_DEBTOR_NAME": "Stadt Dortmund"}, "FOERDERBUCH_SEPA_DEBTOR_IBAN fehlt"),
            (
                {"FOERDERBUCH_SEPA_DEBTOR_NAME": "Stadt", "FOERDERBUCH_SEPA_DEBTOR_IBAN": "DE80440501990001000018"},
                "keine gültige IBAN",
            ),
            (
                {
                    "FOERDERBUCH_SEPA_DEBTOR_NAME": "Stadt",
                    "FOERDERBUCH_SEPA_DEBTOR_IBAN": "DE80440501990001000017",
                    "FOERDERBUCH_SEPA_DEBTOR_BIC": "DORT33",
                },
                "kein gültiger BIC",
            ),
            (
                {
                    "FOERDERBUCH_SEPA_DEBTOR_NAME": "Stadt",
                    "FOERDERBUCH_SEPA_DEBTOR_IBAN": "DE80440501990001000017",
                    "FOERDERBUCH_SEPA_DEBTOR_BIC": "BNPAFRPPXXX",
                },
                "gehört nicht zum Land",
            ),
        ],
    )
    def test_a_partial_or_invalid_account_is_a_clear_error(self, environ: dict[str, str], says: str) -> None:
        with pytest.raises(SettingsError, match=says):
            Settings.from_environ(environ)
