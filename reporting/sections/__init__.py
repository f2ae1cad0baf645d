"""The reports page's sections, in page order (docs/reports.md says how to add one)."""

from __future__ import annotations

from reporting.report import Section
from reporting.sections.backlog import BACKLOG
from reporting.sections.complaints import COMPLAINTS
from reporting.sections.deflection import DEFLECTION
from reporting.sections.praise import PRAISE
from reporting.sections.promises import PROMISES
from reporting.sections.satisfaction import SATISFACTION
from reporting.sections.times import TIMES
from reporting.sections.volume import VOLUME

SECTIONS: list[Section] = [VOLUME, BACKLOG, TIMES, PROMISES, SATISFACTION, COMPLAINTS, PRAISE, DEFLECTION]


def section_for(figure_key: str) -> Section | None:
    """The section that draws the figure ``figure_key`` (its key starts with the section's)."""
    return next((s for s in SECTIONS if figure_key == s.key or figure_key.startswith(f"{s.key}-")), None)
