"""English for the portal's and workspace's everyday screens (German text as key, as in ``i18n``)."""

from __future__ import annotations

SCREENS_ENGLISH: dict[str, str] = {
    "Antrag ohne Namen": "Application without a name",
    "Ausgegeben (gemeldet)": "Spent (reported)",
    "Die Summen rechnet die Seite beim Tippen mit; beim Absenden prüfen wir sie noch einmal.": (
        "The page adds up as you type; we check the sums again when you send the form."
    ),
    "Differenz": "Difference",
    "Eigenmittel Ihres Vereins mindestens": "Your association's own funds at least",
    "Eigenmittel-Anteil": "Share of own funds",
    "Entwurf weiter bearbeiten und absenden": "Continue the draft and send it",
    "Finanzierung insgesamt": "Total funding",
    "Förderung ab": "Grants from",
    "Geplant und ausgegeben je Kostenposition": "Planned and spent per budget line",
    "Ihr gespeicherter Entwurf": "Your saved draft",
    "Ihre Rechnung": "Your sums",
    "Kosten": "Costs",
    "Kosten insgesamt": "Total costs",
    "Menü": "Menu",
    "Möglich als": "Possible as",
    "Neue Bankverbindung mitteilen": "Tell us a new bank account",
    "Noch abrufbar": "Still to request",
    "Noch offen": "Left",
    "Regeln der Förderprogramme": "Rules of the programmes",
    (
        "Steht ein Lesemodell hinter dem neuesten Ereignis, zeigen die Seiten, die es speist, für einen Augenblick "
        "den vorigen Stand; es holt von selbst auf. Bleibt es länger zurück, bitte den Betrieb informieren."
    ): (
        "When a read model is behind the newest event, the pages it feeds show the previous state for a moment; "
        "it catches up by itself. If it stays behind, please tell operations."
    ),
    "Summe der Belege (ohne stornierte)": "Total of the receipts (without cancelled ones)",
    "Technischer Name": "Technical name",
    "Zurzeit ist kein Förderprogramm offen.": "No programme is open at the moment.",
    "Zusammen": "Total",
    "der Kosten": "of the costs",
    "gespeichert am": "saved on",
    "höchstens": "at most",
    "möglich ab": "possible from",
    "Überwiesen wird auf": "Paid to",
    "überschritten um": "exceeded by",
    "An das Büro senden": "Send to the office",
    "Neue IBAN": "New IBAN",
    "Warum ändert sich das Konto?": "Why does the account change?",
    "– bitte wählen –": "– please choose –",
    "Bitte eine Partnerstadt wählen.": "Please choose a partner city.",
    "Verwendungsnachweis einreichen": "Submit the proof of use",
    "Akte (Verlauf, Unterlagen, Nachrichten)": "Case file (history, documents, messages)",
    "Verwendungsnachweise und Belege": "Proofs of use and receipts",
    "Zuwendungsrecht (Zinsen, Bindung)": "Grant law (interest, commitment)",
    "Liste der Zuwendungen": "List of grants",
    "Buchungsjournal": "Posting journal",
    "Neuigkeiten für Vereine": "News for associations",
    "Vereinsportal": "Association portal",
    "Haushaltsmittel je Programm": "Budget per programme",
    "Ausgaben je Projekt": "Spending per project",
    "Stammdaten (Programme, Organisationen, Projekte)": "Master data (programmes, organisations, projects)",
    "Siegelkette": "Seal chain",
    "Zeitleiste": "Timeline",
    "Benutzerkonten": "User accounts",
    "Zugangsanträge": "Account requests",
    "Arbeitskörbe": "Work queues",
    "Als Nächstes": "Next",
    "Antrag prüfen": "Review the application",
    "Angeforderte Unterlagen nachreichen": "Send the documents asked for",
    "Über den Antrag entscheiden": "Decide on the application",
    "Verwendungsnachweis prüfen": "Review the proof of use",
    "Schlussbetrag festsetzen": "Determine the final amount",
    "Abruf sachlich und rechnerisch feststellen": "Certify the payment request",
    "Zahlung freigeben": "Release the payment",
    "Auszahlung buchen": "Book the payment",
    "Geld abrufen, Ausgaben melden, Verwendungsnachweis einreichen": (
        "Request money, report expenses, submit the proof of use"
    ),
    "Offene Rückforderungen begleichen, dann abschließen": "Settle open claims, then close",
    "Sachbearbeitung": "Officer",
    "Verein": "Association",
    "Zeichnungsbefugte": "Approver",
    "Zeichnungsbefugte oder Kämmerei (nicht, wer festgestellt hat)": (
        "Approver or finance (not the person who certified)"
    ),
    "Stadtkasse": "City treasury",
    "Verein und Kämmerei": "Association and finance",
    "Auszahlungen je Monat": "Payments per month",
    "Monat": "Month",
    "Ausgezahlt": "Paid",
    "Fällige Nachweise je Monat": "Proofs due per month",
    "Nachweise": "Proofs",
    "Ihre Förderungen über die Jahre": "Your grants over the years",
    "Jahr": "Year",
    "Antwort": "Answer",
    "Antwort an": "Answer to",
    "Antwort fällig bis": "Answer due by",
    "Antwort vermerken": "Record the answer",
    "Auf welcher Seite?": "On which page?",
    "Barriere melden": "Report a barrier",
    (
        "Die Seiten sind weitgehend mit den Anforderungen vereinbar. Geprüft wird bei jeder Änderung automatisch mit "
        "axe-core in zwei Bildschirmgrößen (Büroarbeitsplatz 1366 × 768, Smartphone 390 × 844); alle Formulare "
        "funktionieren ohne Maus und ohne JavaScript."
    ): (
        "The pages largely meet the requirements. Every change is checked automatically with axe-core at two screen "
        "sizes (office desktop 1366 × 768, phone 390 × 844); every form works without a mouse and without JavaScript."
    ),
    (
        "Die Stadt Dortmund ist bemüht, das Förderbuch – den Arbeitsplatz des Büros für Internationale Beziehungen "
        "und das Förderportal für Vereine – barrierefrei zugänglich zu machen. Rechtsgrundlagen sind das "
        "Behindertengleichstellungsgesetz NRW und die Barrierefreie-Informationstechnik-Verordnung (BITV 2.0 / BITV "
        "NRW), die die Anforderungen der WCAG 2.1 auf Stufe AA übernehmen."
    ): (
        "The City of Dortmund strives to make the Förderbuch – the workspace of the Office for International "
        "Relations and the funding portal for associations – accessible. The legal bases are the NRW Disability "
        "Equality Act and the accessible IT ordinance (BITV 2.0 / BITV NRW), which adopt WCAG 2.1 level AA."
    ),
    "Erklärung zur Barrierefreiheit": "Accessibility statement",
    "Erstellt am 5. Dezember 2026 auf Grundlage einer Selbstbewertung.": (
        "Prepared on 5 December 2026 on the basis of a self-assessment."
    ),
    "Hochgeladene Unterlagen der Vereine (z. B. eingescannte Belege) sind nicht immer barrierefrei.": (
        "Documents uploaded by associations (e.g. scanned receipts) are not always accessible."
    ),
    "Ihre E-Mail-Adresse für die Antwort": "Your e-mail address for the answer",
    (
        "Ist Ihnen eine Barriere aufgefallen? Schreiben Sie uns. Wir antworten innerhalb eines Monats. Eine "
        "E-Mail-Adresse brauchen wir nur, wenn Sie eine Antwort möchten."
    ): (
        "Did you come across a barrier? Write to us. We answer within one month. We only need an e-mail address "
        "if you would like an answer."
    ),
    "Jede Rückmeldung ist innerhalb eines Monats zu beantworten (BITV 2.0). Offene zuerst, nach Frist.": (
        "Every report must be answered within one month (BITV 2.0). Open ones first, by deadline."
    ),
    "Nicht barrierefreie Inhalte": "Content that is not accessible",
    "Noch keine Rückmeldungen.": "No reports yet.",
    "Rückmeldung senden": "Send the report",
    "Rückmeldungen zur Barrierefreiheit": "Accessibility reports",
    "Schlichtungsverfahren": "Conciliation procedure",
    "Stand der Vereinbarkeit": "State of compliance",
    (
        "Tabellenkalkulationen (Excel-Dateien) zum Herunterladen sind nicht in jedem Fall für Screenreader optimiert; "
        "die Zahlen stehen auch auf den Seiten."
    ): (
        "Spreadsheets (Excel files) for download are not always optimised for screen readers; "
        "the figures are on the pages too."
    ),
    "Was hat Sie behindert?": "What got in your way?",
    (
        "Wenn Sie auf Ihre Rückmeldung innerhalb eines Monats keine zufriedenstellende Antwort erhalten, können Sie "
        "sich an die Ombudsstelle für barrierefreie Informationstechnik des Landes Nordrhein-Westfalen wenden."
    ): (
        "If you do not receive a satisfactory answer to your report within one month, you can turn to the "
        "ombudsman for accessible information technology of the State of North Rhine-Westphalia."
    ),
    "beantwortet am": "answered on",
    "keine Adresse angegeben": "no address given",
    "Abruf vom": "Payment request of",
    "Ausgabe vom": "Expense of",
    "über": "for",
    "Rückforderung": "Claim",
}
