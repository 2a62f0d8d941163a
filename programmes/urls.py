from django.urls import path

from programmes import views

app_name = "programmes"

urlpatterns = [
    path("", views.programme_list, name="list"),
    path("<int:pk>/", views.programme_detail, name="detail"),
    path("<int:pk>/clusters/<int:cluster_pk>/", views.programme_cluster, name="cluster"),
    path("enrolments/<int:pk>/", views.enrolment_page, name="enrolment"),
    path("reports/<int:pk>/", views.report_page, name="report"),
    path("reports/<int:pk>/submit/", views.report_submit, name="report_submit"),
    path("reports/<int:pk>/approve/", views.report_approve, name="report_approve"),
    path("reports/<int:pk>/return/", views.report_return, name="report_return"),
    path("reports/<int:pk>/proofs/", views.proof_upload, name="proof_upload"),
    path("proofs/<int:pk>/", views.proof_download, name="proof_download"),
    path("<int:pk>/clusters/<int:cluster_pk>/contract/", views.contract_page, name="contract"),
    path("contracts/<int:pk>/targets/", views.targets_page, name="targets"),
    path("contracts/<int:pk>/targets/import/", views.targets_import, name="targets_import"),
    path("contracts/<int:pk>/targets.xlsx", views.targets_template, name="targets_template"),
    path("contracts/<int:pk>/document/", views.contract_document, name="contract_document"),
    path("<int:pk>/dashboard/", views.dashboard, name="dashboard"),
    path("<int:pk>/dashboard.csv", views.dashboard_export, {"fmt": "csv"}, name="dashboard_csv"),
    path("<int:pk>/dashboard.xlsx", views.dashboard_export, {"fmt": "xlsx"}, name="dashboard_xlsx"),
    path("enrolments/<int:pk>/share/<int:report_pk>/", views.report_share, name="report_share"),
    path("shared-reports/<int:pk>/", views.shared_report_download, name="shared_report"),
]
