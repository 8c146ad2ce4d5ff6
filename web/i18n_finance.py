"""English for the finance pages: payment runs, bank statements, downloads, the SDG report."""

from __future__ import annotations

FINANCE_ENGLISH: dict[str, str] = {
    "Gesamtsumme über alle Jahre": "Grand total over all years",
    "Sonst nur Summen je Haushaltsjahr.": "Otherwise only totals per fiscal year.",
}
