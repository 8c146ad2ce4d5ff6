"""The timeline of a grant in plain German, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

from ledger_story import World

from projections.timeline import Timeline


def test_the_timeline_tells_who_did_what_when_and_why(world: World) -> None:
    story = world.story

    with world.projector.db.transaction() as cursor:
        entries = Timeline.of(cursor, story.amiens)

    assert [(e.business_date, e.who, e.role_german, e.what, e.why) for e in entries] == [
        (
            date(2026, 2, 10),
            "Marie Laurent",
            "Verein",
            "Antrag eingegangen: »Begegnung mit Amiens«, beantragt 7.000,00 € (Anteilfinanzierung) "
            "für 01.03.2026–31.10.2026",
            "",
        ),
        (
            date(2026, 2, 12),
            "Petra Schmitz",
            "Sachbearbeitung",
            "Unterlagen angefordert bis 02.03.2026: Teilnehmerliste",
            "",
        ),
        (date(2026, 2, 20), "Marie Laurent", "Verein", "Unterlagen eingereicht", "Liste mit 20 Namen"),
        (
            date(2026, 2, 25),
            "Petra Schmitz",
            "Sachbearbeitung",
            "Antrag geprüft: formal in Ordnung, inhaltlich förderfähig",
            "Vollständig und förderfähig.",
        ),
        (
            date(2026, 3, 1),
            "Dr. Aylin Demir",
            "Zeichnungsbefugte",  # dated by the approval saved with it
            "Mittel gebunden: 7.000,00 € im Haushaltsjahr 2026",
            "",
        ),
        (date(2026, 3, 1), "Dr. Aylin Demir", "Zeichnungsbefugte", "Bewilligt: 7.000,00 € als Anteilfinanzierung", ""),
        (date(2026, 3, 2), "Marie Laurent", "Verein", "Mittel abgerufen: 3.000,10 €", "Anzahlung Bus"),
        (
            date(2026, 3, 3),
            "Jonas Becker",
            "Sachbearbeitung",
            "Abruf über 3.000,10 € sachlich und rechnerisch richtig festgestellt",
            "",
        ),
        (date(2026, 3, 4), "Stefan Wolters", "Kämmerei", "Auszahlung über 3.000,10 € freigegeben", ""),
        (date(2026, 3, 5), "Nina Brauer", "Stadtkasse", "Ausgezahlt: 3.000,10 €, Wertstellung 05.03.2026", ""),
        (date(2026, 4, 1), "Marie Laurent", "Verein", "Mittel abgerufen: 1.000,00 €", "Unterkunft"),
        (
            date(2026, 4, 2),
            "Petra Schmitz",
            "Sachbearbeitung",
            "Abruf über 1.000,00 € sachlich und rechnerisch richtig festgestellt",
            "",
        ),
        (date(2026, 4, 2), "Stefan Wolters", "Kämmerei", "Auszahlung über 1.000,00 € freigegeben", ""),
        (date(2026, 4, 3), "Petra Schmitz", "Sachbearbeitung", "Abruf über 1.000,00 € storniert", "Doppelt angewiesen"),
        (date(2026, 10, 20), "Marie Laurent", "Verein", "Mittel abgerufen: 2.000,00 €", "Schlusszahlung"),
        (
            date(2026, 10, 21),
            "Jonas Becker",
            "Sachbearbeitung",
            "Abruf über 2.000,00 € sachlich und rechnerisch richtig festgestellt",
            "",
        ),
        (date(2026, 10, 22), "Dr. Aylin Demir", "Zeichnungsbefugte", "Auszahlung über 2.000,00 € freigegeben", ""),
        (date(2027, 1, 4), "Nina Brauer", "Stadtkasse", "Ausgezahlt: 2.000,00 €, Wertstellung 04.01.2027", ""),
        (
            date(2026, 6, 30),
            "Nina Brauer",
            "Stadtkasse",
            "Rückfluss: 200,00 € zurückerhalten, Wertstellung 30.06.2026",
            "Zwei Teilnehmende abgesagt",
        ),
    ]
    assert [e.position for e in entries] == sorted(e.position for e in entries)
    assert entries[0].recorded_at.tzinfo is not None


def test_an_amendment_shows_the_changed_commitment_with_its_reason(world: World) -> None:
    story = world.story

    with world.projector.db.transaction() as cursor:
        entries = Timeline.of(cursor, story.leeds)

    texts = [(e.what, e.why) for e in entries]
    assert ("Änderung vorgeschlagen: neuer Betrag 4.500,00 €", "Weniger Teilnehmende") in texts
    assert ("Mittelbindung 2027 angepasst: 3.000,00 € → 2.500,00 €", "Änderungsbescheid IB-2026-0002") in texts
    assert ("Änderung bewilligt: neuer Betrag 4.500,00 €", "Weniger Teilnehmende") in texts


def test_a_rejection_and_a_withdrawal_keep_their_reasons(world: World) -> None:
    story = world.story

    with world.projector.db.transaction() as cursor:
        rejected = Timeline.of(cursor, story.novi_sad)[-1]
        withdrawn = Timeline.of(cursor, story.xian)[-1]

    assert (rejected.what, rejected.why, rejected.who) == (
        "Antrag abgelehnt",
        "Förderzweck nicht erfüllt",
        "Dr. Aylin Demir",
    )
    assert (withdrawn.what, withdrawn.why, withdrawn.who) == ("Antrag zurückgezogen", "Reise abgesagt", "Marie Laurent")


def test_proof_final_amount_and_claim_are_told_with_their_figures(world: World) -> None:
    story = world.story

    with world.projector.db.transaction() as cursor:
        entries = Timeline.of(cursor, story.schytomyr)

    after_payment = [(e.business_date, e.who, e.what, e.why) for e in entries][8:]
    assert after_payment == [
        (
            date(2026, 5, 10),
            "Marie Laurent",
            "Ausgabe gemeldet: 2.200,00 € an Busreisen GmbH, Kostenposition »travel«, Beleg R-1",
            "Transport der Hilfsgüter",
        ),
        (date(2026, 10, 30), "Marie Laurent", "Verwendungsnachweis eingereicht: Kosten 2.200,00 €, 1 Beleg", ""),
        (
            date(2026, 10, 31),
            "Jonas Becker",
            "Verwendungsnachweis geprüft: anerkannt 2.200,00 €",
            "Belege vollständig.",
        ),
        (
            date(2026, 11, 1),
            "Dr. Aylin Demir",
            "Zuwendung endgültig festgesetzt auf 2.200,00 €, ausgezahlt 3.000,00 €; 800,00 € werden zurückgefordert",
            "Festbetragsfinanzierung: Festbetrag 3.000,00 €; höchstens 3.000,00 € → 2.200,00 €",
        ),
        (
            date(2026, 11, 1),
            "Dr. Aylin Demir",
            "Rückforderung über 800,00 € festgesetzt, zu verzinsen ab 01.11.2026",
            "Schlussfestsetzung",
        ),
        (
            date(2026, 12, 1),
            "Nina Brauer",
            "Rückzahlung eingegangen: 500,00 €, davon Zinsen 2,81 €, Wertstellung 01.12.2026",
            "",
        ),
        (
            entries[14].business_date,
            "Petra Schmitz",
            "Erlass vorgeschlagen",
            "Verein aufgelöst, nichts mehr zu holen",
        ),
        (
            date(2027, 1, 15),
            "Dr. Aylin Demir",
            "Erlass: 302,81 € und Zinsen von 1,59 € werden nicht mehr gefordert",
            "Erlass vertretbar",
        ),
        (
            date(2027, 1, 20),
            "Petra Schmitz",
            "Mittelbindung 2026 angepasst: 3.000,00 € → 2.200,00 €",
            "Abschluss IB-2026-0010",
        ),
        (
            date(2027, 1, 20),
            "Petra Schmitz",
            "Zuwendung abgeschlossen: endgültig 2.200,00 €, ausgezahlt 3.000,00 €, 800,00 € Mittelbindung freigegeben",
            "",
        ),
    ]
