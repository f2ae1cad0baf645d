"""Useful shared canned responses for each kind of ticket, and the courtesy check's phrases.

Idempotent: a response is matched by its shortcut, a phrase by its text; existing rows are left
as the admins edited them.
"""

from django.db import migrations

RESPONSES = [
    # (title, shortcut, kinds, status, next update, body)
    (
        "Thanks for asking: here is the answer",
        "/answer",
        ["info"],
        "resolved",
        "",
        "Hi {{ customer.first_name }},\n\nThanks for your question about “{{ ticket.subject }}”.\n\n"
        "[Write the answer here.]\n\nIf anything is unclear, just reply to this email and I'll help.\n\n"
        "Best wishes,\n{{ agent.first_name }}",
    ),
    (
        "Opening hours and how to reach us",
        "/hours",
        ["info"],
        "resolved",
        "",
        "Hi {{ customer.first_name }},\n\nOur team answers Monday to Friday, 9:00 to 17:00. "
        "You can follow this request (reference {{ ticket.reference }}) at any time here: {{ ticket.link }}\n\n"
        "Best wishes,\n{{ agent.first_name }}",
    ),
    (
        "We're looking into it",
        "/looking",
        ["problem"],
        "open",
        "2bh",
        "Hi {{ customer.first_name }},\n\nThanks for letting us know, and sorry for the trouble. "
        "I'm looking into “{{ ticket.subject }}” now.\n\n"
        "I'll update you by {{ promise.due }}, even if it's only to say where we are.\n\n"
        "{{ agent.first_name }}",
    ),
    (
        "A few more details, please",
        "/details",
        ["problem"],
        "waiting",
        "",
        "Hi {{ customer.first_name }},\n\nTo find the cause quickly, could you tell me:\n\n"
        "1. what you were doing when it happened,\n2. what you expected to see, and what you saw instead,\n"
        "3. a screenshot, if you can.\n\nJust reply to this email. Thank you!\n\n{{ agent.first_name }}",
    ),
    (
        "Fixed: please check",
        "/fixed",
        ["problem"],
        "resolved",
        "",
        "Hi {{ customer.first_name }},\n\nGood news: we've fixed the problem with “{{ ticket.subject }}”. "
        "Could you check it works for you now?\n\nIf it doesn't, reply to this email and we'll pick it up "
        "again straight away.\n\n{{ agent.first_name }}",
    ),
    (
        "Sorry: we're on it",
        "/sorry",
        ["complaint"],
        "open",
        "2bh",
        "Dear {{ customer.name }},\n\nThank you for telling us, and I'm sorry this happened. "
        "I understand how frustrating it is, and I've taken your complaint ({{ ticket.reference }}) personally.\n\n"
        "I'll come back to you by {{ promise.due }} with what we have found and what we will do about it.\n\n"
        "{{ agent.first_name }}",
    ),
    (
        "Passed to a team lead",
        "/escalate",
        ["complaint"],
        "open",
        "tomorrow10",
        "Dear {{ customer.name }},\n\nI've passed your complaint to my team lead, so that someone who can "
        "decide on it looks at it today. You'll hear from us by {{ promise.due }}.\n\n"
        "Thank you for your patience,\n{{ agent.first_name }}",
    ),
    (
        "Is there anything else?",
        "/followup",
        [],
        "waiting",
        "",
        "Hi {{ customer.first_name }},\n\nI wanted to check: is everything sorted for you? "
        "If we don't hear back, we'll close this request in a few days; a reply reopens it at any time.\n\n"
        "{{ agent.first_name }}",
    ),
    (
        "Closing the request",
        "/close",
        [],
        "resolved",
        "",
        "Hi {{ customer.first_name }},\n\nI'm marking this request ({{ ticket.reference }}) as solved. "
        "If you need anything else, just reply and we'll be glad to help.\n\n{{ agent.first_name }}",
    ),
]

PHRASES = [
    ("you're wrong", "I can see why it looks that way"),
    ("calm down", "I understand this is frustrating"),
    ("as I already said", "to recap"),
    ("that's not our problem", "here is who can help with that"),
    ("you should have", "next time, it helps to"),
    ("obviously", ""),
]


def seed(apps, schema_editor):
    CannedResponse = apps.get_model("canned_responses", "CannedResponse")
    BluntPhrase = apps.get_model("canned_responses", "BluntPhrase")
    for title, shortcut, kinds, status, next_update, body in RESPONSES:
        CannedResponse.objects.get_or_create(
            owner=None,
            shortcut=shortcut,
            defaults={
                "title": title,
                "body": body,
                "kinds": kinds,
                "suggested_status": status,
                "suggested_next_update": next_update,
            },
        )
    for phrase, suggestion in PHRASES:
        BluntPhrase.objects.get_or_create(phrase=phrase, defaults={"suggestion": suggestion})


class Migration(migrations.Migration):
    dependencies = [("canned_responses", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
