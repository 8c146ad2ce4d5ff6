"""English for the portal's own texts; joined into ``web.i18n.ENGLISH`` when the portal is imported."""

from __future__ import annotations

from web.i18n import ENGLISH

PORTAL_ENGLISH = {
    "Als Entwurf speichern": "Save as draft",
    "Ihr gespeicherter Entwurf ist eingesetzt.": "Your saved draft has been filled in.",
    "Ihr Entwurf ist gespeichert. Sie können den Antrag später fertigstellen und absenden.": (
        "Your draft is saved. You can complete and submit the application later."
    ),
    "Abgerufen am": "Requested on",
    "Abgerufen, noch nicht überwiesen": "Requested, not yet transferred",
    "Abruf zurücknehmen": "Take back the request",
    "Abrufe und Überweisungen": "Payment requests and transfers",
    "Aktion": "Action",
    "An": "To",
    "Beleg": "Receipt",
    "Beträge": "Amounts",
    "Bis": "Due",
    "Endgültiger Förderbetrag": "Final grant amount",
    "Euro": "Euro",
    "Fremdwährung": "Foreign currency",
    "Förderung beantragen": "Apply for funding",
    "Füllen Sie die drei Schritte aus. Wichtig: Die Kosten müssen genau so hoch sein wie Eigenmittel, Zuschüsse, "
    "Einnahmen und die beantragte Förderung zusammen. Beträge bitte so schreiben: 1.234,56": (
        "Fill in the three steps. Important: the costs must equal own funds, other grants, income and the funding "
        "requested together. Please write amounts like this: 1.234,56"
    ),
    "Gemeldete Ausgaben (Belegliste)": "Reported expenses (list of receipts)",
    "Ihre Anträge und Förderungen": "Your applications and grants",
    "Im Moment nichts.": "Nothing at the moment.",
    "Kurs": "rate",
    "Neuen Antrag stellen": "Make a new application",
    "Neuer Antrag": "New application",
    "Neuigkeiten": "News",
    "Noch nichts Neues.": "Nothing new yet.",
    "Unser Verein": "Our association",
    "Verwendungsnachweis als Excel-Datei herunterladen": "Download the proof of use as an Excel file",
    "Was Sie hier tun können": "What you can do here",
    "Was Sie tun müssen": "What you need to do",
    "Was als Nächstes passiert": "What happens next",
    "Wofür": "What for",
    "Zeitraum": "Period",
    "Zurückzuzahlen": "To be repaid",
    "vom": "of",
    "Überwiesen": "Transferred",
    "Überwiesen am": "Transferred on",
    # statuses and next steps as the applicant sees them
    "Unterlagen fehlen": "Documents missing",
    "In Prüfung": "Under review",
    "Nachweis eingereicht": "Proof submitted",
    "Nachweis geprüft": "Proof reviewed",
    "Abgerechnet": "Settled",
    "Beantragt – wird bearbeitet": "Requested – being processed",
    "Geprüft – wartet auf Freigabe": "Checked – awaiting release",
    "Zur Überweisung freigegeben": "Released for transfer",
    "Geld abrufen": "Request money",
    "Ausgabe melden": "Report an expense",
    "Antrag absenden": "Send the application",
    # uploading requested documents
    "Hochgeladene Unterlagen": "Uploaded documents",
    "Dateien hochladen": "Upload files",
    "Anmerkung – oder: was haben Sie wie geschickt?": "Note – or: what did you send, and how?",
    "Bis zu 10 Dateien, je höchstens 10 MB: PDF, PNG, JPEG, Word (docx), Excel (xlsx) oder OpenDocument (odt).": (
        "Up to 10 files, at most 10 MB each: PDF, PNG, JPEG, Word (docx), Excel (xlsx) or OpenDocument (odt)."
    ),
    "Laden Sie die Unterlagen hier hoch – oder schicken Sie sie per E-Mail oder Post und vermerken Sie es hier.": (
        "Upload the documents here – or send them by e-mail or post and note it here."
    ),
}

ENGLISH.update({german: english for german, english in PORTAL_ENGLISH.items() if german not in ENGLISH})
