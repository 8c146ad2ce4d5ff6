"""Request and response bodies of the JSON API, as pydantic models; the OpenAPI document is made from them.

Money travels as a decimal string with at most two places (``"1234.56"``), never as a JSON number:
a request that sends ``1234.56`` as a number, ``"1.000,50"``, a negative amount or a third decimal
place is refused with 422 before anything reaches the office. Dates are ISO 8601 (``"2026-03-01"``),
in the years 2000 to 2100. Request bodies refuse unknown fields, so a typo never passes silently.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

AMOUNT_PATTERN = r"^[0-9]{1,12}(\.[0-9]{1,2})?$"
EURO_PATTERN = r"^-?[0-9]+\.[0-9]{2}$"
FOREIGN_PATTERN = r"^[0-9]{1,15}(\.[0-9]{1,4})?$"
RATE_PATTERN = r"^[0-9]{1,9}(\.[0-9]{1,8})?$"
FRACTION_PATTERN = r"^(0(\.[0-9]{1,6})?|1(\.0{1,6})?)$"
LINE_CODE_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,31}$"
YEAR_PATTERN = r"^(20[0-9]{2}|2100)$"
TOKEN_ID_PATTERN = r"^[0-9a-f]{16}$"


def _decimal_string(pattern: str, what: str) -> Any:
    compiled = re.compile(pattern)

    def check(value: Any) -> Decimal:
        if not isinstance(value, str):
            raise PydanticCustomError(
                "decimal_string",
                '{what} als Zeichenkette mit Punkt, z. B. "1234.56" – keine JSON-Zahl',
                {"what": what},
            )
        if not compiled.match(value):
            raise PydanticCustomError(
                "decimal_format", '{what} »{value}« hat nicht die Form "1234.56"', {"what": what, "value": value[:40]}
            )
        return Decimal(value)

    return check


def _plausible_day(value: date) -> date:
    if not 2000 <= value.year <= 2100:
        raise PydanticCustomError("date_range", "Datum außerhalb der Jahre 2000 bis 2100")
    return value


# Input types ---------------------------------------------------------------------------------------

Amount = Annotated[
    Decimal,
    BeforeValidator(_decimal_string(AMOUNT_PATTERN, "Betrag")),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": AMOUNT_PATTERN,
            "examples": ["1234.56"],
            "description": "Euro-Betrag als Zeichenkette, höchstens zwei Nachkommastellen",
        }
    ),
]
ForeignOriginal = Annotated[
    Decimal,
    BeforeValidator(_decimal_string(FOREIGN_PATTERN, "Originalbetrag")),
    WithJsonSchema({"type": "string", "pattern": FOREIGN_PATTERN, "examples": ["1250.00"]}),
]
ExchangeRate = Annotated[
    Decimal,
    BeforeValidator(_decimal_string(RATE_PATTERN, "Wechselkurs")),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": RATE_PATTERN,
            "examples": ["15.2301"],
            "description": "Einheiten der Fremdwährung für einen Euro (wie die EZB-Referenzkurse)",
        }
    ),
]
Fraction = Annotated[
    Decimal,
    BeforeValidator(_decimal_string(FRACTION_PATTERN, "Anteil")),
    WithJsonSchema({"type": "string", "pattern": FRACTION_PATTERN, "examples": ["0.9"]}),
]
Day = Annotated[date, AfterValidator(_plausible_day)]
Text = Annotated[str, Field(min_length=1, max_length=4000)]
ShortText = Annotated[str, Field(min_length=1, max_length=200)]
Reason = Annotated[str, Field(min_length=3, max_length=2000)]
LineCode = Annotated[str, Field(pattern=LINE_CODE_PATTERN)]
FinancingTypeName = Literal["share", "deficit", "fixed", "full"]
LegalFormName = Literal[
    "e.V.", "gGmbH", "Stiftung", "eG", "Körperschaft des öffentlichen Rechts", "nicht eingetragener Verein"
]
GrantStatus = Literal[
    "applied",
    "documents_requested",
    "reviewed",
    "approved",
    "rejected",
    "withdrawn",
    "proof_submitted",
    "proof_reviewed",
    "final_amount_determined",
    "revoked",
    "closed",
]
RoleName = Literal["officer", "approver", "finance", "cashier", "association", "auditor", "admin"]

# Output types --------------------------------------------------------------------------------------

Euro = Annotated[
    Decimal,
    PlainSerializer(lambda value: f"{value:.2f}", return_type=str),
    WithJsonSchema({"type": "string", "pattern": EURO_PATTERN, "examples": ["1234.56"]}),
]
DecimalText = Annotated[
    Decimal,
    PlainSerializer(lambda value: format(value, "f"), return_type=str),
    WithJsonSchema({"type": "string", "pattern": r"^-?[0-9]+(\.[0-9]+)?$", "examples": ["0.9"]}),
]


class Request(BaseModel):
    """A request body: strict types, no unknown fields."""

    model_config = ConfigDict(extra="forbid", strict=True)


class Query(BaseModel):
    """Query parameters: strings from the URL, converted; no unknown parameters."""

    model_config = ConfigDict(extra="forbid")


class Out(BaseModel):
    model_config = ConfigDict(frozen=True)


# Problems ------------------------------------------------------------------------------------------


class FieldError(Out):
    field: str
    message: str


class Problem(Out):
    """A refusal (RFC 9457) with the domain error's stable code and the field it concerns."""

    type: str = Field(examples=["urn:foerderbuch:problem:over_budget"])
    title: str
    status: int
    detail: str
    instance: str
    code: str = Field(examples=["over_budget"])
    field: str | None
    errors: list[FieldError] | None = None


# Caller and tokens ---------------------------------------------------------------------------------


class Me(Out):
    user_id: UUID
    name: str
    email: str
    role: RoleName
    role_german: str
    organisation_id: UUID | None
    token_id: str


class TokenOut(Out):
    token_id: str
    user_id: UUID
    role: RoleName
    label: str
    created_at: datetime
    revoked_at: datetime | None


class TokenList(Out):
    items: list[TokenOut]


# Programmes and balances ---------------------------------------------------------------------------


class RuleSetOut(Out):
    version: str
    drawdown_horizon: str
    line_tolerance: DecimalText
    proof_deadline: str
    interim_proof_deadline: str
    legal_basis: str = Field(description="Rechtsgrundlage der Verzinsung nach § 49a Abs. 3")
    interest_margin: DecimalText = Field(description="Zinsaufschlag der Rechtsgrundlage heute, Prozentpunkte")
    min_grant: Euro
    max_grant: Euro | None
    min_own_share: DecimalText
    allowed_financing_types: list[FinancingTypeName]
    small_amount_threshold: Euro
    payments_after_final_notice: bool = Field(
        default=False, description="Auszahlung erst, wenn der Zuwendungsbescheid bestandskräftig ist"
    )
    simple_proof: bool = Field(
        default=False, description="Einfacher Verwendungsnachweis zulässig (Sachbericht und Summen, ohne Belege)"
    )


class BalanceOut(Out):
    """Balances of one fiscal year, summed from the journal (as of a date, if asked)."""

    fiscal_year: int
    budget: Euro
    committed: Euro
    available: Euro
    open_commitment: Euro
    requested: Euro
    payable: Euro
    paid: Euro
    recognised: Euro
    claimed: Euro
    open_claims: Euro
    repaid: Euro
    written_off: Euro
    not_pursued: Euro
    interest: Euro


class ProgrammeSummary(Out):
    programme_id: UUID
    code: str
    title: str
    funding_source: Literal["city", "federal", "land", "eu", "donations"]
    funding_source_german: str
    closed: bool
    fiscal_years: list[int]


class ProgrammeList(Out):
    items: list[ProgrammeSummary]


class ProgrammeDetail(ProgrammeSummary):
    rule_set: RuleSetOut
    as_of: date | None
    balances: list[BalanceOut] | None = Field(
        description="Salden je Haushaltsjahr; für Vereinsmitglieder nicht sichtbar (null)"
    )


class ProgrammeYearBalanceOut(BalanceOut):
    programme_id: UUID
    code: str
    title: str


class BalanceList(Out):
    as_of: date | None
    items: list[ProgrammeYearBalanceOut]


class BalancesQuery(Query):
    fiscal_year: Annotated[int, Field(ge=2000, le=2100)] | None = None
    programme_id: UUID | None = None
    as_of: Day | None = Field(default=None, description="Salden zum Ende dieses Tages (Buchungsdatum)")


class AsOfQuery(Query):
    as_of: Day | None = Field(default=None, description="Salden zum Ende dieses Tages (Buchungsdatum)")


# Organisations -------------------------------------------------------------------------------------


class AddressIn(Request):
    street: Annotated[str, Field(min_length=1, max_length=120)]
    postcode: Annotated[str, Field(min_length=3, max_length=10)]
    city: Annotated[str, Field(min_length=1, max_length=80)]
    country: Annotated[str, Field(pattern=r"^[A-Z]{2}$")] = "DE"


class RegisterOrganisation(Request):
    name: ShortText
    legal_form: LegalFormName
    register_number: Annotated[str, Field(max_length=40)] = ""
    register_court: Annotated[str, Field(max_length=80)] = Field(default="", description="z. B. Amtsgericht Dortmund")
    address: AddressIn
    iban: Annotated[str, Field(min_length=15, max_length=42)]


class RecordRegisterEntry(Request):
    register_court: Annotated[str, Field(min_length=1, max_length=80)]
    register_number: Annotated[str, Field(min_length=1, max_length=40)]


class AddressOut(Out):
    street: str
    postcode: str
    city: str
    country: str


class ContactPersonOut(Out):
    person_id: UUID
    name: str
    function: str
    email: str
    phone: str


class OrganisationSummary(Out):
    organisation_id: UUID
    name: str
    legal_form: str


class OrganisationList(Out):
    items: list[OrganisationSummary]
    next_cursor: str | None


class OrganisationDetail(OrganisationSummary):
    register_number: str
    register_court: str = ""
    address: AddressOut
    iban: str
    contact_persons: list[ContactPersonOut]


class PageQuery(Query):
    cursor: Annotated[str, Field(max_length=200)] | None = Field(
        default=None, description="next_cursor der vorigen Seite (undurchsichtig)"
    )
    limit: Annotated[int, Field(ge=1, le=100)] = 25


# Grants --------------------------------------------------------------------------------------------


class GrantsQuery(PageQuery):
    status: GrantStatus | None = None
    programme_id: UUID | None = None
    organisation_id: UUID | None = Field(default=None, description="für Vereinsmitglieder nur der eigene Verein")


class CostLineIn(Request):
    code: LineCode
    label: ShortText
    amount: Amount


class FinancingPlanIn(Request):
    cost_lines: Annotated[list[CostLineIn], Field(min_length=1, max_length=50)]
    own_funds: Amount
    third_party_funds: Amount
    income: Amount
    grant: Amount
    in_kind: Amount = Decimal("0")


class ApplyForGrant(Request):
    publish_purpose: bool = Field(
        default=False, description="der Antragsteller ist einverstanden, dass der Zweck veröffentlicht wird (360Giving)"
    )
    """An application with its cost and financing plan; costs must equal the funding to the cent."""

    programme_id: UUID
    organisation_id: UUID | None = Field(
        default=None, description="Pflicht für das Amt; Vereinsmitglieder beantragen für den eigenen Verein"
    )
    title: ShortText
    purpose: Text
    partner_city: Annotated[str, Field(min_length=1, max_length=80)]
    period_start: Day
    period_end: Day
    financing_type: FinancingTypeName
    plan: FinancingPlanIn
    project_id: UUID | None = None
    contact_person_id: UUID | None = None
    file_number: Annotated[str, Field(min_length=1, max_length=40)] | None = Field(
        default=None, description="nur für das Amt (Vorgabe: ein neues Aktenzeichen)"
    )
    on: Day | None = Field(default=None, description="Eingangsdatum; nur für das Amt (Vorgabe: heute)")


class Dated(Request):
    on: Day | None = Field(default=None, description="Geschäftsdatum; nur für das Amt (Vorgabe: heute)")


class RequestDocuments(Dated):
    items: Annotated[str, Field(min_length=1, max_length=2000)]
    due: Day


class ReceiveDocuments(Dated):
    note: Annotated[str, Field(max_length=2000)] = ""


class ReviewApplication(Dated):
    formal_ok: bool
    substantive_ok: bool
    notes: Text


class ApproveGrant(Dated):
    amount: Amount
    financing_type: FinancingTypeName | None = None
    rate: Fraction | None = None
    maximum: Amount | None = None
    conditions: Annotated[str, Field(max_length=4000)] = ""
    year_split: dict[Annotated[str, Field(pattern=YEAR_PATTERN)], Amount] | None = Field(
        default=None, description="Betrag je Haushaltsjahr (Vorgabe: alles im Jahr des Beginns)"
    )
    proof_due: Day | None = Field(
        default=None, description="Frist des Verwendungsnachweises (Vorgabe: nach dem Regelwerk des Programms)"
    )
    unit_rate: Amount | None = Field(
        default=None, description="Festbetrag je Einheit (z. B. 450,00 je Teilnehmenden); amount = unit_rate × units"
    )
    units: Annotated[int, Field(ge=1, le=1_000_000)] | None = Field(
        default=None, description="Zahl der bewilligten Einheiten (nur mit unit_rate)"
    )
    unit_label: Annotated[str, Field(max_length=60)] = Field(default="", description="z. B. »Teilnehmende«")
    earmark_years: Annotated[int, Field(ge=0, le=50)] | None = Field(
        default=None, description="Zweckbindungsfrist angeschaffter Gegenstände in Jahren (Vorgabe: 5)"
    )


class Decision(Dated):
    reason: Reason


class Need(Request):
    due: Day
    amount: Amount
    description: Annotated[str, Field(min_length=1, max_length=300)]


class RequestPayment(Dated):
    needs: Annotated[list[Need], Field(min_length=1, max_length=20)]
    purpose: Annotated[str, Field(min_length=1, max_length=500)]


class BookPayment(Request):
    value_date: Day


RateSource = Literal["bank_statement", "exchange_receipt", "ecb_reference", "weighted_transfers"]


class ForeignIn(Request):
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
    original: ForeignOriginal
    rate: ExchangeRate | None = Field(
        default=None, description="Einheiten je Euro; entfällt beim gewichteten Kurs der Überweisungen"
    )
    rate_date: Day | None = Field(default=None, description="Kursdatum; entfällt beim gewichteten Kurs")
    rate_source: RateSource | None = Field(
        default=None,
        description="Quelle des Kurses: Kontoauszug, Wechselbeleg, EZB-Referenzkurs oder der gewichtete Kurs der "
        "Überweisungen an den Partner (dann ohne rate und rate_date)",
    )


class TransferAbroad(Dated):
    euro: Amount = Field(description="Überwiesene Euro")
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
    received: ForeignOriginal = Field(description="Beim Partner eingegangen, in seiner Währung")
    value_date: Day
    recipient: ShortText


class ReportExpense(Request):
    """A receipt: the euro ``amount``, or the ``foreign`` amount with rate and rate date (exactly one)."""

    budget_line: LineCode
    paid_on: Day
    payee: ShortText
    purpose: Annotated[str, Field(min_length=1, max_length=500)]
    receipt_reference: Annotated[str, Field(min_length=1, max_length=60)]
    amount: Amount | None = None
    foreign: ForeignIn | None = None

    @model_validator(mode="after")
    def _one_amount(self) -> ReportExpense:
        if (self.amount is None) == (self.foreign is None):
            raise PydanticCustomError("amount_or_foreign", "Entweder amount oder foreign angeben, nicht beides")
        return self


class ReverseExpense(Request):
    reason: Reason


class InterimProof(Dated):
    fiscal_year: Annotated[int, Field(ge=2000, le=2100)]
    report: Annotated[str, Field(min_length=1, max_length=20000)]


class EarlyStart(Dated):
    start_on: Day = Field(description="Ab diesem Tag darf das Vorhaben beginnen; Ausgaben zählen ab dann")
    reason: Reason


class RecordItem(Dated):
    description: Annotated[str, Field(min_length=1, max_length=300)]
    acquired_on: Day
    value: Amount = Field(description="Anschaffungswert in Euro; erfasst wird ab der Wertgrenze (Einstellung)")
    expense_id: UUID | None = Field(default=None, description="Der Beleg, mit dem der Gegenstand bezahlt wurde")


class RecordDisposal(Dated):
    disposed_on: Day
    how: Reason = Field(description="Verkauft, verschenkt, verschrottet, verloren – und an wen oder warum")


class PurposeFulfilled(Dated):
    fulfilled_on: Day = Field(description="Der Tag, an dem der Zuwendungszweck erfüllt war (nicht in der Zukunft).")


UnitCount = Annotated[int, Field(ge=0, le=1_000_000)]


class SubmitProofOfUse(Dated):
    report: Annotated[str, Field(min_length=1, max_length=20000)]
    own_funds: Amount
    third_party_funds: Amount
    income: Amount
    units_delivered: UnitCount | None = Field(
        default=None, description="Festbetrag je Einheit: wie viele Einheiten erbracht wurden (dort Pflicht)"
    )


class SubmitSimpleProofOfUse(SubmitProofOfUse):
    actual_costs: dict[LineCode, Amount] = Field(
        description="Einfacher Verwendungsnachweis: Kosten je Kostenposition als Summe, ohne Belege"
    )


class ReviewProofOfUse(Dated):
    recognised_costs: dict[LineCode, Amount] = Field(
        default_factory=dict, description="anerkannt je Kostenposition (Vorgabe: wie nachgewiesen)"
    )
    cut_reasons: dict[LineCode, Reason] = Field(default_factory=dict, description="Begründung je Kürzung")
    notes: Text
    own_funds: Amount | None = None
    third_party_funds: Amount | None = None
    income: Amount | None = None
    condition_occurred_on: Day | None = Field(
        default=None,
        description="Tag, an dem die auflösende Bedingung eintrat (Kosten gesunken, Mittel hinzugekommen); "
        "eine Rückforderung aus dem Schlussbetrag entsteht dann",
    )
    recognised_units: UnitCount | None = Field(
        default=None, description="Festbetrag je Einheit: anerkannte Einheiten (Vorgabe: wie nachgewiesen)"
    )


class ProposeRevocation(Dated):
    remaining_amount: Amount = Field(description="verbleibender Betrag (0 für einen vollständigen Widerruf)")
    effective_on: Day = Field(description="wirksam ab (Zinsen je Auszahlung ab diesem Tag, frühestens ab Wertstellung)")
    facts_known_on: Day = Field(description="Tatsachen bekannt seit (Jahresfrist, § 48 Abs. 4, § 49 Abs. 3 VwVfG NRW)")
    heard_on: Day = Field(description="Anhörung des Vereins (§ 28 VwVfG NRW)")
    reason: Reason


class DecideRevocation(Dated):
    approve: bool = Field(description="true: widerrufen wie vorbereitet; false: nicht widerrufen")
    reason: Reason


class DecideIdleInterest(Dated):
    amount: Amount = Field(description="geforderte Zinsen, höchstens die berechneten; 0 für keine")
    reason: Reason


class IdleInterestQuery(Request):
    on: Day | None = Field(default=None, description="Stichtag (Vorgabe: heute)")


class IdleStretchOut(Out):
    paid_on: date = Field(description="Wertstellung der Auszahlung")
    amount: Euro
    used_on: date | None = Field(description="verwendet am (leer: noch nicht verwendet)")
    horizon_end: date = Field(description="Ende der Abruffrist")
    interest_from: date
    interest_until: date
    interest: Euro


class IdleInterestOut(Out):
    grant_id: UUID
    on: date
    drawdown_horizon: str | None = Field(
        description="Abruffrist des Regelwerks (ISO 8601, z. B. P2M); leer ohne Bescheid"
    )
    interest: Euro = Field(description="berechnete Zinsen nach § 49a Abs. 4 VwVfG NRW")
    provisional: bool
    decided_until: date | None = Field(description="bereits entschieden bis (spätere Vorschläge zählen ab dann)")
    stretches: list[IdleStretchOut]


class ProposeRelief(Dated):
    kind: Literal["deferral", "write_off", "waiver", "interest_waiver"] = Field(
        description="Stundung, Niederschlagung, Erlass oder Zinsverzicht (§ 49a Abs. 3 Satz 2 VwVfG NRW)"
    )
    until: Day | None = Field(
        default=None, description="Stundung: bis wann; Zinsverzicht: die gesetzte Rückzahlungsfrist"
    )
    amount: Amount | None = Field(default=None, description="nur Erlass: Teilbetrag (leer: alles)")
    reason: Reason


class DecideRelief(Dated):
    approve: bool
    reason: Reason


class ReceiveRepayment(Request):
    amount: Amount
    value_date: Day


class AmountsOut(Out):
    applied: Euro
    approved: Euro
    requested: Euro = Field(description="abgerufen, noch nicht ausgezahlt")
    paid: Euro
    open_amount: Euro = Field(description="bewilligt, noch nicht abgerufen")
    final_amount: Euro | None
    claimed: Euro
    repaid: Euro
    open_claims: Euro


class NextDeadlineOut(Out):
    due: date
    kind: Literal["documents", "interim", "final"]
    kind_german: str
    text: str
    overdue: bool


class GrantSummary(Out):
    grant_id: UUID
    file_number: str
    title: str
    programme_id: UUID
    programme_code: str
    organisation_id: UUID
    organisation_name: str
    project_id: UUID | None
    partner_city: str
    financing_type: FinancingTypeName
    status: GrantStatus
    status_german: str
    applied_on: date
    period_start: date
    period_end: date
    decided_on: date | None
    last_activity: date
    amendment_pending: bool
    amounts: AmountsOut
    next_deadline: NextDeadlineOut | None


class GrantPage(Out):
    items: list[GrantSummary]
    next_cursor: str | None = Field(description="für die nächste Seite als ?cursor=…; null auf der letzten")


class CostLineOut(Out):
    code: str
    label: str
    amount: Euro


class FinancingPlanOut(Out):
    cost_lines: list[CostLineOut]
    total_costs: Euro
    own_funds: Euro
    third_party_funds: Euro
    income: Euro
    grant: Euro
    in_kind: Euro


class TermsOut(Out):
    amount: Euro
    financing_type: FinancingTypeName
    rate: DecimalText | None
    maximum: Euro | None
    period_start: date
    period_end: date
    conditions: str
    proof_due: date
    year_split: dict[str, Euro]
    plan: FinancingPlanOut
    rule_set: RuleSetOut
    earmark_years: int = Field(default=5, description="Zweckbindungsfrist angeschaffter Gegenstände in Jahren")
    unit_rate: Euro | None = Field(default=None, description="Festbetrag je Einheit")
    units: int | None = Field(default=None, description="bewilligte Einheiten (Festbetrag je Einheit)")
    unit_label: str = ""


class DeadlineOut(Out):
    key: str
    kind: Literal["interim", "final"]
    fiscal_year: int | None
    due: date
    done_on: date | None
    overdue: bool


class TimelineEntryOut(Out):
    position: int
    business_date: date
    recorded_at: datetime
    who: str
    role: str
    role_german: str
    what: str
    what_shown: str = Field(
        default="",
        description="Der Schritt in der Sprache, um die die Anfrage bittet (Accept-Language: en); what bleibt deutsch",
    )
    why: str
    message: str = Field(default="", description="Die Nachricht des Amts an den Verein zu diesem Schritt")
    note: str = Field(default="", description="Der interne Vermerk (nur für das Amt; für Vereine immer leer)")


class TimelineOut(Out):
    items: list[TimelineEntryOut]


class NeedOut(Out):
    due: date
    amount: Euro
    description: str


class PaymentOut(Out):
    payment_id: UUID
    grant_id: UUID
    amount: Euro
    returned: Euro
    status: Literal["requested", "certified", "released", "booked", "cancelled"]
    status_german: str
    purpose: str
    needs: list[NeedOut]
    requested_on: date
    certified_on: date | None
    released_on: date | None
    value_date: date | None
    cancellation_reason: str | None


class PaymentList(Out):
    items: list[PaymentOut]


class ForeignOut(Out):
    currency: str
    original: DecimalText
    rate: DecimalText
    rate_date: date
    rate_source: str = Field(default="", description="Quelle des Kurses (leer: vor dieser Angabe erfasst)")
    rate_warning: str | None = Field(
        default=None, description="Hinweis, wenn das Kursdatum weit vom Zahltag entfernt ist (Einstellung)"
    )


class TransferOut(Out):
    transfer_id: UUID
    euro: Euro
    currency: str
    received: DecimalText
    value_date: date
    recipient: str


class ExpenseOut(Out):
    expense_id: UUID
    grant_id: UUID
    budget_line: str
    paid_on: date
    payee: str
    purpose: str
    receipt_reference: str
    amount: Euro = Field(description="Euro-Betrag (bei Fremdwährung umgerechnet, kaufmännisch gerundet)")
    foreign: ForeignOut | None
    reversed: bool
    reversal_reason: str | None


class ItemOut(Out):
    item_id: UUID
    description: str
    acquired_on: date
    value: Euro
    earmarked_until: date = Field(description="Ende der Zweckbindungsfrist (Jahre laut Bescheid ab Anschaffung)")
    disposed_on: date | None
    disposal: str
    within_earmark: bool = Field(description="Abgang vor Ablauf der Zweckbindung: ein Grund zum Widerruf")


class ExpenseList(Out):
    items: list[ExpenseOut]
    spent_per_line: dict[str, Euro]


class TrancheOut(Out):
    interest_from: date
    amount: Euro


class PendingReliefOut(Out):
    kind: str
    until: date | None
    amount: Euro | None
    reason: str


class ClaimOut(Out):
    claim_id: UUID
    grant_id: UUID
    organisation_id: UUID
    cause: Literal["final_amount", "revocation", "idle_interest"]
    status: str
    principal: Euro
    outstanding: Euro
    interest_paid: Euro
    interest_due: Euro = Field(description="Zinsen bis heute")
    interest_provisional: bool = Field(
        description="die Zinsen enthalten Tage eines Halbjahrs, für das noch kein Basiszinssatz erfasst ist"
    )
    legal_basis: str | None = Field(description="Rechtsgrundlage der Verzinsung (VwVfG NRW: 3, VwVfG (Bund): 5 Punkte)")
    interest_margin: DecimalText = Field(description="Zinsaufschlag heute, Prozentpunkte über dem Basiszinssatz")
    amount_due: Euro = Field(description="heute insgesamt offen")
    arose_on: date
    deferred_until: date | None
    written_off_on: date | None = Field(description="niedergeschlagen am (bleibt offen, Zahlungen werden angenommen)")
    waived: Euro = Field(description="erlassen (Teilerlass)")
    bears_interest: bool = Field(description="false bei Zinsforderungen (keine Zinsen auf Zinsen)")
    tranches: list[TrancheOut] = Field(description="offene Hauptforderung je Zinsbeginn")
    pending_relief: PendingReliefOut | None


class DocumentRequestOut(Out):
    request_id: UUID
    grant_id: UUID
    items: str
    due: date


class RevocationOut(Out):
    state: Literal["prepared", "decided"]
    remaining_amount: Euro | None
    effective_on: date | None
    facts_known_on: date | None = Field(description="Tatsachen bekannt seit")
    heard_on: date | None = Field(description="Anhörung (§ 28 VwVfG NRW)")
    limit_ends_on: date | None = Field(description="Ende der Jahresfrist (§ 48 Abs. 4, § 49 Abs. 3 VwVfG NRW)")


class GrantDetail(GrantSummary):
    purpose: str
    publish_purpose: bool = Field(default=False, description="der Zweck darf veröffentlicht werden (Einverständnis)")
    plan: FinancingPlanOut
    terms: TermsOut | None
    deadlines: list[DeadlineOut]
    purpose_fulfilled_on: date | None = Field(
        default=None,
        description="Wann der Zuwendungszweck erfüllt war (der Verwendungsnachweis folgt in sechs Monaten).",
    )
    open_document_requests: list[UUID]
    payments: list[PaymentOut]
    claims: list[ClaimOut]
    timeline: list[TimelineEntryOut]
    over_plan_total: Euro | None = Field(
        default=None,
        description="Schlussfestsetzung: Kosten über der Plansumme, nicht zuwendungsfähig (der Plan bindet als Ganzes)",
    )
    condition_occurred_on: date | None = Field(
        default=None, description="Prüfvermerk: Tag, an dem die auflösende Bedingung eintrat"
    )
    revocation: RevocationOut | None = Field(
        default=None, description="Widerruf: vorbereitet (nur für das Amt) oder entschieden, mit Fristen"
    )
    idle_interest_charged: Euro | None = Field(
        default=None, description="festgesetzte Zinsen für nicht alsbald verwendete Mittel (§ 49a Abs. 4 VwVfG NRW)"
    )
    items: list[ItemOut] = Field(default_factory=list, description="Gegenstände über der Wertgrenze")
    transfers_abroad: list[TransferOut] = Field(default_factory=list, description="Überweisungen an den Partner")
    weighted_rates: dict[str, DecimalText] = Field(
        default_factory=dict, description="Gewichteter Kurs der Überweisungen je Währung (Einheiten je Euro)"
    )
    eligible_from: date | None = Field(
        default=None,
        description="Erster Tag zuwendungsfähiger Ausgaben: Antragseingang oder genehmigter vorzeitiger Maßnahmebeginn",
    )
    early_start_on: date | None = Field(default=None, description="Genehmigter vorzeitiger Maßnahmebeginn")
    before_start: Euro | None = Field(
        default=None, description="Belege vor dem Maßnahmebeginn, im Verwendungsnachweis nicht zuwendungsfähig"
    )
    unit_shortfall: Euro | None = Field(
        default=None,
        description="Schlussfestsetzung eines Festbetrags je Einheit: nicht erbrachte Einheiten × Betrag je Einheit",
    )


# Work queue ----------------------------------------------------------------------------------------

QueueName = Literal[
    "review",
    "approve",
    "amendment",
    "certify",
    "release",
    "book",
    "proof",
    "determine",
    "relief",
    "revocation",
    "claim",
]


class WorkItemOut(Out):
    queue: QueueName
    queue_german: str
    item_id: UUID
    grant_id: UUID
    file_number: str
    title: str
    organisation_name: str
    amount: Euro
    since: date
    detail: str


class WorkQueueOut(Out):
    items: list[WorkItemOut]


class WorkQueueQuery(Query):
    queue: QueueName | None = None


# Payment runs and bank statements ----------------------------------------------------------------


class PayableQuery(Query):
    status: Literal["certified", "released"] = Field(
        default="certified", description="certified: wartet auf Freigabe; released: freigegeben, in keinem Lauf"
    )


class PayableOut(Out):
    payment_id: UUID
    grant_id: UUID
    file_number: str
    payee: str
    iban: str
    bic: str
    amount: Euro
    due_on: date | None
    purpose_line: str = Field(description="Verwendungszweck: Aktenzeichen und Kurzzweck (höchstens 140 Zeichen)")
    posting: str = Field(description="Produkt / Sachkonto / Kostenstelle des Haushaltsjahres")
    certified_by: str
    end_to_end_id: str
    status: Literal["certified", "released"]


class PayableList(Out):
    items: list[PayableOut]


class ReleaseTogether(Request):
    payment_ids: Annotated[list[UUID], Field(min_length=1, max_length=500)]
    execution_date: Day | None = Field(default=None, description="Ausführungsdatum (Vorgabe: nächster Bankarbeitstag)")


class RunPaymentOut(Out):
    payment_id: UUID
    grant_id: UUID
    end_to_end_id: str
    file_number: str
    payee: str
    iban: str
    bic: str
    amount: Euro
    purpose: str


class RefusalOut(Out):
    payment_id: UUID
    file_number: str
    reason: str


class RunSummaryOut(Out):
    run_id: UUID
    execution_date: date
    count: int
    total: Euro
    file_name: str
    sha256: str


class RunList(Out):
    items: list[RunSummaryOut]


class RunOut(Out):
    run_id: UUID
    execution_date: date
    file_name: str
    sha256: str
    message_id: str
    total: Euro
    payments: list[RunPaymentOut]
    refused: list[RefusalOut] = Field(default_factory=list, description="nur in der Antwort auf die Freigabe")


class ImportStatement(Request):
    file_name: Annotated[str, Field(max_length=200)] = ""
    content_base64: Annotated[str, Field(min_length=4, max_length=990_000)] = Field(
        description="die camt.053-Datei, Base64-kodiert"
    )


class StatementLineOut(Out):
    statement_id: UUID
    index: int
    outcome: Literal["booked", "already_booked", "returned", "repayment", "unmatched", "amount_differs", "refused"]
    amount: Euro
    value_date: date | None
    end_to_end_id: str
    reason: str = Field(description="Rückgabegrund (ISO-Code) oder warum nicht gebucht wurde")
    file_number: str
    grant_id: UUID | None
    remittance: str
    counterparty: str


class StatementOut(Out):
    statement_id: UUID = Field(description="Id des eingelesenen Auszugs (aus dem SHA-256 der Datei)")
    bank_statement_id: str
    duplicate: bool = Field(description="schon eingelesen: nichts wurde geändert")
    booked: list[StatementLineOut]
    open: list[StatementLineOut]


class StatementLineList(Out):
    items: list[StatementLineOut]


class SetLineAside(Request):
    reason: Reason
