"""Crypto-shredding: the personal fields of an event are stored encrypted with their subject's key.

When an event named in ``domain.personal_data`` is stored, its personal fields are taken out of the
event's state, encoded by the application's own transcoder, encrypted with AES-256-GCM (the
``cryptography`` library) under the subject's key, and put back as one envelope::

    "_personal": {"subject": "<subject id, hex>", "fields": ["email", "name"], "data": "<base64 nonce + ciphertext>"}

The subject's id is the associated data, so an envelope cannot be moved to another person. Reading
the event reverses this. Once the subject's key is deleted (an erasure) the fields read as
``gelöscht``; so do fields stored in clear text before encryption existed when their subject was
erased (the bytes of those old events cannot change without breaking the seal; pages, exports,
letters and read models still never show them again).

The stored bytes of an event never change after it was written: deleting a key changes nothing the
seal hashes, so ``verify`` stays green after an erasure.
"""

from __future__ import annotations

import base64
import os
from typing import Any
from uuid import UUID, uuid4, uuid5

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.domain import DomainEventProtocol, Snapshot
from eventsourcing.persistence import Mapper, StoredEvent, Transcoder

from domain.personal_data import ERASED, SNAPSHOTS, PersonalFields, personal_fields
from foerderbuch.privacy.keys import KeyStore

ENVELOPE = "_personal"
NONCE_BYTES = 12


class _OpeningTranscoder(Transcoder):
    """The application's transcoder, opening personal-data envelopes when it decodes an event's state."""

    def __init__(self, inner: Transcoder, keys: KeyStore) -> None:
        self.inner = inner
        self.keys = keys

    def encode(self, obj: Any) -> bytes:
        return self.inner.encode(obj)

    def decode(self, data: bytes) -> Any:
        state = self.inner.decode(data)
        if isinstance(state, dict) and isinstance(state.get(ENVELOPE), dict):
            state.update(self.open(state.pop(ENVELOPE)))
        return state

    def open(self, envelope: dict[str, Any]) -> dict[str, Any]:
        subject = UUID(str(envelope["subject"]))
        fields = [str(f) for f in envelope.get("fields", ())]
        key = self.keys.key(subject)
        if key is None:
            return dict.fromkeys(fields, ERASED)
        blob = base64.b64decode(envelope["data"])
        try:
            plain = AESGCM(key).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], subject.bytes)
        except InvalidTag:  # a key that does not fit: treated as unreadable, never as somebody else's data
            return dict.fromkeys(fields, ERASED)
        opened = self.inner.decode(plain)
        return {f: opened.get(f, ERASED) for f in fields}


class ShreddingMapper(Mapper[UUID]):
    """The library's mapper with the personal fields of the events in ``PERSONAL_DATA`` encrypted per subject."""

    def __init__(self, transcoder: Transcoder, keys: KeyStore) -> None:
        self.keys = keys
        self.plain = transcoder
        self.opener = _OpeningTranscoder(transcoder, keys)
        super().__init__(self.opener)

    def close(self) -> None:
        self.keys.close()

    def seal(self, subject: UUID, personal: dict[str, Any]) -> dict[str, Any] | None:
        """The envelope of these fields under the subject's key; None when the subject was erased."""
        key = self.keys.key(subject, create=True)
        if key is None:
            return None
        nonce = os.urandom(NONCE_BYTES)
        sealed = AESGCM(key).encrypt(nonce, self.plain.encode(personal), subject.bytes)
        return {
            "subject": subject.hex,
            "fields": sorted(personal),
            "data": base64.b64encode(nonce + sealed).decode("ascii"),
        }

    def to_stored_event(self, domain_event: DomainEventProtocol[UUID]) -> StoredEvent:
        if isinstance(domain_event, Snapshot) and domain_event.topic in SNAPSHOTS:
            return super().to_stored_event(self._sealed_snapshot(domain_event))
        rule = personal_fields(type(domain_event))
        if rule is None:
            return super().to_stored_event(domain_event)
        state = dict(vars(domain_event))
        personal = {f: state.pop(f) for f in rule.fields if state.get(f) not in (None, "")}  # empty stays empty
        subject = uuid4() if rule.per_event else subject_of(rule, state)
        envelope = self.seal(subject, personal) if personal else None
        if envelope is None:  # the subject was erased: nothing personal is written any more
            state.update({f: rule.placeholder(f, v) for f, v in personal.items()})
        else:
            state[ENVELOPE] = envelope
        return super().to_stored_event(_with_state(domain_event, state))

    def _sealed_snapshot(self, snapshot: Any) -> Any:
        """A snapshot's personal fields sealed like the events' (the aggregate's own under its id, each
        person's in a mapping under that person's id); erased ones stay ``gelöscht``."""
        where = SNAPSHOTS[snapshot.topic]
        state = dict(snapshot.state)
        own = {f: state.pop(f) for f in where.own if state.get(f) not in (None, "", ERASED)}
        if own:
            envelope = self.seal(UUID(str(snapshot.originator_id)), own)
            if envelope is None:
                state.update(dict.fromkeys(own, ERASED))
            else:
                state[ENVELOPE] = envelope
        for mapping in where.people:
            people = {}
            for person, details in dict(state.get(mapping) or {}).items():
                envelope = self.seal(UUID(person), dict(details)) if isinstance(details, dict) else None
                people[person] = {ENVELOPE: envelope} if envelope is not None else dict.fromkeys(details, ERASED)
            if mapping in state:
                state[mapping] = people
        outer = dict(vars(snapshot))
        outer["state"] = state
        return _with_state(snapshot, outer)

    def _opened_snapshot(self, snapshot: Any) -> Any:
        where = SNAPSHOTS[snapshot.topic]
        state = dict(snapshot.state)
        if isinstance(state.get(ENVELOPE), dict):
            state.update(self.opener.open(state.pop(ENVELOPE)))
        if self.keys.is_erased(UUID(str(snapshot.originator_id))):
            state.update({f: ERASED for f in where.own if state.get(f) not in (None, "")})
        for mapping in where.people:
            people = {}
            for person, details in dict(state.get(mapping) or {}).items():
                if isinstance(details, dict) and isinstance(details.get(ENVELOPE), dict):
                    details = self.opener.open(details[ENVELOPE])
                elif isinstance(details, dict) and self.keys.is_erased(UUID(person)):
                    details = dict.fromkeys(details, ERASED)  # written in clear before encryption
                people[person] = details
            if mapping in state:
                state[mapping] = people
        outer = dict(vars(snapshot))
        outer["state"] = state
        return _with_state(snapshot, outer)

    def to_domain_event(self, stored_event: StoredEvent) -> DomainEventProtocol[UUID]:
        event = super().to_domain_event(stored_event)
        if isinstance(event, Snapshot) and event.topic in SNAPSHOTS:
            opened: DomainEventProtocol[UUID] = self._opened_snapshot(event)
            return opened
        rule = personal_fields(type(event))
        if rule is None:
            return event
        if rule.per_event:  # written in clear before encryption, its subject follows from its place
            subject = clear_event_subject(event.originator_id, event.originator_version)
        else:
            subject = subject_of(rule, vars(event))
        if not self.keys.is_erased(subject):
            return event
        state = dict(vars(event))  # clear text written before encryption, of a subject since erased
        state.update({f: rule.placeholder(f, state[f]) for f in rule.fields if state.get(f) not in (None, "")})
        erased: DomainEventProtocol[UUID] = _with_state(event, state)
        return erased

    def subject_and_fields(self, stored_event: StoredEvent) -> tuple[UUID | None, dict[str, Any]]:
        """The subject of a stored personal event and its fields in clear (``gelöscht`` when erased)."""
        event = self.to_domain_event(stored_event)
        rule = personal_fields(type(event))
        if rule is None:
            return None, {}
        raw = self.plain.decode(stored_event.state)
        envelope = raw.get(ENVELOPE) if isinstance(raw, dict) else None
        if isinstance(envelope, dict):
            subject: UUID | None = UUID(str(envelope["subject"]))
        elif rule.per_event:  # an invitation written in clear before encryption
            subject = clear_event_subject(UUID(str(stored_event.originator_id)), stored_event.originator_version)
        else:
            subject = subject_of(rule, vars(event))
        return subject, {f: getattr(event, f, None) for f in rule.fields}


def clear_event_subject(originator_id: UUID, version: int) -> UUID:
    """The subject of a per-event record written in clear (before encryption): derived from its place in
    the log, so that erasing it can be remembered in ``erased_subjects`` like any other subject."""
    return uuid5(originator_id, f"foerderbuch-clear-event/{version}")


def subject_of(rule: PersonalFields, state: dict[str, Any]) -> UUID:
    value = state.get(rule.subject) if rule.subject else state.get("originator_id")
    if isinstance(value, UUID):
        return value
    return UUID(str(value))


def _with_state(event: Any, state: dict[str, Any]) -> Any:
    """A copy of ``event`` with another state (events are immutable; the copy is never applied twice)."""
    copy = object.__new__(type(event))
    copy.__dict__.update(state)
    return copy
