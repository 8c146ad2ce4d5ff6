"""Letters in the workspace: a preview before the decision, the letter right after it, Bekanntgabe and the check.

* The forms whose decision gives a letter (approve, reject, approve an amendment, revoke, remind) have a
  second button, "Vorschau": the decision is rehearsed — checked by the domain exactly as if it were
  taken, but nothing is recorded — and the letter it would give opens as a PDF marked as a draft.
* When such a decision is taken, its letter is made from the event it recorded and kept
  (``LetterIssued``); if that fails, the decision stands and the grant page offers "Schreiben erstellen".
* The grant page lists the letters; staff record the Bekanntgabe (and a waiver of legal remedies), from
  which the day the notice becomes final follows.
* ``/pruefung/schreiben`` checks an uploaded PDF against the log.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any
from uuid import UUID

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from domain.actors import Role
from domain.application import Enclosure, Rehearsed
from domain.errors import DomainError, InvalidInputError
from domain.messages import N_, message
from exports.letters.service import LetterError, Letters
from projections.case_file import CaseFile
from web import once, replays
from web.auth import Viewer, check_csrf, require, services
from web.forms import FormReader
from web.pages import STAFF, check_grant_relation, give_notice, reading, uuid_or_404
from web.templating import templates

log = logging.getLogger(__name__)

# form -> (kind of letter, the event it is made from)
LETTER_FORMS = {
    "bewilligen": ("zuwendungsbescheid", "GrantApproved"),
    "ablehnen": ("ablehnungsbescheid", "ApplicationRejected"),
    "aenderung-bewilligen": ("aenderungsbescheid", "GrantAmended"),
    "widerrufen": ("widerrufsbescheid", "GrantRevoked"),
    "erinnern": ("erinnerung", "ReminderSent"),
}
PREVIEW_FIELD = "vorschau"
DECIDERS = (Role.OFFICER, Role.APPROVER)
MAX_CHECK_BYTES = 20 * 1024 * 1024


def letters_of(request: Request) -> Letters:
    """The letters the composition root wired (with the office's template folder), else the shipped templates."""
    wired = services(request)
    if wired.letters is None:
        wired.letters = Letters(wired.office, wired.projector, wired.documents)
    letters: Letters = wired.letters
    return letters


def keep_form_usable(request: Request) -> None:
    """A preview decides nothing: the form's one-time token stays unused, so the decision can follow."""
    claimed = request.scope.pop(once.SCOPE_KEY, None)
    if claimed is not None:
        replays.release(services(request).projector.db, *claimed)


def rehearse_letter(request: Request, viewer: Viewer, slug: str, decide: Any) -> Response | None:
    """Rehearses the decision and answers with the letter it would give, as a draft PDF; None when the form
    itself was not filled in right (the form is shown again with its messages)."""
    kind, event_name = LETTER_FORMS[slug]
    office = services(request).office
    answered = True
    with office.enclosing(viewer.actor, rehearse=True) as enclosure, contextlib.suppress(Rehearsed):
        answered = decide() is not None
    decision = next((e for e in enclosure.rehearsed if type(e).__name__ == event_name), None)
    if decision is None and not answered:
        return None
    if decision is None:
        raise HTTPException(status_code=409, detail=N_("Für diese Entscheidung gibt es keine Vorschau."))
    grant = office.grant(decision.originator_id)
    content = letters_of(request).preview(kind, grant, decision)
    keep_form_usable(request)
    headers = {"content-disposition": f'inline; filename="vorschau-{kind}.pdf"', "cache-control": "no-store"}
    return Response(content, media_type="application/pdf", headers=headers)


def issue_after(request: Request, viewer: Viewer, slug: str, enclosure: Enclosure) -> str:
    """Makes the letter of the decision just recorded; says what happened (a sentence to add to the notice after
    the form, or "" when the decision has no letter)."""
    if slug not in LETTER_FORMS:
        return ""
    _kind, event_name = LETTER_FORMS[slug]
    recorded = enclosure.recorded(event_name)
    if not recorded:
        return ""
    try:
        letters_of(request).issue(recorded[-1], viewer.actor)
    except (DomainError, LetterError, OSError, ImportError) as error:
        log.exception("letter for the event at %s not made", recorded[-1].id)
        return message(
            "Das Schreiben konnte nicht erstellt werden ({error}); bitte unter »Schreiben« erneut erstellen.",
            error=getattr(error, "message", str(error)),
        )
    return N_("Das Schreiben ist erstellt und steht dem Verein im Portal bereit.")


def letters_context(cursor: Any, grant_id: UUID, viewer: Viewer) -> dict[str, Any]:
    """The grant's letters, and the decisions that should have one but do not (yet)."""
    letters = CaseFile.letters(cursor, grant_id)
    made = {letter.source_position for letter in letters}
    missing = []
    if viewer.role in DECIDERS:
        events = {event: kind for kind, event in LETTER_FORMS.values()}
        cursor.execute("SELECT position, topic FROM cf_digests WHERE grant_id = ? ORDER BY position", (grant_id.hex,))
        for row in cursor.fetchall():
            name = row["topic"].rsplit(".", 1)[-1]
            if name in events and int(row["position"]) not in made:
                missing.append((int(row["position"]), events[name]))
    return {"letters": letters, "missing_letters": missing}


async def letter_action(request: Request) -> Response:
    """``POST /zuwendungen/{id}/schreiben/{what}``: make a missing letter, record its Bekanntgabe or a waiver."""
    viewer = require(request, *DECIDERS)
    grant_id = uuid_or_404(request.path_params["grant_id"])
    what = request.path_params["what"]
    form = await request.form()
    check_csrf(request, form)
    reader = FormReader(form)

    def handle() -> Response:
        with reading(request) as cursor:
            check_grant_relation(cursor, viewer, grant_id)
            letters = {letter.letter_id.hex: letter for letter in CaseFile.letters(cursor, grant_id)}
            context = letters_context(cursor, grant_id, viewer)
        office = services(request).office
        try:
            if what == "erstellen":
                position = int(reader.text("position") or 0)
                if position not in {p for p, _ in context["missing_letters"]}:
                    raise InvalidInputError(N_("Zu diesem Ereignis ist kein Schreiben zu erstellen."), field="position")
                letters_of(request).issue_at(position, viewer.actor)
                notice = N_("Das Schreiben ist erstellt.")
            elif what in ("bekanntgabe", "verzicht"):
                letter = letters.get(reader.text("letter_id"))
                if letter is None:
                    raise HTTPException(status_code=404, detail=N_("Dieses Schreiben gibt es hier nicht."))
                day = reader.day("datum")
                if not reader.ok or day is None:
                    raise InvalidInputError(N_("Bitte ein Datum angeben (TT.MM.JJJJ)."), field="datum")
                if what == "bekanntgabe":
                    office.record_delivery(grant_id, letter.letter_id, day, viewer.actor)
                    notice = N_("Die Bekanntgabe ist vermerkt.")
                else:
                    office.waive_remedies(grant_id, letter.letter_id, day, viewer.actor)
                    notice = N_("Der Verzicht auf Rechtsbehelfe ist vermerkt; der Bescheid ist bestandskräftig.")
            else:
                raise HTTPException(status_code=404, detail=N_("Diese Aktion gibt es nicht."))
        except (DomainError, LetterError) as error:
            notice = message("Nicht möglich: {error}", error=getattr(error, "message", str(error)))
        give_notice(request, notice)
        return RedirectResponse(f"/zuwendungen/{grant_id}#schreiben", status_code=303)

    return await run_in_threadpool(handle)


async def verify_page(request: Request) -> Response:
    """``/pruefung/schreiben``: does this PDF match the log? Staff upload a letter and read the answer."""
    require(request, *STAFF)
    verdict = None
    status = 200
    if request.method == "POST":
        form = await request.form()
        try:
            check_csrf(request, form)
            upload = form.get("datei")
            if not isinstance(upload, UploadFile):
                verdict, status = {"ok": False, "message": "Bitte eine PDF-Datei auswählen."}, 400
            else:
                content = await upload.read(MAX_CHECK_BYTES + 1)
                if len(content) > MAX_CHECK_BYTES:
                    verdict, status = {"ok": False, "message": "Die Datei ist zu groß für ein Schreiben."}, 400
                else:
                    answer = await run_in_threadpool(letters_of(request).verify, content)
                    verdict = {"ok": answer.ok, "message": answer.message}
        finally:
            await form.close()
    return templates.TemplateResponse(request, "letters/verify.html", {"verdict": verdict}, status_code=status)
