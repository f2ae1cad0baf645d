"""Starting points admins can edit: two follow-up rules and a list of root causes.

Without a root cause no complaint could be solved, and a complaint's check-in is meant to be
scheduled on its own, so a fresh desk starts with both. Only added when the tables are empty.
"""

from django.db import migrations

RULES = [
    (
        "Still working?",
        "problem",
        3,
        "A few days ago we solved the problem you told us about. Is everything still working as it "
        "should?\n\nIf it is, there's nothing you need to do. If not, just reply to this email and "
        "tell us what you see: your answer goes straight to the person who helped you.",
    ),
    (
        "After your complaint",
        "complaint",
        7,
        "Last week we resolved the complaint you raised with us. We wanted to check that what we "
        "promised has happened and that you're happy with how it was put right.\n\nIf anything is "
        "still not right, please reply to this email: your answer comes straight to our team.",
    ),
]
ROOT_CAUSES = ["Product fault", "Our mistake", "Delay", "Unclear information", "Policy", "Other"]


def add_defaults(apps, schema_editor):
    FollowUpRule = apps.get_model("tickets", "FollowUpRule")
    RootCause = apps.get_model("tickets", "RootCause")
    if not FollowUpRule.objects.exists():
        for name, kind, days, message in RULES:
            FollowUpRule.objects.create(name=name, kind=kind, days=days, message=message, active=True)
    if not RootCause.objects.exists():
        RootCause.objects.bulk_create([RootCause(name=name) for name in ROOT_CAUSES])


class Migration(migrations.Migration):
    dependencies = [("tickets", "0029_care")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
