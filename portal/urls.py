from django.urls import path

from portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.ticket_new, name="new"),
    path("new/done/", views.ticket_submitted, name="submitted"),
    path("links/", views.links_resend_view, name="links"),
    path("t/<str:reference>/<str:token>/", views.ticket_detail, name="ticket"),
    path("t/<str:reference>/<str:token>/revoke/", views.link_revoke, name="revoke"),
    path("t/<str:reference>/<str:token>/files/<int:attachment_id>/", views.attachment_download, name="file"),
]
