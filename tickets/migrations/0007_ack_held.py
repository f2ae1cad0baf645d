# Acknowledgements over the per-recipient cap are held: a status, a timeline event, an index.

import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('tickets', '0006_link_revoke'),
    ]

    operations = [
        migrations.AlterField(
            model_name='outboundemail',
            name='status',
            field=models.CharField(choices=[('pending', 'Pending'), ('sending', 'Sending'), ('sent', 'Sent'), ('failed', 'Failed'), ('held', 'Held (not sent)')], default='pending', max_length=10),
        ),
        migrations.AlterField(
            model_name='ticketevent',
            name='kind',
            field=models.CharField(choices=[('created', 'Ticket created'), ('customer_replied', 'Customer replied'), ('agent_replied', 'Agent replied'), ('note_added', 'Internal note added'), ('status_changed', 'Status changed'), ('priority_changed', 'Priority changed'), ('assigned', 'Assignee changed'), ('link_resent', 'Private link sent again'), ('link_revoked', 'Private link revoked and replaced'), ('promise_made', 'Promise made'), ('promise_kept', 'Promise kept'), ('promise_broken', 'Promise broken'), ('promise_superseded', 'Promise replaced'), ('promise_paused', 'Clock paused (waiting on customer)'), ('promise_resumed', 'Clock resumed'), ('promise_ended', 'Promise ended (solved)'), ('ack_held', 'Acknowledgement held: too many to this address in the last hour')], max_length=32),
        ),
        migrations.AddIndex(
            model_name='outboundemail',
            index=models.Index(django.db.models.functions.text.Lower('to_email'), models.F('created_at'), condition=models.Q(('kind', 'ack')), name='outbox_ack_to_recent'),
        ),
    ]
