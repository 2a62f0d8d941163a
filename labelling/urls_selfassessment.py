"""The manager's self-assessment pages (namespace ``labelling``)."""

from django.urls import path

from labelling.views import evidence, offline, selfassessment

urlpatterns = [
    path("clusters/<int:cluster_pk>/assessments/", selfassessment.cluster_assessments, name="cluster_assessments"),
    path("assessments/<int:pk>/fill/", selfassessment.assessment_fill_first, name="assessment_fill_first"),
    path("assessments/<int:pk>/fill/<str:category_code>/", selfassessment.assessment_fill, name="assessment_fill"),
    path("assessments/<int:pk>/autosave/", selfassessment.assessment_autosave, name="assessment_autosave"),
    path("assessments/<int:pk>/summary/", selfassessment.assessment_summary, name="assessment_summary"),
    path("assessments/<int:pk>/eligibility/", selfassessment.assessment_eligibility, name="assessment_eligibility"),
    path("assessments/<int:pk>/submit/", selfassessment.assessment_submit_view, name="assessment_submit"),
    path("assessments/<int:pk>/withdraw/", selfassessment.assessment_withdraw, name="assessment_withdraw"),
    path("answers/<int:answer_pk>/evidence/", evidence.evidence_upload, name="evidence_upload"),
    path("evidence/<int:pk>/", evidence.evidence_download, name="evidence_download"),
    path("evidence/<int:pk>/delete/", evidence.evidence_delete_view, name="evidence_delete"),
    path("assessments/<int:pk>/offline/", offline.assessment_offline, name="assessment_offline"),
    path(
        "assessments/<int:pk>/offline/questionnaire.xlsx",
        offline.assessment_offline_xlsx,
        name="assessment_offline_xlsx",
    ),
    path(
        "assessments/<int:pk>/offline/questionnaire.json",
        offline.assessment_offline_json,
        name="assessment_offline_json",
    ),
    path(
        "assessments/<int:pk>/offline/confirm/", offline.assessment_offline_confirm, name="assessment_offline_confirm"
    ),
]
