"""REST API of clusters and their records: the same selectors, rules and services as the pages."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from clusters import services
from clusters.forms import MemberFilter
from clusters.models import Cluster, FinancingYear, Member, TeamYear
from clusters.selectors import cluster_get, clusters_visible_to, members_of
from clusters.serializers import (
    ClusterSerializer,
    FinancingYearSerializer,
    MemberSerializer,
    TeamYearSerializer,
)
from core.schema import example

CLUSTER_PK = OpenApiParameter("cluster_pk", OpenApiTypes.INT, OpenApiParameter.PATH, description="Cluster id")
YEAR = OpenApiParameter("year", OpenApiTypes.INT, OpenApiParameter.PATH, description="Year")
CONFLICT = OpenApiResponse(description="The record changed since the version sent (optimistic locking).")
NOT_FOUND = OpenApiResponse(description="No such record, or not yours.")
BAD_INPUT = OpenApiResponse(description="Field errors.")


def _split_version(validated: dict) -> tuple[dict, int]:
    data = dict(validated)
    version = data.pop("version", None)
    if version is None:
        raise serializers.ValidationError({"version": [_("Send the version of the record you read.")]})
    return data, version


@extend_schema_view(
    list=extend_schema(summary="Clusters you manage (all of them for administrators)"),
    retrieve=extend_schema(summary="A cluster's profile", responses={200: ClusterSerializer, 404: NOT_FOUND}),
    partial_update=extend_schema(
        summary="Change a cluster's profile",
        description="Send `version` as read; 409 when someone else saved meanwhile.",
        examples=[example({"website": "https://www.cosmetic-valley.com", "sectors": ["Cosmetics"], "version": 4})],
        responses={200: ClusterSerializer, 400: BAD_INPUT, 404: NOT_FOUND, 409: CONFLICT},
    ),
)
class ClusterViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ClusterSerializer
    http_method_names = ["get", "patch", "head", "options"]
    filterset_fields = ["kind", "country", "region"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Cluster.objects.none()
        return clusters_visible_to(self.request.user).order_by("name")

    def partial_update(self, request, *args, **kwargs):
        cluster = cluster_get(user=request.user, pk=self.kwargs["pk"], capability="cluster.edit")
        serializer = self.get_serializer(cluster, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data, version = _split_version(serializer.validated_data)
        cluster = services.cluster_update(user=request.user, cluster=cluster, data=data, expected_version=version)
        return Response(self.get_serializer(cluster).data)


class _ClusterChildViewSet(viewsets.GenericViewSet):
    """Records nested under /clusters/<cluster_pk>/: 404 unless the cluster is the user's."""

    http_method_names = ["get", "post", "patch", "head", "options"]

    def cluster(self) -> Cluster:
        """The cluster, fetched once a request: its visibility and the request's capability in one check
        (``cluster.view`` to read, ``cluster.edit`` to write; the records' queryset reads through it too)."""
        if "_cluster" not in self.__dict__:
            capability = "cluster.view" if self.request.method in SAFE_METHODS else "cluster.edit"
            pk = self.kwargs["cluster_pk"]
            self.__dict__["_cluster"] = cluster_get(user=self.request.user, pk=pk, capability=capability)
        return self.__dict__["_cluster"]


@extend_schema_view(
    list=extend_schema(summary="Members of a cluster", parameters=[CLUSTER_PK]),
    retrieve=extend_schema(
        summary="A member", parameters=[CLUSTER_PK], responses={200: MemberSerializer, 404: NOT_FOUND}
    ),
    create=extend_schema(
        summary="Add a member",
        parameters=[CLUSTER_PK],
        responses={201: MemberSerializer, 400: BAD_INPUT},
        examples=[
            example(
                {
                    "name": "Laboratoires Delta",
                    "member_type": "sme",
                    "size_class": "small",
                    "region": "FR-CVL",
                    "member_since": "2021-03-01",
                    "fee_paying": True,
                    "active": True,
                }
            )
        ],
    ),
    partial_update=extend_schema(
        summary="Change a member (send `version`; `active: false` deactivates, members are never deleted)",
        parameters=[CLUSTER_PK],
        examples=[example({"active": False, "version": 2}, "Deactivate")],
        responses={200: MemberSerializer, 400: BAD_INPUT, 404: NOT_FOUND, 409: CONFLICT},
    ),
)
class MemberViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, _ClusterChildViewSet):
    serializer_class = MemberSerializer
    filterset_class = MemberFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Member.objects.none()
        return members_of(cluster=self.cluster())

    def create(self, request, *args, **kwargs):
        cluster = self.cluster()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("version", None)
        member = services.member_create(user=request.user, cluster=cluster, data=data)
        return Response(self.get_serializer(member).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        member = self.get_object()  # of the cluster fetched with cluster.edit
        serializer = self.get_serializer(member, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data, version = _split_version(serializer.validated_data)
        member = services.member_update(user=request.user, member=member, data=data, expected_version=version)
        return Response(self.get_serializer(member).data)


class _YearViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, _ClusterChildViewSet):
    model: type = TeamYear
    lookup_field = "year"
    lookup_value_regex = r"\d{4}"

    def save(self, **kwargs):
        raise NotImplementedError

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.model.objects.none()
        return self.model.objects.filter(cluster=self.cluster()).order_by("-year")

    def create(self, request, *args, **kwargs):
        cluster = self.cluster()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("version", None)
        year = data.pop("year")
        row = self.save(user=request.user, cluster=cluster, year=year, data=data, expected_version=None)
        return Response(self.get_serializer(row).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        cluster = self.cluster()
        row = self.get_object()
        serializer = self.get_serializer(row, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data, version = _split_version(serializer.validated_data)
        if "year" in data and data.pop("year") != row.year:
            raise serializers.ValidationError({"year": [_("The year of a record cannot be changed.")]})
        row = self.save(user=request.user, cluster=cluster, year=row.year, data=data, expected_version=version)
        return Response(self.get_serializer(row).data)


def _year_schema(noun: str, serializer, created: dict, changed: dict):
    return extend_schema_view(
        list=extend_schema(summary=f"{noun} of a cluster, per year", parameters=[CLUSTER_PK]),
        retrieve=extend_schema(
            summary=f"{noun} of one year", parameters=[CLUSTER_PK, YEAR], responses={200: serializer, 404: NOT_FOUND}
        ),
        create=extend_schema(
            summary=f"Record the {noun.lower()} of a year",
            parameters=[CLUSTER_PK],
            examples=[example(created)],
            responses={201: serializer, 400: BAD_INPUT},
        ),
        partial_update=extend_schema(
            summary=f"Change the {noun.lower()} of a year (send `version`)",
            parameters=[CLUSTER_PK, YEAR],
            examples=[example(changed)],
            responses={200: serializer, 400: BAD_INPUT, 404: NOT_FOUND, 409: CONFLICT},
        ),
    )


@_year_schema(
    "Team and governance",
    TeamYearSerializer,
    {
        "year": 2025,
        "staff_fte": "6.5",
        "staff_headcount": 7,
        "staff_with_degree": 6,
        "board_seats": 12,
        "board_company_seats": 8,
        "strategy_document": True,
        "strategy_adopted_on": "2024-06-30",
        "action_plan": "complete",
        "performance_contract": True,
    },
    {"board_company_seats": 9, "version": 3},
)
class TeamYearViewSet(_YearViewSet):
    model = TeamYear
    serializer_class = TeamYearSerializer

    def save(self, **kwargs):
        return services.team_year_save(**kwargs)


@_year_schema(
    "Financing",
    FinancingYearSerializer,
    {
        "year": 2025,
        "state": "120000.00",
        "regional": "80000.00",
        "eu": "0.00",
        "member_fees": "12000.50",
        "paid_services": "45000.00",
        "other_private": "3000.00",
    },
    {"member_fees": "13500.00", "version": 2},
)
class FinancingYearViewSet(_YearViewSet):
    model = FinancingYear
    serializer_class = FinancingYearSerializer

    def save(self, **kwargs):
        return services.financing_year_save(**kwargs)
