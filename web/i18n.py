"""The translation catalogue: German is the language of the pages, English is available.

Every text on a page goes through ``_()``; the German text is the key, and ``ENGLISH`` holds its
translation. A missing English entry falls back to the German text, so nothing ever shows a key.
"""

from __future__ import annotations

from contextvars import ContextVar

LANGUAGES = ("de", "en")
current_language: ContextVar[str] = ContextVar("current_language", default="de")

ENGLISH: dict[str, str] = {
    "Anmelden": "Sign in",
    "Abmelden": "Sign out",
    "E-Mail-Adresse": "E-mail address",
    "Passwort": "Password",
    "Passwort ändern": "Change password",
    "Bisheriges Passwort": "Current password",
    "Neues Passwort": "New password",
    "Neues Passwort wiederholen": "Repeat new password",
    "Speichern": "Save",
    "Übersicht": "Overview",
    "Arbeitsplatz": "Workspace",
    "Förderprogramme": "Programmes",
    "Zuwendungen": "Grants",
    "Organisationen": "Organisations",
    "Projekte": "Projects",
    "Kämmerei": "Finance",
    "Stadtkasse": "Cash office",
    "Prüfung": "Audit",
    "Angemeldet als": "Signed in as",
    "Rolle": "Role",
    "Rolle wechseln": "Switch role",
    "Sprache": "Language",
    "Zugriff verweigert": "Access denied",
    "Nicht gefunden": "Not found",
    "Seite nicht gefunden": "Page not found",
    "Zur Übersicht": "Back to the overview",
    "E-Mail-Adresse oder Passwort sind falsch.": "E-mail address or password is wrong.",
    "Zu viele Fehlversuche. Bitte warten Sie einige Minuten.": "Too many failed attempts. Please wait a few minutes.",
    "Das Formular ist abgelaufen oder ungültig. Bitte laden Sie die Seite neu und versuchen Sie es noch einmal.": (
        "The form has expired or is invalid. Please reload the page and try again."
    ),
    "Sie haben keine Berechtigung für diese Seite.": "You are not allowed to see this page.",
    "Das Passwort wurde geändert.": "The password has been changed.",
    "Die neuen Passwörter stimmen nicht überein.": "The new passwords do not match.",
    "Das bisherige Passwort ist falsch.": "The current password is wrong.",
    "Büro für Internationale Beziehungen · Stadt Dortmund": "International Relations Office · City of Dortmund",
    "Zum Inhalt springen": "Skip to content",
}


from web.i18n_pages import PAGES_ENGLISH  # noqa: E402 - the pages' catalogue joins the foundation's

ENGLISH.update({german: english for german, english in PAGES_ENGLISH.items() if german not in ENGLISH})

from web.i18n_law import LAW_ENGLISH  # noqa: E402 - grant law's catalogue joins the foundation's

ENGLISH.update({german: english for german, english in LAW_ENGLISH.items() if german not in ENGLISH})

from web.i18n_casefile import CASEFILE_ENGLISH  # noqa: E402 - the case file's texts (documents, letters, messages)

ENGLISH.update({german: english for german, english in CASEFILE_ENGLISH.items() if german not in ENGLISH})

from web.i18n_finance import FINANCE_ENGLISH  # noqa: E402 - finance: payment runs, statements, downloads, SDGs

ENGLISH.update({german: english for german, english in FINANCE_ENGLISH.items() if german not in ENGLISH})


def gettext(text: str) -> str:
    if current_language.get() == "en":
        return ENGLISH.get(text, text)
    return text


from web.i18n_screens import SCREENS_ENGLISH  # noqa: E402 - the everyday screens' texts (issue 18)

ENGLISH.update({german: english for german, english in SCREENS_ENGLISH.items() if german not in ENGLISH})
