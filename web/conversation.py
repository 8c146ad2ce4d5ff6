"""The conversation on each grant: messages between the office and the association, with files.

A message is an event on the grant (``MessagePosted``): the text, the files' records and who wrote it
(by user id; names come from the user register). Staff write from the grant page
(``/zuwendungen/{id}/nachrichten``), members from the portal (``/portal/zuwendungen/{id}/nachrichten``);
both sides read the whole conversation. Who has read what is no fact of the ledger: it is kept per
person beside the read models, moved forward by "Gelesen" or by answering; the dashboard and the portal
count what is unread.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from domain.actors import Role
from domain.errors import DomainError, InvalidInputError
from domain.messages import N_, message
from projections.case_file import CaseDocument, CaseFile, ConversationMessage
from projections.db import Cursor
from web.auth import Viewer, check_csrf, require, services
from web.forms import FormReader
from web.pages import EVERYONE, check_grant_relation, give_notice, reading, uuid_or_404

WRITERS = (Role.OFFICER, Role.APPROVER, Role.FINANCE, Role.CASHIER, Role.ASSOCIATION)
UPLOAD_FIELD = "dateien"
MAX_UPLOADS = 10


def uploads_of(form: Any) -> list[UploadFile]:
    """The files of a multipart form; the empty part a browser sends when no file was chosen is skipped."""
    return [
        value
        for value in form.getlist(UPLOAD_FIELD)
        if isinstance(value, UploadFile) and (value.filename or (value.size or 0) > 0)
    ]


def store_files(request: Request, uploads: list[UploadFile]) -> list[dict[str, Any]]:
    if not uploads:
        return []
    store = services(request).documents
    if store is None:
        raise InvalidInputError("Das Hochladen von Dateien ist hier nicht eingerichtet.", field=UPLOAD_FIELD)
    if len(uploads) > MAX_UPLOADS:
        raise InvalidInputError(f"Bitte höchstens {MAX_UPLOADS} Dateien auf einmal hochladen.", field=UPLOAD_FIELD)
    records = []
    for upload in uploads:
        upload.file.seek(0)
        records.append(store.save(str(upload.filename or ""), upload.file))
    return records


def conversation_view(cursor: Cursor, request: Request, viewer: Viewer, grant_id: UUID) -> dict[str, Any]:
    """The messages with their authors and files, and which of them are new for this reader."""
    from web.case_file import names_of

    messages = CaseFile.conversation(cursor, grant_id)
    seen = CaseFile.seen(cursor, grant_id, viewer.user_id)
    association = viewer.role is Role.ASSOCIATION
    files: dict[int, list[CaseDocument]] = {}
    for document in CaseFile.documents(cursor, grant_id, for_association=association):
        if document.kind == "nachricht":
            files.setdefault(document.position, []).append(document)
    names = names_of(request, {m.actor_id for m in messages})

    def unread(message: ConversationMessage) -> bool:
        return message.position > seen and message.from_office == association

    return {
        "messages": [
            {
                "message": m,
                "author": names.get(m.actor_id, "?"),
                "files": files.get(m.position, []),
                "new": unread(m),
            }
            for m in messages
        ],
        "unread": sum(1 for m in messages if unread(m)),
        "last_position": messages[-1].position if messages else 0,
    }


def post_message(request: Request, viewer: Viewer, grant_id: UUID, form: Any) -> None:
    """Records the message (files first: content-addressed, a refusal leaves only harmless copies) and marks
    the conversation read for its author."""
    reader = FormReader(form)
    text = reader.text("text")
    if not text:
        raise InvalidInputError("Bitte eine Nachricht schreiben.", field="text")
    documents = store_files(request, uploads_of(form))
    office = services(request).office
    office.post_message(grant_id, text, viewer.actor, documents=documents or None)
    mark_read(request, viewer, grant_id)


def mark_read(request: Request, viewer: Viewer, grant_id: UUID) -> None:
    """Everything in the conversation up to now counts as read for this person."""
    office, projector = services(request).office, services(request).projector
    head = int(office.recorder.max_notification_id() or 0)  # the log as it is now, the person's own message in it
    with projector.db.transaction() as cursor:
        CaseFile.mark_seen(cursor, grant_id, viewer.user_id, head)


async def staff_message(request: Request) -> Response:
    """``POST /zuwendungen/{id}/nachrichten``: a member of staff writes to the association."""
    viewer = require(request, *EVERYONE)
    if viewer.role not in WRITERS:
        raise HTTPException(status_code=403, detail=N_("In Ihrer Rolle schreiben Sie keine Nachrichten."))
    grant_id = uuid_or_404(request.path_params["grant_id"])
    form = await request.form()
    try:
        check_csrf(request, form)

        def handle() -> Response:
            with reading(request) as cursor:
                check_grant_relation(cursor, viewer, grant_id)
            try:
                post_message(request, viewer, grant_id, form)
            except DomainError as error:
                give_notice(request, message("Die Nachricht wurde nicht gesendet: {error}", error=error.message))
                return RedirectResponse(f"/zuwendungen/{grant_id}#nachrichten", status_code=303)
            give_notice(request, N_("Die Nachricht ist gesendet."))
            return RedirectResponse(f"/zuwendungen/{grant_id}#nachrichten", status_code=303)

        return await run_in_threadpool(handle)
    finally:
        await form.close()


async def staff_read(request: Request) -> Response:
    """``POST /zuwendungen/{id}/nachrichten/gelesen``: the conversation counts as read."""
    viewer = require(request, *EVERYONE)
    grant_id = uuid_or_404(request.path_params["grant_id"])
    form = await request.form()
    check_csrf(request, form)

    def handle() -> Response:
        with reading(request) as cursor:
            check_grant_relation(cursor, viewer, grant_id)
        mark_read(request, viewer, grant_id)
        return RedirectResponse(f"/zuwendungen/{grant_id}#nachrichten", status_code=303)

    return await run_in_threadpool(handle)
