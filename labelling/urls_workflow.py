from django.urls import path

import core.converters  # noqa: F401 - registers <text:…>
from labelling import audit_views
from labelling.views import benchmark, registry, reports, workflow

urlpatterns = [
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
    path("assessments/<int:pk>/audit/", audit_views.assessment_audit, name="assessment_audit"),
    path("administration/audit/", audit_views.audit_all, name="audit_all"),
    path("administration/audit.csv", audit_views.audit_export, name="audit_export"),
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
