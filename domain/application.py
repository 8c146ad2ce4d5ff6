"""The FundingOffice: the one place that loads and saves aggregates.

Every officer action is one method of the shape "get, decide, save": it loads the aggregates it
needs, lets them decide (they raise a ``DomainError`` and record nothing when a rule is broken), and
saves everything the action touched in a single transaction. Approving a grant saves the programme's
new commitment and the grant's approval together, so the budget can never be overcommitted, even by
several processes at once: a concurrent writer makes the save fail on the stream's version, and the
action is re-run on fresh state a bounded number of times before ``ConcurrencyError`` is raised.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar, TypeVar
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate, MutableOrImmutableAggregate
from eventsourcing.persistence import (
    EventStore,
    IntegrityError,
    JSONTranscoder,
    Mapper,
    OperationalError,
    Transcoder,
)

from domain.account_request import AccountRequest
from domain.actors import Actor, Role
from domain.claim import Claim
from domain.claim_policy import ClaimPolicy
from domain.dates import FiscalYear, FundingPeriod
from domain.errors import (
    AlreadyExistsError,
    ConcurrencyError,
    InvalidInputError,
    InvalidStateError,
    NotFoundError,
    NotPermittedError,
    StoreBusyError,
)
from domain.feedback import AccessibilityFeedback
from domain.file_numbers import FileNumberSeries, file_number_prefix
from domain.foreign import ForeignAmount
from domain.grant import Grant
from domain.idle_money import IdleInterest, idle_interest
from domain.integrity import INTEGRITY_RECORD_ID, IntegrityRecord
from domain.interest import BASE_RATE_TABLE_ID, BaseRateTable, InterestTable
from domain.messages import N_, marked, message
from domain.money import Money
from domain.organisation import IbanValidator, LegalForm, Organisation
from domain.partner_cities import partner_city
from domain.payment_run import BankStatement, PaymentRun, end_to_end_id, return_reason
from domain.plan import FinancingPlan, FinancingType
from domain.posting import PostingCoordinates
from domain.privacy import Erasure, ErasureOrder
from domain.programme import FundingSource, Programme
from domain.project import Project
from domain.rules import RuleSet
from domain.snapshots import SealedSnapshots
from domain.terms import GrantTerms, rule_proof_due
from domain.transcodings import register_domain_transcodings
from domain.user import User, UserEmail, normalise_email

A = TypeVar("A", bound=Aggregate)
T = TypeVar("T")


class Rehearsed(Exception):
    """Raised by the save of a rehearsed command: everything was decided and checked, nothing was recorded."""


@dataclass
class Enclosure:
    """What a person sends along with a command: an internal note, a message to the association, files."""

    office: FundingOffice
    actor: Actor
    note: str = ""
    message: str = ""
    documents: list[dict[str, Any]] | None = None
    saved: bool = False
    recordings: list[Any] = field(default_factory=list)  # what the command's save recorded, with log positions
    rehearse: bool = False  # decide, but record nothing: the events are kept in ``rehearsed`` (a preview)
    rehearsed: list[Any] = field(default_factory=list)

    def recorded(self, *event_names: str) -> list[Any]:
        """The stored notifications of the command's save whose events have one of these names, in log order."""
        return [r.notification for r in self.recordings if type(r.domain_event).__name__ in event_names]

    @property
    def empty(self) -> bool:
        return not (self.note or self.message or self.documents)


_enclosure: ContextVar[Enclosure | None] = ContextVar("foerderbuch_enclosure", default=None)

BERLIN = ZoneInfo("Europe/Berlin")
MAX_ATTEMPTS = 40
MAX_BUSY_ATTEMPTS = 6
ACTING_CACHE_SIZE = 500  # users and organisations kept by verify_actor

log = logging.getLogger("foerderbuch.office")

# The log positions recorded by the current unit of work (a web request sets a fresh list; commands
# append to it), so the caller can wait until the read models have seen what it just did.
recorded_positions: ContextVar[list[int] | None] = ContextVar("recorded_positions", default=None)


class FundingOffice(Application[UUID]):
    """Commands of the international-relations office, its associations and finance."""

    name = "Foerderbuch"
    # Settings of grant law the composition root passes on (foerderbuch.settings); these are the defaults.
    item_value_limit = Money("800.00")  # items bought with the grant from this value are listed (ANBest-P Nr. 4)
    rate_warning_days = 14  # a rate date further than this from the payment date gets a warning
    snapshotting_intervals: ClassVar[dict[type[MutableOrImmutableAggregate[Any]], int]] = {
        Programme: 50,
        Grant: 50,
        Organisation: 50,
        Project: 50,
        User: 50,
        Claim: 50,
    }

    def __init__(
        self,
        env: dict[str, str] | None = None,
        *,
        iban_validator: IbanValidator,
        today: Callable[[], date] | None = None,
        snapshot_key: Callable[[], bytes] | None = None,
        mapper_factory: Callable[[Transcoder], Mapper[UUID]] | None = None,
        claim_policy: ClaimPolicy | None = None,
    ) -> None:
        self.claim_policy = claim_policy or ClaimPolicy()  # small-amount and value limits (settings)
        self._snapshot_key = snapshot_key  # read by construct_snapshot_store, during the base class's set-up
        self._mapper_factory = mapper_factory  # used by super().__init__ (construct_mapper)
        super().__init__(env=env)
        self.validate_iban = iban_validator
        self._today = today or (lambda: datetime.now(BERLIN).date())
        self.last_position = 0  # the newest log position this process recorded
        self._position_lock = threading.Lock()
        self._recorded_listeners: list[Callable[[int], None]] = []
        self._acting: OrderedDict[UUID, Any] = OrderedDict()  # users and organisations verify_actor read
        self._acting_lock = threading.Lock()
        self._acting_size = ACTING_CACHE_SIZE

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        register_domain_transcodings(transcoder)

    def construct_mapper(self) -> Mapper[UUID]:
        """The library's mapper, or the one the composition root gives (it encrypts personal data)."""
        if self._mapper_factory is not None:
            return self._mapper_factory(self.construct_transcoder())
        return super().construct_mapper()

    def close(self) -> None:
        super().close()
        closing = getattr(self.mapper, "close", None)  # the composition root's mapper holds a key store
        if callable(closing):
            closing()

    def today(self) -> date:
        return self._today()

    # Recording ---------------------------------------------------------------------------------

    def on_recorded(self, listener: Callable[[int], None]) -> None:
        """Calls ``listener(position)`` after every save of this process (the follower wakes up)."""
        self._recorded_listeners.append(listener)

    def _notify(self, recordings: Any) -> None:
        super()._notify(recordings)
        if not recordings:
            return
        position = int(recordings[-1].notification.id)
        with self._position_lock:
            self.last_position = max(self.last_position, position)
        positions = recorded_positions.get()
        if positions is not None:
            positions.append(position)
        for listener in self._recorded_listeners:
            listener(position)

    def construct_snapshot_store(self) -> EventStore[UUID]:
        """With a key, snapshots are written with a MAC and only a snapshot whose MAC holds is used
        (``domain.snapshots``); an edited snapshot cannot decide a command."""
        key = getattr(self, "_snapshot_key", None)
        if key is None:
            return super().construct_snapshot_store()
        return SealedSnapshots(self.mapper, self.factory.aggregate_recorder(purpose="snapshots"), key)

    def _take_snapshots(self, processing_event: Any) -> None:
        """Snapshots are a cache: once the events are recorded, a snapshot that cannot be written (the
        store busy, say) is logged and skipped — the command succeeded and must not be reported as failed."""
        try:
            super()._take_snapshots(processing_event)
        except Exception:
            log.warning("Snapshot nicht geschrieben (die Ereignisse sind gespeichert)", exc_info=True)

    # The case file: what is sent along with a command -----------------------------------------

    @contextmanager
    def enclosing(
        self,
        actor: Actor,
        note: str = "",
        message: str = "",
        documents: list[dict[str, Any]] | None = None,
        rehearse: bool = False,
    ) -> Iterator[Enclosure]:
        """Within this block, the grant command that saves first records, in the same save, the internal
        note (Vermerk), the message to the association and the files (name, type, size, SHA-256) as
        events right after its decision. A command on a claim encloses them in the claim's grant.

        With ``rehearse`` the command decides and checks everything but its save records nothing: it
        raises ``Rehearsed`` and leaves the events it would have recorded in ``rehearsed`` (for a preview
        of the letter a decision would give)."""
        enclosure = Enclosure(self, actor, note or "", message or "", documents or None, rehearse=rehearse)
        token = _enclosure.set(enclosure)
        try:
            yield enclosure
        finally:
            _enclosure.reset(token)

    def save(self, *objs: Any, **kwargs: Any) -> Any:
        enclosure = _enclosure.get()
        if enclosure is None or enclosure.office is not self or enclosure.saved:
            return super().save(*objs, **kwargs)
        if enclosure.rehearse:
            enclosure.rehearsed = [e for o in objs if isinstance(o, Aggregate) for e in o.pending_events]
            raise Rehearsed()
        grant = next((o for o in objs if isinstance(o, Grant) and o.pending_events), None)
        decisions = grant.pending_events if grant is not None else []
        if grant is None:
            claim = next((o for o in objs if isinstance(o, Claim) and o.pending_events), None)
            if claim is not None:
                decisions = claim.pending_events
                if not enclosure.empty:
                    grant = self.grant(claim.grant_id)
                    objs = (*objs, grant)
        if grant is not None and decisions and not enclosure.empty:
            decided = next((on for e in reversed(decisions) if isinstance(on := getattr(e, "on", None), date)), None)
            grant.enclose(
                enclosure.note,
                enclosure.message,
                enclosure.documents,
                decided or self.today(),
                enclosure.actor,
                decisions[-1],
            )
        recordings = super().save(*objs, **kwargs)
        enclosure.saved = True
        enclosure.recordings = list(recordings)
        return recordings

    # Plumbing ----------------------------------------------------------------------------------

    def _get(self, cls: type[A], aggregate_id: UUID, what: str) -> A:
        try:
            aggregate: object = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            raise NotFoundError(message("{what} gibt es nicht.", what=marked(what))) from None
        if not isinstance(aggregate, cls):
            raise NotFoundError(message("{what} gibt es nicht.", what=marked(what)))
        return aggregate

    def _retrying(
        self,
        action: Callable[[], T],
        conflict: str = N_("Der Vorgang wurde gleichzeitig von anderer Seite geändert; bitte noch einmal versuchen."),
    ) -> T:
        """Runs load-decide-save again on fresh state while concurrent writers conflict.

        A conflict (another writer saved the same aggregate first) is retried with a growing, jittered
        pause, and reported with ``conflict`` when it keeps happening; a busy store (database locked, no
        connection free — nothing was written) is retried a few times. Every write of the office goes
        through here, so all of them answer a busy store alike.
        """
        busy = 0
        for attempt in range(MAX_ATTEMPTS):
            try:
                return action()
            except IntegrityError:
                time.sleep(random.uniform(0.002, 0.004 * min(attempt + 1, 25)))
            except OperationalError:
                busy += 1
                if busy >= MAX_BUSY_ATTEMPTS:
                    break
                log.warning("Ereignisspeicher ausgelastet; Versuch %s", busy, exc_info=True)
                time.sleep(random.uniform(0.05, 0.2) * busy)
        if busy:
            raise StoreBusyError(
                message(
                    "Der Datenspeicher ist gerade ausgelastet; es wurde nichts gespeichert. "
                    "Bitte in einigen Sekunden noch einmal versuchen."
                )
            )
        raise ConcurrencyError(marked(conflict))

    def _create(self, aggregate: Aggregate, *others: Aggregate, duplicate: str) -> None:
        def action() -> None:
            try:
                self.save(aggregate, *others)
            except IntegrityError:
                if aggregate.id in self.repository:
                    raise AlreadyExistsError(duplicate) from None
                raise ConcurrencyError(message("Gleichzeitige Änderung; bitte noch einmal versuchen.")) from None

        self._retrying(action)  # a conflict is answered inside (the id is taken): only a busy store is retried

    def _on(self, on: date | None) -> date:
        if on is None:
            return self.today()
        if not isinstance(on, date) or isinstance(on, datetime):
            raise InvalidInputError(message("Das Datum ist ungültig."), field="on")
        return on

    def _update(self, cls: type[A], aggregate_id: UUID, what: str, decide: Callable[[A], T]) -> T:
        def action() -> T:
            aggregate = self._get(cls, aggregate_id, what)
            result = decide(aggregate)
            self.save(aggregate)
            return result

        return self._retrying(action)

    def _grant_command(self, grant_id: UUID, actor: Actor, decide: Callable[[Grant], T]) -> T:
        """A command on one grant alone: check who acts, then get, decide, save (retried on conflict)."""
        self.verify_actor(actor)
        return self._update(Grant, grant_id, N_("Diese Zuwendung"), decide)

    # Users -------------------------------------------------------------------------------------

    def verify_actor(self, actor: Actor) -> Actor:
        """Refuses an actor who is unknown, disabled, or does not hold the role they act in."""
        if actor.role is Role.SYSTEM:
            return actor
        try:
            user = self._acting_aggregate(actor.user_id)
        except AggregateNotFoundError:
            raise NotPermittedError(message("Unbekannter Benutzer.")) from None
        if not isinstance(user, User) or user.disabled:
            raise NotPermittedError(message("Dieser Zugang ist gesperrt."))
        if not user.has_role(actor.role):
            raise NotPermittedError(message("Sie haben die Rolle {role} nicht.", role=marked(actor.role.german)))
        if actor.organisation_id != user.organisation_for(actor.role):
            raise NotPermittedError(message("Die Organisation passt nicht zu Ihrer Rolle."))
        if actor.previous_id != user.previous_id:  # the four-eyes rules compare both ids
            raise NotPermittedError(message("Ihre Kennung wurde umgestellt; bitte melden Sie sich neu an."))
        if actor.role is Role.ASSOCIATION and actor.organisation_id is not None:
            organisation = self._acting_aggregate(actor.organisation_id)
            if actor.user_id in getattr(organisation, "removed_members", ()):
                raise NotPermittedError(message("Ihr Zugang zum Portal des Vereins wurde entfernt."))
        return actor

    def _acting_aggregate(self, aggregate_id: UUID) -> object:
        """The current state of a user (or organisation) who acts, for reading only.

        Every command checks who acts; folding that user's stream for each command made the user the
        most-read aggregate of all. A few hundred are kept in this process, and each use asks the store
        only whether the stream has grown since (one indexed query that finds nothing), so a role
        revoked or an account disabled by any process counts from the next command on."""
        with self._acting_lock:
            cached = self._acting.get(aggregate_id)
            if cached is not None:
                self._acting.move_to_end(aggregate_id)
        if cached is not None:
            newer = self.recorder.select_events(aggregate_id, gt=int(cached.version), limit=1)
            if not newer:
                return cached
        aggregate: Any = self.repository.get(aggregate_id)
        with self._acting_lock:
            self._acting[aggregate_id] = aggregate
            self._acting.move_to_end(aggregate_id)
            while len(self._acting) > self._acting_size:
                self._acting.popitem(last=False)
        return aggregate

    def actor_for(self, user_id: UUID, role: Role | str) -> Actor:
        """The actor for a signed-in user in one of their roles (with their organisation)."""
        role = Role.parse(role)
        user = self.user(user_id)
        return self.verify_actor(Actor(user.id, role, user.organisation_for(role), user.previous_id))

    def user(self, user_id: UUID) -> User:
        return self._get(User, user_id, N_("Diesen Benutzer"))

    def user_by_email(self, email: str) -> User:
        """The user registered with this address: through the e-mail index, or by the id release 0.1 derived."""
        address = normalise_email(email)
        try:
            index: object = self.repository.get(UserEmail.id_for(address))
        except AggregateNotFoundError:
            index = None
        if isinstance(index, UserEmail) and index.user_id is None:
            raise NotFoundError(message("Einen Benutzer mit dieser E-Mail-Adresse gibt es nicht."))
        if isinstance(index, UserEmail) and index.user_id is not None:
            user = self.user(index.user_id)
            if user.email != address:  # erased: the address is no longer known
                raise NotFoundError(message("Einen Benutzer mit dieser E-Mail-Adresse gibt es nicht."))
            return user
        legacy = self._get(User, User.legacy_id(address), N_("Diesen Benutzer"))
        if legacy.email != address or legacy.replaced:  # erased (or never this address), or moved
            raise NotFoundError(message("Einen Benutzer mit dieser E-Mail-Adresse gibt es nicht."))
        return legacy

    def email_registered(self, email: str) -> bool:
        try:
            self.user_by_email(email)
        except NotFoundError:
            return False
        return True

    def register_user(
        self,
        email: str,
        display_name: str,
        role: Role | str,
        actor: Actor,
        organisation_id: UUID | None = None,
        more_roles: tuple[Role | str, ...] = (),
        user_id: UUID | None = None,
    ) -> UUID:
        """Registers a user with a random id, and the address in the e-mail index, in one transaction.

        ``user_id`` is only for accounts that are not persons (the import's function accounts)."""
        self.verify_actor(actor)
        role = Role.parse(role)
        if organisation_id is not None:
            self._get(Organisation, organisation_id, N_("Diese Organisation"))
        user = User.register(
            email,
            display_name,
            role,
            organisation_id,
            actor,
            more_roles=tuple(Role.parse(r) for r in more_roles),
            user_id=user_id,
        )
        duplicate = message("Die E-Mail-Adresse {email} ist bereits registriert.", email=user.email)
        if self._legacy_user_holds(user.email):
            raise AlreadyExistsError(duplicate, field="email")
        self._create(self._email_index(user.email, user.id, actor), user, duplicate=duplicate)
        return user.id

    def _legacy_user_holds(self, email: str) -> bool:
        """Whether a user of release 0.1 (id derived from the address) still holds it (not erased)."""
        try:
            legacy: object = self.repository.get(User.legacy_id(email))
        except AggregateNotFoundError:
            return False
        return isinstance(legacy, User) and legacy.email == email and not legacy.replaced

    def move_users_to_random_ids(self, user_ids: list[UUID], actor: Actor) -> dict[UUID, UUID]:
        """Moves these users of release 0.1 from the id derived from their address to a random one, in one
        save: the old user is marked replaced, the new one starts with the same roles, status, second
        factor and API tokens, the e-mail index names it, and organisations list it as their member.
        Returns old id -> new id for the users moved (those already moved are left out).

        The old ids' events come first, the new users' in random order, so the log's order does not pair
        them; the pairing itself (``previous_id``) is personal data, encrypted under the new user's key."""
        self.verify_actor(actor)
        actor.require(Role.ADMIN, doing=N_("Benutzerkennungen umstellen"))

        def action() -> dict[UUID, UUID]:
            old_users = [u for u in (self.user(i) for i in user_ids) if u.derived_id]
            moved: dict[UUID, UUID] = {}
            changed: list[Aggregate] = []
            organisations: dict[UUID, Organisation] = {}
            for old in old_users:
                new = old.move_to_random_id(actor)
                moved[old.id] = new.id
                changed += [new, self._email_index(new.email, new.id, actor)]
                for organisation_id in {g["organisation_id"] for g in old.roles if g["organisation_id"]}:
                    if organisation_id not in organisations:
                        organisations[organisation_id] = self.organisation(organisation_id)
                    organisations[organisation_id].replace_member_id(new.id, old.id, actor)
            changed += list(organisations.values())
            random.SystemRandom().shuffle(changed)
            self.save(*old_users, *changed)
            return moved

        return self._retrying(action)

    def _email_index(self, email: str, user_id: UUID, actor: Actor) -> UserEmail:
        """The e-mail index entry for a new user: a new one, or one released by an erasure, claimed again."""
        try:
            index: object = self.repository.get(UserEmail.id_for(email))
        except AggregateNotFoundError:
            return UserEmail.claim(email, user_id, actor)
        if isinstance(index, UserEmail) and index.user_id is None:
            index.reclaim(user_id, actor)
            return index
        return UserEmail.claim(email, user_id, actor)  # taken: the save conflicts and says so

    # Erasure of personal data (crypto-shredding: see domain.personal_data) ---------------------

    def record_erasure(self, order: ErasureOrder, actor: Actor) -> UUID:
        """Records an erasure decision; the users it names are disabled in the same save (an erased
        person cannot sign in). The keys are deleted by the caller once this is recorded."""
        self.verify_actor(actor)
        erasure = Erasure.record(order, actor)

        def action() -> None:
            users = [self.user(user_id) for user_id in erasure.order.user_ids]
            indexes = []
            for user in users:
                if not user.disabled:
                    user.disable(f"Personenbezogene Daten gelöscht: {erasure.order.reason}", actor)
                try:
                    index: object = self.repository.get(UserEmail.id_for(user.email))
                except (AggregateNotFoundError, InvalidInputError):  # a user of release 0.1, or already erased
                    continue
                if isinstance(index, UserEmail) and index.user_id == user.id:
                    index.release(actor)
                    indexes.append(index)
            self.save(erasure, *users, *indexes)

        self._retrying(action)
        return erasure.id

    # Account requests of associations -----------------------------------------------------------

    def account_request(self, request_id: UUID) -> AccountRequest:
        return self._get(AccountRequest, request_id, N_("Diesen Zugangsantrag"))

    def submit_account_request(self, details: dict[str, Any], actor: Actor) -> UUID:
        """Records an association's request for an account (after the applicant confirmed their address)."""
        self.verify_actor(actor)
        request = AccountRequest.submit(details, self.validate_iban, actor)
        self.save(request)
        return request.id

    def receive_accessibility_feedback(self, text: str, page: str, email: str, actor: Actor) -> UUID:
        """Records a report of a barrier (anyone may send one) with its answer deadline."""
        self.verify_actor(actor)
        feedback = AccessibilityFeedback.receive(text, page, email, self.today(), actor)
        self.save(feedback)
        return feedback.id

    def answer_accessibility_feedback(self, feedback_id: UUID, answer: str, actor: Actor) -> None:
        self.verify_actor(actor)

        def action() -> None:
            feedback = self._get(AccessibilityFeedback, feedback_id, N_("Diese Rückmeldung"))
            feedback.answer_with(answer, self.today(), actor)
            self.save(feedback)

        self._retrying(action)

    def approve_account_request(
        self, request_id: UUID, actor: Actor, organisation_id: UUID | None = None
    ) -> tuple[UUID, UUID]:
        """Creates the organisation (or links to ``organisation_id``) and its first portal member, in one save.

        Returns (organisation id, user id); the member sets their password with a link sent afterwards."""
        self.verify_actor(actor)
        request = self.account_request(request_id)
        if self.email_registered(request.email):
            raise AlreadyExistsError(
                message("Für {email} gibt es bereits einen Zugang.", email=request.email), field="email"
            )
        if organisation_id is None:
            organisation = Organisation.register(
                request.association,
                LegalForm.parse(request.legal_form),
                " ".join(part for part in (request.register_number, request.register_court) if part)[:40],
                request.address,
                request.iban,
                self.validate_iban,
                actor,
            )
        else:
            organisation = self._get(Organisation, organisation_id, N_("Diese Organisation"))
        user = User.register(request.email, request.contact_name, Role.ASSOCIATION, organisation.id, actor)
        index = self._email_index(user.email, user.id, actor)
        organisation.add_member(user.id, actor)
        request.approve(organisation.id, user.id, organisation_id is None, actor)
        self._create(
            index,
            user,
            organisation,
            request,
            duplicate=message("Für {email} gibt es bereits einen Zugang.", email=user.email),
        )
        return organisation.id, user.id

    def decline_account_request(self, request_id: UUID, reason: str, actor: Actor) -> None:
        self.verify_actor(actor)
        self._update(AccountRequest, request_id, N_("Diesen Zugangsantrag"), lambda r: r.decline(reason, actor))

    def enrol_second_factor(self, user_id: UUID, actor: Actor) -> None:
        """Records that the person set up their second factor (its secret is kept outside the log)."""
        self.verify_actor(actor)
        self._update(User, user_id, N_("Diesen Benutzer"), lambda u: u.enrol_second_factor(actor))

    def reset_second_factor(self, user_id: UUID, reason: str, actor: Actor) -> None:
        self.verify_actor(actor)
        self._update(User, user_id, N_("Diesen Benutzer"), lambda u: u.reset_second_factor(reason, actor))

    def record_password_reset_sent(self, user_id: UUID, reason: str, actor: Actor) -> None:
        self.verify_actor(actor)
        self._update(User, user_id, N_("Diesen Benutzer"), lambda u: u.record_password_reset_sent(reason, actor))

    def record_sessions_ended(self, user_id: UUID, reason: str, actor: Actor) -> None:
        self.verify_actor(actor)
        self._update(User, user_id, N_("Diesen Benutzer"), lambda u: u.record_sessions_ended(reason, actor))

    def grant_role(self, user_id: UUID, role: Role | str, actor: Actor, organisation_id: UUID | None = None) -> None:
        self.verify_actor(actor)
        role = Role.parse(role)
        if organisation_id is not None:
            self._get(Organisation, organisation_id, N_("Diese Organisation"))
        self._update(User, user_id, N_("Diesen Benutzer"), lambda u: u.grant_role(role, organisation_id, actor))

    def revoke_role(self, user_id: UUID, role: Role | str, reason: str, actor: Actor) -> None:
        self.verify_actor(actor)
        role = Role.parse(role)
        self._update(User, user_id, N_("Diesen Benutzer"), lambda u: u.revoke_role(role, reason, actor))

    def disable_user(self, user_id: UUID, reason: str, actor: Actor) -> None:
        self.verify_actor(actor)
        self._update(User, user_id, N_("Diesen Benutzer"), lambda u: u.disable(reason, actor))

    def enable_user(self, user_id: UUID, reason: str, actor: Actor) -> None:
        self.verify_actor(actor)
        self._update(User, user_id, N_("Diesen Benutzer"), lambda u: u.enable(reason, actor))

    def issue_api_token(self, user_id: UUID, token_id: str, role: Role | str, label: str, actor: Actor) -> None:
        """Records a personal API token (its secret is kept by the credential store, not here)."""
        self.verify_actor(actor)
        role = Role.parse(role)
        self._update(User, user_id, N_("Diesen Benutzer"), lambda u: u.issue_api_token(token_id, role, label, actor))

    def revoke_api_token(self, user_id: UUID, token_id: str, reason: str, actor: Actor) -> None:
        self.verify_actor(actor)
        self._update(User, user_id, N_("Diesen Benutzer"), lambda u: u.revoke_api_token(token_id, reason, actor))

    # Programmes --------------------------------------------------------------------------------

    def programme(self, programme_id: UUID) -> Programme:
        return self._get(Programme, programme_id, N_("Dieses Förderprogramm"))

    def programme_by_code(self, code: str) -> Programme:
        return self.programme(Programme.create_id(code.strip().upper()))

    def open_programme(
        self,
        code: str,
        title: str,
        funding_source: FundingSource | str,
        rule_set: RuleSet,
        budgets: dict[FiscalYear, tuple[Money, PostingCoordinates]],
        actor: Actor,
        on: date | None = None,
    ) -> UUID:
        self.verify_actor(actor)
        on = self._on(on)
        programme = Programme.open(code, title, FundingSource.parse(funding_source), rule_set, budgets, actor, on)
        self._create(
            programme, duplicate=message("Das Programmkürzel {code} ist bereits vergeben.", code=programme.code)
        )
        return programme.id

    def allocate_budget(
        self,
        programme_id: UUID,
        year: FiscalYear,
        amount: Money,
        posting: PostingCoordinates,
        reason: str,
        actor: Actor,
        on: date | None = None,
    ) -> None:
        self.verify_actor(actor)
        on = self._on(on)
        self._update(
            Programme,
            programme_id,
            N_("Dieses Förderprogramm"),
            lambda p: p.allocate_budget(year, amount, posting, reason, actor, on),
        )

    def amend_budget(
        self, programme_id: UUID, year: FiscalYear, amount: Money, reason: str, actor: Actor, on: date | None = None
    ) -> None:
        self.verify_actor(actor)
        on = self._on(on)
        self._update(
            Programme,
            programme_id,
            N_("Dieses Förderprogramm"),
            lambda p: p.amend_budget(year, amount, reason, actor, on),
        )

    def revise_rule_set(self, programme_id: UUID, rule_set: RuleSet, reason: str, actor: Actor) -> None:
        self.verify_actor(actor)
        self._update(
            Programme, programme_id, N_("Dieses Förderprogramm"), lambda p: p.revise_rule_set(rule_set, reason, actor)
        )

    def close_programme(self, programme_id: UUID, reason: str, actor: Actor) -> None:
        self.verify_actor(actor)
        self._update(Programme, programme_id, N_("Dieses Förderprogramm"), lambda p: p.close(reason, actor))

    # Organisations -----------------------------------------------------------------------------

    def organisation(self, organisation_id: UUID) -> Organisation:
        return self._get(Organisation, organisation_id, N_("Diese Organisation"))

    def register_organisation(
        self,
        name: str,
        legal_form: LegalForm | str,
        register_number: str,
        address: dict[str, str],
        iban: str,
        actor: Actor,
        organisation_id: UUID | None = None,
        register_court: str = "",
    ) -> UUID:
        self.verify_actor(actor)
        organisation = Organisation.register(
            name,
            LegalForm.parse(legal_form),
            register_number,
            address,
            iban,
            self.validate_iban,
            actor,
            organisation_id,
        )
        if register_court.strip():
            organisation.record_register_entry(register_court, organisation.register_number, actor)
        self._create(organisation, duplicate=message("Diese Organisation ist bereits registriert."))
        return organisation.id

    def change_bank_account(self, organisation_id: UUID, iban: str, reason: str, actor: Actor) -> None:
        self.verify_actor(actor)
        self._update(
            Organisation,
            organisation_id,
            N_("Diese Organisation"),
            lambda o: o.change_bank_account(iban, self.validate_iban, reason, actor),
        )

    def record_register_entry(self, organisation_id: UUID, court: str, number: str, actor: Actor) -> None:
        """The register court and number of an organisation (e.g. Amtsgericht Dortmund, VR 1234)."""
        self.verify_actor(actor)
        self._update(
            Organisation,
            organisation_id,
            N_("Diese Organisation"),
            lambda o: o.record_register_entry(court, number, actor),
        )

    def change_address(self, organisation_id: UUID, address: dict[str, str], actor: Actor) -> None:
        self.verify_actor(actor)
        self._update(
            Organisation, organisation_id, N_("Diese Organisation"), lambda o: o.change_address(address, actor)
        )

    def add_contact_person(
        self, organisation_id: UUID, name: str, function: str, email: str, phone: str, actor: Actor
    ) -> UUID:
        self.verify_actor(actor)
        return self._update(
            Organisation,
            organisation_id,
            N_("Diese Organisation"),
            lambda o: o.add_contact_person(name, function, email, phone, actor),
        )

    def remove_contact_person(self, organisation_id: UUID, person_id: UUID, reason: str, actor: Actor) -> None:
        self.verify_actor(actor)
        self._update(
            Organisation,
            organisation_id,
            N_("Diese Organisation"),
            lambda o: o.remove_contact_person(person_id, reason, actor),
        )

    def add_portal_member(self, organisation_id: UUID, user_id: UUID, actor: Actor) -> None:
        """Gives an association member access to the organisation's portal."""
        self.verify_actor(actor)
        user = self.user(user_id)
        if user.organisation_for(Role.ASSOCIATION) != organisation_id:
            raise InvalidStateError(
                message("Diese Person ist nicht als Mitglied dieser Organisation registriert."), field="user_id"
            )
        self._update(Organisation, organisation_id, N_("Diese Organisation"), lambda o: o.add_member(user_id, actor))

    def invite_portal_member(self, organisation_id: UUID, email: str, name: str, actor: Actor) -> None:
        """Records who invited whom into the organisation's portal (the link itself is kept outside the log)."""
        self.verify_actor(actor)
        self._update(
            Organisation, organisation_id, N_("Diese Organisation"), lambda o: o.invite_member(email, name, actor)
        )

    def remove_portal_member(self, organisation_id: UUID, user_id: UUID, reason: str, actor: Actor) -> None:
        self.verify_actor(actor)
        self._update(
            Organisation, organisation_id, N_("Diese Organisation"), lambda o: o.remove_member(user_id, reason, actor)
        )

    # Projects ----------------------------------------------------------------------------------

    def project(self, project_id: UUID) -> Project:
        return self._get(Project, project_id, N_("Dieses Projekt"))

    def start_project(
        self,
        code: str,
        title: str,
        description: str,
        partner_city_name: str,
        sdgs: list[int],
        period: FundingPeriod,
        budget_lines: list[str],
        actor: Actor,
    ) -> UUID:
        self.verify_actor(actor)
        city = partner_city(partner_city_name)
        project = Project.start(code, title, description, city.name, sdgs, period, budget_lines, actor)
        self._create(project, duplicate=message("Das Projektkürzel {code} ist bereits vergeben.", code=project.code))
        return project.id

    def draw_project_budget(
        self,
        project_id: UUID,
        programme_id: UUID,
        year: FiscalYear,
        amount: Money,
        reason: str,
        actor: Actor,
        on: date | None = None,
    ) -> None:
        """Draws project budget from a programme: both are saved together, like a grant approval."""
        self.verify_actor(actor)
        on = self._on(on)

        def action() -> None:
            project = self.project(project_id)
            programme = self.programme(programme_id)
            project.draw_budget(programme_id, year, amount, reason, actor, on)
            programme.commit(project_id, {year: amount}, actor)
            self.save(programme, project)

        self._retrying(action)

    def record_project_expenditure(
        self,
        project_id: UUID,
        paid_on: date,
        payee: str,
        purpose: str,
        budget_line: str,
        amount: Money | ForeignAmount,
        receipt_reference: str,
        actor: Actor,
    ) -> UUID:
        self.verify_actor(actor)
        return self._update(
            Project,
            project_id,
            N_("Dieses Projekt"),
            lambda p: p.record_expenditure(paid_on, payee, purpose, budget_line, amount, receipt_reference, actor),
        )

    def reverse_project_expenditure(
        self, project_id: UUID, expenditure_id: UUID, reason: str, actor: Actor, on: date | None = None
    ) -> None:
        self.verify_actor(actor)
        on = self._on(on)
        self._update(
            Project,
            project_id,
            N_("Dieses Projekt"),
            lambda p: p.reverse_expenditure(expenditure_id, reason, actor, on),
        )

    # Grants: application and decision ----------------------------------------------------------

    def grant(self, grant_id: UUID) -> Grant:
        return self._get(Grant, grant_id, N_("Diese Zuwendung"))

    def apply_for_grant(
        self,
        programme_id: UUID,
        organisation_id: UUID,
        title: str,
        purpose: str,
        partner_city_name: str,
        period: FundingPeriod,
        financing_type: FinancingType | str,
        plan: FinancingPlan,
        actor: Actor,
        project_id: UUID | None = None,
        contact_person_id: UUID | None = None,
        on: date | None = None,
        file_number: str | None = None,
        publish_purpose: bool = False,
    ) -> UUID:
        self.verify_actor(actor)
        on = self._on(on)
        programme = self.programme(programme_id)
        if programme.closed:
            raise InvalidStateError(
                message("Das Förderprogramm {code} nimmt keine Anträge mehr an.", code=programme.code)
            )
        organisation = self.organisation(organisation_id)
        if contact_person_id is not None and contact_person_id.hex not in organisation.contact_persons:
            raise NotFoundError(
                message("Diese Ansprechperson gehört nicht zur Organisation."), field="contact_person_id"
            )
        if project_id is not None:
            self.project(project_id)
        city = partner_city(partner_city_name)

        def application(number: str) -> Grant:
            return Grant.apply(
                file_number=number,
                programme_id=programme_id,
                rule_set=programme.rule_set,
                organisation_id=organisation_id,
                project_id=project_id,
                title=title,
                purpose=purpose,
                partner_city=city.name,
                period=period,
                financing_type=FinancingType.parse(financing_type),
                plan=plan,
                contact_person_id=contact_person_id,
                on=on,
                actor=actor,
                publish_purpose=publish_purpose,
            )

        if file_number is None:
            return self._numbered(file_number_prefix(programme.code), on.year, application).id
        if not file_number.strip() or len(file_number) > 40:
            raise InvalidInputError(message("Das Aktenzeichen fehlt oder ist zu lang."), field="file_number")
        grant = application(file_number.strip())
        self._create(
            grant,
            duplicate=message("Das Aktenzeichen {file_number} ist bereits vergeben.", file_number=grant.file_number),
        )
        return grant.id

    def _numbered(self, prefix: str, year: int, application: Callable[[str], Grant]) -> Grant:
        """Records the application under the series' next file number, in one transaction with the
        number taken; a concurrent application that took the same number first makes this one load the
        series again (see domain.file_numbers)."""
        series_id = FileNumberSeries.create_id(prefix, year)

        def action() -> Grant:
            series: FileNumberSeries
            try:
                series = self._get(FileNumberSeries, series_id, N_("Diese Nummernreihe"))
            except NotFoundError:
                series = FileNumberSeries(prefix, year)
            number = series.take()
            while Grant.create_id(number) in self.repository:  # given by hand or imported: step over it
                number = series.take()
            grant = application(number)
            self.save(grant, series)
            return grant

        return self._retrying(action, conflict=N_("Gleichzeitige Anträge; bitte noch einmal versuchen."))

    def request_documents(self, grant_id: UUID, items: str, due: date, actor: Actor, on: date | None = None) -> UUID:
        on = self._on(on)
        return self._grant_command(grant_id, actor, lambda g: g.request_documents(items, due, on, actor))

    def receive_documents(
        self,
        grant_id: UUID,
        request_id: UUID,
        note: str,
        actor: Actor,
        on: date | None = None,
        documents: list[dict[str, Any]] | None = None,
    ) -> None:
        """``documents``: the uploaded files as {"name", "content_type", "size", "sha256"} (bytes stored elsewhere)."""
        on = self._on(on)
        self._grant_command(grant_id, actor, lambda g: g.receive_documents(request_id, note, on, actor, documents))

    def withdraw_application(self, grant_id: UUID, reason: str, actor: Actor, on: date | None = None) -> None:
        on = self._on(on)
        self._grant_command(grant_id, actor, lambda g: g.withdraw(reason, on, actor))

    def review_application(
        self, grant_id: UUID, formal_ok: bool, substantive_ok: bool, notes: str, actor: Actor, on: date | None = None
    ) -> None:
        on = self._on(on)
        self._grant_command(grant_id, actor, lambda g: g.review(formal_ok, substantive_ok, notes, on, actor))

    def reject_application(self, grant_id: UUID, reason: str, actor: Actor, on: date | None = None) -> None:
        on = self._on(on)
        self._grant_command(grant_id, actor, lambda g: g.reject(reason, on, actor))

    def terms_for(
        self,
        grant: Grant,
        rule_set: RuleSet,
        amount: Money,
        financing_type: FinancingType | str | None = None,
        rate: Decimal | None = None,
        maximum: Money | None = None,
        period: FundingPeriod | None = None,
        plan: FinancingPlan | None = None,
        year_split: dict[FiscalYear, Money] | None = None,
        conditions: str = "",
        proof_due: date | None = None,
        unit_rate: Money | None = None,
        units: int | None = None,
        unit_label: str = "",
        earmark_years: int | None = None,
    ) -> GrantTerms:
        """Builds notice terms, defaulting to what was applied for (a fixed amount per unit: ``unit_rate``
        times ``units`` of ``unit_label``)."""
        period = period or grant.period
        kind = FinancingType.parse(financing_type or grant.financing_type)
        if maximum is None and kind in (FinancingType.SHARE, FinancingType.DEFICIT):
            maximum = amount
        split = {str(y.year): m for y, m in year_split.items()} if year_split else GrantTerms.even_split(amount, period)
        return GrantTerms(
            amount=amount,
            financing_type=kind.value,
            rate=rate,
            maximum=maximum,
            period=period,
            plan=plan or grant.plan,
            rule_set=rule_set,
            year_split=split,
            conditions=(conditions or "").strip()[:4000],
            proof_due=proof_due,
            unit_rate=unit_rate,
            units=units,
            unit_label=unit_label,
            **({} if earmark_years is None else {"earmark_years": earmark_years}),
        )

    def approve_grant(self, grant_id: UUID, amount: Money, actor: Actor, on: date | None = None, **terms: Any) -> None:
        """Approves and commits the amount in the programme, atomically; refused if over budget.

        Keyword arguments are the terms of the notice (see ``terms_for``); omitted ones follow the
        application. The programme's current rule set becomes part of the notice.
        """
        self.verify_actor(actor)
        on = self._on(on)

        def action() -> None:
            grant = self.grant(grant_id)
            programme = self.programme(grant.programme_id)
            if programme.closed:
                raise InvalidStateError(message("Das Förderprogramm {code} ist geschlossen.", code=programme.code))
            notice = self.terms_for(grant, programme.rule_set, amount, **terms)
            grant.approve(notice, on, actor)
            programme.commit(grant.id, notice.split(), actor)
            self.save(programme, grant)

        self._retrying(action)

    def propose_amendment(
        self, grant_id: UUID, amount: Money, reason: str, actor: Actor, on: date | None = None, **terms: Any
    ) -> None:
        self.verify_actor(actor)
        on = self._on(on)

        def decide(grant: Grant) -> None:
            if grant.terms is None:
                raise InvalidStateError(message("Nur bewilligte Zuwendungen können geändert werden."))
            current = grant.terms
            terms.setdefault("financing_type", current.financing_type)
            terms.setdefault("rate", current.rate)
            terms.setdefault("period", current.period)
            terms.setdefault("plan", current.plan)
            terms.setdefault("conditions", current.conditions)
            if current.proof_due != rule_proof_due(current.period, current.rule_set):
                terms.setdefault("proof_due", current.proof_due)  # a deadline of the rule follows a new period
            terms.setdefault("earmark_years", current.earmark_years)
            if current.per_unit:
                terms.setdefault("unit_rate", current.unit_rate)
                terms.setdefault("units", current.units)
                terms.setdefault("unit_label", current.unit_label)
            notice = self.terms_for(grant, current.rule_set, amount, **terms)
            grant.propose_amendment(notice, reason, on, actor)

        self._update(Grant, grant_id, N_("Diese Zuwendung"), decide)

    def approve_amendment(self, grant_id: UUID, actor: Actor, on: date | None = None) -> None:
        """Approves the pending terms and adjusts the commitment with them, atomically."""
        self.verify_actor(actor)
        on = self._on(on)

        def action() -> None:
            grant = self.grant(grant_id)
            programme = self.programme(grant.programme_id)
            current = grant.committed_split()
            terms = grant.approve_amendment(on, actor)
            programme.adjust_commitment(
                grant.id, terms.split(), f"Änderungsbescheid {grant.file_number}", actor, current=current
            )
            self.save(programme, grant)

        self._retrying(action)

    def reject_amendment(self, grant_id: UUID, reason: str, actor: Actor, on: date | None = None) -> None:
        on = self._on(on)
        self._grant_command(grant_id, actor, lambda g: g.reject_amendment(reason, on, actor))

    # Grants: the conversation and letters -----------------------------------------------------

    def post_message(
        self,
        grant_id: UUID,
        text: str,
        actor: Actor,
        documents: list[dict[str, Any]] | None = None,
        on: date | None = None,
    ) -> UUID:
        on = self._on(on)
        return self._grant_command(grant_id, actor, lambda g: g.post_message(text, documents, on, actor))

    def issue_letter(
        self,
        grant_id: UUID,
        kind: str,
        source_position: int,
        source_sha256: str,
        code: str,
        document: dict[str, Any],
        actor: Actor,
        on: date | None = None,
    ) -> UUID:
        on = self._on(on)
        return self._grant_command(
            grant_id, actor, lambda g: g.issue_letter(kind, source_position, source_sha256, code, document, on, actor)
        )

    def record_delivery(
        self, grant_id: UUID, letter_id: UUID, delivered_on: date, actor: Actor, on: date | None = None
    ) -> None:
        on = self._on(on)
        delivered_on = self._on(delivered_on)
        self._grant_command(grant_id, actor, lambda g: g.record_delivery(letter_id, delivered_on, on, actor))

    def waive_remedies(
        self, grant_id: UUID, letter_id: UUID, waived_on: date, actor: Actor, on: date | None = None
    ) -> None:
        on = self._on(on)
        waived_on = self._on(waived_on)
        self._grant_command(grant_id, actor, lambda g: g.waive_remedies(letter_id, waived_on, on, actor))

    # Grants: payments --------------------------------------------------------------------------

    def request_payment(
        self, grant_id: UUID, needs: list[dict[str, Any]], purpose: str, actor: Actor, on: date | None = None
    ) -> UUID:
        on = self._on(on)
        return self._grant_command(grant_id, actor, lambda g: g.request_payment(needs, purpose, on, actor))

    def certify_payment(self, grant_id: UUID, payment_id: UUID, actor: Actor, on: date | None = None) -> None:
        on = self._on(on)
        self._grant_command(grant_id, actor, lambda g: g.certify_payment(payment_id, on, actor))

    def release_payment(self, grant_id: UUID, payment_id: UUID, actor: Actor, on: date | None = None) -> None:
        on = self._on(on)
        self._grant_command(grant_id, actor, lambda g: g.release_payment(payment_id, on, actor))

    def record_payment_run(
        self,
        execution_date: date,
        payments: list[dict[str, Any]],
        file_name: str,
        file_text: str,
        message_id: str,
        actor: Actor,
    ) -> UUID:
        """Records a payment run: the payments released together and the credit-transfer file made of them.

        Every payment must have been released (``release_payment``) and not yet booked; each appears
        in one run only."""
        self.verify_actor(actor)
        for item in payments:
            grant = self._get(Grant, UUID(item["grant_id"]), N_("Diese Zuwendung"))
            payment = grant.payments.get(UUID(item["payment_id"]).hex)
            if payment is None or payment["status"] != "released":
                raise InvalidStateError(
                    message("Die Zahlung {end_to_end_id} ist nicht freigegeben.", end_to_end_id=item["end_to_end_id"])
                )
        run_id = uuid4()
        run = PaymentRun.record(run_id, execution_date, payments, file_name, file_text, message_id, actor)
        self._create(run, duplicate="Diesen Zahlungslauf gibt es schon.")
        return run_id

    def record_bank_statement(
        self,
        aggregate_id: UUID,
        statement_id: str,
        file_name: str,
        sha256: str,
        lines: list[dict[str, Any]],
        actor: Actor,
    ) -> None:
        """Records an imported bank statement once (its id comes from the file's SHA-256)."""
        self.verify_actor(actor)
        statement = BankStatement.record(aggregate_id, statement_id, file_name, sha256, lines, actor)
        self._create(statement, duplicate=message("Dieser Kontoauszug ist schon eingelesen."))

    def book_statement_return(self, statement_id: UUID, index: int, actor: Actor) -> None:
        """Books a returned transfer of an imported statement as money that came back on its payment.

        The amount, the value date and the reason code come from the statement line; the grant's own
        rules apply (the cash office books, never whoever requested, certified or released the payment;
        the payment must have been booked). The line is then decided, so it is booked once."""
        self.verify_actor(actor)
        today = self.today()

        def action() -> None:
            statement = self._get(BankStatement, statement_id, N_("Dieser Kontoauszug"))
            line = statement.open_line(index, "returned")
            if not line.get("grant_id"):
                raise NotFoundError(
                    message(
                        "Der Rücklauf (Posten {index}) gehört zu keiner Zahlung eines Zahlungslaufs; bitte als "
                        "erledigt vermerken und von Hand klären.",
                        index=index,
                    ),
                    field="index",
                )
            grant = self._get(Grant, UUID(line["grant_id"]), N_("Diese Zuwendung"))
            payment_id = _statement_payment(grant, line)
            code = return_reason(line.get("reason", ""))
            reason = f"Rücklauf der Überweisung laut Kontoauszug {statement.statement_id}, Grund {code}"
            grant.return_payment(payment_id, Money(line["amount"]), _line_date(line), reason, actor, today)
            statement.settle_line(index, "return_booked", reason, actor)
            self.save(grant, statement)

        self._retrying(action)

    def book_statement_repayment(self, statement_id: UUID, index: int, actor: Actor) -> None:
        """Books an incoming payment of an imported statement on the claim of the grant its text names.

        The claim's own rules apply (the cash office books, never who set the claim; interest first).
        The line is then decided, so it is booked once."""
        self.verify_actor(actor)
        rates, today = self.interest_table(), self.today()

        def action() -> None:
            statement = self._get(BankStatement, statement_id, N_("Dieser Kontoauszug"))
            line = statement.open_line(index, "repayment")
            claim = self._statement_claim(line)
            claim.receive_repayment(Money(line["amount"]), _line_date(line), rates, actor, today)
            note = f"Rückzahlung laut Kontoauszug {statement.statement_id} auf {line.get('file_number', '')}"
            statement.settle_line(index, "repayment_booked", note, actor)
            self.save(claim, statement)

        self._retrying(action)

    def set_statement_line_aside(self, statement_id: UUID, index: int, reason: str, actor: Actor) -> None:
        """Marks an open statement line as decided without a booking here (a bank fee, booked elsewhere …)."""
        self.verify_actor(actor)
        self._update(
            BankStatement,
            statement_id,
            N_("Dieser Kontoauszug"),
            lambda s: s.settle_line(index, "set_aside", reason, actor),
        )

    def _statement_claim(self, line: dict[str, Any]) -> Claim:
        if line.get("claim_id"):
            return self._get(Claim, UUID(line["claim_id"]), N_("Diese Rückforderung"))
        grant = self._get(Grant, UUID(line["grant_id"]), N_("Diese Zuwendung"))
        for claim_id in grant.claim_ids:
            claim = self._get(Claim, claim_id, N_("Diese Rückforderung"))
            if claim.outstanding:
                return claim
        raise NotFoundError(
            message("Zu {file_number} gibt es keine offene Rückforderung.", file_number=grant.file_number),
            field="index",
        )

    def book_payment(self, grant_id: UUID, payment_id: UUID, value_date: date, actor: Actor) -> None:
        value_date = self._on(value_date)
        today = self.today()
        self._grant_command(grant_id, actor, lambda g: g.book_payment(payment_id, value_date, today, actor))

    def cancel_payment(
        self, grant_id: UUID, payment_id: UUID, reason: str, actor: Actor, on: date | None = None
    ) -> None:
        on = self._on(on)
        self._grant_command(grant_id, actor, lambda g: g.cancel_payment(payment_id, reason, on, actor))

    def return_payment(
        self, grant_id: UUID, payment_id: UUID, amount: Money, value_date: date, reason: str, actor: Actor
    ) -> None:
        value_date = self._on(value_date)
        today = self.today()
        self._grant_command(
            grant_id, actor, lambda g: g.return_payment(payment_id, amount, value_date, reason, actor, today)
        )

    # Grants: after the award -------------------------------------------------------------------

    def _base_rate_table(self) -> BaseRateTable:
        """The recorded table; until a first new rate is published, an unsaved one with the shipped rates."""
        try:
            table: object = self.repository.get(BASE_RATE_TABLE_ID)
        except AggregateNotFoundError:
            table = BaseRateTable.with_published_rates(Actor.system())
        assert isinstance(table, BaseRateTable)
        return table

    def base_rates(self) -> list[tuple[date, Decimal]]:
        """The base-rate table. Reading it records nothing, so a refused command stays without events."""
        return self._base_rate_table().as_list()

    def interest_table(self) -> InterestTable:
        """Base rates and the margins of each legal basis, as recorded; reading records nothing."""
        return self._base_rate_table().table()

    def base_rate_entries(self) -> list[tuple[date, Decimal, str]]:
        """Each base rate with the source it was recorded from."""
        table = self._base_rate_table()
        return [(valid_from, rate, table.source_of(valid_from)) for valid_from, rate in table.as_list()]

    # The log's integrity record: renewals of the seal, anchors --------------------------------

    def _integrity_command(self, decide: Callable[[IntegrityRecord], None]) -> int:
        """Runs ``decide`` on the store's integrity record (made with its first entry); returns the log
        position of what was recorded."""
        recorded: list[int] = []

        def action() -> None:
            try:
                record: object = self.repository.get(INTEGRITY_RECORD_ID)
            except AggregateNotFoundError:
                record = IntegrityRecord()
            assert isinstance(record, IntegrityRecord)
            decide(record)
            recordings = self.save(record)
            recorded.append(int(recordings[-1].notification.id))

        self._retrying(action)
        return recorded[-1]

    def record_seal_renewal(self, reason: str, by: str, findings: list[str]) -> int:
        """Records, before the seal is computed afresh, who renews it, why, and what the check found."""
        return self._integrity_command(lambda r: r.renew_seal(reason, by, findings, datetime.now(BERLIN)))

    def record_anchor(self, position: int, mac: str, by: str) -> int:
        """Records an anchor of the chain head (position and HMAC) written to a file kept elsewhere."""
        return self._integrity_command(lambda r: r.anchor(position, mac, by, datetime.now(BERLIN)))

    def missing_base_rate(self, today: date | None = None) -> date | None:
        """The start of the current half year if no base rate has been recorded for it (else None)."""
        return self.interest_table().missing_half_year(today or self.today())

    def _base_rate_command(self, actor: Actor, decide: Callable[[BaseRateTable], None]) -> None:
        """The shipped rates are recorded with the first change, in the same save."""
        self.verify_actor(actor)

        def action() -> None:
            table = self._base_rate_table()
            decide(table)
            self.save(table)

        self._retrying(action)

    def publish_base_rate(self, valid_from: date, rate: Decimal, source: str, actor: Actor) -> None:
        """Records a newly published base rate with its source (e.g. the Bundesbank's notice)."""
        self._base_rate_command(actor, lambda t: t.publish(valid_from, rate, actor, source))

    def correct_base_rate(self, valid_from: date, rate: Decimal, source: str, reason: str, actor: Actor) -> None:
        self._base_rate_command(actor, lambda t: t.correct(valid_from, rate, source, reason, actor))

    def record_interest_margin(
        self, legal_basis: str, valid_from: date, points: Decimal, source: str, actor: Actor
    ) -> None:
        self._base_rate_command(actor, lambda t: t.record_margin(legal_basis, valid_from, points, source, actor))

    def claim(self, claim_id: UUID) -> Claim:
        return self._get(Claim, claim_id, N_("Diese Rückforderung"))

    def report_expense(
        self,
        grant_id: UUID,
        budget_line: str,
        paid_on: date,
        payee: str,
        purpose: str,
        amount: Money | ForeignAmount,
        receipt_reference: str,
        actor: Actor,
    ) -> UUID:
        return self._grant_command(
            grant_id,
            actor,
            lambda g: g.report_expense(
                budget_line, paid_on, payee, purpose, amount, receipt_reference, actor, self.today()
            ),
        )

    def reverse_expense(self, grant_id: UUID, expense_id: UUID, reason: str, actor: Actor) -> None:
        self._grant_command(grant_id, actor, lambda g: g.reverse_expense(expense_id, reason, actor))

    def extend_deadline(
        self, grant_id: UUID, key: str, new_due: date, reason: str, actor: Actor, on: date | None = None
    ) -> None:
        on = self._on(on)
        self._grant_command(grant_id, actor, lambda g: g.extend_deadline(key, new_due, reason, on, actor))

    def approve_early_start(
        self, grant_id: UUID, start_on: date, reason: str, actor: Actor, on: date | None = None
    ) -> None:
        """Vorzeitiger Maßnahmebeginn: expenses from ``start_on`` count (else from the application's day)."""
        on = self._on(on)
        self._grant_command(grant_id, actor, lambda g: g.approve_early_start(start_on, reason, on, actor))

    def record_transfer_abroad(
        self,
        grant_id: UUID,
        euro: Money,
        currency: str,
        received: Decimal,
        value_date: date,
        recipient: str,
        actor: Actor,
        on: date | None = None,
    ) -> UUID:
        """Money sent to the partner abroad; the partner's receipts may use the rate weighted over transfers."""
        on = self._on(on)
        return self._grant_command(
            grant_id,
            actor,
            lambda g: g.record_transfer_abroad(euro, currency, received, value_date, recipient, on, actor),
        )

    def weighted_foreign(self, grant_id: UUID, currency: str, original: Decimal) -> ForeignAmount:
        """A partner's receipt converted at the rate weighted over the grant's transfers in ``currency``."""
        return self.grant(grant_id).weighted_foreign(currency, original)

    def record_item(
        self,
        grant_id: UUID,
        description: str,
        acquired_on: date,
        value: Money,
        actor: Actor,
        on: date | None = None,
        expense_id: UUID | None = None,
    ) -> UUID:
        """Lists an item bought with the grant from the value limit (``item_value_limit``) on, with its
        earmarking period from the notice."""
        on = self._on(on)
        limit = self.item_value_limit
        return self._grant_command(
            grant_id, actor, lambda g: g.record_item(description, acquired_on, value, limit, on, actor, expense_id)
        )

    def record_disposal(
        self, grant_id: UUID, item_id: UUID, disposed_on: date, how: str, actor: Actor, on: date | None = None
    ) -> bool:
        """The item is gone (sold, given away, scrapped); True when within its earmarking period (a reason
        to revoke)."""
        on = self._on(on)
        return self._grant_command(grant_id, actor, lambda g: g.record_disposal(item_id, disposed_on, how, on, actor))

    def record_purpose_fulfilled(
        self, grant_id: UUID, fulfilled_on: date, actor: Actor, on: date | None = None
    ) -> date:
        """Zweckerfüllung: the proof of use is due six months later (at the latest the notice's date)."""
        on = self._on(on)
        return self._grant_command(grant_id, actor, lambda g: g.record_purpose_fulfilled(fulfilled_on, on, actor))

    def send_reminder(self, grant_id: UUID, key: str, actor: Actor, on: date | None = None) -> None:
        on = self._on(on)
        self._grant_command(grant_id, actor, lambda g: g.send_reminder(key, on, actor))

    def remind_automatically(self, grant_id: UUID, key: str, stage: str, on: date | None = None) -> bool:
        """A reminder the system sends by itself (see ``Grant.remind_automatically``); idempotent."""
        on = self._on(on)
        actor = Actor.system()
        return self._grant_command(grant_id, actor, lambda g: g.remind_automatically(key, stage, on, actor))

    def submit_interim_proof(
        self, grant_id: UUID, fiscal_year: int, report: str, actor: Actor, on: date | None = None
    ) -> None:
        on = self._on(on)
        self._grant_command(grant_id, actor, lambda g: g.submit_interim_proof(fiscal_year, report, on, actor))

    def submit_proof_of_use(
        self,
        grant_id: UUID,
        report: str,
        own_funds: Money,
        third_party_funds: Money,
        income: Money,
        actor: Actor,
        on: date | None = None,
        units_delivered: int | None = None,
        summary_costs: dict[str, Money] | None = None,
    ) -> None:
        """Verwendungsnachweis; a fixed amount per unit also reports the units delivered. With
        ``summary_costs`` (costs per budget line) it is a simple proof of use without receipts, where the
        rule set allows one."""
        on = self._on(on)
        self._grant_command(
            grant_id,
            actor,
            lambda g: g.submit_proof_of_use(
                report,
                own_funds,
                third_party_funds,
                income,
                on,
                actor,
                units_delivered=units_delivered,
                summary_costs=summary_costs,
            ),
        )

    def review_proof_of_use(
        self,
        grant_id: UUID,
        recognised_costs: dict[str, Money],
        cut_reasons: dict[str, str],
        notes: str,
        actor: Actor,
        on: date | None = None,
        condition_occurred_on: date | None = None,
        recognised_units: int | None = None,
        **actual_funds: Money,
    ) -> None:
        """``condition_occurred_on``: when the resolutory condition occurred (a final-amount claim arises then)."""
        on = self._on(on)
        self._grant_command(
            grant_id,
            actor,
            lambda g: g.review_proof_of_use(
                recognised_costs,
                cut_reasons,
                notes,
                on,
                actor,
                actual_funds.get("own_funds"),
                actual_funds.get("third_party_funds"),
                actual_funds.get("income"),
                condition_occurred_on,
                recognised_units=recognised_units,
            ),
        )

    def _raise_claim(
        self,
        grant: Grant,
        claim_id: UUID,
        amount: Money,
        arose_on: date,
        cause: str,
        reason: str,
        actor: Actor,
        tranches: list[tuple[date, Money]] | None = None,
    ) -> Claim:
        assert grant.terms is not None
        return Claim.raise_claim(
            claim_id,
            grant.id,
            grant.organisation_id,
            grant.programme_id,
            amount,
            arose_on,
            cause,
            self.interest_table().margin_on(grant.terms.rule_set.legal_basis, arose_on),
            min(grant.terms.rule_set.small_amount_threshold, self.claim_policy.small_claim_limit),
            reason,
            actor,
            legal_basis=grant.terms.rule_set.legal_basis,
            tranches=tranches or [(arose_on, amount)],
        )

    def determine_final_amount(self, grant_id: UUID, actor: Actor, on: date | None = None) -> UUID | None:
        """Schlussfestsetzung; an overpayment above the small-amount threshold becomes a claim (same save)."""
        self.verify_actor(actor)
        on = self._on(on)

        def action() -> UUID | None:
            grant = self.grant(grant_id)
            claim_id = uuid4()
            overpaid = grant.determine_final_amount(on, actor, claim_id, self.claim_policy.small_claim_limit)
            if overpaid is None:
                self.save(grant)
                return None
            tranches = grant.reclaimed_tranches(overpaid, grant.final_claim_arose_on or on)
            claim = self._raise_claim(
                grant, claim_id, overpaid, tranches[0][0], "final_amount", "Schlussfestsetzung", actor, tranches
            )
            self.save(grant, claim)
            return claim_id

        return self._retrying(action)

    def propose_revocation(
        self,
        grant_id: UUID,
        remaining_amount: Money,
        effective_on: date,
        facts_known_on: date,
        heard_on: date,
        reason: str,
        actor: Actor,
        on: date | None = None,
    ) -> date:
        """Prepares a Widerruf (facts known, hearing held); returns the last day it may be decided."""
        on = self._on(on)
        return self._grant_command(
            grant_id,
            actor,
            lambda g: g.propose_revocation(remaining_amount, effective_on, facts_known_on, heard_on, reason, on, actor),
        )

    def decide_revocation(
        self, grant_id: UUID, approve: bool, reason: str, actor: Actor, on: date | None = None
    ) -> UUID | None:
        """Widerruf by a second person: what was paid beyond the remaining amount becomes a claim, each payout
        bearing interest from the later of the effective date and its value date."""
        self.verify_actor(actor)
        on = self._on(on)

        def action() -> UUID | None:
            grant = self.grant(grant_id)
            claim_id = uuid4()
            grounds = (grant.pending_revocation or {}).get("reason", reason)  # the proposal's reasons
            decided = grant.decide_revocation(approve, reason, on, actor, claim_id)
            if decided is None:
                self.save(grant)
                return None
            overpaid, tranches = decided
            claim = self._raise_claim(grant, claim_id, overpaid, tranches[0][0], "revocation", grounds, actor, tranches)
            self.save(grant, claim)
            return claim_id

        return self._retrying(action)

    def idle_interest(self, grant_id: UUID, on: date | None = None) -> IdleInterest:
        """The proposal of idle-money interest (§ 49a (4) VwVfG NRW) as of ``on``; records nothing."""
        on = self._on(on)
        return self._idle_interest(self.grant(grant_id), on)

    def _idle_interest(self, grant: Grant, on: date) -> IdleInterest:
        if grant.terms is None:
            raise InvalidStateError(message("Ohne Bescheid gibt es keine ausgezahlten Mittel."))
        rates = self.interest_table()
        return idle_interest(
            grant.payouts(),
            grant.grant_uses(),
            grant.terms.rule_set.drawdown_horizon,
            on,
            rates,
            rates.margin_schedule(grant.terms.rule_set.legal_basis),
            grant.idle_interest_decided_on,
        )

    def decide_idle_interest(
        self, grant_id: UUID, amount: Money, reason: str, actor: Actor, on: date | None = None
    ) -> UUID | None:
        """An officer charges (up to the proposal) or waives the idle-money interest; a charge at or above the
        small-amount limit becomes a claim that bears no further interest."""
        self.verify_actor(actor)
        on = self._on(on)

        def action() -> UUID | None:
            grant = self.grant(grant_id)
            claim_id = uuid4()
            proposal = self._idle_interest(grant, on)
            charged = grant.decide_idle_interest(
                proposal, amount, reason, on, actor, claim_id, self.claim_policy.small_claim_limit
            )
            if charged is None:
                self.save(grant)
                return None
            assert grant.terms is not None
            claim = Claim.charge_interest(
                claim_id,
                grant.id,
                grant.organisation_id,
                grant.programme_id,
                charged,
                on,
                "idle_interest",
                min(grant.terms.rule_set.small_amount_threshold, self.claim_policy.small_claim_limit),
                reason,
                actor,
                legal_basis=grant.terms.rule_set.legal_basis,
            )
            self.save(grant, claim)
            return claim_id

        return self._retrying(action)

    def receive_repayment(self, claim_id: UUID, amount: Money, value_date: date, actor: Actor) -> None:
        self.verify_actor(actor)
        rates, today = self.interest_table(), self.today()
        self._update(
            Claim,
            claim_id,
            N_("Diese Rückforderung"),
            lambda c: c.receive_repayment(amount, value_date, rates, actor, today),
        )

    def propose_claim_relief(
        self,
        claim_id: UUID,
        kind: str,
        reason: str,
        actor: Actor,
        until: date | None = None,
        on: date | None = None,
        amount: Money | None = None,
    ) -> None:
        """Proposes a Stundung, Niederschlagung, Erlass (``amount``: in part) or Zinsverzicht; see ``Claim``."""
        self.verify_actor(actor)
        on = self._on(on)
        self._update(
            Claim,
            claim_id,
            N_("Diese Rückforderung"),
            lambda c: c.propose_relief(kind, reason, actor, until, on, amount),
        )

    def decide_claim_relief(
        self, claim_id: UUID, approve: bool, reason: str, actor: Actor, on: date | None = None
    ) -> None:
        self.verify_actor(actor)
        on = self._on(on)
        rates = self.interest_table()
        self._update(
            Claim,
            claim_id,
            N_("Diese Rückforderung"),
            lambda c: c.decide_relief(approve, reason, on, rates, actor, self.claim_policy),
        )

    def close_grant(self, grant_id: UUID, actor: Actor, on: date | None = None) -> None:
        """Abschluss: releases the unspent commitment back to the programme, in the same save."""
        self.verify_actor(actor)
        on = self._on(on)

        def action() -> None:
            grant = self.grant(grant_id)
            open_claims = sum(1 for claim_id in grant.claim_ids if self.claim(claim_id).status != "settled")
            programme = self.programme(grant.programme_id)
            current = grant.committed_split()
            keep = grant.close(open_claims, on, actor)
            programme.adjust_commitment(grant.id, keep, f"Abschluss {grant.file_number}", actor, current=current)
            self.save(programme, grant)

        self._retrying(action)

    # Projects: external co-funding -------------------------------------------------------------

    def award_external_funding(
        self,
        project_id: UUID,
        funder: str,
        financing_type: FinancingType | str,
        amount: Money,
        planned_costs: Money,
        city_share: Money,
        actor: Actor,
        rate: Decimal | None = None,
        other_funds: Money | None = None,
        rule_set: RuleSet | None = None,
    ) -> None:
        self.verify_actor(actor)
        kind = FinancingType.parse(financing_type)
        self._update(
            Project,
            project_id,
            N_("Dieses Projekt"),
            lambda p: p.award_external_funding(
                funder,
                kind,
                amount,
                rate,
                planned_costs,
                city_share,
                other_funds or Money.zero(),
                rule_set or RuleSet.federal_notice(),
                actor,
            ),
        )

    def receive_external_funds(self, project_id: UUID, amount: Money, value_date: date, actor: Actor) -> None:
        self.verify_actor(actor)
        self._update(
            Project, project_id, N_("Dieses Projekt"), lambda p: p.receive_external_funds(amount, value_date, actor)
        )

    def determine_external_share(self, project_id: UUID, actor: Actor, on: date | None = None) -> Money:
        self.verify_actor(actor)
        on = self._on(on)
        return self._update(Project, project_id, N_("Dieses Projekt"), lambda p: p.determine_external_share(on, actor))


def _statement_payment(grant: Grant, line: dict[str, Any]) -> UUID:
    """The payment a statement line belongs to: by its id, or by its end-to-end id."""
    if line.get("payment_id"):
        return UUID(line["payment_id"])
    for key in grant.payments:
        if end_to_end_id(UUID(key)) == line.get("end_to_end_id"):
            return UUID(key)
    raise NotFoundError(message("Diese Zahlung gibt es zu dieser Zuwendung nicht."), field="index")


def _line_date(line: dict[str, Any]) -> date:
    if not line.get("value_date"):
        raise InvalidInputError(message("Der Posten hat keine Wertstellung; bitte von Hand buchen."), field="index")
    return date.fromisoformat(line["value_date"])
