"""The seal's keyed hash chain over the stored events, on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import hmac

from ledger_story import World

from foerderbuch.seal_key import load_seal_key
from projections.seal import Seal, key_id


def test_the_chain_head_is_the_newest_event_and_covers_every_stored_byte_before_it(world: World) -> None:
    key = load_seal_key(world.settings)
    notifications = world.app.recorder.select_notifications(1, 100000)
    expected = "0" * 64
    for n in notifications:  # the documented link: HMAC(key, previous|position|topic|aggregate id|version| + bytes)
        header = f"{expected}|{n.id}|{n.topic}|{n.originator_id.hex}|{n.originator_version}|".encode()
        expected = hmac.new(key, header + bytes(n.state), hashlib.sha256).hexdigest()

    with world.projector.db.transaction() as cursor:
        head = Seal.head(cursor)
        links = Seal.links(cursor, limit=100000)
        ids = Seal.key_ids(cursor)

    assert head is not None
    assert (head.position, head.hash) == (notifications[-1].id, expected)
    assert [link.position for link in links] == [n.id for n in notifications]
    assert head.stand == f"Stand: Ereignis {head.position}, Prüfsumme {expected[:16]}"
    assert ids == [key_id(key)]  # the database knows which key, never the key itself


def test_without_the_key_the_plain_hash_of_the_chain_is_not_the_seal(world: World) -> None:
    notifications = world.app.recorder.select_notifications(1, 1)
    n = notifications[0]
    header = f"{'0' * 64}|{n.id}|{n.topic}|{n.originator_id.hex}|{n.originator_version}|".encode()
    unkeyed = hashlib.sha256(header + bytes(n.state)).hexdigest()

    with world.projector.db.transaction() as cursor:
        [first] = Seal.links(cursor, limit=1)

    assert first.hash != unkeyed
