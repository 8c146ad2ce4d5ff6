"""Access and portability (Art. 15 and 20 GDPR): everything Förderbuch holds about one person.

The report is built from the sources themselves, never from a summary: the personal events of the log
(read through the person's keys), every event the person recorded as actor (what they did, with their
messages' texts and the files they uploaded), the history of their user account (roles, locks, tokens,
second factor, with reasons), the letters that named them, and the account records beside the log
(password set, API tokens, sessions with address and browser, invitations, unconfirmed account
requests, the mail opt-out). ``report`` returns plain data (JSON-ready); ``exports.access_report``
renders it as a readable PDF.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from domain.application import FundingOffice
from domain.personal_data import is_erased
from foerderbuch.credentials import CredentialStore
from foerderbuch.privacy.erasure import RECORD_LABELS, Findings, find_person, letters_naming

EVENT_GERMAN = {
    "ApplicationReceived": "Antrag gestellt",
    "PaymentRequested": "Auszahlung angefordert",
    "ExpenseReported": "Ausgabe gemeldet",
    "InterimProofSubmitted": "Zwischennachweis eingereicht",
    "ProofOfUseSubmitted": "Verwendungsnachweis eingereicht",
    "DocumentsReceived": "Unterlagen eingereicht",
    "DocumentsAttached": "Dateien beigefügt",
    "MessagePosted": "Nachricht geschrieben",
    "TextsRecorded": "Vermerk oder Nachricht",
    "ApplicationWithdrawn": "Antrag zurückgezogen",
    "Registered": "eingetragen",
}


def _plain(value: Any) -> Any:
    """Event values as JSON: ids and dates as text, money as its decimal text, nested values alike."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def report(office: FundingOffice, credentials: CredentialStore | None, who: str) -> dict[str, Any]:
    """Everything held about the person named by e-mail address, user id or contact-person id."""
    findings = find_person(office, who)
    user_ids = set(findings.user_ids)
    data: dict[str, Any] = {
        "made_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "asked_for": who,
        "emails": sorted(findings.emails),
        "user_ids": sorted(str(u) for u in user_ids),
        "records": [
            {
                "position": r.position,
                "what": RECORD_LABELS.get(r.event, r.event),
                "event": r.event,
                "aggregate_id": str(r.aggregate_id),
                "fields": _plain(r.fields),
                "stored": "verschlüsselt" if r.encrypted else "Klartext",
            }
            for r in findings.records
        ],
        "accounts": [_account(office, user_id) for user_id in sorted(user_ids, key=str)],
        "actions": [],
        "letters": sorted(letters_naming(office, _organisations(office, findings), user_ids)),
        "account_records": _account_records(credentials, user_ids, findings.emails),
    }
    data["actions"] = _actions(office, user_ids)
    return data


def _organisations(office: FundingOffice, findings: Findings) -> set[UUID]:
    """The organisations whose letters may name the person: where they are a contact person or member."""
    found = {r.aggregate_id for r in findings.records if r.event.startswith("Organisation.ContactPerson")}
    for user_id in findings.user_ids:
        user = office.user(user_id)
        found |= {UUID(str(g["organisation_id"])) for g in user.roles if g.get("organisation_id")}
    return found


def _account(office: FundingOffice, user_id: UUID) -> dict[str, Any]:
    user = office.user(user_id)
    history = []
    for event in office.events.get(user_id):
        state = {k: v for k, v in vars(event).items() if k not in ("originator_id", "originator_topic")}
        history.append({"event": type(event).__name__, "version": event.originator_version, **_plain(state)})
    return {
        "user_id": str(user_id),
        "email": user.email,
        "display_name": user.display_name,
        "roles": _plain(user.roles),
        "disabled": user.disabled,
        "second_factor": user.second_factor,
        "api_tokens": _plain(user.api_tokens),
        "history": history,
        "erased": is_erased(user.email),
    }


def _actions(office: FundingOffice, user_ids: set[UUID]) -> list[dict[str, Any]]:
    """Every event the person recorded as actor, in log order, with texts and files they sent."""
    if not user_ids:
        return []
    found = []
    start: int | None = None
    while True:
        batch = office.recorder.select_notifications(start=start, limit=1000, inclusive_of_start=False)
        for notification in batch:
            if b"actor_id" not in notification.state:
                continue
            event: Any = office.mapper.to_domain_event(notification)
            if getattr(event, "actor_id", None) not in user_ids or notification.originator_id in user_ids:
                continue  # (their own account's history is in ``accounts``)
            name = type(event).__name__
            entry: dict[str, Any] = {
                "position": int(notification.id),
                "event": name,
                "what": EVENT_GERMAN.get(name, name),
                "aggregate": type(event).__qualname__.split(".", 1)[0],
                "aggregate_id": str(notification.originator_id),
                "recorded_at": event.timestamp.isoformat(timespec="seconds"),
                "role": getattr(event, "actor_role", ""),
            }
            if getattr(event, "on", None) is not None:
                entry["on"] = _plain(event.on)
            for text_field in ("text", "note", "message", "reason"):
                value = getattr(event, text_field, None)
                if isinstance(value, str) and value:
                    entry[text_field] = value
            documents = getattr(event, "documents", None)
            if documents:
                entry["documents"] = _plain(documents)
            found.append(entry)
        if len(batch) < 1000:
            return found
        start = batch[-1].id


def _account_records(credentials: CredentialStore | None, user_ids: set[UUID], emails: set[str]) -> dict[str, Any]:
    if credentials is None:
        return {}

    def work(cursor: Any) -> dict[str, Any]:
        found: dict[str, Any] = {
            "password": [],
            "api_tokens": [],
            "sessions": [],
            "second_factor": [],
            "invitations": [],
            "pending_account_requests": [],
            "mail_off": [],
            "language": [],
        }
        for user_id in sorted(user_ids, key=str):
            key = str(user_id)
            cursor.execute("SELECT changed_at FROM credentials WHERE user_id = ?", (key,))
            found["password"] += [{"user_id": key, "changed_at": r["changed_at"]} for r in cursor.fetchall()]
            cursor.execute(
                "SELECT token_id, role, label, created_at, revoked_at FROM api_tokens WHERE user_id = ?", (key,)
            )
            found["api_tokens"] += [dict(r) for r in cursor.fetchall()]
            cursor.execute(
                "SELECT created_at, last_seen_at, expires_at, address, user_agent, ended_at, ended_why "
                "FROM sessions WHERE user_id = ? ORDER BY created_at",
                (key,),
            )
            found["sessions"] += [_session(dict(r)) for r in cursor.fetchall()]
            cursor.execute("SELECT language, changed_at FROM preferred_languages WHERE subject_id = ?", (key,))
            found["language"] += [dict(r) for r in cursor.fetchall()]
            cursor.execute("SELECT confirmed_at FROM second_factors WHERE user_id = ?", (key,))
            found["second_factor"] += [
                {"confirmed_at": _moment(r["confirmed_at"]) if r["confirmed_at"] else None} for r in cursor.fetchall()
            ]
        for email in sorted(emails):
            cursor.execute(
                "SELECT organisation_id, email, name, created_at, expires_at, used_at FROM invitations WHERE email = ?",
                (email,),
            )
            found["invitations"] += [dict(r) for r in cursor.fetchall()]
        cursor.execute("SELECT details, created_at FROM pending_account_requests")
        for row in cursor.fetchall():
            try:
                details = json.loads(row["details"])
            except ValueError:
                continue
            if isinstance(details, dict) and str(details.get("email", "")).strip().lower() in emails:
                found["pending_account_requests"].append({"details": details, "created_at": _moment(row["created_at"])})
        if credentials.records.db.table_exists(cursor, "cf_mail_off"):
            for email in sorted(emails):
                cursor.execute("SELECT email, since FROM cf_mail_off WHERE email = ?", (email,))
                found["mail_off"] += [dict(r) for r in cursor.fetchall()]
        return found

    return credentials.records.run(work)


def _moment(value: Any) -> str:
    return datetime.fromtimestamp(float(value), UTC).isoformat(timespec="seconds")


def _session(row: dict[str, Any]) -> dict[str, Any]:
    for name in ("created_at", "last_seen_at", "expires_at", "ended_at"):
        if row.get(name) is not None:
            row[name] = _moment(row[name])
    return row


def as_json(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False)
