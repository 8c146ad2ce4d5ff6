"""History lines, news, work-queue details and booking texts are kept as messages: German in the table,
the message id with typed values beside it, so a page shows them in the reader's language. A store whose
tables were written before (message columns empty or missing) is folded again when it is opened."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ledger_story import TODAY, World, tell

from domain.messages import Message, message
from domain.money import Money
from foerderbuch.settings import Settings
from foerderbuch.wiring import create_office, create_projector
from projections.journal import Journal
from projections.texts import decoded, encoded
from projections.timeline import Timeline
from web.i18n import current_language, gettext


def in_english(text: str) -> str:
    token = current_language.set("en")
    try:
        return gettext(text)
    finally:
        current_language.reset(token)


def test_a_message_survives_the_table_with_its_typed_values() -> None:
    inner = message("Zwischennachweis {year}", year="2026")
    text = message(
        "Frist für den {deadline} verlängert: {previous} → {due}",
        deadline=inner,
        previous=date(2026, 3, 31),
        due=date(2026, 6, 30),
    )
    again = decoded(str(text), encoded(text))
    assert (
        isinstance(again, Message)
        and again == text == "Frist für den Zwischennachweis 2026 verlängert: 31.03.2026 → 30.06.2026"
    )
    assert in_english(again) == "Deadline for the interim proof 2026 extended: 31 Mar 2026 → 30 Jun 2026"
    amount = decoded("x", encoded(message("Mittel abgerufen: {amount}", amount=Money(Decimal("1250.5")))))
    assert in_english(amount) == "Payment requested: €1,250.50"
    assert decoded("Reise abgesagt", "") == "Reise abgesagt"  # text somebody typed stays as typed
    assert decoded("Alt", "{kaputt") == "Alt"  # an unreadable column shows the German


def test_the_timeline_shows_in_german_and_in_english(world: World) -> None:
    with world.projector.db.transaction() as cursor:
        first = Timeline.of(cursor, world.story.amiens)[0]
    assert first.what == (
        "Antrag eingegangen: »Begegnung mit Amiens«, beantragt 7.000,00 € (Anteilfinanzierung) "
        "für 01.03.2026–31.10.2026"
    )
    assert in_english(first.what) == (
        "Application received: “Begegnung mit Amiens”, €7,000.00 requested (Share financing) for 1 Mar 2026–31 Oct 2026"
    )


def test_booking_texts_translate_and_stay_german_in_the_table(world: World) -> None:
    with world.projector.db.transaction() as cursor:
        cursor.execute("SELECT memo FROM jr_entries WHERE memo LIKE ?", ("Mittelabruf%",))
        stored = {row["memo"] for row in cursor.fetchall()}
        shown = [e.memo for e in Journal.entries(cursor, holder_id=world.story.amiens) if e.memo.startswith("Mittel")]
    assert stored and {str(m) for m in shown} <= stored | {m for m in shown if not m.startswith("Mittelabruf")}
    requests = [m for m in shown if m.startswith("Mittelabruf ")]
    assert requests and all(in_english(m) == "Payment request " + m.removeprefix("Mittelabruf ") for m in requests)


def test_a_store_written_before_the_message_columns_is_folded_again(tmp_path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'alt.sqlite'}")
    office = create_office(settings, today=lambda: TODAY)
    try:
        story = tell(office)
        projector = create_projector(settings, office)
        projector.catch_up()
        with projector.db.transaction() as cursor:  # as an earlier release left it: German only, another definition
            cursor.execute("UPDATE tl_entries SET what_message = ''")
            cursor.execute("UPDATE projection_schema SET fingerprint = 'release 0.1' WHERE projection = 'timeline'")
        projector.db.close()

        reopened = create_projector(settings, office)
        try:
            assert reopened.positions()["timeline"] == 0  # the changed definition starts the timeline over
            reopened.catch_up()
            with reopened.db.transaction() as cursor:
                entries = Timeline.of(cursor, story.amiens)
                cursor.execute("SELECT COUNT(*) AS n FROM tl_entries WHERE what_message = ''")
                row = cursor.fetchone()
            assert isinstance(entries[0].what, Message)
            assert in_english(entries[0].what).startswith("Application received: ")
            assert row is not None and int(row["n"]) < len(entries)
            assert reopened.positions()["journal"] > 0  # a model whose definition is unchanged is left alone
        finally:
            reopened.db.close()
    finally:
        office.close()
