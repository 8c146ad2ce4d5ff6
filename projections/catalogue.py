"""Every read model the application keeps, by name."""

from __future__ import annotations

from projections.accessibility import AccessibilityCases
from projections.case_file import CaseFile
from projections.directory import Directory
from projections.engine import ReadModel
from projections.grant_files import GrantFiles
from projections.grant_law import GrantLaw
from projections.grant_overview import GrantOverview
from projections.journal import Journal
from projections.notifications import Notifications
from projections.payment_runs import PaymentRuns
from projections.portfolio import Portfolio
from projections.programme_balances import ProgrammeBalances
from projections.project_spending import ProjectSpending
from projections.register import Register
from projections.seal import KeySource, Seal
from projections.timeline import Timeline
from projections.users import AccountRequests, UserDirectory
from projections.work_queues import WorkQueues


def all_read_models(seal_key: KeySource) -> list[ReadModel]:
    """Every read model; the seal with the key it seals under (kept outside the database)."""
    return [
        Register(),
        ProgrammeBalances(),
        GrantOverview(),
        WorkQueues(),
        Portfolio(),
        Timeline(),
        ProjectSpending(),
        Journal(),
        GrantFiles(),
        GrantLaw(),
        Notifications(),
        CaseFile(),
        PaymentRuns(),
        UserDirectory(),
        AccountRequests(),
        AccessibilityCases(),
        Directory(),
        Seal(seal_key),
    ]
