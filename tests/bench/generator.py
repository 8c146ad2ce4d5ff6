"""A deterministic history for the benchmark: ten fiscal years of the international-relations office.

    .venv/bin/python -m tests.bench.generator --events 100000 --db /tmp/bench.sqlite [--seed 20261205]

Everything is told through the real commands of ``FundingOffice`` by the people who would give them:
the admin opens programmes (2017–2026) and revises their rule sets, finance allocates a budget for each
fiscal year (and a supplementary one when a year runs short), officers register tens of thousands of
associations (scaled with the size) and enter applications, association members apply through the
portal, and every grant runs through the stages a real one does — documents requested and received,
reviewed, rejected or withdrawn, approved (sometimes split over two fiscal years), amended, paid in
several payments that are certified, released and booked (some cancelled, some returned), expenses in
euros and in the partner city's currency, interim and final proofs of use, reminders and extended
deadlines, the final amount, claims with interest and their repayment, revocations, closure. The city's
own projects draw budget from programmes, receive federal co-funding and spend in foreign currency.

Grants of the last years are still under way on the fixed business day ``NOW`` (30 November 2026), so
the work queues, overdue proofs and open claims look like an office's. The story is fixed by the seed:
the same seed and size give the same commands with the same arguments (ids made inside the domain —
payments, expenses, claims — and recording times differ). ``--events N`` aims at N events; the actual
count is reported.

Saves are held and recorded a thousand events per transaction (``tests/bench/batching.py``); with
``--unbatched`` every command saves on its own, as in the web app.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal
from pathlib import Path
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from domain.actors import Actor, Role
from domain.application import FundingOffice
from domain.dates import FiscalYear, FundingPeriod
from domain.foreign import ForeignAmount
from domain.money import Money
from domain.organisation import address
from domain.plan import BudgetLine, FinancingPlan
from domain.posting import PostingCoordinates
from domain.programme import Programme
from domain.rules import RuleSet

NOW = date(2026, 11, 30)
FIRST_YEAR, LAST_YEAR = 2017, 2026
YEARS = tuple(range(FIRST_YEAR, LAST_YEAR + 1))
DEFAULT_SEED = 20261205
PASSWORD = "bench-passwort-2026"
EVENTS_PER_GRANT_GUESS = 20.0

CITIES = ("Amiens", "Leeds", "Buffalo", "Netanya", "Novi Sad", "Zwickau", "Xi'an", "Trabzon", "Kumasi", "Schytomyr")
CITY_SINCE = {"Kumasi": 2024, "Schytomyr": 2025}
CURRENCIES = {  # units per euro, roughly; each receipt's rate varies around it
    "Leeds": ("GBP", Decimal("0.86")),
    "Buffalo": ("USD", Decimal("1.10")),
    "Xi'an": ("CNY", Decimal("7.80")),
    "Trabzon": ("TRY", Decimal("30.00")),
    "Kumasi": ("GHS", Decimal("15.50")),
    "Schytomyr": ("UAH", Decimal("42.00")),
    "Novi Sad": ("RSD", Decimal("117.20")),
    "Netanya": ("ILS", Decimal("4.05")),
}
LINES = (
    ("travel", "Reisekosten"),
    ("stay", "Unterkunft und Verpflegung"),
    ("programme", "Programmkosten"),
    ("fees", "Honorare"),
    ("pr", "Druck und Öffentlichkeitsarbeit"),
    ("material", "Sachkosten"),
)
TOPICS = (
    "Jugendbegegnung",
    "Chorreise",
    "Sportaustausch",
    "Fachkräfteaustausch",
    "Schulpartnerschaft",
    "Kulturfestival",
    "Hilfstransport",
    "Ausstellung",
    "Azubi-Praktikum",
    "Städtepartnerschaftstag",
)
STREETS = ("Hansastraße", "Kampstraße", "Rheinische Straße", "Saarlandstraße", "Kaiserstraße", "Hohe Straße")
PROJECT_LINES = ["Personal", "Reisekosten", "Sachkosten", "Bildungsarbeit"]


@dataclass(frozen=True)
class Scale:
    """How big each part of the office's history is for a target number of events."""

    events: int

    @property
    def programmes(self) -> int:
        return max(4, round(self.events / 25_000))

    @property
    def organisations(self) -> int:
        return max(60, self.events // 40)

    @property
    def projects(self) -> int:
        return max(2, self.events // 100_000)

    @property
    def members(self) -> int:
        """Associations with a portal member (the biggest ones first)."""
        return max(5, self.organisations // 25)


def organisation_id(number: int) -> UUID:
    return uuid5(NAMESPACE_URL, f"/foerderbuch/bench/organisations/{number}")


def staff_emails() -> dict[str, tuple[str, str, Role]]:
    """key -> (e-mail, name, role) of the office's people."""
    people: dict[str, tuple[str, str, Role]] = {"admin": ("admin@bench.example", "Bench-Administration", Role.ADMIN)}
    for i in range(1, 7):
        people[f"officer{i}"] = (f"sachbearbeitung{i}@bench.example", f"Sachbearbeitung {i}", Role.OFFICER)
    for i in range(1, 4):
        people[f"approver{i}"] = (f"leitung{i}@bench.example", f"Leitung {i}", Role.APPROVER)
    for i in range(1, 3):
        people[f"release{i}"] = (f"kaemmerei{i}@bench.example", f"Kämmerei {i}", Role.FINANCE)
        people[f"cashier{i}"] = (f"stadtkasse{i}@bench.example", f"Stadtkasse {i}", Role.CASHIER)
    people["auditor"] = ("pruefung@bench.example", "Rechnungsprüfung", Role.AUDITOR)
    return people


def member_email(number: int) -> str:
    return f"vorstand@verein{number}.bench.example"


def iban(number: int) -> str:
    from schwifty import IBAN

    return str(IBAN.generate("DE", bank_code="44050199", account_code=f"{7000000000 + number}").compact)


def euros(value: Decimal | int | str) -> Money:
    return Money(Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_DOWN))


@dataclass
class Manifest:
    """What the benchmark needs to know about a generated store (written beside it as JSON)."""

    seed: int
    target_events: int
    events: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0  # of the generating process (SQLite runs in it; PostgreSQL does not)
    commands: dict[str, int] = field(default_factory=dict)
    grants: int = 0
    organisations: int = 0
    programmes: list[str] = field(default_factory=list)
    projects: list[str] = field(default_factory=list)
    password: str = PASSWORD
    officer_email: str = ""
    approver_email: str = ""
    member_email: str = ""
    member_organisation: str = ""
    sample_grant: str = ""
    filter_programme: str = ""
    filter_year: int = 2025
    batched: bool = True
    transactions: int = 0
    mean_event_bytes: float = 0.0
    bare_batched_events_per_second: float = 0.0
    bare_batched_cpu_seconds: float = 0.0
    measured_at: str = ""

    def write(self, path: Path) -> None:
        path.write_text(json.dumps(self.__dict__, indent=2, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def read(cls, path: Path) -> Manifest:
        return cls(**json.loads(path.read_text(encoding="utf-8")))


class History:
    """Tells the office's history through FundingOffice commands (see the module docstring)."""

    def __init__(self, office: FundingOffice, scale: Scale, seed: int, now: date = NOW) -> None:
        self.office = office
        self.scale = scale
        self.rng = random.Random(seed)
        self.now = now
        self.commands: Counter[str] = Counter()
        self.actors: dict[str, Actor] = {}
        self.registered = 0  # organisations registered so far (numbers 0 .. registered-1)
        self.members: dict[int, Actor] = {}
        self.programmes: list[dict[str, Any]] = []
        self.projects: list[dict[str, Any]] = []
        self.grants = 0
        self.sample_grant: UUID | None = None
        self.prefix = "B"

    # Commands ------------------------------------------------------------------------------------

    def do(self, command: str, *args: Any, **kwargs: Any) -> Any:
        """One FundingOffice command, counted by name."""
        self.commands[command] += 1
        return getattr(self.office, command)(*args, **kwargs)

    def actor(self, key: str) -> Actor:
        return self.actors[key]

    def pick(self, prefix: str, count: int, avoid: tuple[UUID | None, ...] = ()) -> Actor:
        """One of the office's people in a role, never one of ``avoid`` (four eyes)."""
        choices = [self.actors[f"{prefix}{i}"] for i in range(1, count + 1)]
        allowed = [a for a in choices if a.user_id not in avoid]
        return self.rng.choice(allowed)

    def officer(self, *avoid: UUID | None) -> Actor:
        return self.pick("officer", 6, avoid)

    def approver(self, *avoid: UUID | None) -> Actor:
        return self.pick("approver", 3, avoid)

    # The cast ------------------------------------------------------------------------------------

    def staff(self) -> None:
        system = Actor.system()
        for key, (email, name, role) in staff_emails().items():
            by = system if key == "admin" else self.actors["admin"]
            user_id = self.do("register_user", email, name, role, by)
            self.actors[key] = self.office.actor_for(user_id, role)

    def attach(self, organisations: int, prefix: str) -> None:
        """Picks up the cast of a store this class generated before, to give more commands in it.

        New grants get file numbers with ``prefix``; the portal members of the biggest associations
        apply for them as before.
        """
        for key, (email, _, role) in staff_emails().items():
            self.actors[key] = self.office.actor_for(self.office.user_by_email(email).id, role)
        self.registered = organisations
        for number in range(min(self.scale.members, organisations, 200)):
            member = self.office.user_by_email(member_email(number)).id
            self.members[number] = self.office.actor_for(member, Role.ASSOCIATION)
        self.prefix = prefix

    def open_programme(self, code: str, years: tuple[int, ...]) -> dict[str, Any]:
        """A programme of its own (for measurements that add grants to a generated store)."""
        posting = PostingCoordinates("01.11.02", "531899", "1011099")
        rule_set = RuleSet.nrw_municipal(f"{code}-1")
        programme_id = self.do(
            "open_programme",
            code,
            f"Förderprogramm {code}",
            "city",
            rule_set,
            {FiscalYear(year): (Money("5000000.00"), posting) for year in years},
            self.actor("admin"),
            on=date(years[0] - 1, 12, 1),
        )
        programme = {"id": programme_id, "code": code, "posting": posting, "rules": rule_set, "make_rules": None}
        return programme

    # Programmes, organisations, projects ---------------------------------------------------------

    def open_programmes(self) -> None:
        kinds = [
            ("city", lambda v: RuleSet.nrw_municipal(v, max_grant=Money("15000"))),
            ("federal", lambda v: RuleSet.federal(v, max_grant=Money("20000"))),
            (
                "city",
                lambda v: RuleSet.nrw_municipal(v, allowed_financing_types=("fixed",), max_grant=Money("6000")),
            ),
            (
                "donations",
                lambda v: RuleSet.nrw_municipal(
                    v, allowed_financing_types=("deficit", "full"), min_own_share=Decimal("0.05")
                ),
            ),
            ("eu", lambda v: RuleSet.federal(v, drawdown_horizon="P2M", allowed_financing_types=("share", "deficit"))),
            ("land", lambda v: RuleSet.nrw_municipal(v)),
        ]
        for number in range(self.scale.programmes):
            source, rules = kinds[number % len(kinds)]
            code = f"PR{number + 1:03d}-{source.upper()}"
            posting = PostingCoordinates("01.11.02", f"5318{number % 100:02d}", f"10110{number % 100:02d}")
            rule_set = rules(f"{code}-{FIRST_YEAR}")
            programme_id = self.do(
                "open_programme",
                code,
                f"Förderprogramm {number + 1}: {TOPICS[number % len(TOPICS)]} ({source})",
                source,
                rule_set,
                {},
                self.actor("admin"),
                on=date(FIRST_YEAR - 1, 12, 1),
            )
            self.programmes.append(
                {"id": programme_id, "code": code, "posting": posting, "rules": rule_set, "make_rules": rules}
            )

    def budgets_for(self, year: int, grants_expected: int) -> None:
        """Finance allocates each programme's budget for the year (in December before it)."""
        per_programme = max(1, grants_expected // len(self.programmes))
        for programme in self.programmes:
            amount = euros(per_programme * 6000 + 20000)
            self.do(
                "allocate_budget",
                programme["id"],
                FiscalYear(year),
                amount,
                programme["posting"],
                f"Haushaltsplan {year}: Ansatz für Zuschüsse an Vereine.",
                self.pick("release", 2),
                on=date(year - 1, 12, 15),
            )
            if year in (2021, 2025) and self.rng.random() < 0.5:
                version = f"{programme['code']}-{year}"
                rule_set = programme["make_rules"](version)
                self.do(
                    "revise_rule_set",
                    programme["id"],
                    rule_set,
                    f"Neue Förderrichtlinie ab {year}.",
                    self.actor("admin"),
                )
                programme["rules"] = rule_set

    def register_organisations(self, upto: int, year: int) -> None:
        while self.registered < upto:
            number = self.registered
            officer = self.officer()
            city = CITIES[number % len(CITIES)]
            self.do(
                "register_organisation",
                f"{TOPICS[number % len(TOPICS)]}sverein Dortmund–{city} Nr. {number} e.V.",
                "e.V.",
                f"VR {10000 + number}",
                address(f"{STREETS[number % len(STREETS)]} {1 + number % 180}", f"441{35 + number % 10}", "Dortmund"),
                iban(number),
                officer,
                organisation_id=organisation_id(number),
            )
            self.do(
                "add_contact_person",
                organisation_id(number),
                f"Vorstand {number}",
                "Vorsitz",
                f"kontakt@verein{number}.bench.example",
                f"0231 {100000 + number}",
                officer,
            )
            if number < self.scale.members:
                email = member_email(number)
                user_id = self.do(
                    "register_user",
                    email,
                    f"Vorstand Verein {number}",
                    Role.ASSOCIATION,
                    self.actor("admin"),
                    organisation_id(number),
                )
                self.do("add_portal_member", organisation_id(number), user_id, self.actor("admin"))
                self.members[number] = self.office.actor_for(user_id, Role.ASSOCIATION)
            if self.rng.random() < 0.03:
                self.do(
                    "change_bank_account",
                    organisation_id(number),
                    iban(number + 5_000_000),
                    "Neue Bankverbindung laut Schreiben des Vorstands.",
                    officer,
                )
            if self.rng.random() < 0.03:
                self.do(
                    "change_address",
                    organisation_id(number),
                    address(f"Märkische Straße {1 + number % 90}", "44141", "Dortmund"),
                    officer,
                )
            self.registered += 1

    def start_projects(self, year: int) -> None:
        """City projects starting this year: budget drawn from a programme, federal co-funding, spending abroad."""
        for number in range(self.scale.projects):
            if FIRST_YEAR + (number * 3) % len(YEARS) != year:
                continue
            city = ("Kumasi", "Schytomyr", "Novi Sad", "Trabzon", "Leeds", "Xi'an")[number % 6]
            start = date(max(year, CITY_SINCE.get(city, FIRST_YEAR)), 1, 1)
            if start.year > LAST_YEAR:
                continue
            end = date(min(start.year + 2, LAST_YEAR), 12, 31)
            code = f"PROJ-{number + 1:03d}"
            project_id = self.do(
                "start_project",
                code,
                f"Städtisches Projekt {number + 1} mit {city}",
                f"Ein Projekt der Stadt mit {city}: Begegnung, Bildungsarbeit und fairer Handel.",
                city,
                [4, 11, 17] if number % 2 else [5, 16],
                FundingPeriod(start, end),
                PROJECT_LINES,
                self.officer(),
            )
            external = number % 2 == 0
            if external:
                self.do(
                    "award_external_funding",
                    project_id,
                    "Engagement Global – SKEW",
                    "share",
                    Money("45000.00"),
                    Money("50000.00"),
                    Money("5000.00"),
                    self.approver(),
                    rate=Decimal("0.90"),
                    rule_set=RuleSet.federal_notice(f"SKEW-{start.year}"),
                )
                self.do(
                    "receive_external_funds",
                    project_id,
                    Money("20000.00"),
                    start + timedelta(60),
                    self.pick("cashier", 2),
                )
            self.projects.append(
                {"id": project_id, "code": code, "city": city, "start": start, "end": end, "external": external}
            )

    def project_year(self, year: int) -> None:
        """Each running project draws this year's budget and spends it, partly in the partner's currency."""
        for project in self.projects:
            if not project["start"].year <= year <= project["end"].year:
                continue
            programme = self.programmes[1 % len(self.programmes)]
            budget = Decimal(30000)
            self.cover(programme, {FiscalYear(year): euros(budget)}, date(year, 1, 10))
            self.do(
                "draw_project_budget",
                project["id"],
                programme["id"],
                FiscalYear(year),
                euros(budget),
                f"Projektmittel {year} laut Finanzierungsplan.",
                self.approver(),
                on=date(year, 1, 10),
            )
            spent = Decimal(0)
            currency, rate = CURRENCIES.get(project["city"], ("GHS", Decimal("15.50")))
            for receipt in range(self.rng.randrange(20, 60)):
                paid_on = date(year, 1, 15) + timedelta(self.rng.randrange(0, 340))
                if paid_on > self.now:
                    break
                amount: Money | ForeignAmount
                target = Decimal(self.rng.randrange(50, 900))
                if spent + target > budget - 10:
                    break
                if self.rng.random() < 0.6:
                    quote = (rate * Decimal(self.rng.randrange(95, 106)) / 100).quantize(Decimal("0.0001"))
                    amount = ForeignAmount.convert(currency, (target * quote).quantize(Decimal("0.01")), quote, paid_on)
                    euro = amount.euro.amount
                else:
                    amount = euros(target)
                    euro = target
                expenditure = self.do(
                    "record_project_expenditure",
                    project["id"],
                    paid_on,
                    f"Partner in {project['city']}",
                    f"Beleg {receipt + 1}: Material und Leistungen vor Ort",
                    PROJECT_LINES[receipt % len(PROJECT_LINES)],
                    amount,
                    f"{project['code']}-{year}-{receipt + 1:03d}",
                    self.pick("release", 2) if receipt % 3 else self.officer(),
                )
                spent += euro
                if self.rng.random() < 0.04:
                    self.do(
                        "reverse_project_expenditure",
                        project["id"],
                        expenditure,
                        "Doppelt erfasster Beleg.",
                        self.officer(),
                        on=paid_on + timedelta(3),
                    )
                    spent -= euro

    # Grants --------------------------------------------------------------------------------------

    def organisation_for_grant(self) -> int:
        """Big associations apply often: a skewed pick among those registered."""
        return int(self.registered * self.rng.random() ** 2.5)

    def plan_for(self, kind: str, rules: RuleSet) -> tuple[FinancingPlan, Decimal | None]:
        lines = self.rng.sample(LINES, self.rng.randrange(2, 5))
        amounts = [Decimal(self.rng.randrange(6, 60) * 50) for _ in lines]
        total = sum(amounts)
        cost_lines = tuple(BudgetLine(code, label, euros(a)) for (code, label), a in zip(lines, amounts, strict=True))
        own = (total * Decimal(self.rng.choice(("0.10", "0.15", "0.20", "0.25")))).quantize(Decimal(1))
        rate = None
        if kind == "share":
            rate = Decimal(self.rng.choice(("0.50", "0.60", "0.70", "0.80", "0.90")))
            grant = min((total * rate).quantize(Decimal(1), rounding=ROUND_DOWN), total - own)
        elif kind == "full":
            own, grant = Decimal(0), total
        elif kind == "fixed":
            grant = min(Decimal(self.rng.randrange(4, 40) * 100), total - own)
        else:
            grant = total - own - Decimal(self.rng.randrange(0, 4) * 100)
        if rules.max_grant is not None and grant > rules.max_grant.amount:
            grant = rules.max_grant.amount
        grant = max(grant, rules.min_grant.amount)
        rest = total - own - grant
        if rest < 0:
            grant, rest = total - own, Decimal(0)
        third = (rest / 2).quantize(Decimal(1), rounding=ROUND_DOWN)
        plan = FinancingPlan(
            cost_lines,
            own_funds=euros(own),
            third_party_funds=euros(third),
            income=euros(rest - third),
            grant=euros(grant),
        )
        return plan, rate

    def grant_story(self, year: int, programme: dict[str, Any] | None = None) -> None:
        """One grant from the application to wherever it stands on ``now``."""
        rng, now = self.rng, self.now
        programme = programme or rng.choice(self.programmes)
        rules: RuleSet = programme["rules"]
        number = self.organisation_for_grant()
        organisation = organisation_id(number)
        member = self.members.get(number)
        cities = [c for c in CITIES if CITY_SINCE.get(c, FIRST_YEAR) <= year]
        city = cities[number % len(cities)] if rng.random() < 0.8 else rng.choice(cities)
        kind = rng.choice(rules.allowed_financing_types)
        plan, rate = self.plan_for(kind, rules)
        applied_on = date(year, 1, 8) + timedelta(rng.randrange(0, 290))
        if applied_on > now:
            return
        start = applied_on + timedelta(rng.randrange(60, 130))
        length = rng.choice((30, 60, 90, 120, 150, 200, 270, 330))
        end = start + timedelta(length)
        if start.year >= LAST_YEAR and end.year > LAST_YEAR:
            end = date(LAST_YEAR, 12, 31)
        if start.year > LAST_YEAR:
            return
        applicant = member if member is not None and rng.random() < 0.6 else self.officer()
        self.grants += 1
        file_number = f"{self.prefix}-{year}-{self.grants:06d}"
        project = next((p for p in self.projects if p["city"] == city and p["start"].year <= year), None)
        grant_id = self.do(
            "apply_for_grant",
            programme["id"],
            organisation,
            f"{TOPICS[self.grants % len(TOPICS)]} mit {city} {year}",
            f"Begegnung und Austausch mit {city}: Programm für {rng.randrange(8, 60)} Teilnehmende.",
            city,
            FundingPeriod(start, end),
            kind,
            plan,
            applicant,
            project_id=project["id"] if project is not None and rng.random() < 0.3 else None,
            on=applied_on,
            file_number=file_number,
        )
        day = applied_on
        office_side = self.officer()

        def step(days_min: int, days_max: int) -> date | None:
            nonlocal day
            day = day + timedelta(rng.randrange(days_min, days_max + 1))
            return day if day <= now else None

        fate = rng.random()
        if fate < 0.04:  # withdrawn before the review
            when = step(3, 40)
            if when:
                self.do("withdraw_application", grant_id, "Die Begegnung findet nicht statt.", applicant, on=when)
            return
        if rng.random() < 0.12:
            when = step(3, 12)
            if not when:
                return
            request = self.do(
                "request_documents",
                grant_id,
                "Teilnehmendenliste, Programmablauf, Freistellungsbescheid",
                when + timedelta(21),
                office_side,
                on=when,
            )
            when = step(5, 25)
            if not when:
                return
            self.do(
                "receive_documents",
                grant_id,
                request,
                "Unterlagen per Post eingegangen.",
                member if applicant is member and member is not None else office_side,
                on=when,
            )
        when = step(5, 30)
        if not when:
            return
        reviewer = self.officer(applicant.user_id)
        passed = fate >= 0.10
        self.do(
            "review_application",
            grant_id,
            True,
            passed,
            "Vollständig, förderfähig." if passed else "Überwiegend touristisches Programm.",
            reviewer,
            on=when,
        )
        when = step(3, 25)
        if not when:
            return
        if not passed or fate < 0.12:
            self.do(
                "reject_application",
                grant_id,
                "Nach den Förderrichtlinien nicht förderfähig.",
                self.approver(),
                on=when,
            )
            return
        approver = self.approver(reviewer.user_id, applicant.user_id)
        amount = plan.grant
        if rng.random() < 0.2:
            amount = max(euros(amount.amount * Decimal("0.9")), rules.min_grant)
        terms: dict[str, Any] = {}
        if rate is not None:
            terms["rate"] = rate
        if end.year == start.year + 1 and end.year <= year + 1 and rng.random() < 0.5:  # budgets: next year at most
            first = euros(amount.amount / 2)
            terms["year_split"] = {FiscalYear(start.year): first, FiscalYear(end.year): amount - first}
        self.cover(programme, terms.get("year_split") or {FiscalYear(start.year): amount}, when)
        self.do("approve_grant", grant_id, amount, approver, on=when, **terms)

        if rng.random() < 0.04:  # a smaller amount by amendment, decided before any money flows
            when = step(5, 30)
            if not when:
                return
            proposer = self.officer(applicant.user_id)
            smaller = max(euros(amount.amount * Decimal("0.9")), rules.min_grant)
            split = terms.get("year_split")
            amend: dict[str, Any] = {}
            if split:
                first = euros(smaller.amount / 2)
                amend["year_split"] = {FiscalYear(start.year): first, FiscalYear(end.year): smaller - first}
            self.do(
                "propose_amendment",
                grant_id,
                smaller,
                "Änderungsantrag: weniger Teilnehmende.",
                proposer,
                on=when,
                **amend,
            )
            when = step(2, 15)
            if not when:
                return
            if rng.random() < 0.7:
                self.do("approve_amendment", grant_id, self.approver(proposer.user_id), on=when)
                amount = smaller
            else:
                self.do("reject_amendment", grant_id, "Die Änderung ist nicht begründet.", self.approver(), on=when)

        # Payments inside the funding period, each for needs due within the drawdown horizon.
        horizon = 40
        installments = rng.choice((1, 2, 2, 3))
        share = Decimal(rng.choice(("0.6", "0.8", "1.0", "1.0")))
        to_pay = euros(amount.amount * share)
        paid = Money.zero()
        first_day = max(start, day + timedelta(1))
        span = max((end - first_day).days, 1)
        for index in range(installments):
            part = to_pay - paid if index == installments - 1 else euros(to_pay.amount / installments)
            if not part:
                break
            request_day = max(day, first_day + timedelta(span * index // (installments + 1)))
            if request_day > now:
                return
            if request_day > end:
                break
            day = request_day
            requester = member if member is not None and applicant is member else self.officer()
            cancel = rng.random() < 0.03
            booked = False
            for attempt in range(2 if cancel else 1):
                if day > end or day > now:
                    break
                payment = self.do(
                    "request_payment",
                    grant_id,
                    [
                        {
                            "due": day + timedelta(rng.randrange(7, horizon)),
                            "amount": part,
                            "description": f"Rate {index + 1}",
                        }
                    ],
                    f"Rate {index + 1} {file_number}" + (" (erneut)" if attempt else ""),
                    requester,
                    on=day,
                )
                if not self.pay(grant_id, payment, requester, step, cancel=cancel and attempt == 0):
                    return
                booked = not (cancel and attempt == 0)
            if not booked:
                break
            paid = paid + part
        if not paid:
            return
        if rng.random() < 0.02:
            when = step(2, 10)
            if not when:
                return
            # a transfer came back and was paid again (the money counts once)
            last = self.office.grant(grant_id).payments
            payment_hex = next(k for k, p in reversed(last.items()) if p["status"] == "booked")
            self.do(
                "return_payment",
                grant_id,
                UUID(hex=payment_hex),
                part,
                when,
                "Rücküberweisung der Bank: Konto erloschen.",
                self.pick("cashier", 2),
            )
            paid = paid - part

        # Spending, partly in the partner city's currency.
        grant_view = self.office.grant(grant_id)
        budgets = grant_view.line_budgets
        for code, planned in budgets.items():
            target = planned.amount * Decimal(rng.randrange(75, 109)) / 100
            receipts = rng.randrange(1, 4)
            for receipt in range(receipts):
                euro = (target / receipts).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
                if euro <= 0:
                    continue
                paid_on = start + timedelta(rng.randrange(0, max((end - start).days, 1)))
                if paid_on > now:
                    continue
                value: Money | ForeignAmount = euros(euro)
                if city in CURRENCIES and rng.random() < 0.4:
                    currency, base = CURRENCIES[city]
                    quote = (base * Decimal(rng.randrange(95, 106)) / 100).quantize(Decimal("0.0001"))
                    original = (euro * quote).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
                    value = ForeignAmount.convert(currency, original, quote, paid_on)
                    if not value.euro:
                        continue
                self.do(
                    "report_expense",
                    grant_id,
                    code,
                    paid_on,
                    f"Leistungserbringer {receipt + 1} in {city}",
                    f"{dict(LINES)[code]}, Beleg {receipt + 1}",
                    value,
                    f"{file_number}-{code}-{receipt + 1}",
                    member if member is not None and applicant is member else self.officer(),
                )

        # Interim proof for a period running over a year end.
        for interim_year in range(start.year, end.year):
            when = date(interim_year + 1, 1, 10) + timedelta(rng.randrange(0, 100))
            if when > now:
                return
            day = max(day, when)
            self.do(
                "submit_interim_proof",
                grant_id,
                interim_year,
                f"Zwischenbericht {interim_year}: alles planmäßig.",
                member if member is not None and applicant is member else self.officer(),
                on=day,
            )

        # Final proof of use, sometimes late after a reminder, sometimes with an extended deadline.
        due = end + timedelta(182)
        lateness = rng.random()
        if lateness < 0.08:
            proof_day = due + timedelta(rng.randrange(20, 120))
            reminder = due + timedelta(14)
            if reminder <= now:
                self.do("send_reminder", grant_id, "final", self.officer(), on=max(day, reminder))
        elif lateness < 0.11:
            ask = due - timedelta(20)
            if ask <= now and ask > day:
                self.do(
                    "extend_deadline",
                    grant_id,
                    "final",
                    due + timedelta(60),
                    "Belege des Partners kommen später.",
                    self.officer(),
                    on=ask,
                )
            proof_day = due + timedelta(rng.randrange(10, 55))
        else:
            proof_day = end + timedelta(rng.randrange(20, 175))
        if proof_day > now:
            return
        day = max(day, proof_day)
        grant_view = self.office.grant(grant_id)
        funding = grant_view.terms.plan if grant_view.terms else plan
        submitter = member if member is not None and applicant is member else self.officer()
        self.do(
            "submit_proof_of_use",
            grant_id,
            "Sachbericht: Die Begegnung fand wie geplant statt.",
            funding.own_funds,
            funding.third_party_funds,
            funding.income,
            submitter,
            on=day,
        )
        when = step(7, 45)
        if not when:
            return
        checker = self.officer(submitter.user_id)
        spent = grant_view.spent_per_line()
        recognised, cuts = {}, {}
        if rng.random() < 0.15 and spent:
            code = rng.choice(sorted(spent))
            if spent[code].amount > 100:
                recognised[code] = euros(spent[code].amount * Decimal("0.85"))
                cuts[code] = "Ein Beleg ist nicht zuwendungsfähig."
        self.do(
            "review_proof_of_use", grant_id, recognised, cuts, "Rechnerisch und sachlich geprüft.", checker, on=when
        )
        when = step(3, 25)
        if not when:
            return
        decider = self.approver(checker.user_id, submitter.user_id)
        if rng.random() < 0.01 and paid:
            grounds = "Auflagen des Bescheids nicht erfüllt."
            self.do("propose_revocation", grant_id, euros(paid.amount / 2), when, when, when, grounds, checker, on=when)
            claim = self.do("decide_revocation", grant_id, True, grounds, decider, on=when)
        else:
            claim = self.do("determine_final_amount", grant_id, decider, on=when)
        grant_view = self.office.grant(grant_id)
        if claim is not None:
            if not self.repay(claim, step):
                return
        elif grant_view.final_amount is not None and grant_view.final_amount > grant_view.paid:
            rest = grant_view.final_amount - grant_view.paid
            when = step(5, 20)
            if not when:
                return
            requester = self.officer()
            payment = self.do(
                "request_payment",
                grant_id,
                [{"due": when + timedelta(10), "amount": rest, "description": "Restzahlung nach Schlussfestsetzung"}],
                f"Restzahlung {file_number}",
                requester,
                on=when,
            )
            if not self.pay(grant_id, payment, requester, step, cancel=False):
                return
        when = step(3, 30)
        if not when:
            return
        self.do("close_grant", grant_id, self.officer(), on=when)
        if self.sample_grant is None and year == LAST_YEAR - 2:
            self.sample_grant = grant_id  # a grant with its whole story, from application to closure

    def pay(
        self, grant_id: UUID, payment: UUID, requester: Actor, step: Callable[[int, int], date | None], cancel: bool
    ) -> bool:
        """Certified, released and booked by three different people; False once the story reaches ``now``."""
        when = step(1, 4)
        if not when:
            return False
        certifier = self.officer(requester.user_id)
        self.do("certify_payment", grant_id, payment, certifier, on=when)
        when = step(1, 4)
        if not when:
            return False
        if cancel:
            self.do("cancel_payment", grant_id, payment, "Rechnung storniert; neuer Abruf folgt.", certifier, on=when)
            return True
        releaser = self.pick("release", 2, (certifier.user_id, requester.user_id))
        self.do("release_payment", grant_id, payment, releaser, on=when)
        when = step(1, 5)
        if not when:
            return False
        self.do("book_payment", grant_id, payment, when, self.pick("cashier", 2))
        return True

    def repay(self, claim_id: UUID, step: Callable[[int, int], date | None]) -> bool:
        """The association pays the claim back with interest, sometimes in two parts."""
        parts = 2 if self.rng.random() < 0.2 else 1
        for part in range(parts):
            when = step(20, 70)
            if not when:
                return False
            claim = self.office.claim(claim_id)
            due = claim.amount_due(when, self.office.base_rates())
            amount = euros(due.amount / 2) if part < parts - 1 else due
            if not amount:
                break
            self.do("receive_repayment", claim_id, amount, when, self.pick("cashier", 2))
            if self.office.claim(claim_id).status != "open":
                break
        return self.office.claim(claim_id).status != "open"

    def cover(self, programme: dict[str, Any], split: dict[FiscalYear, Money], on: date) -> None:
        """Finance tops a fiscal year up (Nachtrag) when an approval would not fit any more."""
        current = self.office.programme(programme["id"])
        for year, amount in split.items():
            if current.available(year) < amount:
                self.do(
                    "amend_budget",
                    programme["id"],
                    year,
                    current.budget(year) + euros(amount.amount * 40 + 50000),
                    "Nachtragshaushalt: weitere Mittel bereitgestellt.",
                    self.pick("release", 2),
                    on=on,
                )
                current = self.office.programme(programme["id"])

    # The whole history -------------------------------------------------------------------------

    def tell(self, events_so_far: Callable[[], int], progress: Callable[[int], None] | None = None) -> None:
        self.staff()
        self.open_programmes()
        weights = {year: 1.0 + 0.08 * (year - FIRST_YEAR) for year in YEARS}
        per_grant = EVENTS_PER_GRANT_GUESS
        for year in YEARS:
            remaining_weight = sum(weights[y] for y in YEARS if y >= year)
            budget_events = max(self.scale.events - events_so_far(), 0)
            organisations_by_now = self.scale.organisations * (year - FIRST_YEAR + 1) // len(YEARS)
            organisation_events = (organisations_by_now - self.registered) * 2.2
            grants = max(3, int((budget_events * weights[year] / remaining_weight - organisation_events) / per_grant))
            if year == FIRST_YEAR:
                self.budgets_for(year, grants)
            if year < LAST_YEAR:  # next year's budget is set in December, before this year's grants start in it
                self.budgets_for(year + 1, grants)
            self.register_organisations(organisations_by_now, year)
            self.start_projects(year)
            self.project_year(year)
            start_events, start_grants = events_so_far(), self.grants
            for _ in range(grants):
                self.grant_story(year)
                if progress is not None:
                    progress(events_so_far())
            made = self.grants - start_grants
            if made:
                per_grant = max(8.0, (events_so_far() - start_events) / made)


def set_passwords(database_url: str, manifest: Manifest) -> None:
    """Passwords for the people the benchmark signs in as (the composition root's credential store)."""
    from foerderbuch.credentials import CredentialStore
    from foerderbuch.settings import Settings
    from foerderbuch.wiring import create_office

    settings = Settings(database_url=database_url)
    office = create_office(settings)
    try:
        with CredentialStore.for_settings(settings) as credentials:
            for email in (manifest.officer_email, manifest.approver_email, manifest.member_email):
                credentials.set_password(office.user_by_email(email).id, manifest.password)
    finally:
        office.close()


def generate(
    database_url: str,
    events: int,
    seed: int = DEFAULT_SEED,
    batched: bool = True,
    progress: Callable[[int], None] | None = None,
    extra_env: dict[str, str] | None = None,
) -> Manifest:
    """Writes the history into an empty store; returns what the benchmark needs to know about it."""
    from foerderbuch.settings import Settings
    from foerderbuch.wiring import create_office

    office = create_office(Settings(database_url=database_url, extra_env=extra_env or {}), today=lambda: NOW)
    if office.recorder.max_notification_id():
        office.close()
        raise RuntimeError(f"{database_url} is not empty")
    scale = Scale(events)
    history = History(office, scale, seed)
    batches = None
    if batched:
        from tests.bench.batching import BatchedSaves

        batches = BatchedSaves(office, 1000)

    def events_so_far() -> int:
        if batches is not None:
            return batches.recorded + len(batches.events)
        return int(office.recorder.max_notification_id() or 0)

    started, cpu = time.perf_counter(), time.process_time()
    try:
        history.tell(events_so_far, progress)
    except BaseException:
        if batches is not None:
            batches.discard()
        office.close()
        raise
    if batches is not None:
        batches.close()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    top = 0
    manifest = Manifest(
        seed=seed,
        target_events=events,
        events=int(office.recorder.max_notification_id() or 0),
        seconds=seconds,
        cpu_seconds=cpu,
        commands=dict(sorted(history.commands.items())),
        grants=history.grants,
        organisations=history.registered,
        programmes=[p["code"] for p in history.programmes],
        projects=[p["code"] for p in history.projects],
        officer_email=staff_emails()["officer1"][0],
        approver_email=staff_emails()["approver1"][0],
        member_email=member_email(top),
        member_organisation=str(organisation_id(top)),
        sample_grant=str(history.sample_grant or ""),
        filter_programme=str(Programme.create_id(history.programmes[0]["code"])),
        filter_year=LAST_YEAR - 1,
        batched=batched,
        transactions=batches.transactions if batches is not None else sum(history.commands.values()),
    )
    office.close()
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=10_000, help="about how many events (default 10000)")
    parser.add_argument("--db", type=Path, required=True, help="SQLite file to create (must not exist)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--unbatched", action="store_true", help="every command saves on its own")
    args = parser.parse_args(argv)
    if args.db.exists():
        parser.error(f"{args.db} exists already")
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("events"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), transient=True) as bar:
        task = bar.add_task("", total=args.events)
        manifest = generate(
            f"sqlite:///{args.db.resolve()}",
            args.events,
            args.seed,
            batched=not args.unbatched,
            progress=lambda n: bar.update(task, completed=min(n, args.events)),
        )
    set_passwords(f"sqlite:///{args.db.resolve()}", manifest)
    manifest.write(args.db.with_suffix(".manifest.json"))
    print(
        f"{manifest.events} events, {manifest.grants} grants, {manifest.organisations} associations, "
        f"{len(manifest.programmes)} programmes in {manifest.seconds:.1f} s "
        f"({manifest.events / manifest.seconds:,.0f} events/s, {manifest.transactions} transactions)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
