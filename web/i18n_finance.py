"""English for the finance pages: payment runs, bank statements, downloads, the SDG report."""

from __future__ import annotations

FINANCE_ENGLISH: dict[str, str] = {
    "Gesamtsumme über alle Jahre": "Grand total over all years",
    "Sonst nur Summen je Haushaltsjahr.": "Otherwise only totals per fiscal year.",
    # Payment runs and bank statements
    "Zahlungslauf": "Payment run",
    "Zahlungsläufe": "Payment runs",
    "Zahlungslauf und Kontoauszug": "Payment run and bank statement",
    "Zurück zur Kämmerei": "Back to finance",
    "Festgestellte Zahlungen": "Certified payments",
    "Auswählen und gemeinsam freigeben; die SEPA-Datei entsteht aus den freigegebenen Zahlungen": (
        "Select and release together; the SEPA file is made from the released payments"
    ),
    "Wählen": "Select",
    "BIC": "BIC",
    "Verwendungszweck": "Remittance information",
    "Ausführungsdatum": "Execution date",
    "Ausführung": "Execution",
    "Freigeben und SEPA-Datei erstellen": "Release and create the SEPA file",
    "SEPA-Dateien brauchen die Bankverbindung der Stadt: bitte FOERDERBUCH_SEPA_DEBTOR_NAME, "
    "FOERDERBUCH_SEPA_DEBTOR_IBAN und FOERDERBUCH_SEPA_DEBTOR_BIC setzen. Bis dahin wird nichts freigegeben.": (
        "SEPA files need the city's bank account: please set FOERDERBUCH_SEPA_DEBTOR_NAME, "
        "FOERDERBUCH_SEPA_DEBTOR_IBAN and FOERDERBUCH_SEPA_DEBTOR_BIC. Until then nothing is released."
    ),
    "Freigegeben, noch in keinem Zahlungslauf": "Released, not yet in a payment run",
    "SEPA-Datei erstellen": "Create the SEPA file",
    "Keine festgestellte Zahlung wartet auf die Freigabe.": "No certified payment is waiting for release.",
    "Noch kein Zahlungslauf.": "No payment run yet.",
    "Erstellt von": "Created by",
    "Kontoauszug": "Bank statement",
    "Kontoauszug einlesen (camt.053)": "Import a bank statement (camt.053)",
    "Offene Posten aus Kontoauszügen": "Open bank statement lines",
    "Rückläufer, vorgeschlagene Rückzahlungen und nicht zugeordnete Posten warten auf eine Entscheidung der "
    "Stadtkasse": "Returns, proposed repayments and unmatched lines waiting for the cash office's decision",
    "Entscheidung": "Decision",
    "Rücklauf buchen": "Book the return",
    "Rückzahlung buchen": "Book the repayment",
    "Als erledigt vermerken": "Mark as settled",
    "Kein Posten wartet auf eine Entscheidung.": "No line is waiting for a decision.",
    "Einlesen": "Import",
    (
        "Überweisungen werden über ihre End-to-End-Referenz gebucht; Rückläufer, Rückzahlungen und unbekannte Posten "
        "werden zur Entscheidung aufgelistet. Derselbe Auszug ein zweites Mal ändert nichts."
    ): (
        "Transfers are booked by their end-to-end reference; returns, repayments and unknown lines are listed for a "
        "decision. The same statement a second time changes nothing."
    ),
    "Dieser Kontoauszug ist schon eingelesen; es wurde nichts geändert.": (
        "This bank statement has already been imported; nothing was changed."
    ),
    "Zahlungen gebucht.": "payments booked.",
    "Posten zur Entscheidung.": "lines to decide on.",
    "Gebucht mit der Wertstellung des Auszugs": "Booked with the statement's value date",
    "End-to-End-Referenz": "End-to-end reference",
    "Ergebnis": "Result",
    "schon gebucht": "already booked",
    "Zur Entscheidung: Rückläufer, Rückzahlungen und nicht zugeordnete Posten": (
        "To decide: returns, repayments and unmatched lines"
    ),
    "Posten": "Line",
    "Rücklauf": "Return",
    "Rückzahlung vorgeschlagen": "Repayment proposed",
    "Betrag weicht ab": "Amount differs",
    "nicht gebucht": "not booked",
    "nicht zugeordnet": "not matched",
    "Summe": "Total",
    "Vorgang": "Reference",
    # SDG report
    "SDG-Bericht": "SDG report",
    (
        "Zuwendungen und Projekte der Stadt nach den Zielen für nachhaltige Entwicklung, Partnerstadt, Programm und "
        "Haushaltsjahr: gebunden (bewilligt, Projektbudget) und ausgezahlt. Ein Projekt zählt unter jedem seiner SDGs "
        "voll; eine Zuwendung unter den SDGs des Projekts, dem sie dient."
    ): (
        "Grants and the city's projects by Sustainable Development Goal, partner city, programme and fiscal year: "
        "bound (approved, project budget) and paid out. A project counts in full under each of its SDGs; a grant "
        "under the SDGs of the project it serves."
    ),
    "Insgesamt (jede Zeile einmal)": "Overall (each line once)",
    "gebunden": "bound",
    "Schlüssel": "Key",
    "Diagramm": "Chart",
    "Einzelne Zuwendungen und Projekte": "Individual grants and projects",
    "Jahr": "Year",
    "SDGs": "SDGs",
    "Nach SDG": "By SDG",
    "Nach Partnerstadt": "By partner city",
    "Nach Programm": "By programme",
    "Nach Haushaltsjahr": "By fiscal year",
}
