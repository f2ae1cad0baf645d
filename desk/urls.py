from django.urls import path

from desk.views import (
    assign,
    auth,
    availability,
    bulk,
    me,
    notices,
    presence,
    queue,
    reports,
    saved_views,
    tickets,
    triage,
)

app_name = "desk"
urlpatterns = [
    path("", queue.queue, name="queue"),
    path("login/", auth.DeskLoginView.as_view(), name="login"),
    path("logout/", auth.DeskLogoutView.as_view(), name="logout"),
    path("notices/", notices.notice_list, name="notices"),
    path("notices/read/", notices.notices_read, name="notices_read"),
    path("reports/", reports.reports, name="reports"),
    path("availability/", availability.availability, name="availability"),
    path("me/", me.me, name="me"),
    path("t/<str:reference>/", tickets.ticket_detail, name="ticket"),
    path("t/<str:reference>/reply/", tickets.ticket_reply, name="reply"),
    path("t/<str:reference>/update/", tickets.ticket_update, name="update"),
    path("t/<str:reference>/bounce/clear/", tickets.bounce_clear, name="bounce_clear"),
    path("t/<str:reference>/presence/", presence.ticket_presence, name="presence"),
    path("t/<str:reference>/files/<int:attachment_id>/", tickets.attachment_download, name="file"),
    # Triage (desk/views/triage.py): move and kind, take it, tags, related tickets, follow, merge.
    path("t/<str:reference>/triage/", triage.ticket_triage, name="triage"),
    path("t/<str:reference>/take/", triage.ticket_take, name="take"),
    path("t/<str:reference>/tags/", triage.ticket_tags, name="tags"),
    path("t/<str:reference>/links/", triage.ticket_link, name="link"),
    path("t/<str:reference>/links/<str:other>/remove/", triage.ticket_unlink, name="unlink"),
    path("t/<str:reference>/follow/", triage.ticket_follow, name="follow"),
    path("t/<str:reference>/merge/", triage.ticket_merge, name="merge"),
    # The agent's workspace: saved views, bulk changes, "assign to me" (the `a` shortcut).
    path("t/<str:reference>/assign-me/", assign.assign_me, name="assign_me"),
    path("views/", saved_views.view_create, name="view_create"),
    path("views/counts/", saved_views.view_counts, name="view_counts"),
    path("views/<int:pk>/delete/", saved_views.view_delete, name="view_delete"),
    path("bulk/", bulk.bulk_apply, name="bulk"),
    path("bulk/<int:pk>/", bulk.bulk_job, name="bulk_job"),
    path("bulk/<int:pk>/progress/", bulk.bulk_progress, name="bulk_progress"),
]
