from django.urls import path

from labelling.views import placeholders

app_name = "indicators"
urlpatterns = [
    path("", placeholders.placeholder, name="methodology"),
]
