"""English for the account pages: user administration, sessions, two-factor sign-in, password links, account
requests (merged into ``web.i18n.ENGLISH``)."""

from __future__ import annotations

from web.i18n import ENGLISH

ACCOUNTS_ENGLISH = {
    "Anlegen": "Create",
    "Annehmen": "Approve",
    "Ablehnen": "Decline",
    "Ansprechperson": "Contact person",
    "Antrag bestätigen": "Confirm the request",
    "Antrag absenden": "Send the request",
    "Antrag eingegangen": "Request received",
    "Benutzer suchen": "Search users",
    "Bewahren Sie diese Codes sicher auf. Jeder gilt einmal, falls Sie Ihr Gerät nicht zur Hand haben. Sie werden "
    "nur jetzt angezeigt.": "Keep these codes safe. Each works once, for when you do not have your device at hand. "
    "They are shown only now.",
    "Bitte geben Sie den sechsstelligen Code aus Ihrer Authenticator-App ein – oder einen Ihrer "
    "Wiederherstellungscodes.": "Please enter the six-digit code from your authenticator app – or one of your "
    "recovery codes.",
    "Bitte prüfen Sie den Eintrag im Vereinsregister (Registerportal der Länder) mit Gericht und Nummer, bevor Sie "
    "annehmen.": "Please check the entry in the register of associations (the Länder's register portal) by court "
    "and number before you approve.",
    "Danke! Wir haben Ihnen eine E-Mail geschickt. Bitte bestätigen Sie Ihre Adresse mit dem Link darin (24 Stunden "
    "gültig); erst dann erreicht Ihr Antrag das Büro.": "Thank you! We have sent you an e-mail. Please confirm your "
    "address with the link in it (valid for 24 hours); only then does your request reach the office.",
    "Danke, Ihre Adresse ist bestätigt. Das Büro für Internationale Beziehungen prüft Ihre Angaben und meldet sich per "
    "E-Mail.": "Thank you, your address is confirmed. The Office for International Relations checks your details "
    "and will write to you by e-mail.",
    "Für Ihre Rolle ist ein zweiter Faktor vorgeschrieben. Bitte richten Sie ihn jetzt ein.": "Your role requires a "
    "second factor. Please set it up now.",
    "Geben Sie Ihre E-Mail-Adresse ein. Wir schicken Ihnen einen Link, mit dem Sie ein neues Passwort setzen.": "Enter "
    "your e-mail address. We will send you a link to set a new password.",
    "Geben Sie den sechsstelligen Code ein, den die App anzeigt.": "Enter the six-digit code the app shows.",
    "Ihr Verein hat noch keinen Zugang?": "Your association has no access yet?",
    "Ihr Verein möchte Förderanträge online stellen? Das Büro für Internationale Beziehungen prüft Ihre Angaben "
    "anhand des Vereinsregisters und schickt Ihnen dann einen Link zum Setzen Ihres Passworts.": "Your association "
    "would like to apply for funding online? The Office for International Relations checks your details against the "
    "register of associations and then sends you a link to set your password.",
    "Ihr zweiter Faktor ist eingerichtet.": "Your second factor is set up.",
    "Keine Zugangsanträge.": "No account requests.",
    "Link anfordern": "Request a link",
    "Link – nur jetzt sichtbar": "Link – shown only now",
    "Name oder E-Mail-Adresse": "Name or e-mail address",
    "Neues Passwort": "New password",
    "Neues Passwort (mindestens 10 Zeichen)": "New password (at least 10 characters)",
    "Organisation (nur für Vereinsmitglieder)": "Organisation (association members only)",
    "Passwort setzen": "Set password",
    "Passwort vergessen": "Forgotten password",
    "Passwort vergessen?": "Forgotten your password?",
    "Personen mit Zugang": "People with access",
    "Register": "Register",
    "Scannen Sie diesen QR-Code oder tippen Sie den Schlüssel ab:": "Scan this QR code or type in the key:",
    "Status": "Status",
    "Unbenutzte Wiederherstellungscodes": "Unused recovery codes",
    "Wann": "When",
    "Was": "What",
    "Wer": "Who",
    "Weiter": "Continue",
    "Wenn Sie Ihr Gerät verloren haben, setzt die Administration den zweiten Faktor zurück.": "If you have lost your "
    "device, the administration resets your second factor.",
    "Wenn die Adresse bei uns registriert ist, ist eine E-Mail mit einem Link unterwegs. Der Link gilt 30 "
    "Minuten.": "If the address is registered with us, an e-mail with a link is on its way. The link is valid for "
    "30 minutes.",
    "Zugang": "Access",
    "Zugang beantragen": "Request access",
    "Zugangsanträge": "Account requests",
    "Zur Anmeldung": "To the sign-in page",
    "keine": "none",
    "neu anlegen": "create new",
    "Öffnen Sie eine Authenticator-App (z. B. FreeOTP, Aegis, Google oder Microsoft Authenticator).": "Open an "
    "authenticator app (e.g. FreeOTP, Aegis, Google or Microsoft Authenticator).",
    "ähnlicher Name": "similar name",
    "Verein": "Association",
    "Ort": "Place",
    "Anschrift": "Address",
    "Rechtsform": "Legal form",
    "IBAN": "IBAN",
    "Link nicht mehr gültig": "Link no longer valid",
    "Zu viele Versuche": "Too many attempts",
    "Zu groß": "Too large",
    "alle": "all",
    "Anmelden": "Sign in",
}
ENGLISH.update({german: english for german, english in ACCOUNTS_ENGLISH.items() if german not in ENGLISH})
