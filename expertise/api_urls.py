"""The expert's process in the API (``/api/v1/``)."""

from django.urls import path

from expertise import api

urlpatterns = [
    path("assessments/<int:pk>/prerequisites/", api.PrerequisitesView.as_view(), name="api-assessment-prerequisites"),
]
