from django.urls import path

from desk.views import canned

app_name = "canned"
urlpatterns = [
    path("canned/", canned.canned_list, name="list"),
    path("canned/new/", canned.canned_create, name="create"),
    path("canned/<int:pk>/", canned.canned_edit, name="edit"),
    path("canned/<int:pk>/delete/", canned.canned_delete, name="delete"),
    path("t/<str:reference>/canned/", canned.canned_suggest, name="suggest"),
]
