"""Silver's areas of improvement in the API (``/api/v1/``)."""

from django.urls import path

from areas import api

urlpatterns = [
    path("assessments/<int:pk>/areas/", api.AssessmentAreas.as_view(), name="api-assessment-areas"),
    path("areas/<int:pk>/", api.AreaDetail.as_view(), name="api-area-detail"),
    path("areas/<int:pk>/verdict/", api.AreaVerdict.as_view(), name="api-area-verdict"),
]
