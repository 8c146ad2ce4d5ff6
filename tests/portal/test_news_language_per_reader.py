"""E-mails sent while nobody is on a page follow each person's remembered language: the news of
``foerderbuch notify`` per reader, the invitation in the language chosen on the form."""

from __future__ import annotations

import email
from email import policy

from portal_support import Member, a_grant, csrf_of
from test_members import invite, link_of
from test_notifications import FakeSmtp, smtp  # noqa: F401 - the fixture

from foerderbuch.notify import SmtpSettings, send_notifications
from web.services import Services


def switch_language(member: Member, language: str, next_url: str = "/portal/") -> None:
    answer = member.post("/sprache", {"language": language, "next": next_url})
    assert answer.status_code == 303 and answer.cookies.get("sprache") == language


def sign_out(member: Member) -> None:
    assert member.post("/abmelden").status_code == 303
    member.client.cookies.clear()


def read(raw: str) -> tuple[str, str]:
    """The subject and the text of a message as the fake server received it."""
    parsed = email.message_from_string(raw, policy=policy.default)
    assert isinstance(parsed, email.message.EmailMessage)
    return str(parsed["Subject"]), parsed.get_content().replace("\r\n", "\n")


class Outbox:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str, str]] = []

    def send(self, to: str, subject: str, body: str) -> bool:
        self.sent.append((to, subject, body))
        return True


def test_one_notify_run_writes_each_reader_in_their_own_language(
    member: Member,
    services: Services,
    smtp: FakeSmtp,  # noqa: F811
) -> None:
    member.sign_in("dfg")  # Claire reads English, Marc never chose: German
    switch_language(member, "en")
    sign_out(member)
    assert services.credentials.languages.of(member.world.users["dfg"]) == "en"  # survives signing out
    assert services.credentials.languages.of(member.world.users["dfg2"]) is None
    a_grant(member.world, "approved")

    report = send_notifications(
        member.office,
        services.projector,
        SmtpSettings("127.0.0.1", smtp.port, "", "", "fb@dortmund.example"),
        languages=services.credentials.languages,
    )

    assert report.emails == 2
    mails = {tuple(to): read(raw) for to, raw in smtp.messages}
    assert set(mails) == {("claire@dfg.example",), ("marc@dfg.example",)}
    (english_subject, english), (german_subject, german) = mails["claire@dfg.example",], mails["marc@dfg.example",]
    assert english_subject.startswith("News about your grants (")
    assert english.startswith("Hello,\n\nthere is news about the grants of ")
    assert "IB-2026-0001" in english and "has been approved" in english and "bewilligt" not in english
    assert german_subject.startswith("Neuigkeiten zu Ihren Förderungen (")
    assert german.startswith("Guten Tag,\n\nbei den Förderungen von ") and "bewilligt" in german


def test_without_remembered_languages_the_news_stays_german_in_one_mail(
    member: Member,
    services: Services,
    smtp: FakeSmtp,  # noqa: F811
) -> None:
    a_grant(member.world, "approved")
    send_notifications(
        member.office,
        services.projector,
        SmtpSettings("127.0.0.1", smtp.port, "", "", "fb@dortmund.example"),
        languages=services.credentials.languages,
    )
    [(to, raw)] = smtp.messages
    assert sorted(to) == ["claire@dfg.example", "marc@dfg.example"]
    assert read(raw)[0].startswith("Neuigkeiten zu Ihren Förderungen")


def test_the_remembered_language_comes_back_on_sign_in_and_is_changed_on_the_password_page(
    member: Member, services: Services
) -> None:
    member.sign_in("dfg")
    assert "keine (E-Mails kommen auf Deutsch)" in member.get("/passwort").text
    switch_language(member, "en", "/passwort")
    sign_out(member)

    member.sign_in("dfg")  # a browser without the cookie: the pages come in English again
    assert member.client.cookies.get("sprache") == "en"
    page = member.get("/passwort").text
    assert 'lang="en"' in page and "Saved:" in page and "English" in page

    switch_language(member, "de", "/passwort")
    assert services.credentials.languages.of(member.world.users["dfg"]) == "de"


def test_a_visitor_switching_the_language_remembers_nothing(member: Member, services: Services) -> None:
    page = member.get("/anmelden")
    answer = member.client.post(
        "/sprache", data={"language": "en", "next": "/", "csrf_token": csrf_of(page.text)}, follow_redirects=False
    )
    assert answer.status_code == 303
    assert all(services.credentials.languages.of(user) is None for user in member.world.users.values())


def test_the_invitation_goes_out_in_the_language_chosen_on_the_form(member: Member, services: Services) -> None:
    services.mailer = outbox = Outbox()
    member.sign_in("dfg")
    assert 'name="language"' in member.get("/portal/mitglieder").text

    english = invite(member, email="luc@dfg.example", language="en")
    invite(member, name="Anne Petit", email="anne@dfg.example")  # the default: German

    (to_luc, subject_luc, body_luc), (to_anne, subject_anne, body_anne) = outbox.sent
    assert to_luc == "luc@dfg.example" and subject_luc.startswith("Invitation: ")
    assert body_luc.startswith("Hello,") and "Passwort" not in body_luc
    assert to_anne == "anne@dfg.example" and subject_anne.startswith("Einladung: ")
    assert body_anne.startswith("Guten Tag,")

    link = link_of(english.text)
    member.client.cookies.clear()
    member.client.cookies.set("sprache", "en")  # Luc accepts on an English page: his language from then on
    page = member.get(link)
    password = "ein-ganz-neues-passwort-2026"
    answer = member.client.post(
        link, data={"password": password, "again": password, "csrf_token": csrf_of(page.text)}, follow_redirects=False
    )
    assert answer.status_code == 303, answer.text
    luc = member.office.user_by_email("luc@dfg.example")
    assert services.credentials.languages.of(luc.id) == "en"
