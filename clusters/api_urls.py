from django.urls import path

from clusters import api

_list = {"get": "list"}
_list_create = {"get": "list", "post": "create"}
_detail = {"get": "retrieve", "patch": "partial_update"}

urlpatterns = [
    path("clusters/", api.ClusterViewSet.as_view(_list), name="api-cluster-list"),
    path("clusters/<int:pk>/", api.ClusterViewSet.as_view(_detail), name="api-cluster-detail"),
    path("clusters/<int:cluster_pk>/members/", api.MemberViewSet.as_view(_list_create), name="api-member-list"),
    path("clusters/<int:cluster_pk>/members/<int:pk>/", api.MemberViewSet.as_view(_detail), name="api-member-detail"),
    path(
        "clusters/<int:cluster_pk>/team-years/",
        api.TeamYearViewSet.as_view(_list_create),
        name="api-team-year-list",
    ),
    path(
        "clusters/<int:cluster_pk>/team-years/<int:year>/",
        api.TeamYearViewSet.as_view(_detail),
        name="api-team-year-detail",
    ),
    path(
        "clusters/<int:cluster_pk>/financing-years/",
        api.FinancingYearViewSet.as_view(_list_create),
        name="api-financing-year-list",
    ),
    path(
        "clusters/<int:cluster_pk>/financing-years/<int:year>/",
        api.FinancingYearViewSet.as_view(_detail),
        name="api-financing-year-detail",
    ),
]
