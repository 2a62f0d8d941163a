"""REST API of the awarding committee: the same selectors, rules and services as the pages. A committee member sees
only the sessions they sit on (404 elsewhere); administrators create sessions, fill their agendas and close them; the
session's chair records the decisions."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import can, require
from committee import selectors, services
from committee import serializers as s
from committee.models import CommitteeSession
from core.api import StepView, read_input
from core.downloads import private_file

TAG = "committee"
ERRORS = {
    400: OpenApiResponse(description="Bad input: field errors (`version` missing, a value refused…)"),
    404: OpenApiResponse(description="Not found, or not a session you sit on, or not yours to do"),
    409: OpenApiResponse(description="The version sent is stale, or the session or the case no longer allows it"),
}


def _detail(user, pk: int) -> dict:
    session = selectors.session_get(user=user, pk=pk)
    session.agenda = selectors.session_agenda(session=session)
    minutes = selectors.minutes_of(session=session) if can(user, "committee_session.minutes", session) else None
    return s.SessionDetailSerializer(session, context={"minutes": minutes}).data


# The steps on a session answer the session; on a case, the case. A session's step takes the session's
# ``capability`` (by default the administrators', ``committee.manage``), checked as the session is found.
class _SessionStep(StepView):
    capability = "committee.manage"

    def target(self, request, pk: int):
        return selectors.session_get(user=request.user, pk=pk, capability=self.capability)

    def answer(self, request, pk: int) -> dict:
        return _detail(request.user, pk)


class _CaseStep(StepView):
    capability = ""

    def target(self, request, pk: int):
        return selectors.case_get(user=request.user, pk=pk, capability=self.capability)

    def answer(self, request, pk: int) -> dict:
        return s.CaseSerializer(selectors.case_get(user=request.user, pk=pk)).data


class SessionList(generics.ListCreateAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = s.SessionSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return CommitteeSession.objects.none()
        return selectors.session_list_for(self.request.user)

    @extend_schema(
        tags=[TAG],
        summary="The committee sessions you may see",
        description="Every session for an administrator; the sessions a committee member sits on; none otherwise.",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=[TAG],
        summary="Open a committee session (administrators)",
        description="A date, a place or an https video link, a chair (an administrator) and at least one committee "
        "member. A session without members is refused on `members`.",
        request=s.SessionCreateSerializer,
        responses={201: s.SessionDetailSerializer, 400: ERRORS[400], 404: ERRORS[404]},
        examples=[
            OpenApiExample(
                "A video session",
                value={
                    "held_on": "2027-01-14",
                    "video_link": "https://visio.example.org/committee",
                    "chair": 3,
                    "members": [7, 8],
                },
                request_only=True,
            )
        ],
    )
    def post(self, request, *args, **kwargs):
        require(request.user, "committee.manage")
        data = read_input(s.SessionCreateSerializer, request)
        session = services.session_create(user=request.user, **data)
        return Response(_detail(request.user, session.pk), status=status.HTTP_201_CREATED)


class SessionDetail(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=[TAG],
        summary="A committee session with its members and its agenda",
        description="Each case: the assessment, the level the scoring module gives, the administrator's proposal, "
        "the outcome once decided and the conflicts of interest declared on it.",
        responses={200: s.SessionDetailSerializer, 404: ERRORS[404]},
    )
    def get(self, request, pk: int):
        return Response(_detail(request.user, pk))


@extend_schema(
    tags=[TAG],
    summary="Put a validated assessment on an open session's agenda (administrators)",
    description="`proposed_level` defaults to the level the scoring module gives; send the session's `version` "
    "as read.",
    request=s.CaseAddSerializer,
    responses={201: s.SessionDetailSerializer, **ERRORS},
    examples=[
        OpenApiExample(
            "A proposal", value={"version": 1, "assessment": 12, "proposed_level": "silver"}, request_only=True
        )
    ],
)
class SessionCases(_SessionStep):
    input_serializer = s.CaseAddSerializer
    creates = True

    def perform(self, request, session, data: dict) -> None:
        services.case_add(
            user=request.user,
            session=session,
            assessment=data["assessment"],
            proposed_level=data["proposed_level"],
            expected_version=data["version"],
        )


@extend_schema(
    tags=[TAG],
    summary="Record the members present (the session's chair)",
    description="`present`: the ids of the session's members who attend (the whole list; an empty one: nobody "
    "yet). Each decision keeps the members present who may vote on its case: a member who declared a conflict "
    "of interest on it does not. Send the session's `version` as read.",
    request=s.AttendanceSerializer,
    responses={200: s.SessionDetailSerializer, **ERRORS},
    examples=[OpenApiExample("Two members present", value={"version": 3, "present": [7, 8]}, request_only=True)],
)
class SessionAttendance(_SessionStep):
    capability = "committee_session.preside"
    input_serializer = s.AttendanceSerializer

    def perform(self, request, session, data: dict) -> None:
        services.attendance_record(
            user=request.user, session=session, present=data["present"], expected_version=data["version"]
        )


@extend_schema(
    tags=[TAG],
    summary="Close a session once every case is decided (administrators)",
    request=s.VersionSerializer,
    responses={200: s.SessionDetailSerializer, **ERRORS},
    examples=[OpenApiExample("As read", value={"version": 4}, request_only=True)],
)
class SessionClose(_SessionStep):
    input_serializer = s.VersionSerializer

    def perform(self, request, session, data: dict) -> None:
        services.session_close(user=request.user, session=session, expected_version=data["version"])


class SessionMinutes(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=[TAG],
        summary="Download a closed session's signed minutes (PDF; administrators and the session's members)",
        description="Produced by a worker when the session closes (the session's `minutes.status`: `pending`, "
        "`ready`, `failed`): the members present, each case with its outcome, conditions and reasons, and the "
        "conflicts of interest declared, signed by the labelling body (PAdES). 404 until they are ready.",
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The signed PDF"),
            404: ERRORS[404],
        },
    )
    def get(self, request, pk: int):
        minutes = selectors.minutes_get(user=request.user, pk=pk)
        return private_file(minutes.file, selectors.minutes_download_name(minutes), "application/pdf")


@extend_schema(
    tags=[TAG],
    summary="Record the committee's decision on a case (the session's chair)",
    description="`outcome`: `granted` (the label is issued with its number), `conditional` (the same, with "
    "`conditions` and a future `review_on`), `refused` (a `reason`; no label) or `deferred` (nothing happens to "
    "the assessment). A case is decided once (409 after); the chair cannot decide a case on which they declared "
    "a conflict of interest (409); at least one member recorded as present must be free of a conflict on the "
    "case (409 otherwise), and the decision keeps them (`voters`). Send the case's `version` as read.",
    request=s.DecideSerializer,
    responses={200: s.CaseSerializer, **ERRORS},
    examples=[
        OpenApiExample("Granted", value={"version": 1, "outcome": "granted"}, request_only=True),
        OpenApiExample(
            "Granted with conditions",
            value={
                "version": 1,
                "outcome": "conditional",
                "conditions": "A consolidated roadmap and business model.",
                "review_on": "2028-01-31",
            },
            request_only=True,
        ),
        OpenApiExample(
            "Refused", value={"version": 1, "outcome": "refused", "reason": "No governance."}, request_only=True
        ),
    ],
)
class CaseDecide(_CaseStep):
    capability = "committee_case.decide"
    input_serializer = s.DecideSerializer

    def perform(self, request, case, data: dict) -> None:
        services.case_decide(
            user=request.user,
            case=case,
            outcome=data["outcome"],
            conditions=data["conditions"],
            review_on=data["review_on"],
            reason=data["reason"],
            expected_version=data["version"],
        )


@extend_schema(
    tags=[TAG],
    summary="Declare a conflict of interest on a case (a member or the chair of its session)",
    description="Whoever declares one does not vote on the case; the chair then cannot record its decision.",
    request=s.ConflictInputSerializer,
    responses={201: s.CaseSerializer, **ERRORS},
    examples=[OpenApiExample("A conflict", value={"reason": "I sit on the cluster's board."}, request_only=True)],
)
class CaseConflict(_CaseStep):
    capability = "committee_case.declare_conflict"
    input_serializer = s.ConflictInputSerializer
    creates = True

    def perform(self, request, case, data: dict) -> None:
        services.conflict_declare(user=request.user, case=case, reason=data["reason"])


@extend_schema(
    tags=[TAG],
    summary="Record a conditional label's conditions met (administrators)",
    description="The label becomes plain: its verification page and the certificate API no longer mention "
    "conditions (`conditions_until` null). Only a case granted with conditions, not yet followed up, whose label "
    "is still active (409 otherwise); the managers are e-mailed. Send the case's `version` as read.",
    request=s.VersionSerializer,
    responses={200: s.CaseSerializer, **ERRORS},
    examples=[OpenApiExample("As read", value={"version": 2}, request_only=True)],
)
class CaseConditionsMet(_CaseStep):
    capability = "committee_case.follow_up"
    input_serializer = s.VersionSerializer

    def perform(self, request, case, data: dict) -> None:
        services.conditions_met(user=request.user, case=case, expected_version=data["version"])


@extend_schema(
    tags=[TAG],
    summary="Revoke a conditional label whose conditions are not met (administrators)",
    description="Labelling's revocation, with the `reason` (required): the label leaves the registry, its "
    "verification page says it was revoked, the managers are e-mailed. Only a case granted with conditions, not "
    "yet followed up, whose label is still active (409 otherwise). Send the case's `version` as read.",
    request=s.RevokeSerializer,
    responses={200: s.CaseSerializer, **ERRORS},
    examples=[
        OpenApiExample("Not met", value={"version": 2, "reason": "No roadmap by the review date."}, request_only=True)
    ],
)
class CaseRevoke(_CaseStep):
    capability = "committee_case.follow_up"
    input_serializer = s.RevokeSerializer

    def perform(self, request, case, data: dict) -> None:
        services.conditional_revoke(
            user=request.user, case=case, reason=data["reason"], expected_version=data["version"]
        )
