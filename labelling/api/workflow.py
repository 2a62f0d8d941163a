"""The workflow API: review and decision steps, labels, reports, and the public registry.

Objects are looked up through the selectors that take the user, so another cluster's assessment answers
404; services raise ``InvalidTransition`` (409) for a step the status does not allow, and bad input is a
400 with field errors (see ``core.api.exception_handler``).
"""

from __future__ import annotations

from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import HasCapability
from core.api import read_input
from core.downloads import stored_file
from core.exceptions import NotFound
from core.schema import example
from core.throttles import PUBLIC_LIST_THROTTLES, PUBLIC_THROTTLES
from labelling import selectors
from labelling.api.serializers import workflow as s
from labelling.models import LabelStatus, Report, ReportKind
from labelling.services import labels as label_services
from labelling.services import reports as report_services
from labelling.services import workflow as services

ERRORS = {
    400: OpenApiResponse(description="Bad input: field errors"),
    404: OpenApiResponse(description="Not found, or not yours"),
    409: OpenApiResponse(description="Not possible in the assessment's current status"),
}


def _assessment(request, pk: int, capability: str | None = None):
    """The assessment if the user may see it and, with ``capability``, take that step (``selectors.assessment_get``:
    one check), else ``NotFound`` (404) before the input is read."""
    if capability is not None:
        return selectors.assessment_get(user=request.user, pk=pk, capability=capability)
    assessment = selectors.assessments_visible_to(request.user).filter(pk=pk).first()
    if assessment is None:
        raise NotFound()
    return assessment


def _assigned(request, pk: int):
    """The assessment, for its assigned assessor only: anybody else gets 404 before their input is read."""
    return _assessment(request, pk, "assessment.assessor")


class AssignView(APIView):
    permission_classes = [HasCapability.for_("assessment.view")]

    @extend_schema(
        request=s.AssignInputSerializer,
        responses={200: s.WorkflowAssessmentSerializer, **ERRORS},
        summary="Assign an assessor (administrators): submitted → in review",
        examples=[example({"assessor": 7})],
    )
    def post(self, request, pk: int):
        assessment = _assessment(request, pk, "assessment.assign")
        data = read_input(s.AssignInputSerializer, request)
        assessment = services.assessment_assign(user=request.user, assessment=assessment, assessor=data["assessor"])
        return Response(s.WorkflowAssessmentSerializer(assessment).data)


class DeclareNoConflictView(APIView):
    permission_classes = [HasCapability.for_("assessment.view")]

    @extend_schema(
        request=None, responses={200: s.ReviewSerializer, **ERRORS}, summary="Declare no conflict of interest"
    )
    def post(self, request, pk: int):
        assessment = _assessment(request, pk, "assessment.declare_conflict")  # the first or the second assessor
        review = services.review_declare_no_conflict(user=request.user, assessment=assessment)
        return Response(s.ReviewSerializer(review).data)


class AnswerReviewView(APIView):
    permission_classes = [HasCapability.for_("assessment.view")]

    @extend_schema(
        request=s.ReviewInputSerializer,
        responses={200: s.ReviewedAnswerSerializer, **ERRORS},
        summary="Accept the declared value or correct it (assigned assessor)",
        examples=[
            example({"accept": True, "expected_version": 3}, "Accept"),
            example(
                {
                    "accept": False,
                    "value": 42,
                    "justification": "The attendance sheets show 42 members, not 48.",
                    "comment": "",
                    "expected_version": 3,
                },
                "Correct",
            ),
        ],
    )
    def post(self, request, pk: int, code: str):
        assessment = _assigned(request, pk)
        answer = selectors.answer_get(assessment=assessment, code=code)
        data = read_input(s.ReviewInputSerializer, request)
        answer = services.answer_review(
            user=request.user,
            answer=answer,
            accept=data["accept"],
            value=data.get("value"),
            justification=data.get("justification", ""),
            comment=data.get("comment", ""),
            expected_version=data["expected_version"],
        )
        return Response(s.ReviewedAnswerSerializer(answer).data)


class RequestChangesView(APIView):
    permission_classes = [HasCapability.for_("assessment.view")]

    @extend_schema(
        request=s.RequestChangesInputSerializer,
        responses={200: s.WorkflowAssessmentSerializer, **ERRORS},
        summary="Send the assessment back to the manager: in review → changes requested",
        examples=[
            example({"comment": "Two answers need evidence.", "requests": {"S3": "Attach the signed strategy."}})
        ],
    )
    def post(self, request, pk: int):
        assessment = _assigned(request, pk)
        data = read_input(s.RequestChangesInputSerializer, request)
        assessment = services.assessment_request_changes(
            user=request.user, assessment=assessment, comment=data.get("comment", ""), requests=data.get("requests")
        )
        return Response(s.WorkflowAssessmentSerializer(assessment).data)


class DeclareConflictView(APIView):
    permission_classes = [HasCapability.for_("assessment.view")]

    @extend_schema(
        request=s.ReasonInputSerializer,
        responses={200: OpenApiResponse(description="Declared: you are unassigned"), **ERRORS},
        summary="Declare a conflict of interest (the assigned assessor): unassigned, back to submitted",
        examples=[example({"reason": "I advised this cluster on its strategy in 2024."})],
    )
    def post(self, request, pk: int):
        assessment = _assessment(request, pk, "assessment.declare_conflict")
        data = read_input(s.ReasonInputSerializer, request)
        services.review_declare_conflict(user=request.user, assessment=assessment, reason=data["reason"])
        return Response({"detail": _("You declared a conflict of interest and are no longer assigned.")})


class AssignSecondView(APIView):
    permission_classes = [HasCapability.for_("assessment.view")]

    @extend_schema(
        request=s.AssignInputSerializer,
        responses={200: s.WorkflowAssessmentSerializer, **ERRORS},
        summary="Assign the second assessor who countersigns the review (administrators)",
        examples=[example({"assessor": 9})],
    )
    def post(self, request, pk: int):
        assessment = _assessment(request, pk, "assessment.assign")
        data = read_input(s.AssignInputSerializer, request)
        assessment = services.assessment_assign_second(
            user=request.user, assessment=assessment, assessor=data["assessor"]
        )
        return Response(s.WorkflowAssessmentSerializer(assessment).data)


class CountersignView(APIView):
    permission_classes = [HasCapability.for_("assessment.view")]

    @extend_schema(
        request=None,
        responses={200: s.ReviewSerializer, **ERRORS},
        summary="Countersign the validated review (the second assessor)",
    )
    def post(self, request, pk: int):
        assessment = _assessment(request, pk, "assessment.countersign")
        return Response(s.ReviewSerializer(services.review_countersign(user=request.user, assessment=assessment)).data)


class DisagreeView(APIView):
    permission_classes = [HasCapability.for_("assessment.view")]

    @extend_schema(
        request=s.ReasonInputSerializer,
        responses={200: s.ReviewSerializer, **ERRORS},
        summary="Record a disagreement with the validated review, with a reason (the second assessor)",
        examples=[example({"reason": "F2's corrected value ignores the regional grant."})],
    )
    def post(self, request, pk: int):
        assessment = _assessment(request, pk, "assessment.countersign")
        data = read_input(s.ReasonInputSerializer, request)
        review = services.review_disagree(user=request.user, assessment=assessment, reason=data["reason"])
        return Response(s.ReviewSerializer(review).data)


class AcceptRemainingView(APIView):
    permission_classes = [HasCapability.for_("assessment.view")]

    @extend_schema(
        request=s.CategoryInputSerializer,
        responses={200: OpenApiResponse(description='{"accepted": ["S1", …]}'), **ERRORS},
        summary="Accept every remaining answer of a category (assigned assessor; audited per answer)",
        examples=[example({"category": "S"})],
    )
    def post(self, request, pk: int):
        assessment = _assigned(request, pk)
        data = read_input(s.CategoryInputSerializer, request)
        accepted = services.answers_accept_remaining(
            user=request.user, assessment=assessment, category_code=data["category"]
        )
        return Response({"accepted": accepted})


class ValidateView(APIView):
    permission_classes = [HasCapability.for_("assessment.view")]

    @extend_schema(
        request=s.ValidateInputSerializer,
        responses={200: s.WorkflowAssessmentSerializer, **ERRORS},
        summary="Validate the reviewed answers: in review → validated",
        examples=[example({"recommended_level": "gold"})],
    )
    def post(self, request, pk: int):
        assessment = _assigned(request, pk)
        data = read_input(s.ValidateInputSerializer, request)
        assessment = services.assessment_validate(
            user=request.user, assessment=assessment, recommended_level=data.get("recommended_level", "")
        )
        return Response(s.WorkflowAssessmentSerializer(assessment).data)


class ScoreView(APIView):
    permission_classes = [HasCapability.for_("assessment.view")]

    @extend_schema(
        request=None,
        responses={200: OpenApiTypes.OBJECT, 404: ERRORS[404]},
        summary="The score and level of the validated values (administrators and the assigned assessor)",
    )
    def get(self, request, pk: int):
        assessment = _assessment(request, pk, "assessment.score")
        result, provisional = selectors.assessment_result(assessment=assessment)
        return Response({**result.to_dict(), "provisional": provisional})


class DecideView(APIView):
    permission_classes = [HasCapability.for_("assessment.view")]

    @extend_schema(
        request=s.DecideInputSerializer,
        responses={201: s.DecisionSerializer, **ERRORS},
        summary="Decide (administrators): validated → decided; issues the label",
        description="The direct decision of a labelling body without an awarding committee (`LABELLING_COMMITTEE` "
        "off). With the committee on (the default) this answers 404: the assessment goes on a committee session's "
        "agenda (`/api/v1/committee/sessions/<id>/cases/`) and the session's chair decides it.",
        examples=[
            example({"reason": ""}, "The computed level"),
            example({"level": "silver", "reason": "The committee's decision of 12 March."}, "Another level"),
        ],
    )
    def post(self, request, pk: int):
        assessment = _assessment(request, pk, "assessment.decide_directly")
        data = read_input(s.DecideInputSerializer, request)
        decision = services.assessment_decide(
            user=request.user, assessment=assessment, level=data.get("level"), reason=data.get("reason", "")
        )
        return Response(s.DecisionSerializer(decision).data, status=status.HTTP_201_CREATED)


class AssessmentReportsView(APIView):
    permission_classes = [HasCapability.for_("assessment.view")]

    @extend_schema(
        responses={200: s.ReportSerializer(many=True), 404: ERRORS[404]}, summary="The reports of an assessment"
    )
    def get(self, request, pk: int):
        reports = selectors.reports_for(user=request.user, assessment=_assessment(request, pk))
        return Response(s.ReportSerializer(reports, many=True, context={"request": request}).data)

    @extend_schema(
        request=s.ReportInputSerializer,
        responses={202: s.ReportSerializer, **ERRORS},
        summary="Request a PDF (assessment report or label certificate); produced by a worker",
        examples=[example({"kind": "certificate", "language": "en"})],
    )
    def post(self, request, pk: int):
        assessment = _assessment(request, pk)
        data = read_input(s.ReportInputSerializer, request)
        report = report_services.report_request(
            user=request.user,
            assessment=assessment,
            kind=data["kind"],
            language=data.get("language") or getattr(request.user, "language", "") or "fr",
        )
        return Response(s.ReportSerializer(report, context={"request": request}).data, status=status.HTTP_202_ACCEPTED)


def _report(request, pk: int) -> Report:
    return selectors.report_get(user=request.user, pk=pk)


class ReportDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: s.ReportSerializer, 404: ERRORS[404]}, summary="A report's status")
    def get(self, request, pk: int):
        return Response(s.ReportSerializer(_report(request, pk), context={"request": request}).data)


class ReportDownloadView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses={(200, "application/pdf"): OpenApiTypes.BINARY, 404: ERRORS[404], 409: ERRORS[409]},
        summary="Download a ready PDF (409 for the certificate of a revoked or expired label)",
    )
    def get(self, request, pk: int):
        report = selectors.report_ready_get(user=request.user, pk=pk)
        if (
            report.kind == ReportKind.CERTIFICATE
            and report.label
            and not report_services.label_certifiable(report.label)
        ):
            raise report_services.LabelNotValid(report.label)  # 409: a revoked or expired label's certificate
        filename = selectors.report_download_name(report)
        handle = stored_file(report.file.storage, report.file.name)
        return FileResponse(handle, as_attachment=True, filename=filename, content_type="application/pdf")


@extend_schema_view(
    get=extend_schema(
        summary="Labels you may see (your clusters'; every label for administrators)",
        description="Administrators: every label; managers: their clusters' labels. Filter by `status` and `level`.",
    )
)
class LabelListView(generics.ListAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = s.LabelSerializer
    filterset_fields = ["status", "level"]

    def get_queryset(self):
        return selectors.labels_visible_to(self.request.user).order_by("-awarded_on", "-pk")


@extend_schema_view(get=extend_schema(summary="A label: level, status, dates, certificate number"))
class LabelDetailView(generics.RetrieveAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = s.LabelSerializer

    def get_queryset(self):
        return selectors.labels_visible_to(self.request.user)


class LabelRevokeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=s.RevokeInputSerializer,
        responses={200: s.LabelSerializer, **ERRORS},
        summary="Revoke a label (administrators): it leaves the registry, its certificate is refused",
        examples=[example({"reason": "The cluster was dissolved on 30 June."})],
    )
    def post(self, request, pk: int):
        label = selectors.label_get(user=request.user, pk=pk, capability="label.revoke")
        data = read_input(s.RevokeInputSerializer, request)
        label = label_services.label_revoke(user=request.user, label=label, reason=data["reason"])
        return Response(s.LabelSerializer(label).data)


class RegistryView(generics.ListAPIView):
    """The public registry: active labels, filterable by level, kind, country, region, sector and name (q)."""

    permission_classes = [AllowAny]
    throttle_classes = PUBLIC_LIST_THROTTLES
    serializer_class = s.PublicLabelSerializer
    filter_backends: list = []

    @extend_schema(
        parameters=[s.RegistryFilterSerializer],
        summary="The public registry: active labels of listed clusters (public)",
    )  # the filters the list validates, as it validates them
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def list(self, request, *args, **kwargs):
        """The rows are read as values and shaped by ``public_label_row`` (what ``PublicLabelSerializer``, which
        documents them, gives for a label); the count is cached between changes of the registry."""
        filters = s.RegistryFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = {k: v.strip() for k, v in filters.validated_data.items() if v}
        registry = selectors.RegistryFilters(status=LabelStatus.ACTIVE, public_only=True, **data)
        self.paginated_count = lambda: selectors.registry_count(filters=registry)
        page = self.paginate_queryset(selectors.registry_labels(filters=registry))
        return self.get_paginated_response([s.public_label_row(row) for row in page])


class CertificateView(APIView):
    permission_classes = [AllowAny]
    throttle_classes = PUBLIC_THROTTLES

    @extend_schema(
        responses={200: s.CertificateSerializer, 404: ERRORS[404]}, summary="Is this certificate valid today?"
    )
    def get(self, request, number: str):
        return Response(s.CertificateSerializer(selectors.certificate_get(number=number)).data)
