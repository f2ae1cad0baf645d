# Customers can be merged: the merged one stays as the kept one's second address.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('tickets', '0023_outbox_kinds_merged_and_status'),
    ]

    operations = [
        migrations.AddField(
            model_name='customer',
            name='merged_at',
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='customer',
            name='merged_into',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='aliases', to='tickets.customer'),
        ),
        migrations.AlterField(
            model_name='ticketevent',
            name='kind',
            field=models.CharField(choices=[('created', 'Ticket created'), ('customer_replied', 'Customer replied'), ('agent_replied', 'Agent replied'), ('note_added', 'Internal note added'), ('status_changed', 'Status changed'), ('priority_changed', 'Priority changed'), ('assigned', 'Assignee changed'), ('link_resent', 'Private link sent again'), ('link_revoked', 'Private link revoked and replaced'), ('promise_made', 'Promise made'), ('promise_kept', 'Promise kept'), ('promise_broken', 'Promise broken'), ('promise_superseded', 'Promise replaced'), ('promise_paused', 'Clock paused (waiting on customer)'), ('promise_resumed', 'Clock resumed'), ('promise_ended', 'Promise ended (solved)'), ('ack_held', 'Acknowledgement held: too many to this address in the last hour'), ('customer_merged', 'Customer merged')], max_length=32),
        ),
    ]
