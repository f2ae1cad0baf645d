"""Agent pages of the mail app, under /desk/ beside the ticket they belong to (mail.desk_views)."""

from django.urls import path

from mail import desk_views

app_name = "desk_mail"

urlpatterns = [
    path("t/<str:reference>/email/<int:message_id>/", desk_views.original, name="original"),
    path("t/<str:reference>/email/<int:message_id>/raw/", desk_views.original_raw, name="original_raw"),
]
