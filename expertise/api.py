"""The expert's process in the API (``/api/v1/``): the prerequisites to apply, the visits, the findings.

Assessments are looked up through the selectors that take the user (404 for one the user may not see); services
raise domain errors that ``core.api.exception_handler`` maps to 400/404/409."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from expertise import selectors

ERRORS = {
    400: OpenApiResponse(description="Bad input: field errors"),
    404: OpenApiResponse(description="Not found, or not yours"),
    409: OpenApiResponse(description="Not possible in the current state, or the version moved"),
}


class CriterionSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=["eccp", "staff", "members", "triple_helix", "english"])
    met = serializers.BooleanField()
    value = serializers.JSONField(help_text="The figure from the records (null when there is none)")
    explanation = serializers.CharField(help_text="Where the figure comes from, in the reader's language")


class ExemptionSerializer(serializers.Serializer):
    reason = serializers.CharField()
    granted_by = serializers.CharField()
    granted_at = serializers.DateTimeField()


class PrerequisitesSerializer(serializers.Serializer):
    met = serializers.BooleanField(help_text="Every criterion met, or an exemption recorded for the cluster")
    criteria = CriterionSerializer(many=True)
    exemption = ExemptionSerializer(allow_null=True)


class PrerequisitesView(APIView):
    @extend_schema(
        tags=["prerequisites"],
        responses={200: PrerequisitesSerializer, 404: ERRORS[404]},
        summary="The prerequisites to apply for a label, computed for the assessment's reference year",
    )
    def get(self, request, pk: int):
        _assessment, prerequisites = selectors.assessment_prerequisites(user=request.user, pk=pk)
        return Response(prerequisites.to_dict())
