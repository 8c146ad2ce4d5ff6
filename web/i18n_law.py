"""English for the texts of grant law in the money: interest, base rates, claims, deadlines, the cash office.

Joined into ``web.i18n.ENGLISH`` like the pages' catalogue.
"""

from __future__ import annotations

LAW_ENGLISH: dict[str, str] = {
    "Aufschlag": "Margin",
    "Basiszinssatz": "Base rate",
    "Basiszinssatz erfassen": "Record base rate",
    "Basiszinssatz pflegen": "Keep the base rate current",
    "Basiszinssätze": "Base rates",
    "Basiszinssätze und Zinsaufschläge": "Base rates and interest margins",
    "Ein Satz gilt ab seinem Datum bis zum nächsten": "A rate applies from its date until the next one",
    "Erfasste Basiszinssätze": "Recorded base rates",
    "Für das laufende Halbjahr ist noch kein Basiszinssatz erfasst": (
        "No base rate has been recorded for the current half year"
    ),
    "Gültig ab": "Valid from",
    "Prozentpunkte über dem Basiszinssatz": "percentage points above the base rate",
    "Prozentpunkte über dem Basiszinssatz, ab dem genannten Tag": (
        "Percentage points above the base rate, from the day given"
    ),
    "Rechtsgrundlage": "Legal basis",
    "Rückforderungen mit Zinsen über dem Basiszinssatz nach der Rechtsgrundlage des Bescheids "
    "(§ 49a Abs. 3 VwVfG NRW: 3 Prozentpunkte)": (
        "Repayment claims with interest above the base rate by the notice's legal basis "
        "(§ 49a (3) VwVfG NRW: 3 percentage points)"
    ),
    "Rückforderungen werden je Tag mit dem Basiszinssatz (§ 247 BGB) zuzüglich des Zinsaufschlags ihrer "
    "Rechtsgrundlage verzinst (§ 49a Abs. 3 VwVfG NRW: 3 Prozentpunkte).": (
        "Repayment claims bear interest per day at the base rate (§ 247 BGB) plus the margin of their legal basis "
        "(§ 49a (3) VwVfG NRW: 3 percentage points)."
    ),
    "Verzinsung von Rückforderungen": "Interest on repayment claims",
    "Zinsaufschläge nach Rechtsgrundlage": "Interest margins by legal basis",
    "Zinsen für Tage ab dann sind vorläufig.": "Interest for days from then on is provisional.",
    "ab": "from",
    "fester Aufschlag": "fixed margin",
    "vorläufig": "provisional",
    "Neuen Basiszinssatz erfassen": "Record a new base rate",
    "Basiszinssatz berichtigen": "Correct a base rate",
    "Berichtigen": "Correct",
    "Geänderten Zinsaufschlag erfassen": "Record a changed interest margin",
    "Zinsaufschlag erfassen": "Record interest margin",
    "Quelle": "Source",
    "Prozentpunkte": "percentage points",
    "Der Finanzierungsplan bindet als Ganzes: anerkannt wird höchstens die Plansumme.": (
        "The financing plan binds as a whole: at most its total is recognised."
    ),
    "Über der Plansumme, nicht zuwendungsfähig": "Above the plan's total, not eligible",
}
