"""The case file on the grant pages: documents with their downloads, reports, notes and messages.

Every download asks who is asking: staff may open every document of every grant; an association
member only the documents of its own organisation's grants that are its own (its uploads, the
conversation's files and the letters) — anything else answers 404, the same as a file that does not
exist. A file is served as an attachment with the type the store sniffed when it came in (anything
else as bytes), under a name made safe for the header; the app adds ``nosniff``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from urllib.parse import quote
from uuid import UUID

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from domain.actors import ROLE_NAMES, Role
from domain.errors import DomainError
from domain.messages import N_, Message, message
from projections.case_file import CaseDocument, CaseFile, Letter
from projections.db import Cursor
from web.auth import Viewer, require, services
from web.grant_actions import Field
from web.pages import EVERYONE, check_grant_relation, in_thread, reading, uuid_or_404

# The types the store accepts (it sniffs them from the first bytes); anything else is served as bytes.
DOWNLOAD_TYPES = {
    "application/pdf",
    "image/png",
    "image/jpeg",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
NO_FILE = "Diese Datei gibt es hier nicht."


def serve_document(request: Request, record: CaseDocument | None, letter: Letter | None = None) -> Response:
    """The stored bytes of a document the reader may see, as a download; 404 for anything else.

    A letter whose stored copy was deleted by an erasure (it named the person) is made again from the log."""
    store = services(request).documents
    content = store.read(record.sha256) if record is not None and store is not None else None
    letters = services(request).letters
    if record is not None and content is None and letter is not None and letters is not None:
        content = letters.rerender(letter)
    if record is None or content is None:
        raise HTTPException(status_code=404, detail=NO_FILE)
    media_type = record.content_type if record.content_type in DOWNLOAD_TYPES else "application/octet-stream"
    name = record.safe_name or "datei"
    fallback = "".join(c if c.isascii() and (c.isalnum() or c in "-_.") else "_" for c in name)[:120] or "datei"
    disposition = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
    return Response(content, media_type=media_type, headers={"content-disposition": disposition})


@in_thread
def grant_document(request: Request) -> Response:
    """``/zuwendungen/{grant_id}/dateien/{sha256}``: a document of the grant's case file."""
    viewer = require(request, *EVERYONE)
    grant_id = uuid_or_404(request.path_params["grant_id"])
    sha = str(request.path_params["sha256"])
    with reading(request) as cursor:
        check_grant_relation(cursor, viewer, grant_id)
        record = CaseFile.document(cursor, grant_id, sha, for_association=viewer.role is Role.ASSOCIATION)
        letter = CaseFile.letter_by_sha256(cursor, sha)
    return serve_document(request, record, letter if letter is not None and letter.grant_id == grant_id else None)


def names_of(request: Request, ids: set[UUID]) -> dict[UUID, str]:
    office, names = services(request).office, {}
    for user_id in ids:
        try:
            names[user_id] = office.user(user_id).display_name
        except DomainError:
            names[user_id] = "System" if user_id.int == 0 else "?"
    return names


def case_file_context(request: Request, cursor: Cursor, viewer: Viewer, grant_id: UUID) -> dict[str, Any]:
    """What the grant page shows of the case file, for this reader."""
    association = viewer.role is Role.ASSOCIATION
    documents = CaseFile.documents(cursor, grant_id, for_association=association)
    reports = CaseFile.reports(cursor, grant_id)
    names = names_of(request, {d.actor_id for d in documents} | {r.actor_id for r in reports})
    by_entry: dict[int, list[CaseDocument]] = {}
    for document in documents:
        by_entry.setdefault(document.entry_position, []).append(document)
    from web.conversation import WRITERS, conversation_view

    return {
        **conversation_view(cursor, request, viewer, grant_id),
        "may_write": viewer.role in WRITERS,
        "case_documents": documents,
        "documents_by_entry": by_entry,
        "reports": reports,
        "remarks": {} if association else CaseFile.remarks(cursor, grant_id),
        "applicant_history": CaseFile.applicant_history(cursor, grant_id) if association else [],
        "person_names": names,
        "role_names": {role.value: name for role, name in ROLE_NAMES.items()},
    }


# Files with the forms that bring them -----------------------------------------------------------

# The grant page's forms that may carry files (the officer entering for an association, or its member).
ATTACHING_FORMS = {
    "mittel-abrufen",
    "ausgabe-erfassen",
    "zwischennachweis",
    "nachweis-einreichen",
    "unterlagen-eingegangen",
}


def attachment_fields(slug: str) -> list[Field]:
    if slug not in ATTACHING_FORMS:
        return []
    return [
        Field(
            "dateien",
            "Dateien anhängen",
            "file",
            required=False,
            hint="Bis zu 10 Dateien, je höchstens 10 MB: PDF, PNG, JPEG, Word (docx), Excel (xlsx) oder "
            "OpenDocument (odt).",
        )
    ]


# Two kinds of text on every decision ------------------------------------------------------------

NOTE_FIELD, MESSAGE_FIELD = "vermerk", "nachricht"
# Steps between offices the association is not told about: they carry an internal note only.
INTERNAL_STEPS = {
    "feststellen",
    "freigeben",
    "buchen",
    "rueckfluss",
    "aenderung-vorbereiten",
    "erleichterung-vorschlagen",
}


def remark_fields(slug: str, role: Role) -> list[Field]:
    """The internal note and the message to the association that every staff form carries."""
    if role is Role.ASSOCIATION:
        return []
    fields = [
        Field(
            NOTE_FIELD,
            "Vermerk (intern)",
            "textarea",
            required=False,
            hint=N_("Lesen nur das Amt und die Rechnungsprüfung – nie der Verein."),
        )
    ]
    if slug not in INTERNAL_STEPS:
        fields.append(
            Field(
                MESSAGE_FIELD,
                "Nachricht an den Verein",
                "textarea",
                required=False,
                hint=N_("Liest der Verein im Portal und per E-Mail."),
            )
        )
    return fields


FOR_STAFF = N_("Intern: lesen nur das Amt und die Rechnungsprüfung.")
FOR_ASSOCIATION = N_("Liest der Verein (im Portal, im Bescheid und per E-Mail).")
# Who reads the text fields the decisions always had: the form says it next to each.
AUDIENCE = {
    ("pruefen", "notes"): FOR_STAFF,
    ("nachweis-pruefen", "notes"): FOR_STAFF,
    ("unterlagen-anfordern", "items"): FOR_ASSOCIATION,
    ("unterlagen-eingegangen", "note"): FOR_ASSOCIATION,
    ("bewilligen", "conditions"): N_("Stehen im Zuwendungsbescheid; liest der Verein."),
    ("ablehnen", "reason"): N_("Steht im Ablehnungsbescheid; liest der Verein."),
    ("zurueckziehen", "reason"): FOR_ASSOCIATION,
    ("aenderung-vorbereiten", "reason"): N_("Steht im Änderungsbescheid, sobald er bewilligt ist; liest der Verein."),
    ("aenderung-ablehnen", "reason"): FOR_STAFF,
    ("widerrufen", "reason"): N_("Steht im Widerrufsbescheid; liest der Verein."),
    ("frist-verlaengern", "reason"): FOR_ASSOCIATION,
    ("stornieren", "reason"): FOR_ASSOCIATION,
    ("rueckfluss", "reason"): FOR_STAFF,
    ("ausgabe-stornieren", "reason"): FOR_ASSOCIATION,
    ("erleichterung-vorschlagen", "reason"): FOR_STAFF,
    ("erleichterung-entscheiden", "reason"): N_("Liest der Verein, wenn der Vorschlag angenommen wird."),
}


def with_audience(slug: str, spec: Field) -> Field:
    """The field with a hint that says who will read what is typed into it."""
    audience = AUDIENCE.get((slug, spec.name))
    if audience is None and spec.name.startswith("cut_reason_"):
        audience = FOR_ASSOCIATION
    if audience is None:
        return spec
    if not spec.hint:
        return replace(spec, hint=audience)
    hint = spec.hint if isinstance(spec.hint, Message) else message(spec.hint)
    return replace(spec, hint=message("{hint} {audience}", hint=hint, audience=message(audience)))
