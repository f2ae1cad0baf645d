"""The agent's API tokens, under /desk/me/tokens/ (api.desk_views)."""

from django.urls import path

from api import desk_views

app_name = "desk_api"

urlpatterns = [
    path("me/tokens/", desk_views.tokens, name="tokens"),
    path("me/tokens/<int:pk>/revoke/", desk_views.revoke, name="revoke"),
]
