"""The expert's process in the API (``/api/v1/``)."""

from django.urls import path

from expertise import api

urlpatterns = [
    path("assessments/<int:pk>/prerequisites/", api.PrerequisitesView.as_view(), name="api-assessment-prerequisites"),
    path("assessments/<int:pk>/visits/", api.AssessmentVisitsView.as_view(), name="api-assessment-visits"),
    path("visits/<int:pk>/accept/", api.VisitAcceptView.as_view(), name="api-visit-accept"),
    path("visits/<int:pk>/decline/", api.VisitDeclineView.as_view(), name="api-visit-decline"),
    path("visits/<int:pk>/move/", api.VisitMoveView.as_view(), name="api-visit-move"),
    path("visits/<int:pk>/cancel/", api.VisitCancelView.as_view(), name="api-visit-cancel"),
    path("visits/<int:pk>/invitation.ics", api.VisitInvitationView.as_view(), name="api-visit-invitation"),
    path("assessments/<int:pk>/findings/", api.FindingsView.as_view(), name="api-assessment-findings"),
]
