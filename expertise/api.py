"""The expert's process in the API (``/api/v1/``): the prerequisites to apply, the visits, the findings.

Assessments are looked up through the selectors that take the user (404 for one the user may not see); services
raise domain errors that ``core.api.exception_handler`` maps to 400/404/409."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import generics, renderers, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import read_input
from core.exceptions import InvalidTransition
from expertise import selectors, services
from expertise.models import REASON_MAX_LENGTH, Visit, VisitMode
from expertise.services import Slot
from expertise.views import invitation_response, move_visit

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


# --- the interview or visit ----------------------------------------------------------------------------------------


class SlotSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()


class VisitSerializer(serializers.ModelSerializer):
    slots = SlotSerializer(many=True, read_only=True)
    invitation_url = serializers.SerializerMethodField()

    class Meta:
        model = Visit
        fields = [
            "id",
            "assessment",
            "kind",
            "mode",
            "meeting_url",
            "address",
            "status",
            "starts_at",
            "ends_at",
            "sequence",
            "uid",
            "comment",
            "reason",
            "slots",
            "invitation_url",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_invitation_url(self, visit) -> str | None:
        if visit.starts_at is None:
            return None
        return reverse("api-visit-invitation", args=[visit.pk])


class ProposeSerializer(serializers.Serializer):
    mode = serializers.ChoiceField(choices=VisitMode.choices)
    meeting_url = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    address = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")
    slots = SlotSerializer(many=True, help_text="One to three slots, none in the past, none overlapping")


class AcceptSerializer(serializers.Serializer):
    slot = serializers.IntegerField(help_text="The id of one of the proposed slots")
    version = serializers.IntegerField()


class DeclineSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=REASON_MAX_LENGTH)
    version = serializers.IntegerField()


class MoveSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    reason = serializers.CharField(max_length=REASON_MAX_LENGTH)
    version = serializers.IntegerField()


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=REASON_MAX_LENGTH)
    version = serializers.IntegerField()


def _visible_assessment(request, pk: int, capability: str = "assessment.view"):
    """``NotFound`` (404, ``core.api.exception_handler``) for an assessment the user may not see or has not
    ``capability`` on."""
    return selectors.assessment_visible(user=request.user, pk=pk, capability=capability)


def _visit(request, pk: int, capability: str):
    return selectors.visit_visible(user=request.user, pk=pk, capability=capability)


FUTURE = "2031-03-10T09:00:00+01:00"


class AssessmentVisitsView(generics.ListAPIView):
    serializer_class = VisitSerializer
    queryset = Visit.objects.none()  # the schema's model; get_queryset gives the assessment's visits

    def get_queryset(self):
        assessment = _visible_assessment(self.request, self.kwargs["pk"])
        return selectors.visits_of(assessment=assessment).order_by("-created_at", "-pk")

    @extend_schema(tags=["visits"], summary="The interviews or visits of an assessment, newest first")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=["visits"],
        request=ProposeSerializer,
        responses={201: VisitSerializer, **ERRORS},
        summary="Propose one to three slots (the assigned assessor)",
        examples=[
            OpenApiExample(
                "A video interview (Bronze)",
                request_only=True,
                value={
                    "mode": "video",
                    "meeting_url": "https://visio.example.org/grappe-elastopole",
                    "slots": [{"starts_at": FUTURE, "ends_at": "2031-03-10T12:00:00+01:00"}],
                },
            )
        ],
    )
    def post(self, request, pk: int):
        assessment = _visible_assessment(request, pk, "assessment.assessor")
        data = read_input(ProposeSerializer, request)
        visit = services.visit_propose(
            user=request.user,
            assessment=assessment,
            slots=[Slot(s["starts_at"], s["ends_at"]) for s in data["slots"]],
            mode=data["mode"],
            meeting_url=data["meeting_url"],
            address=data["address"],
        )
        visit = selectors.visits_of(assessment=assessment).get(pk=visit.pk)
        return Response(VisitSerializer(visit).data, status=status.HTTP_201_CREATED)


def _done(visit) -> Response:
    return Response(VisitSerializer(selectors.visits_of(assessment=visit.assessment).get(pk=visit.pk)).data)


class VisitAcceptView(APIView):
    @extend_schema(
        tags=["visits"],
        request=AcceptSerializer,
        responses={200: VisitSerializer, **ERRORS},
        summary="Accept one of the proposed slots (a manager of the cluster); everyone gets the invitation",
        examples=[OpenApiExample("Accept", request_only=True, value={"slot": 12, "version": 1})],
    )
    def post(self, request, pk: int):
        visit = _visit(request, pk, "visit.answer")
        data = read_input(AcceptSerializer, request)
        return _done(
            services.visit_accept(
                user=request.user, visit=visit, slot_id=data["slot"], expected_version=data["version"]
            )
        )


class VisitDeclineView(APIView):
    @extend_schema(
        tags=["visits"],
        request=DeclineSerializer,
        responses={200: VisitSerializer, **ERRORS},
        summary="Ask for other slots, with a comment (a manager of the cluster)",
        examples=[OpenApiExample("Decline", request_only=True, value={"comment": "Any day of April.", "version": 1})],
    )
    def post(self, request, pk: int):
        visit = _visit(request, pk, "visit.answer")
        data = read_input(DeclineSerializer, request)
        return _done(
            services.visit_decline(
                user=request.user, visit=visit, comment=data["comment"], expected_version=data["version"]
            )
        )


class VisitMoveView(APIView):
    @extend_schema(
        tags=["visits"],
        request=MoveSerializer,
        responses={200: VisitSerializer, **ERRORS},
        summary="Move the accepted visit, with a reason: the invitation's SEQUENCE grows",
        examples=[
            OpenApiExample(
                "Move",
                request_only=True,
                value={"starts_at": FUTURE, "ends_at": "2031-03-10T14:00:00+01:00", "reason": "Strike.", "version": 2},
            )
        ],
    )
    def post(self, request, pk: int):
        visit = _visit(request, pk, "visit.change")
        data = read_input(MoveSerializer, request)
        return _done(move_visit(request.user, visit, data))


class VisitCancelView(APIView):
    @extend_schema(
        tags=["visits"],
        request=CancelSerializer,
        responses={200: VisitSerializer, **ERRORS},
        summary="Cancel the visit, with a reason: everyone gets the cancellation (METHOD:CANCEL)",
        examples=[OpenApiExample("Cancel", request_only=True, value={"reason": "Postponed to 2032.", "version": 2})],
    )
    def post(self, request, pk: int):
        visit = _visit(request, pk, "visit.change")
        data = read_input(CancelSerializer, request)
        return _done(
            services.visit_cancel(
                user=request.user, visit=visit, reason=data["reason"], expected_version=data["version"]
            )
        )


class CalendarRenderer(renderers.BaseRenderer):
    """Lets a client ask for ``text/calendar`` (the view answers the file itself; errors stay JSON)."""

    media_type = "text/calendar"
    format = "ics"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, bytes) else str(data).encode()


class VisitInvitationView(APIView):
    renderer_classes = [renderers.JSONRenderer, CalendarRenderer]

    @extend_schema(
        tags=["visits"],
        responses={
            (200, "text/calendar"): OpenApiTypes.BINARY,
            404: ERRORS[404],
            409: OpenApiResponse(description="The visit has no date yet (slots proposed)"),
        },
        summary="The visit's calendar invitation (RFC 5545); for a cancelled visit, the cancellation",
    )
    def get(self, request, pk: int):
        visit = _visit(request, pk, "visit.view")
        if visit.starts_at is None:
            raise InvalidTransition(_("The visit has no date yet: a manager accepts one of the proposed slots first."))
        return invitation_response(visit)


# --- the expert's findings -----------------------------------------------------------------------------------------


class CategoryTextsSerializer(serializers.Serializer):
    strengths = serializers.CharField(required=False, allow_blank=True, default="")
    improvements = serializers.CharField(required=False, allow_blank=True, default="")
    recommendations = serializers.CharField(required=False, allow_blank=True, default="")


class CategoryFindingsSerializer(CategoryTextsSerializer):
    code = serializers.CharField()
    name = serializers.CharField()


class FindingsSerializer(serializers.Serializer):
    visited_on = serializers.DateField(allow_null=True)
    people_met = serializers.CharField(allow_blank=True)
    written_by = serializers.CharField(allow_blank=True)
    categories = CategoryFindingsSerializer(many=True)
    countersigned_at = serializers.DateTimeField(allow_null=True)
    complete = serializers.BooleanField(help_text="The date, the people met and every category are written")
    version = serializers.IntegerField(help_text="0 while nothing is written")


class FindingsInputSerializer(serializers.Serializer):
    visited_on = serializers.DateField(allow_null=True, required=False, default=None)
    people_met = serializers.CharField(allow_blank=True, required=False, default="")
    categories = serializers.DictField(
        child=CategoryTextsSerializer(), required=False, default=dict, help_text="By category code"
    )
    version = serializers.IntegerField(help_text="The findings' version as read (0 for the first write)")


def _findings_body(facts) -> dict:
    return {
        "visited_on": facts.visited_on,
        "people_met": facts.people_met,
        "written_by": facts.written_by,
        "categories": [
            {
                "code": c.code,
                "name": c.name,
                "strengths": c.strengths,
                "improvements": c.improvements,
                "recommendations": c.recommendations,
            }
            for c in facts.categories
        ],
        "countersigned_at": facts.countersigned_at,
        "complete": facts.is_written,
        "version": facts.version,
    }


class FindingsView(APIView):
    @extend_schema(
        tags=["findings"],
        responses={200: FindingsSerializer, 404: ERRORS[404]},
        summary="The expert's findings (managers read them once the assessment is validated)",
    )
    def get(self, request, pk: int):
        _assessment, facts = selectors.assessment_findings(user=request.user, pk=pk)
        return Response(FindingsSerializer(_findings_body(facts)).data)

    @extend_schema(
        tags=["findings"],
        request=FindingsInputSerializer,
        responses={200: FindingsSerializer, **ERRORS},
        summary="Write the findings (the assigned assessor, until the validation), with the version check",
        examples=[
            OpenApiExample(
                "Findings",
                request_only=True,
                value={
                    "visited_on": "2026-03-10",
                    "people_met": "The director, two board members, four member companies",
                    "categories": {
                        "S": {
                            "strengths": "A committed membership.",
                            "improvements": "Few members outside the region.",
                            "recommendations": "Recruit in the neighbouring regions.",
                        }
                    },
                    "version": 0,
                },
            )
        ],
    )
    def put(self, request, pk: int):
        assessment = _visible_assessment(request, pk, "assessment.assessor")
        data = read_input(FindingsInputSerializer, request)
        services.findings_save(
            user=request.user,
            assessment=assessment,
            visited_on=data["visited_on"],
            people_met=data["people_met"],
            categories=data["categories"],
            expected_version=data["version"],
        )
        _assessment, facts = selectors.assessment_findings(user=request.user, pk=pk)
        return Response(FindingsSerializer(_findings_body(facts)).data)
