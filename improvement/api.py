"""REST API of the improvement plans: the same selectors, rules and services as the pages. The cluster's managers
add and change actions; the administrators, the assessors of the cluster's next assessment and the committee's
members of its cases read them; anybody else gets 404. Evidence files are uploaded on the pages; the API lists
them with their download address."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from improvement import selectors, services
from improvement import serializers as s
from improvement.models import Action

TAG = "improvement plan"
ERRORS = {
    400: OpenApiResponse(description="Bad input: field errors (`version` missing, a value refused…)"),
    404: OpenApiResponse(description="Not found: no plan yet, or not a plan you may see or change"),
    409: OpenApiResponse(description="The version sent is stale: somebody changed the plan or the action since"),
}
EDIT = "improvement_plan.edit"


def _input(request, *, partial: bool = False) -> dict:
    serializer = s.ActionWriteSerializer(data=request.data, partial=partial)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _plan(user, pk: int) -> dict:
    plan = selectors.plan_get(user=user, pk=pk)
    plan.counts = selectors.status_counts(plan=plan)
    return s.PlanSerializer(plan).data


def _action(user, cluster_pk: int, pk: int) -> dict:
    return s.ActionSerializer(selectors.action_get(user=user, cluster_pk=cluster_pk, pk=pk)).data


class PlanDetail(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=[TAG],
        summary="A cluster's improvement plan, with the number of actions in each status",
        description="The plan exists once one of the cluster's assessments is decided (404 before). Its actions: "
        "`…/improvement-plan/actions/`.",
        responses={200: s.PlanSerializer, 404: ERRORS[404]},
    )
    def get(self, request, pk: int):
        return Response(_plan(request.user, pk))


class ActionList(generics.ListCreateAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = s.ActionSerializer
    filterset_fields = ["status"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Action.objects.none()
        plan = selectors.plan_get(user=self.request.user, pk=self.kwargs["pk"])
        return selectors.actions_of(plan=plan)

    @extend_schema(
        tags=[TAG],
        summary="The actions of a cluster's improvement plan (filter by `status`)",
        description="The soonest due first (undated last), each with its evidence files.",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=[TAG],
        summary="Add an action to the plan (the cluster's managers; send the plan's `version` as read)",
        description="`indicator`: the code of an indicator of the plan's framework; `due_on`: not before the day "
        "the plan was created; `status` defaults to `not_started`.",
        request=s.ActionWriteSerializer,
        responses={201: s.ActionSerializer, **ERRORS},
        examples=[
            OpenApiExample(
                "An action",
                value={
                    "version": 3,
                    "indicator": "V3",
                    "description": "Write the 2027–2029 roadmap with measurable objectives.",
                    "owner": "Claire Martin",
                    "due_on": "2027-06-30",
                },
                request_only=True,
            )
        ],
    )
    def post(self, request, pk: int):
        plan = selectors.plan_get(user=request.user, pk=pk, capability=EDIT)
        data = _input(request)
        version = data.pop("version")
        action = services.action_create(user=request.user, plan=plan, data=data, expected_version=version)
        return Response(_action(request.user, pk, action.pk), status=status.HTTP_201_CREATED)


class ActionDetail(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=[TAG],
        summary="An action of the plan, with its evidence files",
        responses={200: s.ActionSerializer, 404: ERRORS[404]},
    )
    def get(self, request, pk: int, action_pk: int):
        return Response(_action(request.user, pk, action_pk))

    @extend_schema(
        tags=[TAG],
        summary="Change an action (the cluster's managers; send the action's `version` as read)",
        description="The fields left out keep their values.",
        request=s.ActionWriteSerializer,
        responses={200: s.ActionSerializer, **ERRORS},
        examples=[
            OpenApiExample(
                "In progress",
                value={"version": 2, "status": "in_progress", "progress_note": "The draft went to the board."},
                request_only=True,
            )
        ],
    )
    def patch(self, request, pk: int, action_pk: int):
        action = selectors.action_get(user=request.user, cluster_pk=pk, pk=action_pk, capability=EDIT)
        data = _input(request, partial=True)
        version = data.pop("version", None)
        services.action_update(user=request.user, action=action, data=data, expected_version=version)
        return Response(_action(request.user, pk, action_pk))
