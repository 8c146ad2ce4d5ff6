"""Every read model the application keeps, by name."""

from __future__ import annotations

from projections.engine import ReadModel
from projections.register import Register


def all_read_models() -> list[ReadModel]:
    return [Register()]
