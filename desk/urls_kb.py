from django.urls import path

from knowledgebase import views_desk

app_name = "desk_kb"
urlpatterns = [
    path("", views_desk.kb_list, name="list"),
    path("a/<slug:slug>/", views_desk.kb_article, name="article"),
    path("insert/<str:reference>/", views_desk.kb_insert, name="insert"),
]
