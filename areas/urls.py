"""The areas' pages (namespace ``areas``)."""

from django.urls import path

from areas import views

app_name = "areas"
urlpatterns = [
    path("assessments/<int:pk>/areas/", views.area_list, name="list"),
    path("areas/<int:pk>/edit/", views.area_edit, name="edit"),
    path("areas/<int:pk>/delete/", views.area_delete, name="delete"),
    path("areas/<int:pk>/verdict/", views.area_verdict, name="verdict"),
]
