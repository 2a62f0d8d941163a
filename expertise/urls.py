"""The pages of the expert's process."""

from django.urls import path

from expertise import views

app_name = "expertise"

urlpatterns = [
    path("assessments/<int:pk>/prerequisites/", views.prerequisites, name="prerequisites"),
    path("assessments/<int:pk>/prerequisites/exemption/withdraw/", views.exemption_withdraw, name="exemption_withdraw"),
]
