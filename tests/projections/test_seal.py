"""The seal's hash chain over the stored events, on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib

from ledger_story import World

from projections.seal import Seal


def test_the_chain_head_is_the_newest_event_and_covers_every_stored_byte_before_it(world: World) -> None:
    notifications = world.app.recorder.select_notifications(1, 100000)
    expected = "0" * 64
    for n in notifications:  # the documented link: previous|position|topic|aggregate id|version|, then the bytes
        header = f"{expected}|{n.id}|{n.topic}|{n.originator_id.hex}|{n.originator_version}|".encode()
        expected = hashlib.sha256(header + bytes(n.state)).hexdigest()

    with world.projector.db.transaction() as cursor:
        head = Seal.head(cursor)
        links = Seal.links(cursor, limit=100000)

    assert head is not None
    assert (head.position, head.hash) == (notifications[-1].id, expected)
    assert [link.position for link in links] == [n.id for n in notifications]
    assert head.stand == f"Stand: Ereignis {head.position}, Prüfsumme {expected[:16]}"
