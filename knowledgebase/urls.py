from django.urls import path

from knowledgebase import views

app_name = "kb"
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("suggest/", views.suggest, name="suggest"),
    path("deflection/", views.deflection, name="deflection"),
    path("c/<slug:slug>/", views.category, name="category"),
    path("a/<slug:slug>/", views.article, name="article"),
    path("a/<slug:slug>/feedback/", views.feedback, name="feedback"),
    path("a/<slug:slug>/viewed/", views.viewed, name="viewed"),
]
