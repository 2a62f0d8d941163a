from django.urls import path

from committee import views

app_name = "committee"

urlpatterns = [
    path("", views.session_list, name="list"),
    path("<int:pk>/", views.session_detail, name="detail"),
    path("cases/<int:pk>/decide/", views.case_decide, name="case_decide"),
    path("cases/<int:pk>/conflict/", views.case_conflict, name="case_conflict"),
    path("cases/<int:pk>/conditions-met/", views.case_conditions_met, name="case_conditions_met"),
    path("cases/<int:pk>/revoke/", views.case_revoke, name="case_revoke"),
]
