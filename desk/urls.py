from django.urls import path

from desk.views import auth, availability, me, notices, presence, queue, reports, tickets

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
]
