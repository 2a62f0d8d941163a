"""REST API of the funders' side: the same selectors, rules and services as the pages (``programmes.views``)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from clusters.selectors import cluster_get
from core.api import Pagination, StepView, read_input
from programmes import presenters, selectors, services
from programmes import serializers as s
from programmes.models import Contract, Enrolment, Programme, YearlyReport

ERRORS = {
    400: OpenApiResponse(description="Bad input: field errors"),
    404: OpenApiResponse(description="Not found, or not yours"),
    409: OpenApiResponse(description="The version sent is stale, or the step is not possible in the report's state"),
}
YEAR = OpenApiParameter("year", int, description="The year shown (default: the last year that has ended)")


def _indicators(spec) -> list[dict]:
    return [
        {"code": i.code, "name": i.name, "unit": i.unit, "kind": i.kind, "source": i.source} for i in spec.indicators
    ]


@extend_schema(tags=["programmes"], summary="The programmes you follow (all of them for administrators)")
class ProgrammeList(generics.ListAPIView):
    serializer_class = s.ProgrammeSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Programme.objects.none()
        return selectors.programmes_visible_to(self.request.user).order_by("-starts_on", "pk")


class ProgrammeDetail(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["programmes"],
        summary="A programme, with its indicator set",
        responses={200: s.ProgrammeDetailSerializer, 404: ERRORS[404]},
    )
    def get(self, request, pk: int):
        programme = selectors.programme_get(user=request.user, pk=pk)
        programme.indicators = _indicators(selectors.set_of(programme))
        return Response(s.ProgrammeDetailSerializer(programme).data)


@extend_schema(tags=["programmes"], summary="The clusters a programme enrols")
class ProgrammeClusters(generics.ListAPIView):
    serializer_class = s.EnrolmentSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Enrolment.objects.none()
        programme = selectors.programme_get(user=self.request.user, pk=self.kwargs["pk"])
        return selectors.enrolments_of(programme=programme)


class ProgrammeDashboard(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["programmes"],
        summary="The officer's dashboard: each cluster's label, report state and figures against targets",
        description="50 clusters a page (`?page=`); `totals` holds the programme's totals per indicator and year "
        "against the sum of the targets, `states` the count of reports in each state for the year.",
        parameters=[YEAR, OpenApiParameter("page", int)],
        responses={200: s.DashboardSerializer, 404: ERRORS[404]},
    )
    def get(self, request, pk: int):
        programme = selectors.programme_get(user=request.user, pk=pk)
        spec = selectors.set_of(programme)
        year = selectors.year_shown(programme, request.GET.get("year"), timezone.localdate())
        today = timezone.localdate()
        facts = selectors.programme_facts(programme=programme, year=year)
        paginator = Pagination()
        enrolments = paginator.paginate_queryset(selectors.enrolments_of(programme=programme), request, view=self)
        figures, targets = selectors.page_figures(
            programme=programme, year=year, cluster_ids=[e.cluster_id for e in enrolments]
        )
        rows = presenters.dashboard_rows(
            enrolments=enrolments,
            facts=facts,
            figures=figures,
            targets=targets,
            spec=spec,
            programme=programme,
            year=year,
            today=today,
        )
        results = [
            {
                "cluster": row["cluster"].pk,
                "cluster_name": row["cluster"].name,
                "label_level": row["label"]["level"],
                "label_valid_until": row["label"]["expires_on"],
                "label_flag": row["label"]["flag"],
                "report_state": row["state"],
                "figures": {
                    indicator.code: {
                        "value": cell["value"],
                        "target": cell["target"],
                        "achievement": cell["achievement"],
                    }
                    for indicator, cell in zip(spec.indicators, row["cells"], strict=True)
                },
            }
            for row in rows
        ]
        totals = {
            line["indicator"].code: {
                str(cell["year"]): {"actual": cell["actual"], "target": cell["target"]} for cell in line["cells"]
            }
            for line in presenters.totals_table(spec=spec, years=programme.years, facts=facts)
        }
        states = {
            item["state"]: item["count"]
            for item in presenters.state_counts(facts=facts, programme=programme, year=year, today=today)
        }
        response = paginator.get_paginated_response(results)
        response.data["year"] = year
        response.data["totals"] = totals
        response.data["states"] = states
        return response


@extend_schema(tags=["contracts"], summary="The performance contracts of a programme's clusters")
class ProgrammeContracts(generics.ListAPIView):
    serializer_class = s.ContractSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Contract.objects.none()
        programme = selectors.programme_get(user=self.request.user, pk=self.kwargs["pk"])
        return Contract.objects.filter(programme=programme).order_by("cluster__name", "pk")


def _targets_body(contract) -> dict:
    return {
        "contract": contract.pk,
        "version": contract.version,
        "targets": [
            {"indicator": code, "year": year, "value": value}
            for (code, year), value in sorted(selectors.targets_of(contract=contract).items())
        ],
    }


class ContractTargets(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["contracts"],
        summary="A contract's yearly targets",
        responses={200: s.TargetsSerializer, 404: ERRORS[404]},
    )
    def get(self, request, pk: int):
        contract = selectors.contract_get(user=request.user, pk=pk)
        return Response(_targets_body(contract))

    @extend_schema(
        tags=["contracts"],
        summary="Set yearly targets (the programme's officers): the targets named are replaced, `null` removes one",
        description="Every refused target is reported (`target_<indicator>_<year>`) and nothing is saved then.",
        request=s.TargetsInputSerializer,
        responses={200: s.TargetsSerializer, **ERRORS},
        examples=[
            OpenApiExample(
                "Targets for 2025",
                value={"version": 3, "targets": [{"indicator": "members", "year": 2025, "value": 120}]},
                request_only=True,
            )
        ],
    )
    def post(self, request, pk: int):
        contract = selectors.contract_get(user=request.user, pk=pk, capability="contract.edit")
        data = read_input(s.TargetsInputSerializer, request)
        contract = services.targets_save(
            user=request.user,
            contract=contract,
            targets={(t["indicator"], t["year"]): t["value"] for t in data["targets"]},
            expected_version=data["version"],
        )
        return Response(_targets_body(contract))


# --- yearly reports ------------------------------------------------------------------------------------------------


def _detail(report) -> dict:
    spec = selectors.set_of(report.programme)
    report.value_rows = [
        {
            "indicator": row.indicator.code,
            "value": row.row.value,
            "computed": row.row.computed,
            "explanation": row.explanation,
            "comment": row.row.comment,
            "officer_comment": row.row.officer_comment,
            "changed": row.row.changed,
        }
        for row in selectors.report_rows(report=report, spec=spec)
    ]
    return s.YearlyReportDetailSerializer(report).data


class ClusterYearlyReports(generics.ListAPIView):
    serializer_class = s.YearlyReportSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return YearlyReport.objects.none()
        return selectors.reports_of_cluster(user=self.request.user, cluster_pk=self.kwargs["pk"])

    @extend_schema(tags=["yearly reports"], summary="A cluster's yearly reports (those you may see)")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=["yearly reports"],
        summary="Start the report of a year (the cluster's managers): the computed figures are proposed",
        request=s.StartReportInputSerializer,
        responses={201: s.YearlyReportDetailSerializer, **ERRORS},
        examples=[OpenApiExample("Report on 2025", value={"programme": 1, "year": 2025}, request_only=True)],
    )
    def post(self, request, pk: int):
        cluster = cluster_get(user=request.user, pk=pk)  # 404 for a cluster that is not the user's
        data = read_input(s.StartReportInputSerializer, request)
        enrolment = (
            selectors.managed_enrolments(user=request.user)
            .filter(cluster=cluster, programme_id=data["programme"])
            .first()
        )
        if enrolment is None:
            raise serializers.ValidationError({"programme": [_("The cluster is not enrolled in this programme.")]})
        report = services.report_start(user=request.user, enrolment=enrolment, year=data["year"])
        return Response(_detail(selectors.report_get(user=request.user, pk=report.pk)), status=status.HTTP_201_CREATED)


class YearlyReportDetail(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["yearly reports"],
        summary="A yearly report with its figures",
        responses={200: s.YearlyReportDetailSerializer, 404: ERRORS[404]},
    )
    def get(self, request, pk: int):
        return Response(_detail(selectors.report_get(user=request.user, pk=pk)))

    @extend_schema(
        tags=["yearly reports"],
        summary="Change figures (the cluster's managers; send `version` as read)",
        description="A computed figure may be changed only with a `comment`; a refused value is reported on "
        "`value_<indicator>`, and nothing is saved then.",
        request=s.ReportWriteSerializer,
        responses={200: s.YearlyReportDetailSerializer, **ERRORS},
        examples=[
            OpenApiExample(
                "Declared figures",
                value={"version": 2, "values": [{"indicator": "eu_projects", "value": 3, "comment": ""}]},
                request_only=True,
            )
        ],
    )
    def patch(self, request, pk: int):
        report = selectors.report_get(user=request.user, pk=pk, capability="yearly_report.fill")
        data = read_input(s.ReportWriteSerializer, request)
        services.report_save(
            user=request.user,
            report=report,
            entries={e["indicator"]: {"value": e["value"], "comment": e.get("comment", "")} for e in data["values"]},
            expected_version=data["version"],
        )
        return Response(_detail(selectors.report_get(user=request.user, pk=pk)))


def _step_schema(summary: str, request=s.VersionInputSerializer):
    return extend_schema(
        tags=["yearly reports"],
        summary=summary,
        request=request,
        responses={200: s.YearlyReportDetailSerializer, **ERRORS},
        examples=[OpenApiExample("As read", value={"version": 4}, request_only=True)]
        if request is s.VersionInputSerializer
        else [
            OpenApiExample(
                "Return",
                value={"version": 4, "comments": [{"indicator": "eu_projects", "comment": "Only one was signed."}]},
                request_only=True,
            )
        ],
    )


# A step on a yearly report, for whoever has its ``capability`` on it: it answers the report.
class _ReportStep(StepView):
    capability = ""
    input_serializer = s.VersionInputSerializer

    def target(self, request, pk: int):
        return selectors.report_get(user=request.user, pk=pk, capability=self.capability)

    def answer(self, request, pk: int) -> dict:
        return _detail(selectors.report_get(user=request.user, pk=pk))


@_step_schema("Submit the report to the programme's officer (the cluster's managers)")
class YearlyReportSubmit(_ReportStep):
    capability = "yearly_report.fill"

    def perform(self, request, report, data: dict) -> None:
        services.report_submit(user=request.user, report=report, expected_version=data["version"])


@_step_schema("Approve a submitted report (the programme's officers)")
class YearlyReportApprove(_ReportStep):
    capability = "yearly_report.review"

    def perform(self, request, report, data: dict) -> None:
        services.report_approve(user=request.user, report=report, expected_version=data["version"])


@_step_schema("Return a submitted report with a comment on each indicator to change", s.ReturnInputSerializer)
class YearlyReportReturn(_ReportStep):
    capability = "yearly_report.review"
    input_serializer = s.ReturnInputSerializer

    def perform(self, request, report, data: dict) -> None:
        services.report_return(
            user=request.user,
            report=report,
            comments={c["indicator"]: c["comment"] for c in data["comments"]},
            expected_version=data["version"],
        )
