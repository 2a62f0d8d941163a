from django.urls import path

from labelling.views import placeholders

app_name = "clusters"
urlpatterns = [
    path("", placeholders.placeholder, name="dashboard"),
]
