from django.urls import path

from tickets.views import portal

app_name = "portal"
urlpatterns = [
    path("", portal.home, name="home"),
    path("new/", portal.ticket_new, name="new"),
    path("new/done/", portal.ticket_submitted, name="submitted"),
    path("links/", portal.links_resend_view, name="links"),
    path("t/<str:reference>/<str:token>/", portal.ticket_detail, name="ticket"),
    path("t/<str:reference>/<str:token>/revoke/", portal.link_revoke, name="revoke"),
    path("t/<str:reference>/<str:token>/files/<int:attachment_id>/", portal.attachment_download, name="file"),
]
