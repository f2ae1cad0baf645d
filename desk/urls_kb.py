from django.urls import path

from desk.views import kb

app_name = "desk_kb"
urlpatterns = [
    path("", kb.kb_list, name="list"),
    path("a/<slug:slug>/", kb.kb_article, name="article"),
    path("insert/<str:reference>/", kb.kb_insert, name="insert"),
]
