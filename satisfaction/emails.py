"""The survey email's own context: the question and one link per answer (satisfaction/links.py).

``tickets.emails`` builds every outbox email; this app registers its template and context there
at start-up (``SatisfactionConfig.ready``), so the ticket app never imports this one.
"""

from __future__ import annotations

from typing import Any

from satisfaction.links import rate_url
from satisfaction.models import LABELS, Survey
from tickets.emails import register_email
from tickets.models import OutboundEmail


def survey_context(email: OutboundEmail) -> dict[str, Any]:
    survey_id = email.context.get("survey_id")
    survey = Survey.objects.filter(pk=survey_id).first() if isinstance(survey_id, int) else None
    if survey is None:
        raise ValueError(f"Survey email {email.key} has no survey")
    answers = sorted(LABELS[survey.scale].items(), reverse=True)  # best first
    return {
        "survey": survey,
        "five_point": survey.scale == 5,
        "answers": [(label, rate_url(survey.pk, value)) for value, label in answers],
    }


def register() -> None:
    register_email(OutboundEmail.Kind.SURVEY, "emails/survey", survey_context)
