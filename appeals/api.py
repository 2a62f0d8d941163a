"""REST API of the appeals: the same selectors, rules and services as the pages. A manager lodges an appeal against a
decision on one of their clusters' assessments and answers the administrator's questions; an administrator who took
no part in the decision asks and decides. Another cluster's appeal answers 404."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import require
from appeals import selectors, services
from appeals import serializers as s
from appeals.models import Appeal, AppealStatus
from core.api import StepView, read_input

TAG = "appeals"
ERRORS = {
    400: OpenApiResponse(description="Bad input: field errors (`version` missing, a late appeal on `ground`…)"),
    404: OpenApiResponse(description="Not found, not your cluster's appeal, or not yours to handle"),
    409: OpenApiResponse(description="The version sent is stale, or the appeal no longer allows this step"),
}


def _files(request) -> list:
    return request.FILES.getlist("files") if hasattr(request, "FILES") else []


def _detail(user, pk: int) -> dict:
    return s.AppealDetailSerializer(selectors.appeal_get(user=user, pk=pk)).data


# A step on an appeal, for whoever has its ``capability``: it answers the appeal.
class _AppealStep(StepView):
    capability = ""

    def target(self, request, pk: int):
        return selectors.appeal_get(user=request.user, pk=pk, capability=self.capability)

    def answer(self, request, pk: int) -> dict:
        return _detail(request.user, pk)


class AppealList(generics.ListAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = s.AppealSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Appeal.objects.none()
        require(self.request.user, "appeal.list")
        status_ = self.request.query_params.get("status", "")
        return selectors.appeal_list(self.request.user, status=status_ if status_ in AppealStatus.values else "")

    @extend_schema(
        tags=[TAG],
        summary="The appeals you may see",
        description="Every appeal for an administrator; their clusters' for a manager; 404 for the other roles.",
        parameters=[OpenApiParameter("status", enum=AppealStatus.values, required=False)],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=[TAG],
        summary="Lodge an appeal (a manager of the cluster)",
        description="Against a decision of a decided assessment (`ground`): `refused`, `conditional`, `lower_level` "
        "(a level lower than the one applied for) or `revoked`, no later than `APPEAL_WINDOW_DAYS` (30 by default) "
        "after it. A late appeal is refused on `ground` with its last day. Sent as multipart, `files` (repeated) "
        "attaches documents, checked by their content as evidence is. The administrators who may handle it (those "
        "who took no part in the decision) and the cluster's managers are e-mailed.",
        request=s.AppealLodgeSerializer,
        responses={201: s.AppealDetailSerializer, 400: ERRORS[400], 404: ERRORS[404]},
        examples=[
            OpenApiExample(
                "Against a refusal",
                value={"assessment": 12, "ground": "refused", "reasons": "The visit report overlooked our statutes."},
                request_only=True,
            )
        ],
    )
    def post(self, request, *args, **kwargs):
        data = read_input(s.AppealLodgeSerializer, request)
        appeal = services.appeal_lodge(
            user=request.user,
            assessment=data["assessment"],
            ground=data["ground"],
            reasons=data["reasons"],
            uploads=_files(request),
        )
        return Response(_detail(request.user, appeal.pk), status=status.HTTP_201_CREATED)


class AppealableList(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=[TAG],
        summary="The decisions you may still appeal (managers)",
        description="Each decision of your clusters' assessments not appealed yet whose last day to appeal has not "
        "passed, the nearest deadline first. Empty for the other roles.",
        responses={200: s.AppealableSerializer(many=True)},
    )
    def get(self, request):
        return Response(s.AppealableSerializer(selectors.appealable_for(user=request.user), many=True).data)


class AppealDetail(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=[TAG],
        summary="An appeal with its files, questions and answers, and its outcome",
        responses={200: s.AppealDetailSerializer, 404: ERRORS[404]},
    )
    def get(self, request, pk: int):
        return Response(_detail(request.user, pk))


@extend_schema(
    tags=[TAG],
    summary="Ask the cluster a question (the administrator handling the appeal)",
    description="One question waits at a time; the cluster's managers are e-mailed. Send the appeal's `version`.",
    request=s.AppealAskSerializer,
    responses={201: s.AppealDetailSerializer, **ERRORS},
    examples=[
        OpenApiExample(
            "A question", value={"version": 1, "question": "Send the minutes of your board."}, request_only=True
        )
    ],
)
class AppealAsk(_AppealStep):
    capability = "appeal.handle"
    input_serializer = s.AppealAskSerializer
    creates = True

    def perform(self, request, appeal, data: dict) -> None:
        services.appeal_ask(
            user=request.user, appeal=appeal, question=data["question"], expected_version=data["version"]
        )


@extend_schema(
    tags=[TAG],
    summary="Answer the waiting question (a manager of the cluster)",
    description="Sent as multipart, `files` (repeated) attaches documents. The administrator who asked is "
    "e-mailed. Send the appeal's `version`.",
    request=s.AppealAnswerSerializer,
    responses={200: s.AppealDetailSerializer, **ERRORS},
    examples=[OpenApiExample("An answer", value={"version": 2, "answer": "Attached."}, request_only=True)],
)
class AppealAnswer(_AppealStep):
    capability = "appeal.answer"
    input_serializer = s.AppealAnswerSerializer

    def perform(self, request, appeal, data: dict) -> None:
        services.appeal_answer(
            user=request.user,
            appeal=appeal,
            answer=data["answer"],
            uploads=_files(request),
            expected_version=data["version"],
        )


@extend_schema(
    tags=[TAG],
    summary="Decide the appeal (an administrator who took no part in the decision appealed)",
    description="`outcome`: `upheld` (the decision stands) or `overturned` (a new decision: after a refusal, a "
    "label issued at `level`; after a lower level, the label raised to `level`, a new label numbered as every "
    "label; after a revocation, the label restored; after a conditional grant, the conditions lifted), with a "
    "`reason`. Decided once (409 after). Send the appeal's `version`.",
    request=s.AppealDecideSerializer,
    responses={200: s.AppealDetailSerializer, **ERRORS},
    examples=[
        OpenApiExample(
            "Overturning a refusal",
            value={"version": 1, "outcome": "overturned", "level": "bronze", "reason": "The statutes were filed."},
            request_only=True,
        ),
        OpenApiExample(
            "Upheld", value={"version": 1, "outcome": "upheld", "reason": "No new fact."}, request_only=True
        ),
    ],
)
class AppealDecide(_AppealStep):
    capability = "appeal.handle"
    input_serializer = s.AppealDecideSerializer

    def perform(self, request, appeal, data: dict) -> None:
        services.appeal_decide(
            user=request.user,
            appeal=appeal,
            outcome=data["outcome"],
            level=data["level"],
            reason=data["reason"],
            expected_version=data["version"],
        )
