from django.urls import path

from committee import api

urlpatterns = [
    path("committee/sessions/", api.SessionList.as_view(), name="api-committee-session-list"),
    path("committee/sessions/<int:pk>/", api.SessionDetail.as_view(), name="api-committee-session-detail"),
    path("committee/sessions/<int:pk>/cases/", api.SessionCases.as_view(), name="api-committee-session-cases"),
    path(
        "committee/sessions/<int:pk>/attendance/",
        api.SessionAttendance.as_view(),
        name="api-committee-session-attendance",
    ),
    path("committee/sessions/<int:pk>/close/", api.SessionClose.as_view(), name="api-committee-session-close"),
    path("committee/sessions/<int:pk>/minutes/", api.SessionMinutes.as_view(), name="api-committee-session-minutes"),
    path("committee/cases/<int:pk>/decide/", api.CaseDecide.as_view(), name="api-committee-case-decide"),
    path("committee/cases/<int:pk>/conflict/", api.CaseConflict.as_view(), name="api-committee-case-conflict"),
    path(
        "committee/cases/<int:pk>/conditions-met/",
        api.CaseConditionsMet.as_view(),
        name="api-committee-case-conditions-met",
    ),
    path("committee/cases/<int:pk>/revoke/", api.CaseRevoke.as_view(), name="api-committee-case-revoke"),
]
