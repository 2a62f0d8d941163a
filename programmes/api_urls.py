from django.urls import path

from programmes import api

urlpatterns = [
    path("programmes/", api.ProgrammeList.as_view(), name="api-programme-list"),
    path("programmes/<int:pk>/", api.ProgrammeDetail.as_view(), name="api-programme-detail"),
    path("programmes/<int:pk>/clusters/", api.ProgrammeClusters.as_view(), name="api-programme-clusters"),
    path("programmes/<int:pk>/dashboard/", api.ProgrammeDashboard.as_view(), name="api-programme-dashboard"),
    path("programmes/<int:pk>/contracts/", api.ProgrammeContracts.as_view(), name="api-programme-contracts"),
    path("contracts/<int:pk>/targets/", api.ContractTargets.as_view(), name="api-contract-targets"),
    path("clusters/<int:pk>/yearly-reports/", api.ClusterYearlyReports.as_view(), name="api-cluster-yearly-reports"),
    path("yearly-reports/<int:pk>/", api.YearlyReportDetail.as_view(), name="api-yearly-report-detail"),
    path("yearly-reports/<int:pk>/submit/", api.YearlyReportSubmit.as_view(), name="api-yearly-report-submit"),
    path("yearly-reports/<int:pk>/approve/", api.YearlyReportApprove.as_view(), name="api-yearly-report-approve"),
    path("yearly-reports/<int:pk>/return/", api.YearlyReportReturn.as_view(), name="api-yearly-report-return"),
]
