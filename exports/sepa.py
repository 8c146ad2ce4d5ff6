"""SEPA files: the credit-transfer file of a payment run (pain.001) and bank statements (camt.053).

``credit_transfer`` writes the released payments of a run as a SEPA credit transfer initiation in
``pain.001.001.09`` — the version German banks take since the ISO 20022 migration of November 2025 —
with ``sepaxml``, which checks the file against the schema it ships before returning it: one
transaction per payment, each with its own end-to-end id (``domain.payment_run.end_to_end_id``), the
payee's name, IBAN and BIC (from the IBAN's bank code where the record has no BIC), the amount in
euro and the purpose line (file number and short purpose). The debtor is the city's account, a
``Debtor`` the composition root makes from the settings ``FOERDERBUCH_SEPA_DEBTOR_NAME``, ``_IBAN`` and
``_BIC`` (``debtor`` checks them with schwifty; a missing or invalid account is a ``DebtorError`` with a
German message that names the setting).

``read_statement`` reads a camt.053 bank-to-customer statement (any ``camt.053.001.*`` version): the
statement id, and per entry the amount, credit or debit, value date, booking status, end-to-end id,
the return reason code of a returned transfer and the unstructured remittance text. Untrusted XML is
parsed by lxml without network access and without resolving entities.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from lxml import etree
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException
from sepaxml import SepaTransfer

from domain.money import Money

SCHEMA = "pain.001.001.09"
DEBTOR_SETTINGS = "FOERDERBUCH_SEPA_DEBTOR_NAME, FOERDERBUCH_SEPA_DEBTOR_IBAN und FOERDERBUCH_SEPA_DEBTOR_BIC"


class DebtorError(ValueError):
    """The city's account for credit transfers is missing or invalid (German message naming the setting)."""


@dataclass(frozen=True)
class Debtor:
    """The account the city pays from: account holder's name, IBAN and BIC, as checked by ``debtor``."""

    name: str
    iban: str
    bic: str


def debtor(name: str, iban: str, bic: str) -> Debtor | None:
    """The city's account from its three settings, checked with schwifty; None if none of them is set.

    The BIC may be left empty where schwifty knows it from the IBAN's bank code. Raises ``DebtorError``
    when only some are set, or the IBAN or BIC is invalid.
    """
    name, iban, bic = (name or "").strip(), (iban or "").strip(), (bic or "").strip()
    if not (name or iban or bic):
        return None
    if not name:
        raise DebtorError("FOERDERBUCH_SEPA_DEBTOR_NAME fehlt: der Name des Kontoinhabers (z. B. Stadt Dortmund).")
    if len(name) > 70:
        raise DebtorError("FOERDERBUCH_SEPA_DEBTOR_NAME: höchstens 70 Zeichen (SEPA).")
    if not iban:
        raise DebtorError("FOERDERBUCH_SEPA_DEBTOR_IBAN fehlt: die IBAN des Kontos der Stadt.")
    try:
        account = IBAN(iban)
    except SchwiftyException as error:
        raise DebtorError(f"FOERDERBUCH_SEPA_DEBTOR_IBAN »{iban}« ist keine gültige IBAN ({error}).") from None
    if not bic:
        derived = _bic_of(account)
        if derived is None:
            raise DebtorError(
                "FOERDERBUCH_SEPA_DEBTOR_BIC fehlt und lässt sich aus der IBAN nicht ableiten: bitte den BIC angeben."
            )
        return Debtor(name, str(account.compact), derived)
    try:
        code = BIC(bic)
    except SchwiftyException as error:
        raise DebtorError(f"FOERDERBUCH_SEPA_DEBTOR_BIC »{bic}« ist kein gültiger BIC ({error}).") from None
    if code.country_code != account.country_code:
        raise DebtorError(
            f"FOERDERBUCH_SEPA_DEBTOR_BIC »{bic}« gehört nicht zum Land der IBAN ({account.country_code})."
        )
    return Debtor(name, str(account.compact), str(code.compact))


def require_payer(payer: Debtor | None) -> Debtor:
    """The city's account, or ``DebtorError`` saying which settings to set."""
    if payer is None:
        raise DebtorError(
            f"Für SEPA-Dateien fehlt die Bankverbindung der Stadt: bitte {DEBTOR_SETTINGS} setzen (siehe README)."
        )
    return payer


def _bic_of(account: IBAN) -> str | None:
    try:
        bic = account.bic
    except SchwiftyException:
        return None
    return str(bic) if bic else None


@dataclass(frozen=True)
class Transfer:
    """One payment as the bank file carries it."""

    end_to_end_id: str
    name: str
    iban: str
    amount: Money
    purpose: str

    @property
    def bic(self) -> str | None:
        try:
            return _bic_of(IBAN(self.iban))
        except SchwiftyException:
            return None


def credit_transfer(transfers: list[Transfer], execution_date: date, message_id: str, payer: Debtor | None) -> str:
    """The pain.001 file of these transfers from ``payer``'s account (validated against the schema).

    Raises ``DebtorError`` without a payer, ValueError without transfers."""
    payer = require_payer(payer)
    if not transfers:
        raise ValueError("no transfers")
    account = {"name": payer.name, "IBAN": payer.iban, "BIC": payer.bic}
    sepa = SepaTransfer({**account, "batch": True, "currency": "EUR"}, schema=SCHEMA)
    sepa.msg_id = message_id[:35]
    for transfer in transfers:
        payment: dict[str, Any] = {
            "name": transfer.name,
            "IBAN": transfer.iban.replace(" ", ""),
            "amount": int((transfer.amount.amount * 100).to_integral_value()),
            "execution_date": execution_date,
            "description": transfer.purpose,
            "endtoend_id": transfer.end_to_end_id,
        }
        bic = transfer.bic
        if bic:
            payment["BIC"] = bic
        sepa.add_payment(payment)
    exported = bytes(sepa.export(validate=True))
    return str(exported, "utf-8")


@dataclass(frozen=True)
class StatementEntry:
    """One entry of a bank statement."""

    index: int
    amount: Money
    credit: bool  # money coming in (a repayment, a returned transfer) or going out (a transfer)
    value_date: date | None
    booked: bool
    end_to_end_id: str
    return_reason: str  # the ISO return reason code of a returned transfer (e.g. AC04), else ""
    remittance: str
    counterparty: str


@dataclass(frozen=True)
class Statement:
    statement_id: str
    account_iban: str
    entries: tuple[StatementEntry, ...]


class StatementError(ValueError):
    """A file that is not a camt.053 statement this reader understands (German message)."""


def _local(element: Any) -> str:
    return str(etree.QName(element).localname)


def _find(element: Any, *path: str) -> Any:
    current = element
    for name in path:
        if current is None:
            return None
        current = next((child for child in current if _local(child) == name), None)
    return current


def _text(element: Any, *path: str) -> str:
    found = _find(element, *path)
    return (found.text or "").strip() if found is not None else ""


def _date(element: Any, *path: str) -> date | None:
    found = _find(element, *path)
    if found is None:
        return None
    text = _text(found, "Dt") or _text(found, "DtTm")[:10]
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def read_statement(content: bytes) -> Statement:
    """Reads a camt.053 statement; ``StatementError`` with a German message if it is none."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(content, parser)
    except etree.XMLSyntaxError:
        raise StatementError("Die Datei ist kein lesbares XML.") from None
    namespace = etree.QName(root).namespace or ""
    if "camt.053" not in namespace:
        raise StatementError("Die Datei ist kein Kontoauszug im Format camt.053.")
    document = _find(root, "BkToCstmrStmt")
    statement = _find(document, "Stmt")
    if statement is None:
        raise StatementError("Der Kontoauszug enthält keinen Auszug (Stmt).")
    entries = []
    index = 0
    for entry in (child for child in statement if _local(child) == "Ntry"):
        amount_text = _text(entry, "Amt")
        try:
            amount = Money(Decimal(amount_text))
        except Exception:
            raise StatementError(f"Der Betrag »{amount_text}« eines Postens ist keine Zahl.") from None
        credit = _text(entry, "CdtDbtInd") == "CRDT"
        booked = _text(entry, "Sts") in ("BOOK", "") or _text(entry, "Sts", "Cd") == "BOOK"
        value_date = _date(entry, "ValDt") or _date(entry, "BookgDt")
        details = _find(entry, "NtryDtls")
        transactions = [t for t in details if _local(t) == "TxDtls"] if details is not None else []
        for transaction in transactions or [None]:
            index += 1
            tx_amount = amount
            if transaction is not None and _text(transaction, "Amt"):
                try:
                    tx_amount = Money(Decimal(_text(transaction, "Amt")))
                except Exception:
                    tx_amount = amount
            end_to_end = _text(transaction, "Refs", "EndToEndId") if transaction is not None else ""
            reason = _text(transaction, "RtrInf", "Rsn", "Cd") if transaction is not None else ""
            information = _find(transaction, "RmtInf") if transaction is not None else None
            texts = (
                [(u.text or "").strip() for u in information if _local(u) == "Ustrd"] if information is not None else []
            )
            remittance = " ".join(texts) or _text(entry, "AddtlNtryInf")
            party = _find(transaction, "RltdPties") if transaction is not None else None
            counterparty = (_text(party, "Dbtr", "Nm") or _text(party, "Dbtr", "Pty", "Nm")) if credit else ""
            if not credit:
                counterparty = _text(party, "Cdtr", "Nm") or _text(party, "Cdtr", "Pty", "Nm")
            entries.append(
                StatementEntry(
                    index=index,
                    amount=tx_amount,
                    credit=credit,
                    value_date=value_date,
                    booked=booked,
                    end_to_end_id="" if end_to_end == "NOTPROVIDED" else end_to_end,
                    return_reason=reason,
                    remittance=remittance,
                    counterparty=counterparty,
                )
            )
    return Statement(
        statement_id=_text(statement, "Id"),
        account_iban=_text(statement, "Acct", "Id", "IBAN"),
        entries=tuple(entries),
    )


def message_id(now: datetime, run_number: str) -> str:
    """A message id for a pain.001 file: unique per run, 35 characters at most."""
    return f"FB-{now:%Y%m%d%H%M%S}-{run_number}"[:35]
