from django.urls import path

from improvement import api

urlpatterns = [
    path("clusters/<int:pk>/improvement-plan/", api.PlanDetail.as_view(), name="api-improvement-plan"),
    path("clusters/<int:pk>/improvement-plan/actions/", api.ActionList.as_view(), name="api-improvement-actions"),
    path(
        "clusters/<int:pk>/improvement-plan/actions/<int:action_pk>/",
        api.ActionDetail.as_view(),
        name="api-improvement-action",
    ),
]
