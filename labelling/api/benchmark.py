"""Benchmark API: a validated or decided assessment among its peers; the population statistics."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import HasCapability
from labelling.selectors import assessment_get
from labelling.selectors.peers import benchmark_position_for, population_statistics, statistics_framework_get

_PEER = inline_serializer(
    "BenchmarkPeerGroup",
    {
        "group": serializers.CharField(help_text="The group's key: '*' for all, the kind or the region code"),
        "count": serializers.IntegerField(help_text="Assessments of the group with a value, this one included"),
        "peers": serializers.IntegerField(help_text="The other assessments of the group with a value"),
        "enough_peers": serializers.BooleanField(help_text="At least `min_peers` peers: the statistics are given"),
        "q1": serializers.FloatField(allow_null=True),
        "median": serializers.FloatField(allow_null=True),
        "q3": serializers.FloatField(allow_null=True),
        "percentile": serializers.FloatField(allow_null=True, help_text="0 worse than every peer, 100 better"),
    },
)

_INDICATOR = inline_serializer(
    "BenchmarkIndicator",
    {
        "code": serializers.CharField(),
        "category": serializers.CharField(),
        "value_type": serializers.CharField(),
        "direction": serializers.CharField(),
        "value": serializers.JSONField(help_text="The validated value: a number, or an option code", allow_null=True),
        "compared_value": serializers.FloatField(
            allow_null=True, help_text="The value compared: the number, or the points of a level (0, w/2, w)"
        ),
        "peer_groups": serializers.DictField(child=_PEER, help_text="Keys: all, kind, region"),
    },
    many=True,
)

BENCHMARK_RESPONSE = inline_serializer(
    "BenchmarkPosition",
    {
        "assessment": serializers.IntegerField(),
        "population": serializers.IntegerField(help_text="Clusters compared (their latest validated assessment)"),
        "min_peers": serializers.IntegerField(),
        "peer_groups": serializers.DictField(child=serializers.CharField(), help_text="This cluster's group keys"),
        "indicators": _INDICATOR,
    },
)

STATISTICS_RESPONSE = inline_serializer(
    "PopulationStatistics",
    {
        "framework": serializers.CharField(),
        "population": serializers.IntegerField(),
        "criteria": inline_serializer(
            "CriterionShare",
            {
                "code": serializers.CharField(),
                "category": serializers.CharField(),
                "n": serializers.IntegerField(),
                "full": serializers.IntegerField(),
                "partial": serializers.IntegerField(),
                "none": serializers.IntegerField(),
                "full_share": serializers.FloatField(allow_null=True),
                "met_share": serializers.FloatField(allow_null=True),
            },
            many=True,
        ),
        "labels_by_level": serializers.DictField(child=serializers.IntegerField()),
        "labels_by_region": inline_serializer(
            "LabelsByRegion",
            {
                "region": serializers.CharField(),
                "bronze": serializers.IntegerField(),
                "silver": serializers.IntegerField(),
                "gold": serializers.IntegerField(),
                "total": serializers.IntegerField(),
            },
            many=True,
        ),
    },
)

_NOT_FOUND = OpenApiResponse(description="Not found, or not allowed")


class AssessmentBenchmarkView(APIView):
    permission_classes = [HasCapability.for_("assessment.benchmark")]

    @extend_schema(
        request=None,
        responses={200: BENCHMARK_RESPONSE, 404: _NOT_FOUND},
        summary="A validated or decided assessment among its peers (the cluster's managers, administrators)",
        tags=["benchmark"],
    )
    def get(self, request, pk: int):
        assessment = assessment_get(user=request.user, pk=pk, capability="assessment.benchmark")
        return Response(benchmark_position_for(assessment=assessment).to_dict())


class StatisticsView(APIView):
    permission_classes = [HasCapability.for_("statistics.view")]

    @extend_schema(
        request=None,
        parameters=[OpenApiParameter("framework", str, description="Framework code (default: the default one)")],
        responses={200: STATISTICS_RESPONSE, 404: _NOT_FOUND},
        summary="Clusters meeting each criterion, active labels by level and region (administrators)",
        tags=["benchmark"],
    )
    def get(self, request):
        framework = statistics_framework_get(user=request.user, code=request.query_params.get("framework"))
        return Response({"framework": framework.code, **population_statistics(framework=framework).to_dict()})
