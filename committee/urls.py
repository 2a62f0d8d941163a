from django.urls import path

from committee import views

app_name = "committee"

urlpatterns = [
    path("", views.session_list, name="list"),
    path("new/", views.session_create, name="create"),
    path("<int:pk>/", views.session_detail, name="detail"),
    path("<int:pk>/cases/", views.session_case_add, name="case_add"),
    path("<int:pk>/attendance/", views.session_attendance, name="attendance"),
    path("<int:pk>/close/", views.session_close, name="close"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/reports/<int:report_pk>/", views.case_report, name="case_report"),
    path("<int:pk>/minutes.pdf", views.minutes_download, name="minutes"),
    path("cases/<int:pk>/decide/", views.case_decide, name="case_decide"),
    path("cases/<int:pk>/conflict/", views.case_conflict, name="case_conflict"),
    path("cases/<int:pk>/conditions-met/", views.case_conditions_met, name="case_conditions_met"),
    path("cases/<int:pk>/revoke/", views.case_revoke, name="case_revoke"),
]
