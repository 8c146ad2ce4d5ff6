"""Demo data for Förderbuch: the office's year 2025 and the first months of 2026, told as commands.

Everything is entered through ``FundingOffice`` commands by the people who would do it — the admin
opens programmes, officers register associations and review applications, approvers sign, finance
releases and books — so every figure in the demo is an event with an actor and a business date.
The content follows the city's own pages (``seeds/``): the partner cities, the projects *Faire
Stadtschokolade* and *She for Democracy* with Kumasi, relief for Schytomyr and trainee stays
abroad. People, associations, bank accounts and figures are invented.

Identities are fixed (users by e-mail, programmes and projects by code, organisations by a name-based
UUID, grants by file number), so loading twice is detected: ``demo_state`` says whether the demo is
absent, complete or only partly there (an earlier run stopped half-way), and ``load_demo`` refuses
anything but an absent demo.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import partial
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table
from schwifty import IBAN

from domain.actors import Actor, Role
from domain.application import FundingOffice
from domain.dates import FiscalYear, FundingPeriod
from domain.errors import DomainError
from domain.foreign import ForeignAmount
from domain.grant import APPROVED, PAYMENT_GERMAN, STATUS_GERMAN, Grant
from domain.money import Money
from domain.organisation import address
from domain.plan import BudgetLine, FinancingPlan
from domain.posting import PostingCoordinates
from domain.programme import Programme
from domain.project import Project
from domain.rules import RuleSet
from domain.user import User, UserEmail
from foerderbuch.credentials import CredentialStore

DEMO_PASSWORD = "demo-passwort-2026"
SPARKASSE_DORTMUND = "44050199"
DORTMUNDER_VOLKSBANK = "44160014"


# People ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoUser:
    key: str
    email: str
    name: str
    role: Role
    organisation: str | None = None  # key of a DemoOrganisation for association members
    duty: str = ""

    @property
    def identities(self) -> tuple[UUID, ...]:
        """Where the user shows in the store: the e-mail index (random ids), or the id release 0.1 derived."""
        return (UserEmail.id_for(self.email), User.legacy_id(self.email))


STAFF = (
    DemoUser("admin", "admin@dortmund.example", "Förderbuch-Administration", Role.ADMIN, duty="Benutzer und Programme"),
    DemoUser("krueger", "s.krueger@dortmund.example", "Sabine Krüger", Role.OFFICER, duty="Sachbearbeitung"),
    DemoUser("yildiz", "m.yildiz@dortmund.example", "Murat Yıldız", Role.OFFICER, duty="Sachbearbeitung"),
    DemoUser(
        "lange", "p.lange@dortmund.example", "Dr. Petra Lange", Role.APPROVER, duty="Leitung Internationale Beziehungen"
    ),
    DemoUser("hoffmann", "j.hoffmann@dortmund.example", "Jan Hoffmann", Role.APPROVER, duty="stellv. Leitung"),
    DemoUser("brandt", "k.brandt@dortmund.example", "Kerstin Brandt", Role.FINANCE, duty="Kämmerei"),
    DemoUser("schulz", "o.schulz@dortmund.example", "Oliver Schulz", Role.CASHIER, duty="Stadtkasse"),
)
MEMBERS = (
    DemoUser("dfg", "vorstand@dfg-dortmund.example", "Claire Dubois-Becker", Role.ASSOCIATION, "dfg", "Vorsitzende"),
    DemoUser(
        "kumasi",
        "kontakt@freundeskreis-kumasi.example",
        "Kwame Mensah-Schröder",
        Role.ASSOCIATION,
        "kumasi",
        "Vorstand",
    ),
    DemoUser(
        "trabzon", "vorstand@kulturbruecke-trabzon.example", "Ayşe Demir", Role.ASSOCIATION, "trabzon", "Vorsitzende"
    ),
    DemoUser(
        "ukraine",
        "info@ukrainehilfe-schytomyr.example",
        "Olena Kovalenko",
        Role.ASSOCIATION,
        "ukraine",
        "Geschäftsführerin",
    ),
    DemoUser("rsbk", "foerderverein@rsbk-dortmund.example", "Thomas Wegener", Role.ASSOCIATION, "rsbk", "Kassenwart"),
)
# The auditor is registered last: her account is the demo's "finished" mark (see demo_state).
AUDITOR = DemoUser("vogel", "a.vogel@dortmund.example", "Anke Vogel", Role.AUDITOR, duty="Rechnungsprüfungsamt")
DEMO_USERS: tuple[DemoUser, ...] = STAFF + MEMBERS + (AUDITOR,)


# Associations ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoOrganisation:
    key: str
    name: str
    register_number: str
    street: str
    postcode: str
    account: str
    contact: tuple[str, str, str, str]  # name, function, e-mail, phone
    bank_code: str = SPARKASSE_DORTMUND

    @property
    def id(self) -> UUID:
        return organisation_id(self.key)

    @property
    def iban(self) -> str:
        return str(IBAN.generate("DE", bank_code=self.bank_code, account_code=self.account).compact)


def organisation_id(key: str) -> UUID:
    """The fixed identity of a demo organisation."""
    return uuid5(NAMESPACE_URL, f"/foerderbuch/demo/organisations/{key}")


ORGANISATIONS = (
    DemoOrganisation(
        "dfg",
        "Deutsch-Französische Gesellschaft Dortmund e.V.",
        "VR 2143",
        "Kampstraße 47",
        "44137",
        "1000214301",
        ("Claire Dubois-Becker", "Vorsitzende", "vorstand@dfg-dortmund.example", "0231 5574210"),
    ),
    DemoOrganisation(
        "leeds",
        "Freundeskreis Dortmund–Leeds e.V.",
        "VR 3318",
        "Hansastraße 12",
        "44137",
        "1000331802",
        ("Graham Whitfield", "Vorsitzender", "info@freundeskreis-leeds.example", "0231 4760331"),
    ),
    DemoOrganisation(
        "buffalo",
        "Jugendaustausch Dortmund–Buffalo e.V.",
        "VR 4022",
        "Saarlandstraße 91",
        "44139",
        "1000402203",
        ("Jennifer Kowalski", "Geschäftsführerin", "kontakt@jugendaustausch-buffalo.example", "0231 9120402"),
    ),
    DemoOrganisation(
        "netanya",
        "Freundeskreis Netanya–Dortmund e.V.",
        "VR 3587",
        "Prinz-Friedrich-Karl-Straße 21",
        "44135",
        "1000358704",
        ("Miriam Goldberg", "Vorsitzende", "vorstand@freundeskreis-netanya.example", "0231 1358700"),
    ),
    DemoOrganisation(
        "novisad",
        "Städtepartnerschaftsverein Dortmund–Novi Sad e.V.",
        "VR 2970",
        "Rheinische Straße 150",
        "44147",
        "1000297005",
        ("Dragan Petrović", "Vorsitzender", "info@dortmund-novisad.example", "0231 8829700"),
    ),
    DemoOrganisation(
        "xian",
        "Deutsch-Chinesischer Kulturverein Dortmund e.V.",
        "VR 4410",
        "Kaiserstraße 28",
        "44135",
        "1000441006",
        ("Li Wen", "Vorsitzende", "kontakt@dckv-dortmund.example", "0231 5344100"),
    ),
    DemoOrganisation(
        "trabzon",
        "Kulturbrücke Dortmund–Trabzon e.V.",
        "VR 5126",
        "Mallinckrodtstraße 210",
        "44147",
        "1000512607",
        ("Ayşe Demir", "Vorsitzende", "vorstand@kulturbruecke-trabzon.example", "0231 7251260"),
    ),
    DemoOrganisation(
        "zwickau",
        "Partnerschaftsverein Dortmund–Zwickau e.V.",
        "VR 1988",
        "Hörder Bahnhofstraße 6",
        "44263",
        "1000198808",
        ("Uwe Lehmann", "Vorsitzender", "vorstand@dortmund-zwickau.example", "0231 4119880"),
    ),
    DemoOrganisation(
        "kumasi",
        "Freundeskreis Dortmund–Kumasi e.V.",
        "VR 6240",
        "Münsterstraße 56",
        "44145",
        "1000624009",
        ("Kwame Mensah-Schröder", "Vorstand", "kontakt@freundeskreis-kumasi.example", "0231 8624090"),
    ),
    DemoOrganisation(
        "ukraine",
        "Ukrainehilfe Dortmund–Schytomyr e.V.",
        "VR 6013",
        "Lindemannstraße 79",
        "44137",
        "1000601310",
        ("Olena Kovalenko", "Geschäftsführerin", "info@ukrainehilfe-schytomyr.example", "0231 3960130"),
    ),
    DemoOrganisation(
        "rsbk",
        "Förderverein des Robert-Schumann-Berufskollegs Dortmund e.V.",
        "VR 3741",
        "Brügmannstraße 23",
        "44135",
        "1000374111",
        ("Thomas Wegener", "Kassenwart", "foerderverein@rsbk-dortmund.example", "0231 5037410"),
    ),
    DemoOrganisation(
        "fairtrade",
        "Fairtrade-Initiative Dortmund e.V.",
        "VR 5532",
        "Rheinoldikirchplatz 3",
        "44137",
        "6012553200",
        ("Johanna Reinhardt", "Sprecherin", "info@fairtrade-dortmund.example", "0231 1455320"),
        DORTMUNDER_VOLKSBANK,
    ),
)
_ORGANISATIONS = {o.key: o for o in ORGANISATIONS}
LEEDS_NEW_IBAN = str(IBAN.generate("DE", bank_code=DORTMUNDER_VOLKSBANK, account_code="6033180200").compact)


# Programmes and projects -----------------------------------------------------------------------

PROGRAMME_CODES = ("IB-VEREINE", "KEPOL-KUMASI", "AZUBI-AUSLAND", "HILFE-SCHYTOMYR")
PROJECT_CODES = ("FAIRE-SCHOKOLADE", "SHE-FOR-DEMOCRACY")

# Every grant of the demo, by file number (its identity follows from it).
GRANT_FILE_NUMBERS = (
    "IB-2025-001", "IB-2025-002", "IB-2025-003", "IB-2025-004", "IB-2025-005", "IB-2025-006", "IB-2025-007",
    "IB-2025-008",
    "KEPOL-2025-001", "AZUBI-2025-001", "SCHY-2025-001", "SCHY-2025-002",
    "IB-2026-001", "IB-2026-002", "IB-2026-003", "IB-2026-004", "IB-2026-005", "IB-2026-006", "IB-2026-007",
    "KEPOL-2026-001", "AZUBI-2026-001", "SCHY-2026-001",
)  # fmt: skip


def demo_aggregate_ids() -> list[tuple[UUID, ...]]:
    """The identities of everything the demo creates, in the order it creates it (auditor last); each entry
    is present when any of its ids is (a user by the e-mail index, or by the id release 0.1 derived)."""
    return (
        [u.identities for u in STAFF]
        + [(Programme.create_id(code),) for code in PROGRAMME_CODES]
        + [(o.id,) for o in ORGANISATIONS]
        + [u.identities for u in MEMBERS]
        + [(Project.create_id(code),) for code in PROJECT_CODES]
        + [(Grant.create_id(number),) for number in GRANT_FILE_NUMBERS]
        + [AUDITOR.identities]
    )


class DemoState(StrEnum):
    ABSENT = "absent"
    PARTIAL = "partial"
    COMPLETE = "complete"


@dataclass(frozen=True)
class DemoCheck:
    state: DemoState
    present: int
    expected: int


def demo_state(office: FundingOffice) -> DemoCheck:
    """Whether the demo is absent, complete, or partly there (a run stopped half-way)."""
    ids = demo_aggregate_ids()
    present = sum(1 for alternatives in ids if any(i in office.repository for i in alternatives))
    if present == 0:
        state = DemoState.ABSENT
    elif present == len(ids):
        state = DemoState.COMPLETE
    else:
        state = DemoState.PARTIAL
    return DemoCheck(state, present, len(ids))


class DemoAlreadyLoaded(Exception):
    """Raised when the demo data is (completely or partly) in the store already."""

    def __init__(self, check: DemoCheck) -> None:
        super().__init__(check.state.value)
        self.check = check


class DemoLoadError(Exception):
    """Raised when a step of the demo is refused by the domain; the steps before it stay recorded."""

    def __init__(self, step: str, error: DomainError) -> None:
        super().__init__(
            f"Demodaten: Schritt »{step}« wurde abgelehnt: {error.message} Die Demodaten sind damit nur "
            "teilweise da; bitte in eine neue, leere Datenbank laden."
        )
        self.step = step
        self.error = error


@dataclass
class DemoSummary:
    users: int = 0
    programmes: int = 0
    organisations: int = 0
    projects: int = 0
    grants: int = 0
    events: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    payments: dict[str, int] = field(default_factory=dict)
    claims: dict[str, int] = field(default_factory=dict)


# Small helpers ---------------------------------------------------------------------------------


def d(text: str) -> date:
    return date.fromisoformat(text)


def eur(text: str) -> Money:
    return Money(text)


def period(start: str, end: str) -> FundingPeriod:
    return FundingPeriod(d(start), d(end))


def plan(
    lines: list[tuple[str, str, str]], own: str, third: str = "0", income: str = "0", grant: str = "0"
) -> FinancingPlan:
    return FinancingPlan(
        tuple(BudgetLine(code, label, eur(amount)) for code, label, amount in lines),
        own_funds=eur(own),
        third_party_funds=eur(third),
        income=eur(income),
        grant=eur(grant),
    )


def need(due: str, amount: str, description: str) -> dict[str, Any]:
    return {"due": d(due), "amount": eur(amount), "description": description}


def ghs(original: str, rate: str, rate_date: str) -> ForeignAmount:
    return ForeignAmount.convert("GHS", original, rate, d(rate_date))


def posting(product: str, account: str, cost_centre: str) -> PostingCoordinates:
    return PostingCoordinates(product, account, cost_centre)


Step = tuple[str, Callable[[], None]]


# The loader ------------------------------------------------------------------------------------


class _Loader:
    def __init__(self, office: FundingOffice, credentials: CredentialStore, password: str) -> None:
        self.office = office
        self.credentials = credentials
        self.password = password
        self._users = {u.key: u for u in DEMO_USERS}
        self._ids: dict[str, UUID] = {}

    # Actors and ids

    def user_id(self, key: str) -> UUID:
        if key not in self._ids:
            self._ids[key] = self.office.user_by_email(self._users[key].email).id
        return self._ids[key]

    def actor(self, key: str) -> Actor:
        user = self._users[key]
        return self.office.actor_for(self.user_id(key), user.role)

    def grant_id(self, file_number: str) -> UUID:
        return Grant.create_id(file_number)

    def programme_id(self, code: str) -> UUID:
        return Programme.create_id(code)

    # Commands with the demo's defaults

    def register(self, user: DemoUser) -> None:
        by = Actor.system() if user.role is Role.ADMIN else self.actor("admin")
        organisation = organisation_id(user.organisation) if user.organisation else None
        user_id = self.office.register_user(user.email, user.name, user.role, by, organisation)
        self._ids[user.key] = user_id
        self.credentials.set_password(user_id, self.password)
        if organisation is not None:
            self.office.add_portal_member(organisation, user_id, self.actor("admin"))

    def apply(
        self,
        file_number: str,
        programme: str,
        organisation: str,
        title: str,
        purpose: str,
        city: str,
        funding: FundingPeriod,
        kind: str,
        financing: FinancingPlan,
        by: str,
        on: str,
        project: str | None = None,
    ) -> UUID:
        org = _ORGANISATIONS[organisation]
        contact = next(iter(self.office.organisation(org.id).contact_persons), None)
        return self.office.apply_for_grant(
            self.programme_id(programme),
            org.id,
            title,
            purpose,
            city,
            funding,
            kind,
            financing,
            self.actor(by),
            project_id=Project.create_id(project) if project else None,
            contact_person_id=UUID(hex=contact) if contact else None,
            on=d(on),
            file_number=file_number,
            publish_purpose=self._users[by].role is Role.ASSOCIATION,  # members agree on the portal form
        )

    def review(self, file_number: str, by: str, on: str, notes: str, substantive_ok: bool = True) -> None:
        """The review note is the office's own (internal); the association is told only that it is checked."""
        message = "Ihr Antrag ist geprüft; jetzt wird über die Förderung entschieden." if substantive_ok else ""
        with self.office.enclosing(self.actor(by), message=message):
            self.office.review_application(
                self.grant_id(file_number), True, substantive_ok, notes, self.actor(by), on=d(on)
            )

    def approve(self, file_number: str, amount: str, by: str, on: str, **terms: Any) -> None:
        """An approval with an internal note on the budget and a message to the association."""
        with self.office.enclosing(
            self.actor(by),
            note="Haushaltsmittel im Programm verfügbar; Prüfung durch eine andere Person (Vier-Augen-Prinzip).",
            message="Wir freuen uns, Ihr Vorhaben zu fördern. Bitte beachten Sie die Nebenbestimmungen im Bescheid.",
        ):
            self.office.approve_grant(self.grant_id(file_number), eur(amount), self.actor(by), on=d(on), **terms)

    def pay(
        self,
        file_number: str,
        needs: list[dict[str, Any]],
        purpose: str,
        requested: tuple[str, str],
        certified: tuple[str, str] | None = None,
        released: tuple[str, str] | None = None,
        booked: tuple[str, str] | None = None,
    ) -> UUID:
        """A payment request and as many of its next steps as given: (who, business date) each."""
        grant_id = self.grant_id(file_number)
        by, on = requested
        payment = self.office.request_payment(grant_id, needs, purpose, self.actor(by), on=d(on))
        if certified:
            self.office.certify_payment(grant_id, payment, self.actor(certified[0]), on=d(certified[1]))
        if released:
            self.office.release_payment(grant_id, payment, self.actor(released[0]), on=d(released[1]))
        if booked:
            self.office.book_payment(grant_id, payment, d(booked[1]), self.actor(booked[0]))
        return payment

    def expenses(
        self, file_number: str, by: str, *receipts: tuple[str, str, str, str, Money | ForeignAmount, str]
    ) -> None:
        """Receipts the recipient reports: (budget line, paid on, payee, purpose, amount, receipt number)."""
        grant_id, actor = self.grant_id(file_number), self.actor(by)
        for line, paid_on, payee, purpose, amount, receipt in receipts:
            self.office.report_expense(grant_id, line, d(paid_on), payee, purpose, amount, receipt, actor)

    def prove(
        self, file_number: str, by: str, on: str, report: str, own: str, third: str = "0", income: str = "0"
    ) -> None:
        self.office.submit_proof_of_use(
            self.grant_id(file_number), report, eur(own), eur(third), eur(income), self.actor(by), on=d(on)
        )

    def review_proof(
        self,
        file_number: str,
        by: str,
        on: str,
        notes: str,
        recognised: dict[str, str] | None = None,
        cuts: dict[str, str] | None = None,
    ) -> None:
        self.office.review_proof_of_use(
            self.grant_id(file_number),
            {code: eur(v) for code, v in (recognised or {}).items()},
            cuts or {},
            notes,
            self.actor(by),
            on=d(on),
        )

    def repay(self, claim_id: UUID, value_date: str, amount: str | None = None) -> None:
        """Finance books a repayment; without an amount, everything due on the value date (with interest)."""
        on = d(value_date)
        money = eur(amount) if amount else self.office.claim(claim_id).amount_due(on, self.office.interest_table())
        self.office.receive_repayment(claim_id, money, on, self.actor("schulz"))

    # The story, step by step

    def steps(self) -> Iterator[Step]:
        for user in STAFF:
            yield f"Benutzer {user.email}", partial(self.register, user)
        yield "Programm IB-VEREINE", self.programme_ib_vereine
        yield "Programm KEPOL-KUMASI", self.programme_kepol
        yield "Programm AZUBI-AUSLAND", self.programme_azubi
        yield "Programm HILFE-SCHYTOMYR", self.programme_schytomyr
        for org in ORGANISATIONS:
            yield f"Verein {org.name}", partial(self.organisation, org)
        for user in MEMBERS:
            yield f"Portalzugang {user.email}", partial(self.register, user)
        yield "Projekt Faire Stadtschokolade", self.project_chocolate
        yield "Projekt She for Democracy", self.project_she_for_democracy
        for story in (
            self.grant_ib_2025_001,
            self.grant_ib_2025_002,
            self.grant_ib_2025_003,
            self.grant_ib_2025_004,
            self.grant_ib_2025_005,
            self.grant_ib_2025_006,
            self.grant_ib_2025_007,
            self.grant_ib_2025_008,
            self.grant_kepol_2025_001,
            self.grant_azubi_2025_001,
            self.grant_schy_2025_001,
            self.grant_schy_2025_002,
        ):
            yield f"Zuwendung {story.__doc__}", story
        yield "Regelwerk 2026 für IB-VEREINE", self.rule_set_2026
        for story in (
            self.grant_ib_2026_001,
            self.grant_ib_2026_002,
            self.grant_ib_2026_003,
            self.grant_ib_2026_004,
            self.grant_ib_2026_005,
            self.grant_ib_2026_006,
            self.grant_ib_2026_007,
            self.grant_kepol_2026_001,
            self.grant_azubi_2026_001,
            self.grant_schy_2026_001,
        ):
            yield f"Zuwendung {story.__doc__}", story
        yield f"Benutzer {AUDITOR.email}", lambda: self.register(AUDITOR)

    # Programmes

    def programme_ib_vereine(self) -> None:
        admin = self.actor("admin")
        coordinates = posting("01.11.02", "531800", "1011000")
        pid = self.office.open_programme(
            "IB-VEREINE",
            "Förderung internationaler Vereinsarbeit",
            "city",
            RuleSet.nrw_municipal("IB-Vereine-2025", min_grant=eur("500.00"), max_grant=eur("7500.00")),
            {FiscalYear(2025): (eur("45000.00"), coordinates)},
            admin,
            on=d("2025-01-02"),
        )
        self.office.allocate_budget(
            pid,
            FiscalYear(2026),
            eur("48000.00"),
            coordinates,
            "Haushaltsplan 2026: Ansatz für Zuschüsse an Vereine in den Städtepartnerschaften.",
            self.actor("brandt"),
            on=d("2025-12-15"),
        )

    def programme_kepol(self) -> None:
        admin = self.actor("admin")
        self.office.open_programme(
            "KEPOL-KUMASI",
            "Kommunale Entwicklungszusammenarbeit Kumasi",
            "federal",
            RuleSet.federal("SKEW-Kleinprojektefonds-2025", min_grant=eur("1000.00"), max_grant=eur("20000.00")),
            {
                FiscalYear(2025): (eur("40000.00"), posting("01.11.03", "531810", "1011020")),
                FiscalYear(2026): (eur("50000.00"), posting("01.11.03", "531810", "1011020")),
            },
            admin,
            on=d("2025-01-02"),
        )

    def programme_azubi(self) -> None:
        admin = self.actor("admin")
        coordinates = posting("01.11.02", "531820", "1011030")
        pid = self.office.open_programme(
            "AZUBI-AUSLAND",
            "Auslandsaufenthalte für Auszubildende",
            "city",
            RuleSet.nrw_municipal(
                "Azubi-Ausland-2025",
                allowed_financing_types=("fixed",),
                min_grant=eur("300.00"),
                max_grant=eur("5000.00"),
            ),
            {FiscalYear(2025): (eur("15000.00"), coordinates)},
            admin,
            on=d("2025-01-02"),
        )
        self.office.allocate_budget(
            pid,
            FiscalYear(2026),
            eur("18000.00"),
            coordinates,
            "Haushaltsplan 2026: Ausbau der Auslandspraktika in den Partnerstädten.",
            self.actor("brandt"),
            on=d("2025-12-15"),
        )

    def programme_schytomyr(self) -> None:
        admin = self.actor("admin")
        pid = self.office.open_programme(
            "HILFE-SCHYTOMYR",
            "Hilfe für Schytomyr",
            "donations",
            RuleSet.nrw_municipal(
                "Schytomyr-Hilfe-2025", allowed_financing_types=("deficit", "full"), min_own_share=Decimal("0.05")
            ),
            {
                FiscalYear(2025): (eur("30000.00"), posting("01.11.04", "531900", "1011040")),
                FiscalYear(2026): (eur("25000.00"), posting("01.11.04", "531900", "1011040")),
            },
            admin,
            on=d("2025-01-02"),
        )
        self.office.amend_budget(
            pid,
            FiscalYear(2025),
            eur("38000.00"),
            "Spendenaufruf »Dortmund hilft« im Winter 2024/25: weitere 8.000,00 € Spenden eingegangen.",
            self.actor("brandt"),
            on=d("2025-02-10"),
        )

    # Organisations and projects

    def organisation(self, org: DemoOrganisation) -> None:
        officer = self.actor("krueger")
        self.office.register_organisation(
            org.name,
            "e.V.",
            org.register_number,
            address(org.street, org.postcode, "Dortmund"),
            org.iban,
            officer,
            organisation_id=org.id,
            register_court="Amtsgericht Dortmund",
        )
        name, function, email, phone = org.contact
        self.office.add_contact_person(org.id, name, function, email, phone, officer)

    def project_chocolate(self) -> None:
        project = self.office.start_project(
            "FAIRE-SCHOKOLADE",
            "Faire Stadtschokolade",
            "Eine faire Dortmunder Stadtschokolade mit Kakao aus der Region Kumasi: fairer Handel als Beitrag "
            "der Fairtrade-Stadt Dortmund zur Partnerschaft mit Kumasi, mit Bildungsarbeit in Schulen und Kitas.",
            "Kumasi",
            [12, 17],
            period("2025-01-01", "2026-12-31"),
            ["Produktentwicklung", "Druck und Verpackung", "Reisekosten", "Bildungsarbeit"],
            self.actor("yildiz"),
        )
        self.office.award_external_funding(
            project,
            "Engagement Global – SKEW Kleinprojektefonds",
            "share",
            eur("19800.00"),
            eur("22000.00"),
            eur("2200.00"),
            self.actor("lange"),
            rate=Decimal("0.90"),
            rule_set=RuleSet.federal_notice("SKEW-Kleinprojektefonds-2025"),
        )
        self.office.receive_external_funds(project, eur("10000.00"), d("2025-03-03"), self.actor("schulz"))
        self.office.receive_external_funds(project, eur("5000.00"), d("2026-01-20"), self.actor("schulz"))
        kepol = self.programme_id("KEPOL-KUMASI")
        self.office.draw_project_budget(
            project,
            kepol,
            FiscalYear(2025),
            eur("12000.00"),
            "Projektmittel 2025 aus dem SKEW-Kleinprojektefonds (Zuwendungsbescheid vom 12.02.2025).",
            self.actor("lange"),
            on=d("2025-02-12"),
        )
        self.office.draw_project_budget(
            project,
            kepol,
            FiscalYear(2026),
            eur("10000.00"),
            "Projektmittel 2026 laut Finanzierungsplan des Projekts.",
            self.actor("lange"),
            on=d("2026-01-05"),
        )
        officer, finance = self.actor("yildiz"), self.actor("brandt")
        self.office.record_project_expenditure(
            project,
            d("2025-03-18"),
            "Kumasi Women Cocoa Cooperative",
            "Kakaobohnen für die erste Charge (1,2 t)",
            "Produktentwicklung",
            ghs("48000", "16.02", "2025-03-17"),
            "FS-2025-001",
            finance,
        )
        self.office.record_project_expenditure(
            project,
            d("2025-05-06"),
            "Druckerei Ruhrdruck GmbH, Dortmund",
            "Banderolen und Verpackung, 5.000 Stück",
            "Druck und Verpackung",
            eur("2380.00"),
            "FS-2025-002",
            finance,
        )
        duplicate = self.office.record_project_expenditure(
            project,
            d("2025-05-06"),
            "Druckerei Ruhrdruck GmbH, Dortmund",
            "Banderolen und Verpackung, 5.000 Stück",
            "Druck und Verpackung",
            eur("2380.00"),
            "FS-2025-002",
            officer,
        )
        self.office.reverse_project_expenditure(
            project,
            duplicate,
            "Doppelt erfasst: Die Rechnung ist bereits unter FS-2025-002 gebucht.",
            finance,
            on=d("2025-05-07"),
        )
        self.office.record_project_expenditure(
            project,
            d("2025-09-22"),
            "Reisebüro am Westenhellweg GmbH",
            "Flüge der Delegation nach Kumasi (3 Personen)",
            "Reisekosten",
            eur("3140.00"),
            "FS-2025-003",
            finance,
        )
        self.office.record_project_expenditure(
            project,
            d("2026-02-10"),
            "Weltladen Dortmund",
            "Bildungsmaterial »Der Weg der Kakaobohne« für 20 Kitas",
            "Bildungsarbeit",
            eur("640.00"),
            "FS-2026-001",
            finance,
        )
        self.office.record_project_expenditure(
            project,
            d("2026-03-04"),
            "Kumasi Metropolitan Assembly",
            "Workshop »Fairtrade Town Kumasi«",
            "Bildungsarbeit",
            ghs("12500", "12.95", "2026-03-03"),
            "FS-2026-002",
            finance,
        )

    def project_she_for_democracy(self) -> None:
        project = self.office.start_project(
            "SHE-FOR-DEMOCRACY",
            "She for Democracy",
            "Junge Frauen aus Kumasi und Dortmund stärken ihre politische Teilhabe: Workshops, Mentoring und "
            "Begegnungen zu Gleichstellung und demokratischer Mitbestimmung in beiden Städten.",
            "Kumasi",
            [5, 16],
            period("2025-03-01", "2026-12-31"),
            ["Workshops", "Reisekosten", "Honorare", "Öffentlichkeitsarbeit"],
            self.actor("krueger"),
        )
        kepol = self.programme_id("KEPOL-KUMASI")
        self.office.draw_project_budget(
            project,
            kepol,
            FiscalYear(2025),
            eur("8000.00"),
            "Projektmittel 2025 (Auftakt in Kumasi).",
            self.actor("hoffmann"),
            on=d("2025-03-03"),
        )
        self.office.draw_project_budget(
            project,
            kepol,
            FiscalYear(2026),
            eur("15000.00"),
            "Projektmittel 2026 (Gegenbesuch in Dortmund).",
            self.actor("hoffmann"),
            on=d("2026-01-05"),
        )
        finance = self.actor("brandt")
        self.office.record_project_expenditure(
            project,
            d("2025-06-12"),
            "Centre for Civic Education, Kumasi",
            "Workshopräume und Verpflegung, 3 Tage",
            "Workshops",
            ghs("27600", "11.95", "2025-06-11"),
            "SFD-2025-001",
            finance,
        )
        self.office.record_project_expenditure(
            project,
            d("2025-07-01"),
            "Dr. Akosua Boateng",
            "Honorar Moderation der Auftaktworkshops",
            "Honorare",
            eur("1200.00"),
            "SFD-2025-002",
            finance,
        )
        self.office.record_project_expenditure(
            project,
            d("2025-10-14"),
            "Reisebüro am Westenhellweg GmbH",
            "Flüge für vier Teilnehmerinnen aus Kumasi",
            "Reisekosten",
            eur("2760.00"),
            "SFD-2025-003",
            finance,
        )
        self.office.record_project_expenditure(
            project,
            d("2026-02-18"),
            "Druckerei Ruhrdruck GmbH, Dortmund",
            "Ausstellung »She for Democracy« im Rathaus",
            "Öffentlichkeitsarbeit",
            eur("1450.00"),
            "SFD-2026-001",
            finance,
        )

    # Grants of 2025

    def grant_ib_2025_001(self) -> None:
        """IB-2025-001: Jugendbegegnung Amiens, zwei Zahlungen ausgezahlt"""
        self.apply(
            "IB-2025-001", "IB-VEREINE", "dfg", "Jugendbegegnung Amiens–Dortmund: 65 Jahre Städtepartnerschaft",
            "Zehntägige Begegnung von 24 Jugendlichen aus Amiens und Dortmund mit Workshops zu Erinnerungskultur "
            "und Sport zum 65-jährigen Jubiläum der Partnerschaft.",
            "Amiens", period("2025-04-01", "2025-10-31"), "share",
            plan([("travel", "Reisekosten", "4000.00"), ("stay", "Unterkunft und Verpflegung", "3000.00"),
                  ("programme", "Programmkosten", "2000.00"), ("pr", "Druck und Öffentlichkeitsarbeit", "1000.00")],
                 own="1000.00", third="1500.00", income="500.00", grant="7000.00"),
            by="dfg", on="2025-02-10",
        )  # fmt: skip
        self.review(
            "IB-2025-001", "krueger", "2025-02-24", "Formal vollständig; Zusage des DFJW über 1.500,00 € liegt vor."
        )
        self.approve("IB-2025-001", "7000.00", "lange", "2025-03-05", rate=Decimal("0.70"))
        self.pay(
            "IB-2025-001",
            [need("2025-05-15", "2000.00", "Anzahlung Busreise nach Amiens"),
             need("2025-05-20", "1000.00", "Anzahlung Jugendherberge")],
            "Erste Rate Jugendbegegnung",
            requested=("dfg", "2025-04-02"), certified=("yildiz", "2025-04-03"),
            released=("brandt", "2025-04-04"), booked=("schulz", "2025-04-08"),
        )  # fmt: skip
        self.pay(
            "IB-2025-001",
            [need("2025-07-10", "2000.00", "Restzahlung Busreise"),
             need("2025-07-10", "2000.00", "Unterkunft und Programm in Dortmund")],
            "Zweite Rate Jugendbegegnung",
            requested=("dfg", "2025-06-16"), certified=("krueger", "2025-06-17"),
            released=("hoffmann", "2025-06-18"), booked=("schulz", "2025-06-24"),
        )  # fmt: skip
        self.expenses(
            "IB-2025-001", "dfg",
            ("travel", "2025-07-12", "Reisedienst Dortmund-Mitte GmbH", "Busreise Dortmund–Amiens und zurück",
             eur("3900.00"), "DFG-2025-01"),
            ("stay", "2025-07-20", "Auberge de Jeunesse Amiens", "Unterkunft und Verpflegung, 10 Nächte",
             eur("2950.00"), "DFG-2025-02"),
            ("programme", "2025-07-18", "Maison de la Culture d'Amiens", "Workshops und Eintritte", eur("1450.00"),
             "DFG-2025-03"),
            ("pr", "2025-08-29", "Druckerei Ruhrdruck GmbH, Dortmund", "Dokumentation der Begegnung", eur("700.00"),
             "DFG-2025-04"),
        )  # fmt: skip
        self.prove(
            "IB-2025-001",
            "dfg",
            "2026-01-20",
            "24 Jugendliche haben teilgenommen; die Kosten lagen mit 9.000,00 € unter dem Plan.",
            own="1000.00",
            third="1500.00",
            income="500.00",
        )
        self.review_proof("IB-2025-001", "krueger", "2026-02-05", "Belege vollständig; alle Ausgaben anerkannt.")
        claim = self.office.determine_final_amount(
            self.grant_id("IB-2025-001"), self.actor("lange"), on=d("2026-02-12")
        )
        assert claim is not None  # 70 % of 9.000,00 € is 6.300,00 €; 700,00 € were paid too much
        self.repay(claim, "2026-03-02")
        self.office.close_grant(self.grant_id("IB-2025-001"), self.actor("krueger"), on=d("2026-03-03"))

    def grant_ib_2025_002(self) -> None:
        """IB-2025-002: Chorreise Leeds, Rückfluss nach Kontowechsel"""
        self.apply(
            "IB-2025-002", "IB-VEREINE", "leeds", "Chorreise des Philharmonischen Chors Dortmund nach Leeds",
            "Gemeinsames Konzert mit dem Leeds Philharmonic Chorus in der Leeds Town Hall.",
            "Leeds", period("2025-05-01", "2025-09-30"), "deficit",
            plan([("travel", "Fähre und Reisebus", "5200.00"), ("stay", "Unterkunft", "3600.00"),
                  ("programme", "Konzertorganisation", "1200.00")],
                 own="1500.00", third="1000.00", income="1500.00", grant="6000.00"),
            by="yildiz", on="2025-03-03",
        )  # fmt: skip
        self.review("IB-2025-002", "krueger", "2025-03-17", "Plan ausgeglichen; Eintrittserlöse realistisch geschätzt.")
        self.approve("IB-2025-002", "6000.00", "hoffmann", "2025-03-25")
        first = self.pay(
            "IB-2025-002", [need("2025-06-15", "3500.00", "Fährüberfahrt und Reisebus")], "Erste Rate Chorreise",
            requested=("yildiz", "2025-05-05"), certified=("krueger", "2025-05-06"),
            released=("brandt", "2025-05-07"), booked=("schulz", "2025-05-09"),
        )  # fmt: skip
        grant_id = self.grant_id("IB-2025-002")
        self.office.return_payment(
            grant_id,
            first,
            eur("3500.00"),
            d("2025-05-16"),
            "Rücküberweisung der Bank: Das Konto des Vereins ist erloschen (Bankwechsel).",
            self.actor("schulz"),
        )
        self.office.change_bank_account(
            _ORGANISATIONS["leeds"].id,
            LEEDS_NEW_IBAN,
            "Neue Bankverbindung laut Schreiben des Vorstands vom 19.05.2025.",
            self.actor("krueger"),
        )
        self.pay(
            "IB-2025-002", [need("2025-06-15", "3500.00", "Fährüberfahrt und Reisebus")],
            "Erste Rate Chorreise (erneut, neue Bankverbindung)",
            requested=("yildiz", "2025-05-21"), certified=("krueger", "2025-05-22"),
            released=("brandt", "2025-05-23"), booked=("schulz", "2025-05-26"),
        )  # fmt: skip
        self.pay(
            "IB-2025-002", [need("2025-08-20", "2500.00", "Unterkunft in Leeds")], "Zweite Rate Chorreise",
            requested=("yildiz", "2025-07-14"), certified=("krueger", "2025-07-15"),
            released=("lange", "2025-07-16"), booked=("schulz", "2025-07-18"),
        )  # fmt: skip
        self.expenses(
            "IB-2025-002", "yildiz",
            ("travel", "2025-08-22", "DFDS Seaways / Reisedienst Dortmund-Mitte GmbH", "Fähre und Reisebus",
             eur("5350.00"), "FKL-2025-01"),
            ("stay", "2025-08-25", "Leeds Trinity Hotel", "Unterkunft, 4 Nächte", eur("3480.00"), "FKL-2025-02"),
            ("programme", "2025-08-24", "Leeds Town Hall", "Saalmiete und Noten", eur("1170.00"), "FKL-2025-03"),
        )  # fmt: skip
        self.prove(
            "IB-2025-002",
            "yildiz",
            "2025-12-15",
            "Konzert mit 600 Gästen in der Leeds Town Hall.",
            own="1500.00",
            third="1000.00",
            income="1500.00",
        )
        self.review_proof("IB-2025-002", "krueger", "2026-01-14", "Rechnerisch geprüft; keine Kürzungen.")

    def grant_ib_2025_003(self) -> None:
        """IB-2025-003: Handball-Begegnung Novi Sad, Abruf storniert"""
        self.apply(
            "IB-2025-003", "IB-VEREINE", "novisad", "Handball-Jugendbegegnung DJK Oespel-Kley – Novi Sad",
            "Trainingslager und Turnier von je 16 Jugendlichen aus Dortmund und Novi Sad.",
            "Novi Sad", period("2025-06-01", "2025-08-31"), "deficit",
            plan([("travel", "Busreise", "3000.00"), ("stay", "Unterkunft und Verpflegung", "2400.00"),
                  ("programme", "Hallenmiete und Turnier", "600.00")],
                 own="900.00", income="600.00", grant="4500.00"),
            by="krueger", on="2025-03-20",
        )  # fmt: skip
        grant_id = self.grant_id("IB-2025-003")
        request = self.office.request_documents(
            grant_id,
            "Teilnehmendenliste beider Städte, Programmablauf, Freistellungsbescheid des Finanzamts",
            d("2025-04-17"),
            self.actor("yildiz"),
            on=d("2025-03-27"),
        )
        self.office.receive_documents(
            grant_id, request, "Unterlagen per Post eingegangen.", self.actor("krueger"), on=d("2025-04-10")
        )
        self.review("IB-2025-003", "yildiz", "2025-04-14", "Nach Nachreichung vollständig; Fehlbedarf plausibel.")
        self.approve("IB-2025-003", "4500.00", "lange", "2025-04-22")
        cancelled = self.pay(
            "IB-2025-003", [need("2025-06-20", "2000.00", "Anzahlung Busunternehmen")], "Anzahlung Bus",
            requested=("krueger", "2025-06-02"), certified=("yildiz", "2025-06-03"),
        )  # fmt: skip
        self.office.cancel_payment(
            grant_id,
            cancelled,
            "Das Busunternehmen hat seine Rechnung storniert; ein neuer Abruf folgt.",
            self.actor("brandt"),
            on=d("2025-06-05"),
        )
        self.pay(
            "IB-2025-003",
            [need("2025-07-01", "2700.00", "Busunternehmen (neues Angebot)"),
             need("2025-07-15", "1800.00", "Unterkunft in Novi Sad")],
            "Gesamtabruf Handball-Begegnung",
            requested=("krueger", "2025-06-10"), certified=("yildiz", "2025-06-11"),
            released=("brandt", "2025-06-12"), booked=("schulz", "2025-06-16"),
        )  # fmt: skip
        self.expenses(
            "IB-2025-003", "krueger",
            ("travel", "2025-07-01", "Busreisen Kley GmbH", "Busreise nach Novi Sad", eur("2700.00"), "NS-2025-01"),
            ("stay", "2025-07-15", "Hostel Novi Sad", "Unterkunft und Verpflegung", eur("2600.00"), "NS-2025-02"),
            ("programme", "2025-07-16", "Sportski centar Vojvodina", "Hallenmiete und Turnier", eur("700.00"),
             "NS-2025-03"),
        )  # fmt: skip
        self.prove(
            "IB-2025-003", "krueger", "2025-10-20", "Begegnung wie geplant durchgeführt.", own="900.00", income="600.00"
        )
        self.review_proof("IB-2025-003", "yildiz", "2025-11-10", "Alle Ausgaben anerkannt.")
        no_claim = self.office.determine_final_amount(
            self.grant_id("IB-2025-003"), self.actor("hoffmann"), on=d("2025-11-17")
        )
        assert no_claim is None

    def grant_ib_2025_004(self) -> None:
        """IB-2025-004: Studienreise Xi'an, abgelehnt"""
        self.apply(
            "IB-2025-004", "IB-VEREINE", "xian", "Studienreise nach Xi'an",
            "Zweiwöchige Reise von Vereinsmitgliedern zu den Sehenswürdigkeiten in Xi'an.",
            "Xi'an", period("2025-09-01", "2025-09-30"), "share",
            plan([("travel", "Flüge", "9000.00"), ("stay", "Hotel", "3000.00")],
                 own="4800.00", income="1200.00", grant="6000.00"),
            by="krueger", on="2025-04-07",
        )  # fmt: skip
        self.review(
            "IB-2025-004",
            "krueger",
            "2025-04-28",
            "Überwiegend touristisches Programm ohne Begegnung mit Partnerorganisationen in Xi'an.",
            substantive_ok=False,
        )
        self.office.reject_application(
            self.grant_id("IB-2025-004"),
            "Ein touristisches Programm ohne Begegnungscharakter ist nach den Förderrichtlinien nicht förderfähig.",
            self.actor("lange"),
            on=d("2025-05-06"),
        )

    def grant_ib_2025_005(self) -> None:
        """IB-2025-005: Merhaba Heimat!, Änderungsbescheid bewilligt"""
        self.apply(
            "IB-2025-005", "IB-VEREINE", "trabzon",
            "Merhaba Heimat! – Künstlerinnen und Künstler aus Trabzon beim Kulturfestival",
            "Auftritte und Werkstätten von sechs Künstlerinnen und Künstlern aus Trabzon beim Festival.",
            "Trabzon", period("2025-05-15", "2025-10-15"), "deficit",
            plan([("fees", "Künstlerhonorare", "2500.00"), ("travel", "Flüge", "1800.00"),
                  ("stay", "Unterkunft", "1200.00"), ("pr", "Öffentlichkeitsarbeit", "500.00")],
                 own="800.00", third="700.00", income="500.00", grant="4000.00"),
            by="trabzon", on="2025-03-12",
        )  # fmt: skip
        self.review("IB-2025-005", "yildiz", "2025-03-26", "Vollständig; Festivalprogramm liegt bei.")
        self.approve("IB-2025-005", "4000.00", "lange", "2025-04-02")
        self.pay(
            "IB-2025-005", [need("2025-06-30", "2000.00", "Flüge Trabzon–Dortmund")], "Erste Rate Festival",
            requested=("trabzon", "2025-05-19"), certified=("krueger", "2025-05-20"),
            released=("brandt", "2025-05-21"), booked=("schulz", "2025-05-23"),
        )  # fmt: skip
        grant_id = self.grant_id("IB-2025-005")
        self.office.propose_amendment(
            grant_id, eur("4800.00"),
            "Änderungsantrag vom 18.06.2025: Die Flugpreise sind nach der Umbuchung um 800,00 € gestiegen.",
            self.actor("krueger"), on=d("2025-06-23"),
            plan=plan([("fees", "Künstlerhonorare", "2500.00"), ("travel", "Flüge", "2600.00"),
                       ("stay", "Unterkunft", "1200.00"), ("pr", "Öffentlichkeitsarbeit", "500.00")],
                      own="800.00", third="700.00", income="500.00", grant="4800.00"),
        )  # fmt: skip
        self.office.approve_amendment(grant_id, self.actor("hoffmann"), on=d("2025-06-30"))
        self.pay(
            "IB-2025-005", [need("2025-08-31", "2800.00", "Unterkunft und Honorare")], "Zweite Rate Festival",
            requested=("trabzon", "2025-07-07"), certified=("yildiz", "2025-07-08"),
            released=("hoffmann", "2025-07-09"), booked=("schulz", "2025-07-11"),
        )  # fmt: skip
        self.expenses(
            "IB-2025-005", "trabzon",
            ("fees", "2025-09-14", "Künstlerkollektiv Karadeniz", "Honorare für sechs Auftritte", eur("2500.00"),
             "KB-2025-01"),
            ("travel", "2025-09-01", "Turkish Airlines", "Flüge Trabzon–Dortmund", eur("2580.00"), "KB-2025-02"),
            ("stay", "2025-09-15", "Hotel am Westfalenpark", "Unterkunft", eur("1240.00"), "KB-2025-03"),
            ("pr", "2025-08-20", "Druckerei Ruhrdruck GmbH, Dortmund", "Plakate und Programmhefte", eur("480.00"),
             "KB-2025-04"),
        )  # fmt: skip
        self.prove(
            "IB-2025-005",
            "trabzon",
            "2026-02-27",
            "Sechs Auftritte mit rund 2.000 Gästen.",
            own="800.00",
            third="700.00",
            income="500.00",
        )

    def grant_ib_2025_006(self) -> None:
        """IB-2025-006: Chorfahrt Zwickau, zurückgezogen"""
        self.apply(
            "IB-2025-006", "IB-VEREINE", "zwickau", "Chorfahrt »St. Kaiser Heinrich« nach Zwickau",
            "Gemeinsames Konzert mit dem Chor »Heilige Familie« in Zwickau.",
            "Zwickau", period("2025-09-01", "2025-09-30"), "fixed",
            plan([("travel", "Busreise", "1500.00"), ("stay", "Unterkunft", "1300.00")],
                 own="800.00", income="500.00", grant="1500.00"),
            by="yildiz", on="2025-05-12",
        )  # fmt: skip
        self.office.withdraw_application(
            self.grant_id("IB-2025-006"),
            (
                "Der Verein zieht den Antrag zurück: Die Chorfahrt ist mangels Teilnehmender abgesagt (Schreiben vom "
                "30.05.2025)."
            ),
            self.actor("yildiz"),
            on=d("2025-06-02"),
        )

    def grant_ib_2025_008(self) -> None:
        """IB-2025-008: Begegnungsreise Netanya, widerrufen"""
        self.apply(
            "IB-2025-008", "IB-VEREINE", "netanya", "Begegnungsreise nach Netanya 2025",
            "Begegnung von 15 Jugendlichen aus Dortmund mit Schülerinnen und Schülern der Ort-Gutman-High School.",
            "Netanya", period("2025-06-01", "2025-11-30"), "deficit",
            plan([("travel", "Flüge", "4000.00"), ("stay", "Unterkunft", "2000.00")],
                 own="1000.00", third="1500.00", income="500.00", grant="3000.00"),
            by="krueger", on="2025-04-22",
        )  # fmt: skip
        self.review("IB-2025-008", "yildiz", "2025-05-05", "Vollständig.")
        self.approve("IB-2025-008", "3000.00", "hoffmann", "2025-05-12")
        self.pay(
            "IB-2025-008", [need("2025-07-01", "2000.00", "Anzahlung Flüge")], "Anzahlung Begegnungsreise",
            requested=("krueger", "2025-06-02"), certified=("yildiz", "2025-06-03"),
            released=("brandt", "2025-06-04"), booked=("schulz", "2025-06-06"),
        )  # fmt: skip
        self.office.propose_revocation(
            self.grant_id("IB-2025-008"),
            eur("0.00"),
            d("2025-11-24"),
            d("2025-10-20"),  # the school's letter postponing the exchange reached the office
            d("2025-11-10"),  # the association was heard (§ 28 VwVfG NRW)
            "Die Reise fand nicht statt, die Partnerschule hat den Austausch auf 2026 verschoben; die Anzahlung "
            "wurde nicht zweckentsprechend verwendet (Widerruf nach § 49 Abs. 3 VwVfG NRW).",
            self.actor("yildiz"),
            on=d("2025-11-17"),
        )
        claim = self.office.decide_revocation(
            self.grant_id("IB-2025-008"),
            True,
            "Der Verein hat in der Anhörung nichts vorgetragen, was den Widerruf hindert.",
            self.actor("lange"),
            on=d("2025-11-24"),
        )
        assert claim is not None
        self.repay(claim, "2025-12-15")

    def grant_ib_2025_007(self) -> None:
        """IB-2025-007: Youth Forum Buffalo, über zwei Haushaltsjahre"""
        self.apply(
            "IB-2025-007", "IB-VEREINE", "buffalo",
            "German-American Sister Cities Youth Forum: Delegation aus Dortmund",
            "Sechs junge Menschen aus Dortmund nehmen am Youth Forum in Buffalo teil; Gegenbesuch im Frühjahr 2026.",
            "Buffalo", period("2025-09-01", "2026-03-31"), "share",
            plan([("travel", "Flüge", "6000.00"), ("stay", "Unterkunft", "2000.00"),
                  ("programme", "Programmkosten", "1000.00")],
                 own="1800.00", third="1800.00", grant="5400.00"),
            by="yildiz", on="2025-06-16",
        )  # fmt: skip
        self.review(
            "IB-2025-007", "krueger", "2025-07-07", "Zusage des American Council on Germany über 1.800,00 € liegt vor."
        )
        self.approve(
            "IB-2025-007",
            "5400.00",
            "lange",
            "2025-07-21",
            rate=Decimal("0.60"),
            year_split={FiscalYear(2025): eur("3000.00"), FiscalYear(2026): eur("2400.00")},
            conditions="Verpflichtungsermächtigung 2026: 2.400,00 € zulasten des Haushaltsjahres 2026.",
        )
        self.pay(
            "IB-2025-007", [need("2025-10-15", "3000.00", "Flüge nach Buffalo")], "Erste Rate Youth Forum",
            requested=("yildiz", "2025-09-01"), certified=("krueger", "2025-09-02"),
            released=("brandt", "2025-09-03"), booked=("schulz", "2025-09-05"),
        )  # fmt: skip
        self.pay(
            "IB-2025-007", [need("2026-03-01", "2400.00", "Gegenbesuch: Unterkunft und Programm")],
            "Zweite Rate Youth Forum (Haushaltsjahr 2026)",
            requested=("yildiz", "2026-01-12"), certified=("krueger", "2026-01-13"),
            released=("brandt", "2026-01-14"), booked=("schulz", "2026-01-16"),
        )  # fmt: skip
        self.expenses(
            "IB-2025-007", "yildiz",
            ("travel", "2025-09-19", "Lufthansa", "Flüge Düsseldorf–Buffalo für sechs Personen",
             ForeignAmount.convert("USD", "6786.00", "1.1700", d("2025-09-18")), "JB-2025-01"),
        )  # fmt: skip
        self.office.submit_interim_proof(
            self.grant_id("IB-2025-007"),
            2025,
            "Delegation hat am Youth Forum teilgenommen; Gegenbesuch im März.",
            self.actor("yildiz"),
            on=d("2026-02-10"),
        )

    def grant_kepol_2025_001(self) -> None:
        """KEPOL-2025-001: Faire Schokolade macht Schule, Änderung abgelehnt"""
        self.apply(
            "KEPOL-2025-001", "KEPOL-KUMASI", "kumasi",
            "Faire Schokolade macht Schule: Bildungsreihe mit Gästen aus Kumasi",
            "Zwei Kakaobäuerinnen aus der Region Kumasi besuchen zwölf Dortmunder Schulen und den Weltladen.",
            "Kumasi", period("2025-05-01", "2025-12-15"), "share",
            plan([("travel", "Reisekosten der Gäste", "5500.00"), ("programme", "Schulworkshops", "3500.00"),
                  ("material", "Bildungsmaterial", "2000.00")],
                 own="1100.00", grant="9900.00"),
            by="kumasi", on="2025-03-10", project="FAIRE-SCHOKOLADE",
        )  # fmt: skip
        self.review(
            "KEPOL-2025-001", "yildiz", "2025-03-24", "Eigenanteil 10 % nachgewiesen; Bezug zu SDG 12 und 17 klar."
        )
        self.approve("KEPOL-2025-001", "9900.00", "hoffmann", "2025-04-07", rate=Decimal("0.90"))
        self.pay(
            "KEPOL-2025-001", [need("2025-06-10", "4000.00", "Flüge Kumasi–Dortmund")], "Erste Rate Bildungsreihe",
            requested=("kumasi", "2025-05-05"), certified=("krueger", "2025-05-06"),
            released=("brandt", "2025-05-07"), booked=("schulz", "2025-05-09"),
        )  # fmt: skip
        self.pay(
            "KEPOL-2025-001", [need("2025-10-10", "5900.00", "Schulworkshops und Bildungsmaterial")],
            "Zweite Rate Bildungsreihe",
            requested=("kumasi", "2025-09-01"), certified=("krueger", "2025-09-02"),
            released=("lange", "2025-09-03"), booked=("schulz", "2025-09-05"),
        )  # fmt: skip
        grant_id = self.grant_id("KEPOL-2025-001")
        self.office.propose_amendment(
            grant_id, eur("10800.00"), "Änderungsantrag vom 14.10.2025: zusätzliches Bildungsmaterial für Kitas.",
            self.actor("yildiz"), on=d("2025-10-20"),
            plan=plan([("travel", "Reisekosten der Gäste", "5500.00"), ("programme", "Schulworkshops", "3500.00"),
                       ("material", "Bildungsmaterial", "3000.00")],
                      own="1200.00", grant="10800.00"),
        )  # fmt: skip
        self.office.reject_amendment(
            grant_id,
            "Im Kleinprojektefonds 2025 stehen keine zusätzlichen Bundesmittel zur Verfügung.",
            self.actor("lange"),
            on=d("2025-10-27"),
        )

    def grant_azubi_2025_001(self) -> None:
        """AZUBI-2025-001: Praktikum Amiens, anteilige Rückzahlung"""
        self.apply(
            "AZUBI-2025-001", "AZUBI-AUSLAND", "rsbk",
            "Auslandspraktikum von sechs Auszubildenden am Lycée-Privé St. Rémi, Amiens",
            "Vierwöchiges Praktikum von sechs Auszubildenden in Betrieben in Amiens, begleitet vom Lycée St. Rémi.",
            "Amiens", period("2025-04-15", "2025-06-30"), "fixed",
            plan([("travel", "Reisekosten", "1200.00"), ("stay", "Unterkunft", "2100.00"),
                  ("insurance", "Versicherung", "300.00")],
                 own="600.00", grant="3000.00"),
            by="rsbk", on="2025-02-17",
        )  # fmt: skip
        self.review(
            "AZUBI-2025-001", "krueger", "2025-03-03", "Praktikumsplätze bestätigt; Festbetrag 500,00 € je Person."
        )
        self.approve(
            "AZUBI-2025-001",
            "3000.00",
            "hoffmann",
            "2025-03-12",
            conditions="Festbetrag von 500,00 € je Auszubildender/m; Teilnahmebestätigung des Lycée ist vorzulegen.",
        )
        payment = self.pay(
            "AZUBI-2025-001", [need("2025-05-02", "3000.00", "Reise und Unterkunft Amiens")], "Festbetrag Praktikum",
            requested=("rsbk", "2025-04-15"), certified=("yildiz", "2025-04-16"),
            released=("brandt", "2025-04-17"), booked=("schulz", "2025-04-22"),
        )  # fmt: skip
        self.office.return_payment(
            self.grant_id("AZUBI-2025-001"),
            payment,
            eur("500.00"),
            d("2025-07-10"),
            "Eine Auszubildende hat das Praktikum nicht angetreten; der Festbetrag für sie wurde zurückgezahlt.",
            self.actor("schulz"),
        )
        grant_id = self.grant_id("AZUBI-2025-001")
        self.office.send_reminder(grant_id, "final", self.actor("yildiz"), on=d("2026-01-12"))
        self.office.extend_deadline(
            grant_id,
            "final",
            d("2026-03-31"),
            "Der Förderverein wartet noch auf die Teilnahmebestätigungen des Lycée St. Rémi.",
            self.actor("yildiz"),
            on=d("2026-01-19"),
        )

    def grant_schy_2025_001(self) -> None:
        """SCHY-2025-001: Generatoren für Schytomyr, ausgezahlt"""
        self.apply(
            "SCHY-2025-001", "HILFE-SCHYTOMYR", "ukraine", "Hilfslieferung: Stromgeneratoren und Wasseraufbereitung",
            "Zwölf Stromgeneratoren und zwei Wasseraufbereitungsanlagen für Schulen und Krankenhäuser in Schytomyr.",
            "Schytomyr", period("2025-02-01", "2025-06-30"), "deficit",
            plan([("generators", "Stromgeneratoren", "14000.00"), ("water", "Wasseraufbereitung", "6000.00"),
                  ("transport", "Transport", "2000.00")],
                 own="1500.00", third="2500.00", grant="18000.00"),
            by="ukraine", on="2025-01-20",
        )  # fmt: skip
        self.review("SCHY-2025-001", "krueger", "2025-01-27", "Bedarfsmeldung der Stadt Schytomyr liegt vor.")
        self.approve("SCHY-2025-001", "18000.00", "lange", "2025-02-03")
        self.pay(
            "SCHY-2025-001", [need("2025-03-01", "12000.00", "Stromgeneratoren (Lieferant)")], "Generatoren",
            requested=("ukraine", "2025-02-05"), certified=("yildiz", "2025-02-06"),
            released=("brandt", "2025-02-07"), booked=("schulz", "2025-02-10"),
        )  # fmt: skip
        self.pay(
            "SCHY-2025-001", [need("2025-04-15", "6000.00", "Wasseraufbereitung und Transport")], "Wasseraufbereitung",
            requested=("ukraine", "2025-03-20"), certified=("krueger", "2025-03-21"),
            released=("hoffmann", "2025-03-24"), booked=("schulz", "2025-03-25"),
        )  # fmt: skip
        self.expenses(
            "SCHY-2025-001", "ukraine",
            ("generators", "2025-02-20", "Energietechnik Westfalen GmbH",
             "Zehn statt zwölf Stromgeneratoren (Lieferengpass)", eur("12500.00"), "UH-2025-01"),
            ("water", "2025-04-10", "AquaPur Anlagenbau GmbH", "Zwei Wasseraufbereitungsanlagen", eur("6000.00"),
             "UH-2025-02"),
            ("transport", "2025-04-28", "Spedition Hellweg GmbH", "Transport nach Schytomyr", eur("2000.00"),
             "UH-2025-03"),
        )  # fmt: skip
        self.prove(
            "SCHY-2025-001",
            "ukraine",
            "2025-09-15",
            "Lieferung an vier Schulen und zwei Krankenhäuser übergeben.",
            own="1500.00",
            third="2500.00",
        )
        self.review_proof("SCHY-2025-001", "krueger", "2025-10-06", "Zwei Generatoren wurden nicht geliefert.")
        claim = self.office.determine_final_amount(
            self.grant_id("SCHY-2025-001"), self.actor("lange"), on=d("2025-10-13")
        )
        assert claim is not None  # Fehlbedarf 16.500,00 €; 1.500,00 € zurückzufordern
        self.office.propose_claim_relief(
            claim,
            "deferral",
            "Der Verein erwartet Spenden aus der Weihnachtsaktion.",
            self.actor("krueger"),
            until=d("2026-01-31"),
            on=d("2025-10-15"),
        )
        self.office.decide_claim_relief(
            claim, True, "Stundung bis 31.01.2026 gewährt.", self.actor("brandt"), on=d("2025-10-20")
        )
        self.repay(claim, "2026-02-02", "1000.00")

    def grant_schy_2025_002(self) -> None:
        """SCHY-2025-002: Ferienfreizeit, Vollfinanzierung mit Rückzahlung"""
        self.apply(
            "SCHY-2025-002", "HILFE-SCHYTOMYR", "ukraine",
            "Ferienfreizeit für besonders betroffene Kinder aus Schytomyr",
            "Zweiwöchige Ferienfreizeit in Dortmund für 22 Kinder aus Schytomyr mit Betreuung.",
            "Schytomyr", period("2025-06-01", "2025-08-31"), "full",
            plan([("stay", "Unterkunft und Verpflegung", "6500.00"), ("travel", "Busreise", "4000.00"),
                  ("programme", "Programm und Betreuung", "1500.00")],
                 own="0.00", grant="12000.00"),
            by="ukraine", on="2025-04-14",
        )  # fmt: skip
        self.review(
            "SCHY-2025-002", "yildiz", "2025-04-28", "Vollfinanzierung begründet: Verein hat keine eigenen Mittel."
        )
        self.approve("SCHY-2025-002", "12000.00", "hoffmann", "2025-05-05")
        payment = self.pay(
            "SCHY-2025-002", [need("2025-07-15", "12000.00", "Unterkunft, Busreise und Programm")], "Ferienfreizeit",
            requested=("ukraine", "2025-06-02"), certified=("krueger", "2025-06-03"),
            released=("brandt", "2025-06-04"), booked=("schulz", "2025-06-06"),
        )  # fmt: skip
        self.office.return_payment(
            self.grant_id("SCHY-2025-002"),
            payment,
            eur("1350.00"),
            d("2025-09-15"),
            "18 statt 22 Kinder: nicht verbrauchte Mittel zurückgezahlt.",
            self.actor("schulz"),
        )

    # Grants of 2026 (after the programme's rule set for 2026)

    def rule_set_2026(self) -> None:
        self.office.revise_rule_set(
            self.programme_id("IB-VEREINE"),
            RuleSet.nrw_municipal("IB-Vereine-2026", min_grant=eur("500.00"), max_grant=eur("8000.00")),
            "Ratsbeschluss vom 11.12.2025: Förderhöchstbetrag für Jugendbegegnungen auf 8.000,00 € angehoben.",
            self.actor("admin"),
        )

    def grant_ib_2026_001(self) -> None:
        """IB-2026-001: Schüleraustausch Amiens im Winterhalbjahr, Antrag eingegangen"""
        self.apply(
            "IB-2026-001", "IB-VEREINE", "dfg", "Schüleraustausch Leibniz-Gymnasium – Lycée Sacré Cœur 2026",
            "Zwei Wochen Gastfamilienaufenthalt von 20 Schülerinnen und Schülern in Amiens.",
            "Amiens", period("2026-12-01", "2027-06-30"), "share",
            plan([("travel", "Reisekosten", "2400.00"), ("stay", "Unterkunft", "1800.00"),
                  ("programme", "Programmkosten", "800.00")],
                 own="1000.00", third="500.00", income="300.00", grant="3200.00"),
            by="dfg", on="2026-10-16",
        )  # fmt: skip

    def grant_ib_2026_002(self) -> None:
        """IB-2026-002: Begegnungsreise Netanya, Unterlagen angefordert"""
        self.apply(
            "IB-2026-002", "IB-VEREINE", "netanya", "Begegnungsreise nach Netanya: Jugend gegen Desinformation",
            "Begegnung von 15 Jugendlichen mit der Ort-Gutman-High School; Fortsetzung des Online-Austauschs.",
            "Netanya", period("2026-05-01", "2026-07-31"), "deficit",
            plan([("travel", "Flüge", "7000.00"), ("stay", "Unterkunft", "3500.00"),
                  ("programme", "Programmkosten", "1500.00")],
                 own="1500.00", third="3000.00", income="1000.00", grant="6500.00"),
            by="krueger", on="2026-02-09",
        )  # fmt: skip
        self.office.request_documents(
            self.grant_id("IB-2026-002"),
            "Zusage von ConAct über 3.000,00 €; Sicherheitskonzept für die Reise",
            d("2026-03-20"),
            self.actor("krueger"),
            on=d("2026-02-20"),
        )

    def grant_ib_2026_003(self) -> None:
        """IB-2026-003: Ausstellung in Novi Sad, geprüft"""
        self.apply(
            "IB-2026-003", "IB-VEREINE", "novisad",
            "Ausstellung der Künstlervereinigung »Dortmunder Gruppe« in Novi Sad",
            "Ausstellung mit Werken von zwölf Dortmunder Künstlerinnen und Künstlern in der Galerie Matice srpske.",
            "Novi Sad", period("2026-11-01", "2027-05-31"), "fixed",
            plan([("transport", "Kunsttransport", "2200.00"), ("travel", "Reisekosten", "1300.00"),
                  ("pr", "Katalog", "500.00")],
                 own="600.00", third="400.00", grant="3000.00"),
            by="krueger", on="2026-09-28",
        )  # fmt: skip
        self.review("IB-2026-003", "yildiz", "2026-10-19", "Vollständig; Festbetrag angemessen.")

    def grant_ib_2026_004(self) -> None:
        """IB-2026-004: Urban Dialogue Leeds, Änderung offen"""
        self.apply(
            "IB-2026-004", "IB-VEREINE", "leeds", "Urban Dialogue Dortmund–Leeds: Wasserstoff in der Stadt",
            "Fachtagung in Dortmund mit Gästen aus Leeds zu Wasserstoff in Stadtwerken und Nahverkehr.",
            "Leeds", period("2026-03-01", "2026-11-30"), "share",
            plan([("travel", "Reisekosten", "3000.00"), ("programme", "Fachtagung", "4000.00"),
                  ("pr", "Dokumentation", "1000.00")],
                 own="2000.00", third="1500.00", income="500.00", grant="4000.00"),
            by="yildiz", on="2026-01-12",
        )  # fmt: skip
        self.review("IB-2026-004", "krueger", "2026-01-26", "Fachlich überzeugend; Kooperation mit DSW21 bestätigt.")
        self.approve("IB-2026-004", "4000.00", "hoffmann", "2026-02-04", rate=Decimal("0.50"))
        self.office.propose_amendment(
            self.grant_id("IB-2026-004"), eur("4400.00"),
            "Änderungsantrag vom 25.02.2026: Tagungsort gewechselt, Raummiete 800,00 € höher.",
            self.actor("krueger"), on=d("2026-03-02"),
            plan=plan([("travel", "Reisekosten", "3000.00"), ("programme", "Fachtagung", "4800.00"),
                       ("pr", "Dokumentation", "1000.00")],
                      own="2400.00", third="1500.00", income="500.00", grant="4400.00"),
        )  # fmt: skip

    def grant_ib_2026_005(self) -> None:
        """IB-2026-005: Fachkräfteaustausch Trabzon, Abruf gestellt"""
        self.apply(
            "IB-2026-005", "IB-VEREINE", "trabzon", "Fachkräfteaustausch der Berufskollegs Dortmund–Trabzon",
            "Lehrkräfte des Leopold-Hoesch-Berufskollegs und Trabzoner Berufskollegs hospitieren gegenseitig.",
            "Trabzon", period("2026-02-01", "2026-06-30"), "deficit",
            plan([("travel", "Flüge", "3200.00"), ("stay", "Unterkunft", "2000.00"),
                  ("programme", "Programmkosten", "800.00")],
                 own="900.00", third="1100.00", grant="4000.00"),
            by="trabzon", on="2026-01-08",
        )  # fmt: skip
        self.review("IB-2026-005", "krueger", "2026-01-19", "Vollständig.")
        self.approve("IB-2026-005", "4000.00", "lange", "2026-01-27")
        self.pay(
            "IB-2026-005",
            [need("2026-04-10", "2500.00", "Flüge nach Trabzon")],
            "Erste Rate Fachkräfteaustausch",
            requested=("trabzon", "2026-03-02"),
        )

    def grant_ib_2026_006(self) -> None:
        """IB-2026-006: Jugendhilfe Zwickau, Abruf festgestellt"""
        self.apply(
            "IB-2026-006", "IB-VEREINE", "zwickau", "Fachkräfteaustausch Jugendhilfe Dortmund–Zwickau",
            "Zwei Hospitationswochen für Fachkräfte der Jugendhilfe zum Umgang mit Rechtsextremismus.",
            "Zwickau", period("2026-03-01", "2026-10-31"), "fixed",
            plan([("travel", "Reisekosten", "900.00"), ("stay", "Unterkunft", "1100.00"),
                  ("programme", "Programmkosten", "500.00")],
                 own="500.00", grant="2000.00"),
            by="yildiz", on="2026-01-19",
        )  # fmt: skip
        self.review("IB-2026-006", "krueger", "2026-02-02", "Vollständig.")
        self.approve("IB-2026-006", "2000.00", "hoffmann", "2026-02-10")
        self.pay(
            "IB-2026-006",
            [need("2026-04-20", "1200.00", "Unterkunft der ersten Gruppe in Zwickau")],
            "Erste Rate Hospitation",
            requested=("yildiz", "2026-03-02"),
            certified=("krueger", "2026-03-03"),
        )

    def grant_ib_2026_007(self) -> None:
        """IB-2026-007: Kinderkunst Xi'an, Zahlung freigegeben"""
        self.apply(
            "IB-2026-007", "IB-VEREINE", "xian", "Kinderkunstaustausch »The World in My Eyes« mit Xi'an",
            (
                "Kinder aus Dortmund und Xi'an gestalten Bilder zu Traditionen ihrer Städte; Ausstellung in beiden "
                "Städten."
            ),
            "Xi'an", period("2026-02-01", "2026-07-31"), "share",
            plan([("material", "Material", "1500.00"), ("transport", "Transport der Bilder", "1200.00"),
                  ("pr", "Ausstellung", "800.00"), ("programme", "Werkstätten", "1500.00")],
                 own="1000.00", third="500.00", income="500.00", grant="3000.00"),
            by="krueger", on="2026-01-05",
        )  # fmt: skip
        self.review("IB-2026-007", "yildiz", "2026-01-14", "Vollständig; Begegnungscharakter gegeben.")
        self.approve("IB-2026-007", "3000.00", "lange", "2026-01-21", rate=Decimal("0.60"))
        self.pay(
            "IB-2026-007",
            [need("2026-03-31", "1800.00", "Kunsttransport nach Xi'an")],
            "Transport der Bilder",
            requested=("krueger", "2026-02-23"),
            certified=("yildiz", "2026-02-24"),
            released=("brandt", "2026-02-25"),
        )
        self.expenses(
            "IB-2026-007", "krueger",
            ("material", "2026-02-12", "Künstlerbedarf Boesner GmbH", "Papier, Farben und Rahmen", eur("612.40"),
             "DCKV-2026-01"),
            ("transport", "2026-02-27", "Xi'an Art Logistics Co., Ltd.", "Transport und Zoll in Xi'an",
             ForeignAmount.convert("CNY", "4740.00", "7.9000", d("2026-02-26")), "DCKV-2026-02"),
        )  # fmt: skip

    def grant_kepol_2026_001(self) -> None:
        """KEPOL-2026-001: Mentoring She for Democracy, ausgezahlt und abgerufen"""
        self.apply(
            "KEPOL-2026-001", "KEPOL-KUMASI", "kumasi",
            "She for Democracy: Mentoring junger Frauen in Kumasi und Dortmund",
            "Zwölf Mentoring-Tandems junger Frauen aus Kumasi und Dortmund mit Workshops zur politischen Teilhabe.",
            "Kumasi", period("2026-02-01", "2026-11-30"), "share",
            plan([("travel", "Reisekosten", "6000.00"), ("fees", "Honorare der Mentorinnen", "4000.00"),
                  ("programme", "Workshops", "4000.00"), ("pr", "Öffentlichkeitsarbeit", "1000.00")],
                 own="1500.00", grant="13500.00"),
            by="kumasi", on="2026-01-07", project="SHE-FOR-DEMOCRACY",
        )  # fmt: skip
        self.review("KEPOL-2026-001", "krueger", "2026-01-21", "Eigenanteil 10 %; Bezug zu SDG 5 und 16.")
        self.approve("KEPOL-2026-001", "13500.00", "lange", "2026-02-02", rate=Decimal("0.90"))
        self.pay(
            "KEPOL-2026-001", [need("2026-03-15", "5000.00", "Flüge der Mentorinnen Kumasi–Dortmund")],
            "Erste Rate Mentoring",
            requested=("kumasi", "2026-02-09"), certified=("yildiz", "2026-02-10"),
            released=("brandt", "2026-02-11"), booked=("schulz", "2026-02-13"),
        )  # fmt: skip
        self.pay(
            "KEPOL-2026-001",
            [need("2026-04-10", "3000.00", "Workshopreihe in Kumasi")],
            "Zweite Rate Mentoring",
            requested=("kumasi", "2026-03-02"),
        )
        self.expenses(
            "KEPOL-2026-001", "kumasi",
            ("travel", "2026-02-20", "Reisebüro am Westenhellweg GmbH", "Flüge von vier Mentorinnen", eur("4380.00"),
             "FKK-2026-01"),
            ("programme", "2026-02-24", "Kumasi Cultural Centre", "Auftaktworkshop in Kumasi",
             ghs("9800", "12.90", "2026-02-23"), "FKK-2026-02"),
        )  # fmt: skip

    def grant_azubi_2026_001(self) -> None:
        """AZUBI-2026-001: Praktikum Leeds, bewilligt"""
        self.apply(
            "AZUBI-2026-001", "AZUBI-AUSLAND", "rsbk", "Auslandspraktikum von Verwaltungsauszubildenden in Leeds",
            "Sieben Auszubildende der Stadtverwaltung hospitieren vier Wochen im Leeds City Council.",
            "Leeds", period("2026-04-01", "2026-05-31"), "fixed",
            plan([("travel", "Reisekosten", "1600.00"), ("stay", "Unterkunft", "2400.00"),
                  ("insurance", "Versicherung", "200.00")],
                 own="700.00", grant="3500.00"),
            by="rsbk", on="2026-01-28",
        )  # fmt: skip
        self.review("AZUBI-2026-001", "yildiz", "2026-02-11", "Praktikumsplätze vom Leeds City Council bestätigt.")
        self.approve(
            "AZUBI-2026-001",
            "3500.00",
            "lange",
            "2026-02-18",
            conditions="Festbetrag von 500,00 € je Auszubildender/m.",
        )

    def grant_schy_2026_001(self) -> None:
        """SCHY-2026-001: Winterhilfe Schytomyr, Teil ausgezahlt, Rest abgerufen"""
        self.apply(
            "SCHY-2026-001", "HILFE-SCHYTOMYR", "ukraine", "Winterhilfe 2026: Heizgeräte für Schulen in Schytomyr",
            "Mobile Heizgeräte und Notstromaggregate für sechs Schulen in Schytomyr.",
            "Schytomyr", period("2026-01-15", "2026-04-30"), "deficit",
            plan([("equipment", "Heizgeräte", "9000.00"), ("transport", "Transport", "1000.00")],
                 own="800.00", third="1200.00", grant="8000.00"),
            by="ukraine", on="2026-01-12",
        )  # fmt: skip
        self.review(
            "SCHY-2026-001", "krueger", "2026-01-16", "Eilbedürftig; Bedarfsmeldung der Partnerstadt liegt vor."
        )
        self.approve("SCHY-2026-001", "8000.00", "lange", "2026-01-20")
        self.pay(
            "SCHY-2026-001", [need("2026-02-15", "5000.00", "Heizgeräte (erste Lieferung)")], "Heizgeräte",
            requested=("ukraine", "2026-01-21"), certified=("yildiz", "2026-01-22"),
            released=("hoffmann", "2026-01-23"), booked=("schulz", "2026-01-28"),
        )  # fmt: skip
        self.pay(
            "SCHY-2026-001",
            [need("2026-04-01", "3000.00", "Heizgeräte (zweite Lieferung) und Transport")],
            "Zweite Lieferung",
            requested=("ukraine", "2026-03-03"),
        )


# Loading ---------------------------------------------------------------------------------------


def load_demo(
    office: FundingOffice,
    credentials: CredentialStore,
    console: Console | None = None,
    password: str = DEMO_PASSWORD,
) -> DemoSummary:
    """Enters the demo through the office's commands; refuses if any of it is there already."""
    console = console or Console()
    check = demo_state(office)
    if check.state is not DemoState.ABSENT:
        raise DemoAlreadyLoaded(check)
    before = office.recorder.max_notification_id() or 0
    loader = _Loader(office, credentials, password)
    steps = list(loader.steps())
    with Progress(
        TextColumn("[bold]Demodaten[/bold]"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        console=console,
        transient=False,
    ) as progress:
        task = progress.add_task("", total=len(steps))
        for description, step in steps:
            progress.update(task, description=description)
            try:
                step()
            except DomainError as error:
                raise DemoLoadError(description, error) from error
            progress.advance(task)
        progress.update(task, description="fertig")
    summary = summarise(office)
    summary.events = (office.recorder.max_notification_id() or 0) - before
    return summary


def summarise(office: FundingOffice) -> DemoSummary:
    """Counts what the demo holds, by grant status and payment state."""
    summary = DemoSummary(
        users=len(DEMO_USERS),
        programmes=len(PROGRAMME_CODES),
        organisations=len(ORGANISATIONS),
        projects=len(PROJECT_CODES),
        grants=len(GRANT_FILE_NUMBERS),
    )
    for number in GRANT_FILE_NUMBERS:
        grant = office.grant(Grant.create_id(number))
        status = grant.status_german
        if grant.terms is not None and grant.pending_amendment is not None:
            status += " (Änderung offen)"
        summary.statuses[status] = summary.statuses.get(status, 0) + 1
        for payment in grant.payments.values():
            state = payment["status"]
            summary.payments[state] = summary.payments.get(state, 0) + 1
            if payment["returned"]:
                summary.payments["returned"] = summary.payments.get("returned", 0) + 1
        for claim_id in grant.claim_ids:
            state = office.claim(claim_id).status
            summary.claims[state] = summary.claims.get(state, 0) + 1
    return summary


_STATUS_ORDER = {
    name: index
    for index, name in enumerate(
        [
            *list(STATUS_GERMAN.values())[:4],
            STATUS_GERMAN[APPROVED] + " (Änderung offen)",
            *list(STATUS_GERMAN.values())[4:],
        ]
    )
}
_PAYMENT_ORDER = {name: index for index, name in enumerate([*PAYMENT_GERMAN, "returned"])}


def print_summary(summary: DemoSummary, console: Console) -> None:
    console.print(
        f"{summary.events} Ereignisse: {summary.users} Benutzer, {summary.programmes} Förderprogramme, "
        f"{summary.organisations} Vereine, {summary.projects} städtische Projekte, {summary.grants} Zuwendungen."
    )
    table = Table(title="Zuwendungen nach Stand", show_header=True)
    table.add_column("Stand")
    table.add_column("Anzahl", justify="right")
    for status, count in sorted(summary.statuses.items(), key=lambda item: _STATUS_ORDER.get(item[0], 99)):
        table.add_row(status, str(count))
    console.print(table)
    payments = Table(title="Zahlungen nach Stand", show_header=True)
    payments.add_column("Stand")
    payments.add_column("Anzahl", justify="right")
    for state, count in sorted(summary.payments.items(), key=lambda item: _PAYMENT_ORDER.get(item[0], 99)):
        payments.add_row(PAYMENT_GERMAN.get(state, "mit Rückfluss"), str(count))
    console.print(payments)
    if summary.claims:
        console.print(
            f"Rückforderungen: {sum(summary.claims.values())}, davon offen {summary.claims.get('open', 0)}, "
            f"erledigt {summary.claims.get('settled', 0)}."
        )
