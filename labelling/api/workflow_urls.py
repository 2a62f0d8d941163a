from django.urls import path

import core.converters  # noqa: F401 - registers <text:…>
from labelling.api import workflow as views
from labelling.api.benchmark import AssessmentBenchmarkView, StatisticsView

urlpatterns = [
    path("assessments/<int:pk>/assign/", views.AssignView.as_view(), name="api-assessment-assign"),
    path(
        "assessments/<int:pk>/declare-no-conflict/",
        views.DeclareNoConflictView.as_view(),
        name="api-assessment-declare-no-conflict",
    ),
    path(
        "assessments/<int:pk>/declare-conflict/",
        views.DeclareConflictView.as_view(),
        name="api-assessment-declare-conflict",
    ),
    path("assessments/<int:pk>/assign-second/", views.AssignSecondView.as_view(), name="api-assessment-assign-second"),
    path("assessments/<int:pk>/countersign/", views.CountersignView.as_view(), name="api-assessment-countersign"),
    path("assessments/<int:pk>/disagree/", views.DisagreeView.as_view(), name="api-assessment-disagree"),
    path(
        "assessments/<int:pk>/accept-remaining/",
        views.AcceptRemainingView.as_view(),
        name="api-assessment-accept-remaining",
    ),
    path(
        "assessments/<int:pk>/answers/<text:code>/review/", views.AnswerReviewView.as_view(), name="api-answer-review"
    ),
    path(
        "assessments/<int:pk>/request-changes/",
        views.RequestChangesView.as_view(),
        name="api-assessment-request-changes",
    ),
    path("assessments/<int:pk>/validate/", views.ValidateView.as_view(), name="api-assessment-validate"),
    path("assessments/<int:pk>/score/", views.ScoreView.as_view(), name="api-assessment-score"),
    path("assessments/<int:pk>/decide/", views.DecideView.as_view(), name="api-assessment-decide"),
    path("assessments/<int:pk>/reports/", views.AssessmentReportsView.as_view(), name="api-assessment-reports"),
    path("assessments/<int:pk>/benchmark/", AssessmentBenchmarkView.as_view(), name="api-assessment-benchmark"),
    path("statistics/", StatisticsView.as_view(), name="api-statistics"),
    path("reports/<int:pk>/", views.ReportDetailView.as_view(), name="api-report-detail"),
    path("reports/<int:pk>/download/", views.ReportDownloadView.as_view(), name="api-report-download"),
    path("labels/", views.LabelListView.as_view(), name="api-label-list"),
    path("labels/<int:pk>/", views.LabelDetailView.as_view(), name="api-label-detail"),
    path("labels/<int:pk>/revoke/", views.LabelRevokeView.as_view(), name="api-label-revoke"),
    path("registry/", views.RegistryView.as_view(), name="api-registry"),
    path("certificates/<text:number>/", views.CertificateView.as_view(), name="api-certificate"),
]
