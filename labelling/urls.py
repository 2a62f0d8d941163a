"""The labelling pages (namespace ``labelling``): the manager's self-assessment, then review, decision, labels,
reports and the registry."""

from django.urls import path

import core.converters  # noqa: F401 - registers <text:…>
from labelling.views import audit, benchmark, evidence, offline, registry, reports, selfassessment, workflow

app_name = "labelling"
urlpatterns = [
    # the manager's self-assessment
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
    # review and decision
    path("assessments/<int:pk>/", workflow.assessment_detail, name="assessment_detail"),
    path("assessments/<int:pk>/assign/", workflow.assessment_assign, name="assessment_assign"),
    path(
        "assessments/<int:pk>/declare-no-conflict/",
        workflow.assessment_declare_no_conflict,
        name="assessment_declare_no_conflict",
    ),
    path(
        "assessments/<int:pk>/declare-conflict/",
        workflow.assessment_declare_conflict,
        name="assessment_declare_conflict",
    ),
    path("assessments/<int:pk>/assign-second/", workflow.assessment_assign_second, name="assessment_assign_second"),
    path("assessments/<int:pk>/countersign/", workflow.assessment_countersign, name="assessment_countersign"),
    path("assessments/<int:pk>/disagree/", workflow.assessment_disagree, name="assessment_disagree"),
    path(
        "assessments/<int:pk>/accept/<text:category_code>/",
        workflow.answers_accept_category,
        name="answers_accept_category",
    ),
    path("assessments/<int:pk>/review/<text:code>/", workflow.answer_review, name="answer_review"),
    path(
        "assessments/<int:pk>/request-changes/", workflow.assessment_request_changes, name="assessment_request_changes"
    ),
    path("assessments/<int:pk>/validate/", workflow.assessment_validate, name="assessment_validate"),
    path("assessments/<int:pk>/decide/", workflow.assessment_decide, name="assessment_decide"),
    path("labels/<int:pk>/revoke/", workflow.label_revoke, name="label_revoke"),
    path("assessments/<int:pk>/audit/", audit.assessment_audit, name="assessment_audit"),
    path("administration/audit/", audit.audit_all, name="audit_all"),
    path("administration/audit.csv", audit.audit_export, name="audit_export"),
    path("assessor/", workflow.assessor_dashboard, name="assessor_dashboard"),
    path("administration/", workflow.admin_dashboard, name="admin_dashboard"),
    path("administration/registry.csv", registry.registry_export, {"fmt": "csv"}, name="registry_export"),
    path("administration/registry.json", registry.registry_export, {"fmt": "json"}, name="registry_export_json"),
    path("administration/registry.xlsx", registry.registry_export, {"fmt": "xlsx"}, name="registry_export_xlsx"),
    # benchmarking
    path("assessments/<int:pk>/benchmark/", benchmark.assessment_benchmark, name="assessment_benchmark"),
    path("administration/statistics/", benchmark.statistics, name="statistics"),
    # reports
    path("assessments/<int:pk>/reports/", reports.report_request, name="report_request"),
    path("reports/<int:pk>/", reports.report_status, name="report_status"),
    path("reports/<int:pk>/download/", reports.report_download, name="report_download"),
    path("reports/<int:pk>/regenerate/", reports.report_regenerate, name="report_regenerate"),
    # public
    path("registry/", registry.registry, name="registry"),
    path("registry/clusters/<int:pk>/", registry.registry_cluster, name="registry_cluster"),
    path("registry/open-data/", registry.open_data, name="open_data"),
    path("registry/open-data/labels.csv", registry.open_data_file, {"fmt": "csv"}, name="open_data_csv"),
    path("registry/open-data/labels.json", registry.open_data_file, {"fmt": "json"}, name="open_data_json"),
    path("verify/", registry.verify, name="verify"),
    path("verify/<text:number>/", registry.certificate, name="certificate"),
    path("verify/<text:number>/badge.svg", registry.certificate_badge, name="certificate_badge"),
]
