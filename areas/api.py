"""Silver's areas of improvement in the API (``/api/v1/``): the same selectors, rules and services as the pages.
Whoever sees the assessment (and the committee members of its cases) reads its areas; its managers write them while
they may edit it, with the version check; the assigned assessor records the verdicts while they review it."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from areas import selectors, services
from areas import serializers as s
from areas.forms import area_values
from areas.models import ImprovementArea
from core.api import read_input

TAG = "areas"
ERRORS = {
    400: OpenApiResponse(description="Bad input: field errors (`version` missing, a value refused…)"),
    404: OpenApiResponse(description="Not found, or not yours to see or to do"),
    409: OpenApiResponse(description="The version sent is stale, or the assessment's step no longer allows it"),
}
AREA_EXAMPLE = {
    "version": 4,
    "title": "Members' access to international markets",
    "indicator": "R4",
    "actions": [12, 13],
    "achievements": "Two trade missions with twelve members; a shared export adviser since March.",
}


def _area_body(user, pk: int) -> dict:
    return s.AreaSerializer(selectors.area_get(user=user, pk=pk)).data


class AssessmentAreas(generics.ListAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = s.AreaSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ImprovementArea.objects.none()
        assessment = selectors.assessment_for_areas(user=self.request.user, pk=self.kwargs["pk"])
        return selectors.areas_of(assessment=assessment).select_related("assessment")

    @extend_schema(
        tags=[TAG],
        summary="The areas of improvement of an assessment, with their verdicts",
        description="For whoever sees the assessment, and the committee members of a session that has it on its "
        "agenda.",
        responses={200: s.AreaSerializer(many=True), 404: ERRORS[404]},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=[TAG],
        summary="Add an area of improvement to a Silver application (its managers, until the submission)",
        description="`version` is the **assessment's** version as read (it grows by one: the answer's "
        "`assessment_version` gives the new one). `indicator`: an indicator's code, one area per indicator; "
        "`actions`: ids of actions of the cluster's improvement plan, at least one. A Silver application is "
        "submitted with at least three areas.",
        request=s.AreaInputSerializer,
        responses={201: s.AreaSerializer, **ERRORS},
        examples=[OpenApiExample("An area", value=AREA_EXAMPLE, request_only=True)],
    )
    def post(self, request, pk: int):
        assessment = selectors.assessment_for_areas(user=request.user, pk=pk, capability="areas.edit")
        data = read_input(s.AreaInputSerializer, request, assessment=assessment)
        area = services.area_add(
            user=request.user,
            assessment=assessment,
            **area_values(data),
        )
        return Response(_area_body(request.user, area.pk), status=status.HTTP_201_CREATED)


class AreaDetail(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[TAG], summary="An area of improvement", responses={200: s.AreaSerializer, 404: ERRORS[404]})
    def get(self, request, pk: int):
        return Response(_area_body(request.user, pk))

    @extend_schema(
        tags=[TAG],
        summary="Change an area of improvement (the assessment's managers, while they may edit it)",
        description="`version` is the **area's** version as read. A verdict the area had (after a change request) "
        "is cleared: the assessor judges it again.",
        request=s.AreaInputSerializer,
        responses={200: s.AreaSerializer, **ERRORS},
        examples=[OpenApiExample("A change", value={**AREA_EXAMPLE, "version": 1}, request_only=True)],
    )
    def put(self, request, pk: int):
        area = selectors.area_get(user=request.user, pk=pk, capability="areas.edit")
        data = read_input(s.AreaInputSerializer, request, assessment=area.assessment)
        services.area_update(
            user=request.user,
            area=area,
            **area_values(data),
        )
        return Response(_area_body(request.user, pk))

    @extend_schema(
        tags=[TAG],
        summary="Remove an area of improvement (the assessment's managers, while they may edit it)",
        parameters=[
            OpenApiParameter(
                "version",
                OpenApiTypes.INT,
                OpenApiParameter.QUERY,
                required=True,
                description="The area's version as read",
            )
        ],
        responses={204: OpenApiResponse(description="Removed"), **ERRORS},
    )
    def delete(self, request, pk: int):
        area = selectors.area_get(user=request.user, pk=pk, capability="areas.edit")
        serializer = s.VersionQuerySerializer(data=request.query_params)
        serializer.is_valid(raise_exception=True)
        services.area_delete(user=request.user, area=area, expected_version=serializer.validated_data["version"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class AreaVerdict(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=[TAG],
        summary="Mark an area demonstrated or not, with a comment (the assigned assessor, during the review)",
        description="`version` is the area's version as read. A Silver application is validated once each of its "
        "areas has a verdict.",
        request=s.VerdictInputSerializer,
        responses={200: s.AreaSerializer, **ERRORS},
        examples=[
            OpenApiExample(
                "Demonstrated",
                value={"version": 1, "verdict": "demonstrated", "comment": "Mission reports and export figures seen."},
                request_only=True,
            )
        ],
    )
    def post(self, request, pk: int):
        area = selectors.area_get(user=request.user, pk=pk, capability="areas.judge")
        data = read_input(s.VerdictInputSerializer, request)
        services.area_judge(
            user=request.user,
            area=area,
            verdict=data["verdict"],
            comment=data["comment"],
            expected_version=data["version"],
        )
        return Response(_area_body(request.user, pk))
