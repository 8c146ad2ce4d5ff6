"""What happens next on a grant, and who takes it — shown on the grant page when the person looking has
nothing to do there themselves, so nobody wonders whether the file is stuck."""

from __future__ import annotations

from domain.grant import (
    APPLIED,
    APPROVED,
    CERTIFIED,
    DETERMINED,
    DOCUMENTS_REQUESTED,
    PROOF_REVIEWED,
    PROOF_SUBMITTED,
    RELEASED,
    REQUESTED,
    REVIEWED,
    Grant,
)

BY_STATUS = {
    APPLIED: ("Antrag prüfen", "Sachbearbeitung"),
    DOCUMENTS_REQUESTED: ("Angeforderte Unterlagen nachreichen", "Verein"),
    REVIEWED: ("Über den Antrag entscheiden", "Zeichnungsbefugte"),
    PROOF_SUBMITTED: ("Verwendungsnachweis prüfen", "Sachbearbeitung"),
    PROOF_REVIEWED: ("Schlussbetrag festsetzen", "Zeichnungsbefugte"),
}
BY_PAYMENT = {
    REQUESTED: ("Abruf sachlich und rechnerisch feststellen", "Sachbearbeitung"),
    CERTIFIED: ("Zahlung freigeben", "Zeichnungsbefugte oder Kämmerei (nicht, wer festgestellt hat)"),
    RELEASED: ("Auszahlung buchen", "Stadtkasse"),
}


def next_step(grant: Grant) -> tuple[str, str] | None:
    """(what happens next, who does it), or None when nothing is left to do on the grant."""
    if grant.status in BY_STATUS:
        return BY_STATUS[grant.status]
    if grant.status in (APPROVED, DETERMINED):
        for status in (RELEASED, CERTIFIED, REQUESTED):
            if any(p["status"] == status for p in grant.payments.values()):
                return BY_PAYMENT[status]
        if grant.status == APPROVED:
            return ("Geld abrufen, Ausgaben melden, Verwendungsnachweis einreichen", "Verein")
        return ("Offene Rückforderungen begleichen, dann abschließen", "Verein und Kämmerei")
    return None
