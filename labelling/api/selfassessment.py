"""The self-assessment API: list, create and read assessments, answer indicators, submit, get the questionnaire.

Objects come from ``assessments_visible_to(user)`` (another cluster's assessment answers 404); writes need the
manager of the cluster (404 for anyone else) and an editable status (409 otherwise, from the services);
stale versions answer 409; bad input answers 400 with field errors.
"""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from clusters.selectors import clusters_managed_by
from core.exceptions import NotFound
from core.schema import example
from indicators.questionnaire import questionnaire_to_dict
from labelling.answer_values import answer_declared
from labelling.api.serializers import selfassessment as s
from labelling.models import Answer, Evidence
from labelling.selectors import assessment_get, assessments_visible_to
from labelling.services.answers import (
    answer_save,
    assessment_create,
    assessment_eligibility_save,
    assessment_submit,
    assessment_withdraw,
)
from labelling.services.offline import assessment_questionnaire

ERRORS = {
    400: OpenApiResponse(description="Bad input: field errors (or, for a submission, the list of what is missing)"),
    404: OpenApiResponse(description="Not found, or not yours"),
    409: OpenApiResponse(description="Stale version, or not possible in the assessment's current status"),
}
CODE = OpenApiParameter("code", OpenApiTypes.STR, OpenApiParameter.PATH, description="Indicator code, e.g. S3")


def _assessment(request, pk: int):
    """The assessment if the user may see it, else ``NotFound`` (404)."""
    assessment = assessments_visible_to(request.user).filter(pk=pk).first()
    if assessment is None:
        raise NotFound()
    return assessment


def _managed_assessment(request, pk: int):
    """The assessment if the user manages its cluster (writes: ``assessment.manage``, one check), else 404."""
    return assessment_get(user=request.user, pk=pk, capability="assessment.manage")


def _answers(assessment):
    return (
        assessment.answers.select_related("indicator", "indicator__category")
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.only("id", "answer_id")))
        .order_by("indicator__position")
    )


class AssessmentListCreateView(generics.ListAPIView):
    serializer_class = s.AssessmentListSerializer
    filterset_fields = ["cluster", "status", "reference_year"]

    def get_queryset(self):
        # Only the cluster's name and the framework's code: never the framework's 22 KB source JSON per row.
        return (
            assessments_visible_to(self.request.user)
            .select_related(None)
            .select_related("cluster", "framework")
            .defer("framework__source", "framework__description_fr", "framework__description_en")
            .order_by("-reference_year", "-created_at", "-pk")
        )

    @extend_schema(summary="Assessments you may see (your clusters', those assigned to you, or all for administrators)")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=s.AssessmentCreateSerializer,
        responses={201: s.AssessmentSerializer, **ERRORS},
        summary="Start an assessment for one of your clusters (optionally a renewal of a previous one)",
        examples=[example({"cluster": 12, "reference_year": 2025, "legal_entity": True, "public_profile": True})],
    )
    def post(self, request, *args, **kwargs):
        managed = clusters_managed_by(request.user)
        serializer = s.AssessmentCreateSerializer(
            data=request.data,
            clusters=managed,
            previous=assessments_visible_to(request.user).filter(cluster__in=managed),
        )
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        assessment = assessment_create(
            user=request.user,
            cluster=data["cluster"],
            reference_year=data["reference_year"],
            previous=data.get("previous"),
            legal_entity=data.get("legal_entity"),
            public_profile=data.get("public_profile"),
            applied_level=data.get("applied_level"),
        )
        return Response(s.AssessmentSerializer(assessment).data, status=status.HTTP_201_CREATED)


class AssessmentDetailView(APIView):
    @extend_schema(responses={200: s.AssessmentSerializer, 404: ERRORS[404]}, summary="One assessment")
    def get(self, request, pk: int):
        return Response(s.AssessmentSerializer(_assessment(request, pk)).data)

    @extend_schema(
        request=s.AssessmentUpdateSerializer,
        responses={200: s.AssessmentSerializer, **ERRORS},
        summary="Change the level applied for and the eligibility criteria (manager; draft or changes requested)",
        examples=[
            example({"applied_level": "gold", "version": 3}, "The level applied for"),
            example({"legal_entity": True, "public_profile": False, "version": 3}, "The eligibility criteria"),
        ],
        description="The same change as the summary page's eligibility form, audited (`assessment.eligibility`). "
        "Send the assessment's `version` as read: without it a 400 naming `version`, a stale one a 409. An unknown "
        "level is a 400 naming `applied_level`; a submitted assessment (or, for Gold, a questionnaire frozen before "
        "the visit) is a 409.",
    )
    def patch(self, request, pk: int):
        assessment = _managed_assessment(request, pk)
        serializer = s.AssessmentUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        assessment_eligibility_save(
            user=request.user,
            assessment=assessment,
            legal_entity=data.get("legal_entity", assessment.legal_entity),
            public_profile=data.get("public_profile", assessment.public_profile),
            applied_level=data.get("applied_level"),
            expected_version=data["version"],
        )
        return Response(s.AssessmentSerializer(_assessment(request, pk)).data)

    @extend_schema(
        request=None,
        responses={204: None, 404: ERRORS[404], 409: ERRORS[409]},
        summary="Withdraw (delete) a draft assessment of one of your clusters; audited",
    )
    def delete(self, request, pk: int):
        assessment_withdraw(user=request.user, assessment=_managed_assessment(request, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class AnswerListView(APIView):
    @extend_schema(
        responses={200: s.AnswerSerializer(many=True), 404: ERRORS[404]},
        summary="The answers of an assessment, in framework order",
    )
    def get(self, request, pk: int):
        assessment = _assessment(request, pk)
        return Response(s.AnswerSerializer(_answers(assessment), many=True).data)


class AnswerDetailView(APIView):
    def _answer(self, assessment, code: str) -> Answer:
        answer = _answers(assessment).filter(indicator__code=code).first()
        if answer is None:
            raise NotFound()
        return answer

    @extend_schema(parameters=[CODE], responses={200: s.AnswerSerializer, 404: ERRORS[404]}, summary="One answer")
    def get(self, request, pk: int, code: str):
        return Response(s.AnswerSerializer(self._answer(_assessment(request, pk), code)).data)

    @extend_schema(
        parameters=[CODE],
        request=s.AnswerUpdateSerializer,
        responses={200: s.AnswerSerializer, **ERRORS},
        summary="Declare a value and/or a comment (manager of the cluster; draft or changes requested)",
        examples=[
            example({"value": 62.5, "comment": "From the 2025 members' survey", "version": 3}, "A number"),
            example({"value": "complete", "version": 3}, "A level's option code"),
        ],
        description="Send the answer's `version` as read. A value of the wrong type or out of range is a 400 "
        "naming `value`; a stale version or a submitted assessment is a 409.",
    )
    def patch(self, request, pk: int, code: str):
        assessment = _managed_assessment(request, pk)
        answer = self._answer(assessment, code)
        serializer = s.AnswerUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        value = data["value"] if "value" in data else answer_declared(answer)
        comment = data.get("comment", answer.comment)
        answer_save(user=request.user, answer=answer, value=value, comment=comment, expected_version=data["version"])
        return Response(s.AnswerSerializer(self._answer(assessment, code)).data)


class SubmitView(APIView):
    @extend_schema(
        request=s.SubmitSerializer,
        responses={200: s.AssessmentSerializer, **ERRORS},
        summary="Submit for review (manager): refused with the list of what is missing",
        examples=[example({"version": 7})],
    )
    def post(self, request, pk: int):
        assessment = _managed_assessment(request, pk)
        serializer = s.SubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assessment_submit(
            user=request.user, assessment=assessment, expected_version=serializer.validated_data["version"]
        )
        return Response(s.AssessmentSerializer(_assessment(request, pk)).data)


class QuestionnaireView(APIView):
    @extend_schema(
        responses={200: OpenApiTypes.OBJECT, 404: ERRORS[404]},
        summary="The assessment as a questionnaire file (grappe-questionnaire/1, declared values)",
    )
    def get(self, request, pk: int):
        assessment = _assessment(request, pk)
        return Response(questionnaire_to_dict(assessment_questionnaire(assessment=assessment)))
