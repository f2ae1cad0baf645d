from django.urls import path

from tickets.views import auth, availability, desk, notices, reports, settings

app_name = "desk"
urlpatterns = [
    path("", desk.queue, name="queue"),
    path("login/", auth.DeskLoginView.as_view(), name="login"),
    path("logout/", auth.DeskLogoutView.as_view(), name="logout"),
    path("notices/", notices.notice_list, name="notices"),
    path("notices/read/", notices.notices_read, name="notices_read"),
    path("reports/", reports.reports, name="reports"),
    path("availability/", availability.availability, name="availability"),
    path("me/", settings.me, name="me"),
    path("t/<str:reference>/", desk.ticket_detail, name="ticket"),
    path("t/<str:reference>/reply/", desk.ticket_reply, name="reply"),
    path("t/<str:reference>/update/", desk.ticket_update, name="update"),
    path("t/<str:reference>/files/<int:attachment_id>/", desk.attachment_download, name="file"),
]
