"""The labelling API (``/api/v1/``): assessments and answers, then review, decision, labels, reports and the
registry."""

from django.urls import path

import core.converters  # noqa: F401 - registers <text:…>
from core.public_cache import public_cache
from labelling.api import selfassessment, workflow
from labelling.api.benchmark import AssessmentBenchmarkView, StatisticsView
from labelling.views.registry import VERIFICATION_SHARED_MAX_AGE

urlpatterns = [
    path("assessments/", selfassessment.AssessmentListCreateView.as_view(), name="api-assessment-list"),
    path("assessments/<int:pk>/", selfassessment.AssessmentDetailView.as_view(), name="api-assessment-detail"),
    path("assessments/<int:pk>/answers/", selfassessment.AnswerListView.as_view(), name="api-answer-list"),
    path(
        "assessments/<int:pk>/answers/<text:code>/", selfassessment.AnswerDetailView.as_view(), name="api-answer-detail"
    ),
    path("assessments/<int:pk>/submit/", selfassessment.SubmitView.as_view(), name="api-assessment-submit"),
    path(
        "assessments/<int:pk>/questionnaire/",
        selfassessment.QuestionnaireView.as_view(),
        name="api-assessment-questionnaire",
    ),
    path("assessments/<int:pk>/assign/", workflow.AssignView.as_view(), name="api-assessment-assign"),
    path(
        "assessments/<int:pk>/declare-no-conflict/",
        workflow.DeclareNoConflictView.as_view(),
        name="api-assessment-declare-no-conflict",
    ),
    path(
        "assessments/<int:pk>/declare-conflict/",
        workflow.DeclareConflictView.as_view(),
        name="api-assessment-declare-conflict",
    ),
    path(
        "assessments/<int:pk>/assign-second/", workflow.AssignSecondView.as_view(), name="api-assessment-assign-second"
    ),
    path("assessments/<int:pk>/countersign/", workflow.CountersignView.as_view(), name="api-assessment-countersign"),
    path("assessments/<int:pk>/disagree/", workflow.DisagreeView.as_view(), name="api-assessment-disagree"),
    path(
        "assessments/<int:pk>/accept-remaining/",
        workflow.AcceptRemainingView.as_view(),
        name="api-assessment-accept-remaining",
    ),
    path(
        "assessments/<int:pk>/answers/<text:code>/review/",
        workflow.AnswerReviewView.as_view(),
        name="api-answer-review",
    ),
    path(
        "assessments/<int:pk>/request-changes/",
        workflow.RequestChangesView.as_view(),
        name="api-assessment-request-changes",
    ),
    path("assessments/<int:pk>/validate/", workflow.ValidateView.as_view(), name="api-assessment-validate"),
    path("assessments/<int:pk>/score/", workflow.ScoreView.as_view(), name="api-assessment-score"),
    path("assessments/<int:pk>/decide/", workflow.DecideView.as_view(), name="api-assessment-decide"),
    path("assessments/<int:pk>/reports/", workflow.AssessmentReportsView.as_view(), name="api-assessment-reports"),
    path("assessments/<int:pk>/benchmark/", AssessmentBenchmarkView.as_view(), name="api-assessment-benchmark"),
    path("statistics/", StatisticsView.as_view(), name="api-statistics"),
    path("reports/<int:pk>/", workflow.ReportDetailView.as_view(), name="api-report-detail"),
    path("reports/<int:pk>/download/", workflow.ReportDownloadView.as_view(), name="api-report-download"),
    path("labels/", workflow.LabelListView.as_view(), name="api-label-list"),
    path("labels/<int:pk>/", workflow.LabelDetailView.as_view(), name="api-label-detail"),
    path("labels/<int:pk>/revoke/", workflow.LabelRevokeView.as_view(), name="api-label-revoke"),
    path(
        "registry/", public_cache(max_age=60, vary_on_accept=True)(workflow.RegistryView.as_view()), name="api-registry"
    ),
    path(
        "certificates/<text:number>/",
        public_cache(max_age=0, s_maxage=VERIFICATION_SHARED_MAX_AGE, daily=True, vary_on_accept=True)(
            workflow.CertificateView.as_view()
        ),
        name="api-certificate",
    ),
]
