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
from domain.messages import N_

BY_STATUS = {
    APPLIED: (N_("Antrag prüfen"), N_("Sachbearbeitung")),
    DOCUMENTS_REQUESTED: (N_("Angeforderte Unterlagen nachreichen"), "Verein"),
    REVIEWED: (N_("Über den Antrag entscheiden"), N_("Zeichnungsbefugte")),
    PROOF_SUBMITTED: (N_("Verwendungsnachweis prüfen"), N_("Sachbearbeitung")),
    PROOF_REVIEWED: (N_("Schlussbetrag festsetzen"), N_("Zeichnungsbefugte")),
}
BY_PAYMENT = {
    REQUESTED: (N_("Abruf sachlich und rechnerisch feststellen"), N_("Sachbearbeitung")),
    CERTIFIED: (N_("Zahlung freigeben"), N_("Zeichnungsbefugte oder Kämmerei (nicht, wer festgestellt hat)")),
    RELEASED: (N_("Auszahlung buchen"), N_("Stadtkasse")),
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
            return (N_("Geld abrufen, Ausgaben melden, Verwendungsnachweis einreichen"), "Verein")
        return (N_("Offene Rückforderungen begleichen, dann abschließen"), N_("Verein und Kämmerei"))
    return None
