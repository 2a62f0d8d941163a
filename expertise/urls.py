"""The pages of the expert's process."""

from django.urls import path

from expertise import views

app_name = "expertise"

urlpatterns = [
    path("assessments/<int:pk>/prerequisites/", views.prerequisites, name="prerequisites"),
    path("assessments/<int:pk>/prerequisites/exemption/withdraw/", views.exemption_withdraw, name="exemption_withdraw"),
    path("assessments/<int:pk>/visit/", views.visit_page, name="visit"),
    path("visits/<int:pk>/accept/", views.visit_accept, name="visit_accept"),
    path("visits/<int:pk>/decline/", views.visit_decline, name="visit_decline"),
    path("visits/<int:pk>/move/", views.visit_move, name="visit_move"),
    path("visits/<int:pk>/cancel/", views.visit_cancel, name="visit_cancel"),
    path("visits/<int:pk>/invitation.ics", views.visit_invitation_download, name="visit_invitation"),
    path("assessments/<int:pk>/findings/", views.findings_page, name="findings"),
    path("visits/upcoming/", views.upcoming, name="upcoming"),
]
