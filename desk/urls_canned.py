from django.urls import path

from canned_responses import views

app_name = "canned"
urlpatterns = [
    path("canned/", views.canned_list, name="list"),
    path("canned/new/", views.canned_create, name="create"),
    path("canned/<int:pk>/", views.canned_edit, name="edit"),
    path("canned/<int:pk>/delete/", views.canned_delete, name="delete"),
    path("t/<str:reference>/canned/", views.canned_suggest, name="suggest"),
]
