"""A year of the Büro für Internationale Beziehungen, told as commands, for the read-model tests.

Two programmes (the city's Internationale Vereinsarbeit with budgets for 2026 and 2027, and the
federal SKEW money), two associations, eight applications in every state a grant can be in, a grant
paid out across the year end with a cancelled request and a bounced transfer, a grant over two fiscal
years that is amended, a relief project for Schytomyr that reports its spending, is finally set lower
than paid, repays part of the claim with interest, has the rest written off and is closed, a grant
revoked with a claim still open, and the city's own project *Faire Stadtschokolade* with Kumasi,
drawing budget from both programmes and paying a cocoa supplier in cedi.

All business dates are fixed; only the recording time of the events is the clock's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from business_clock import booking_day

from domain.actors import Actor, Role
from domain.application import FundingOffice
from domain.dates import FiscalYear, FundingPeriod
from domain.foreign import ForeignAmount
from domain.money import Money
from domain.plan import BudgetLine, FinancingPlan
from domain.posting import PostingCoordinates
from domain.rules import RuleSet
from foerderbuch.settings import Settings
from projections.engine import Projector
from tests.revocations import revoke

FY2026, FY2027 = FiscalYear(2026), FiscalYear(2027)
TODAY = date(2026, 11, 1)  # the office's business day when the story is told
VEREINSARBEIT_POSTING = PostingCoordinates("01.11.02", "531800", "10110")
SKEW_POSTING = PostingCoordinates("01.11.02", "531810", "10120")
ADDRESS = {"street": "Steinstraße 48", "postcode": "44147", "city": "Dortmund", "country": "DE"}
SUMMER = FundingPeriod(date(2026, 3, 1), date(2026, 10, 31))
SHARE = Decimal("0.8")


def plan(grant: str) -> FinancingPlan:
    """Costs of grant ÷ 0.8, of which 20 % own funds: fits share financing at 80 % exactly."""
    amount = Money(grant)
    costs = Money.rounded(amount.amount / SHARE)
    return FinancingPlan(
        (BudgetLine("travel", "Reisekosten", costs),), costs - amount, Money.zero(), Money.zero(), amount
    )


def need(due: date, amount: str) -> list[dict[str, Any]]:
    return [{"due": due, "amount": Money(amount), "description": "Busunternehmen"}]


@dataclass
class Story:
    """Everyone and everything the story created, by a memorable name."""

    app: FundingOffice
    admin: Actor
    petra: Actor  # Petra Schmitz, Sachbearbeitung
    jonas: Actor  # Jonas Becker, Sachbearbeitung
    aylin: Actor  # Dr. Aylin Demir, Leitung (approver)
    stefan: Actor  # Stefan Wolters, Kämmerei (finance): releases payments
    marie: Actor  # Marie Laurent, Deutsch-Französische Gesellschaft (association member)
    vereinsarbeit: UUID
    skew: UUID
    auslandsgesellschaft: UUID
    dfg: UUID
    amiens: UUID  # paid in three steps, one cancelled, one across the year end, one partly returned
    leeds: UUID  # over 2026 and 2027, amended down, paid once
    novi_sad: UUID  # rejected
    xian: UUID  # withdrawn
    zwickau: UUID  # waits for review
    netanya: UUID  # documents requested, overdue since 20 April
    trabzon: UUID  # reviewed by Jonas, waits for a decision
    kumasi: UUID  # approved for the project, 800 € paid, a further request waits for certification
    buffalo: UUID  # a payment certified by Jonas waits for release; Petra proposed an amendment
    schytomyr: UUID  # paid 3,000, spent 2,200, claim of 800: part repaid, the rest written off; closed
    cluj: UUID  # revoked down to 400 after 1,000 were paid: a claim of 600 is open
    schoko: UUID  # the project Faire Stadtschokolade
    amiens_payments: tuple[UUID, UUID, UUID]
    kumasi_payment: UUID
    buffalo_payment: UUID
    reversed_expenditure: UUID
    schytomyr_claim: UUID
    cluj_claim: UUID
    nina: Actor  # Nina Brauer, Stadtkasse (cashier): books payments and repayments

    def person(self, user: Actor) -> str:
        return self.app.user(user.user_id).display_name


@dataclass
class World:
    """The story, recorded in a store, with every read model caught up."""

    story: Story
    projector: Projector
    settings: Settings

    @property
    def app(self) -> FundingOffice:
        return self.story.app


def tell(app: FundingOffice) -> Story:
    system = Actor.system()
    admin = app.actor_for(app.register_user("admin@stadtdo.de", "Systemverwaltung", Role.ADMIN, system), Role.ADMIN)

    def person(email: str, name: str, role: Role, organisation_id: UUID | None = None) -> Actor:
        return app.actor_for(app.register_user(email, name, role, admin, organisation_id=organisation_id), role)

    petra = person("petra.schmitz@stadtdo.de", "Petra Schmitz", Role.OFFICER)

    def book(grant: UUID, payment: UUID, value_date: date) -> None:
        """Nina books in the Stadtkasse on the value date (the story's day may be earlier)."""
        with booking_day(app, value_date):
            app.book_payment(grant, payment, value_date, nina)

    jonas = person("jonas.becker@stadtdo.de", "Jonas Becker", Role.OFFICER)
    aylin = person("aylin.demir@stadtdo.de", "Dr. Aylin Demir", Role.APPROVER)
    stefan = person("stefan.wolters@stadtdo.de", "Stefan Wolters", Role.FINANCE)
    nina = person("nina.brauer@stadtdo.de", "Nina Brauer", Role.CASHIER)

    vereinsarbeit = app.open_programme(
        "IB-VEREINE",
        "Internationale Vereinsarbeit",
        "city",
        RuleSet.nrw_municipal(),
        {FY2026: (Money("20000.00"), VEREINSARBEIT_POSTING), FY2027: (Money("10000.00"), VEREINSARBEIT_POSTING)},
        admin,
    )
    skew = app.open_programme(
        "SKEW-KOMMUNAL",
        "Kommunale Partnerschaften (SKEW)",
        "federal",
        RuleSet.federal(),
        {FY2026: (Money("50000.00"), SKEW_POSTING)},
        admin,
    )
    app.amend_budget(vereinsarbeit, FY2026, Money("25000.00"), "Nachtragshaushalt 2026", admin)

    auslandsgesellschaft = app.register_organisation(
        "Auslandsgesellschaft NRW e.V.", "e.V.", "VR 1234", ADDRESS, "DE89370400440532013000", petra
    )
    dfg = app.register_organisation(
        "Deutsch-Französische Gesellschaft Dortmund e.V.",
        "e.V.",
        "VR 5678",
        {"street": "Olpe 1", "postcode": "44135", "city": "Dortmund", "country": "DE"},
        "DE02120300000000202051",
        petra,
    )
    marie = person("marie.laurent@dfg-dortmund.de", "Marie Laurent", Role.ASSOCIATION, dfg)
    app.add_portal_member(dfg, marie.user_id, petra)

    project = app.start_project(
        "FAIRE-SCHOKO",
        "Faire Stadtschokolade",
        "Faire Schokolade mit Kakao aus Kumasi",
        "Kumasi",
        [12, 17],
        FundingPeriod(date(2026, 1, 1), date(2026, 12, 31)),
        ["material", "reisen"],
        petra,
    )
    app.draw_project_budget(project, vereinsarbeit, FY2026, Money("2000.00"), "Projektmittel 2026", admin)
    app.draw_project_budget(project, skew, FY2026, Money("1000.00"), "SKEW-Anteil 2026", aylin)

    def apply(
        file_number: str,
        city: str,
        programme: UUID,
        organisation: UUID,
        grant: str,
        on: date,
        period: FundingPeriod = SUMMER,
        kind: str = "share",
        actor: Actor = petra,
        **more: Any,
    ) -> UUID:
        return app.apply_for_grant(
            programme,
            organisation,
            f"Begegnung mit {city}",
            f"Austausch mit {city}",
            city,
            period,
            kind,
            plan(grant),
            actor,
            on=on,
            file_number=file_number,
            **more,
        )

    # Amiens: documents, review, approval, three payments.
    amiens = apply("IB-2026-0001", "Amiens", vereinsarbeit, dfg, "7000.00", date(2026, 2, 10), actor=marie)
    request = app.request_documents(amiens, "Teilnehmerliste", date(2026, 3, 1), petra, on=date(2026, 2, 12))
    app.receive_documents(amiens, request, "Liste mit 20 Namen", marie, on=date(2026, 2, 20))
    app.review_application(amiens, True, True, "Vollständig und förderfähig.", petra, on=date(2026, 2, 25))
    app.approve_grant(amiens, Money("7000.00"), aylin, on=date(2026, 3, 1), rate=SHARE)
    first = app.request_payment(amiens, need(date(2026, 4, 1), "3000.10"), "Anzahlung Bus", marie, on=date(2026, 3, 2))
    app.certify_payment(amiens, first, jonas, on=date(2026, 3, 3))
    app.release_payment(amiens, first, stefan, on=date(2026, 3, 4))
    book(amiens, first, date(2026, 3, 5))
    second = app.request_payment(amiens, need(date(2026, 5, 1), "1000.00"), "Unterkunft", marie, on=date(2026, 4, 1))
    app.certify_payment(amiens, second, petra, on=date(2026, 4, 2))
    app.release_payment(amiens, second, stefan, on=date(2026, 4, 2))
    app.cancel_payment(amiens, second, "Doppelt angewiesen", petra, on=date(2026, 4, 3))
    third = app.request_payment(
        amiens, need(date(2026, 12, 15), "2000.00"), "Schlusszahlung", marie, on=date(2026, 10, 20)
    )
    app.certify_payment(amiens, third, jonas, on=date(2026, 10, 21))
    app.release_payment(amiens, third, aylin, on=date(2026, 10, 22))
    book(amiens, third, date(2027, 1, 4))
    with booking_day(app, date(2026, 6, 30)):
        app.return_payment(amiens, first, Money("200.00"), date(2026, 6, 30), "Zwei Teilnehmende abgesagt", nina)

    # Leeds: over two fiscal years, amended down, paid once.
    leeds_period = FundingPeriod(date(2026, 9, 1), date(2027, 6, 30))
    leeds = apply(
        "IB-2026-0002",
        "Leeds",
        vereinsarbeit,
        auslandsgesellschaft,
        "5000.00",
        date(2026, 7, 1),
        period=leeds_period,
        kind="fixed",
    )
    app.review_application(leeds, True, True, "Förderfähig.", jonas, on=date(2026, 7, 20))
    app.approve_grant(
        leeds,
        Money("5000.00"),
        aylin,
        on=date(2026, 8, 15),
        year_split={FY2026: Money("2000.00"), FY2027: Money("3000.00")},
    )
    app.propose_amendment(
        leeds,
        Money("4500.00"),
        "Weniger Teilnehmende",
        petra,
        on=date(2026, 9, 1),
        year_split={FY2026: Money("2000.00"), FY2027: Money("2500.00")},
    )
    app.approve_amendment(leeds, aylin, on=date(2026, 9, 10))
    leeds_payment = app.request_payment(leeds, need(date(2026, 10, 1), "1500.00"), "Flüge", jonas, on=date(2026, 9, 15))
    app.certify_payment(leeds, leeds_payment, petra, on=date(2026, 9, 16))
    app.release_payment(leeds, leeds_payment, stefan, on=date(2026, 9, 17))
    book(leeds, leeds_payment, date(2026, 9, 20))

    # Novi Sad rejected, Xi'an withdrawn, Zwickau waiting, Trabzon reviewed.
    novi_sad = apply("IB-2026-0003", "Novi Sad", vereinsarbeit, auslandsgesellschaft, "900.00", date(2026, 2, 1))
    app.reject_application(novi_sad, "Förderzweck nicht erfüllt", aylin, on=date(2026, 3, 10))
    xian = apply("IB-2026-0004", "Xi'an", vereinsarbeit, dfg, "1200.00", date(2026, 2, 2), actor=marie)
    app.withdraw_application(xian, "Reise abgesagt", marie, on=date(2026, 2, 14))
    zwickau = apply("IB-2026-0005", "Zwickau", vereinsarbeit, auslandsgesellschaft, "800.00", date(2026, 4, 1))
    trabzon = apply("IB-2026-0006", "Trabzon", vereinsarbeit, auslandsgesellschaft, "1600.00", date(2026, 4, 2))
    app.review_application(trabzon, True, True, "Förderfähig.", jonas, on=date(2026, 4, 10))
    netanya = apply("IB-2026-0009", "Netanya", vereinsarbeit, auslandsgesellschaft, "1000.00", date(2026, 4, 5))
    app.request_documents(
        netanya, "Kostenvoranschlag der Jugendherberge", date(2026, 4, 20), petra, on=date(2026, 4, 6)
    )

    # Kumasi: federal money for the project, a request waits for certification.
    kumasi = apply(
        "IB-2026-0007", "Kumasi", skew, auslandsgesellschaft, "4000.00", date(2026, 3, 1), project_id=project
    )
    app.review_application(kumasi, True, True, "Passt zum Projekt.", jonas, on=date(2026, 3, 5))
    app.approve_grant(kumasi, Money("4000.00"), aylin, on=date(2026, 3, 10), rate=SHARE)
    kumasi_first = app.request_payment(
        kumasi, need(date(2026, 3, 30), "800.00"), "Reisekosten", petra, on=date(2026, 3, 15)
    )
    app.certify_payment(kumasi, kumasi_first, jonas, on=date(2026, 3, 16))
    app.release_payment(kumasi, kumasi_first, stefan, on=date(2026, 3, 17))
    book(kumasi, kumasi_first, date(2026, 3, 18))
    kumasi_payment = app.request_payment(
        kumasi, need(date(2026, 4, 1), "1000.00"), "Kakaoworkshop", petra, on=date(2026, 3, 20)
    )

    # Buffalo: a certified payment waits for release.
    buffalo = apply("IB-2026-0008", "Buffalo", vereinsarbeit, dfg, "2400.00", date(2026, 3, 1), actor=marie)
    app.review_application(buffalo, True, True, "Förderfähig.", petra, on=date(2026, 3, 5))
    app.approve_grant(buffalo, Money("2400.00"), aylin, on=date(2026, 3, 12), rate=SHARE)
    buffalo_payment = app.request_payment(
        buffalo, need(date(2026, 4, 15), "1200.00"), "Flüge", marie, on=date(2026, 3, 20)
    )
    app.certify_payment(buffalo, buffalo_payment, jonas, on=date(2026, 3, 21))
    app.propose_amendment(buffalo, Money("2000.00"), "Kürzere Reise", petra, on=date(2026, 3, 25))

    # Schytomyr: spent less than paid; the overpayment is claimed, partly repaid, the rest waived (Erlass).
    schytomyr = apply(
        "IB-2026-0010", "Schytomyr", vereinsarbeit, dfg, "3000.00", date(2026, 2, 15), kind="fixed", actor=marie
    )
    app.review_application(schytomyr, True, True, "Förderfähig.", petra, on=date(2026, 2, 20))
    app.approve_grant(schytomyr, Money("3000.00"), aylin, on=date(2026, 2, 25))
    payment = app.request_payment(
        schytomyr, need(date(2026, 4, 1), "3000.00"), "Hilfsgüter", marie, on=date(2026, 3, 10)
    )
    app.certify_payment(schytomyr, payment, jonas, on=date(2026, 3, 11))
    app.release_payment(schytomyr, payment, stefan, on=date(2026, 3, 12))
    book(schytomyr, payment, date(2026, 3, 13))
    app.report_expense(
        schytomyr,
        "travel",
        date(2026, 5, 10),
        "Busreisen GmbH",
        "Transport der Hilfsgüter",
        Money("2200.00"),
        "R-1",
        marie,
    )
    app.submit_proof_of_use(
        schytomyr, "Hilfsgüter übergeben.", Money("550.00"), Money.zero(), Money.zero(), marie, on=date(2026, 10, 30)
    )
    app.review_proof_of_use(
        schytomyr, {"travel": Money("2200.00")}, {}, "Belege vollständig.", jonas, on=date(2026, 10, 31)
    )
    schytomyr_claim = app.determine_final_amount(schytomyr, aylin, on=date(2026, 11, 1))
    assert schytomyr_claim is not None
    with booking_day(app, date(2026, 12, 1)):
        app.receive_repayment(schytomyr_claim, Money("500.00"), date(2026, 12, 1), nina)
    app.propose_claim_relief(schytomyr_claim, "waiver", "Verein aufgelöst, nichts mehr zu holen", petra)
    app.decide_claim_relief(schytomyr_claim, True, "Erlass vertretbar", aylin, on=date(2027, 1, 15))
    app.close_grant(schytomyr, petra, on=date(2027, 1, 20))

    # Cluj-Napoca: revoked after the first payment; the claim is open.
    cluj = apply("IB-2026-0011", "Cluj-Napoca", skew, auslandsgesellschaft, "2000.00", date(2026, 3, 1))
    app.review_application(cluj, True, True, "Förderfähig.", jonas, on=date(2026, 3, 5))
    app.approve_grant(cluj, Money("2000.00"), aylin, on=date(2026, 3, 10), rate=SHARE)
    payment = app.request_payment(cluj, need(date(2026, 4, 1), "1000.00"), "Anzahlung", petra, on=date(2026, 3, 15))
    app.certify_payment(cluj, payment, jonas, on=date(2026, 3, 16))
    app.release_payment(cluj, payment, stefan, on=date(2026, 3, 17))
    book(cluj, payment, date(2026, 3, 20))
    cluj_claim = revoke(
        app, cluj, Money("400.00"), date(2026, 5, 15), "Projekt nicht durchgeführt", petra, aylin, on=date(2026, 6, 1)
    )
    assert cluj_claim is not None

    # The city's own spending on Faire Stadtschokolade.
    app.record_project_expenditure(
        project,
        date(2026, 3, 1),
        "Fair Trade Import GmbH",
        "Kakaobohnen",
        "material",
        Money("1500.00"),
        "K-2026-1",
        petra,
    )
    cedi = ForeignAmount.convert("GHS", Decimal("10000.00"), Decimal("12.3400"), date(2026, 4, 9))
    app.record_project_expenditure(
        project, date(2026, 4, 10), "Kumasi Cocoa Ltd.", "Reise Kumasi", "reisen", cedi, "K-2026-2", petra
    )
    wrong = app.record_project_expenditure(
        project, date(2026, 5, 1), "Druckerei", "Flyer", "material", Money("100.00"), "K-2026-3", petra
    )
    app.reverse_project_expenditure(project, wrong, "Falsches Projekt", stefan)

    return Story(
        app=app,
        admin=admin,
        petra=petra,
        jonas=jonas,
        aylin=aylin,
        stefan=stefan,
        marie=marie,
        vereinsarbeit=vereinsarbeit,
        skew=skew,
        auslandsgesellschaft=auslandsgesellschaft,
        dfg=dfg,
        amiens=amiens,
        leeds=leeds,
        novi_sad=novi_sad,
        xian=xian,
        zwickau=zwickau,
        trabzon=trabzon,
        kumasi=kumasi,
        buffalo=buffalo,
        netanya=netanya,
        schytomyr=schytomyr,
        cluj=cluj,
        schoko=project,
        amiens_payments=(first, second, third),
        kumasi_payment=kumasi_payment,
        buffalo_payment=buffalo_payment,
        reversed_expenditure=wrong,
        schytomyr_claim=schytomyr_claim,
        cluj_claim=cluj_claim,
        nina=nina,
    )


def many_grants(app: FundingOffice, count: int, prefix: str = "BULK") -> None:
    """``count`` grants, each applied, reviewed, approved, paid in part and partly returned (≈ 10 events each)."""
    system = Actor.system()
    admin = app.actor_for(app.register_user(f"admin@{prefix.lower()}.de", "Verwaltung", Role.ADMIN, system), Role.ADMIN)
    officer = app.actor_for(
        app.register_user(f"sb@{prefix.lower()}.de", "Sachbearbeitung", Role.OFFICER, admin), Role.OFFICER
    )
    approver = app.actor_for(
        app.register_user(f"l@{prefix.lower()}.de", "Leitung", Role.APPROVER, admin), Role.APPROVER
    )
    checker = app.actor_for(
        app.register_user(f"sb2@{prefix.lower()}.de", "Zweite Sachbearbeitung", Role.OFFICER, admin), Role.OFFICER
    )
    finance = app.actor_for(app.register_user(f"k@{prefix.lower()}.de", "Kämmerei", Role.FINANCE, admin), Role.FINANCE)
    cashier = app.actor_for(app.register_user(f"sk@{prefix.lower()}.de", "Kasse", Role.CASHIER, admin), Role.CASHIER)
    programme = app.open_programme(
        prefix,
        "Massenprogramm",
        "city",
        RuleSet.nrw_municipal(),
        {FY2026: (Money("1000000.00"), VEREINSARBEIT_POSTING)},
        admin,
    )
    organisation = app.register_organisation(
        f"Verein {prefix} e.V.", "e.V.", "VR 1", ADDRESS, "DE89370400440532013000", officer
    )
    for number in range(count):
        grant = app.apply_for_grant(
            programme,
            organisation,
            f"Begegnung {number}",
            "Austausch",
            "Amiens",
            SUMMER,
            "fixed",
            plan(f"{1000 + number}.00"),
            officer,
            on=date(2026, 3, 1),
            file_number=f"{prefix}-{number:04d}",
        )
        app.review_application(grant, True, True, "ok", officer, on=date(2026, 3, 1))
        app.approve_grant(grant, Money(f"{1000 + number}.00"), approver, on=date(2026, 3, 2))
        payment = app.request_payment(grant, need(date(2026, 4, 1), "500.00"), "Abschlag", officer, on=date(2026, 3, 3))
        app.certify_payment(grant, payment, checker, on=date(2026, 3, 4))
        app.release_payment(grant, payment, finance, on=date(2026, 3, 5))
        with booking_day(app, date(2026, 3, 6)):
            app.book_payment(grant, payment, date(2026, 3, 6), cashier)
        if number % 3 == 0:
            with booking_day(app, date(2026, 6, 1)):
                app.return_payment(grant, payment, Money("50.00"), date(2026, 6, 1), "Rückfluss", cashier)


def dump_read_models(projector: Projector, names: list[str] | None = None) -> dict[str, list[tuple[str, ...]]]:
    """Every row of every table of the read models, as exact reprs in a stable order, plus tracking."""
    tables: dict[str, list[tuple[str, ...]]] = {}
    with projector.db.transaction() as cursor:
        for name in names or list(projector.models):
            for table in projector.models[name].tables:
                cursor.execute(f"SELECT * FROM {table}")
                tables[table] = sorted(tuple(f"{k}={v!r}" for k, v in sorted(row.items())) for row in cursor.fetchall())
    return tables
