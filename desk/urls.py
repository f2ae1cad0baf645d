from django.urls import path

from desk.views import assign, auth, availability, bulk, me, notices, queue, reports, saved_views, tickets

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
    path("t/<str:reference>/files/<int:attachment_id>/", tickets.attachment_download, name="file"),
    # The agent's workspace: saved views, bulk changes, "assign to me" (the `a` shortcut).
    path("t/<str:reference>/assign-me/", assign.assign_me, name="assign_me"),
    path("views/", saved_views.view_create, name="view_create"),
    path("views/counts/", saved_views.view_counts, name="view_counts"),
    path("views/<int:pk>/delete/", saved_views.view_delete, name="view_delete"),
    path("bulk/", bulk.bulk_apply, name="bulk"),
    path("bulk/<int:pk>/", bulk.bulk_job, name="bulk_job"),
    path("bulk/<int:pk>/progress/", bulk.bulk_progress, name="bulk_progress"),
]
