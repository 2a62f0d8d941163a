from django.urls import path

from improvement import views

app_name = "improvement"

urlpatterns = [
    path("<int:pk>/improvement-plan/", views.plan, name="plan"),
    path("<int:pk>/improvement-plan/actions/add/", views.action_add, name="action_add"),
    path("<int:pk>/improvement-plan/actions/<int:action_pk>/", views.action, name="action"),
    path("<int:pk>/improvement-plan/actions/<int:action_pk>/evidence/", views.evidence_add, name="evidence_add"),
    path(
        "<int:pk>/improvement-plan/actions/<int:action_pk>/evidence/<int:evidence_pk>/",
        views.evidence_download,
        name="evidence_download",
    ),
    path(
        "<int:pk>/improvement-plan/actions/<int:action_pk>/evidence/<int:evidence_pk>/delete/",
        views.evidence_delete,
        name="evidence_delete",
    ),
]
