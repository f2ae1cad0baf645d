from django.urls import path

from portal import views, views_after

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.ticket_new, name="new"),
    path("new/done/", views.ticket_submitted, name="submitted"),
    path("links/", views.links_resend_view, name="links"),
    path("t/<str:reference>/<str:token>/", views.ticket_detail, name="ticket"),
    path("t/<str:reference>/<str:token>/revoke/", views.link_revoke, name="revoke"),
    # After "solved" (portal/views_after.py): a GET asks, the page's POST acts.
    path("t/<str:reference>/<str:token>/solved/", views_after.solved_yes, name="solved_yes"),
    path("t/<str:reference>/<str:token>/still-need-help/", views_after.solved_no, name="solved_no"),
    path("rate/<str:token>/<int:rating>/", views_after.rate, name="rate"),
    path("t/<str:reference>/<str:token>/files/<int:attachment_id>/", views.attachment_download, name="file"),
]
