"""The awarding committee's API shapes. Serializers parse and show; they never decide a rule (the services do)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from committee.models import Case, CommitteeSession, ConflictDeclaration, MinutesStatus, Outcome
from labelling.models import TEXT_MAX_LENGTH, Assessment, Level


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(read_only=True)
    name = serializers.SerializerMethodField()

    def get_name(self, user) -> str:
        return _name(user)


class _BlankAsNullURLField(serializers.URLField):
    """A URL that may be missing: ``null`` in the answer (the schema's ``uri`` format refuses an empty string)."""

    def to_representation(self, value):
        return value or None


class SessionSerializer(serializers.ModelSerializer):
    chair = PersonSerializer(read_only=True)
    case_count = serializers.IntegerField(read_only=True)
    video_link = _BlankAsNullURLField(read_only=True, allow_null=True)

    class Meta:
        model = CommitteeSession
        fields = ["id", "held_on", "place", "video_link", "chair", "status", "case_count", "version"]
        read_only_fields = fields


class ConflictSerializer(serializers.ModelSerializer):
    member = PersonSerializer(read_only=True)

    class Meta:
        model = ConflictDeclaration
        fields = ["member", "reason", "created_at"]
        read_only_fields = fields


class CaseSerializer(serializers.ModelSerializer):
    assessment = serializers.IntegerField(source="assessment_id", read_only=True)
    cluster = serializers.IntegerField(source="assessment.cluster_id", read_only=True)
    cluster_name = serializers.CharField(source="assessment.cluster.name", read_only=True)
    reference_year = serializers.IntegerField(source="assessment.reference_year", read_only=True)
    decided_by = PersonSerializer(read_only=True)
    conflicts = ConflictSerializer(many=True, read_only=True)
    followed_up_by = PersonSerializer(read_only=True, allow_null=True)

    voters = PersonSerializer(many=True, read_only=True)

    class Meta:
        model = Case
        fields = [
            "id",
            "assessment",
            "cluster",
            "cluster_name",
            "reference_year",
            "computed_level",
            "proposed_level",
            "outcome",
            "conditions",
            "review_on",
            "reason",
            "decided_at",
            "decided_by",
            "conflicts",
            "reminded_on",
            "follow_up",
            "followed_up_at",
            "followed_up_by",
            "voters",
            "version",
        ]
        read_only_fields = fields


class MinutesSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=MinutesStatus.choices, read_only=True)
    download_url = serializers.SerializerMethodField()

    def get_download_url(self, minutes) -> str | None:
        if minutes.status != MinutesStatus.READY:
            return None
        return reverse("api-committee-session-minutes", args=[minutes.session_id])


class SessionDetailSerializer(SessionSerializer):
    members = PersonSerializer(many=True, read_only=True)
    present = PersonSerializer(many=True, read_only=True)
    closed_at = serializers.DateTimeField(read_only=True)
    agenda = CaseSerializer(many=True, read_only=True)
    minutes = serializers.SerializerMethodField(
        help_text="A closed session's signed minutes (administrators and the session's members; null otherwise)."
    )

    class Meta(SessionSerializer.Meta):
        fields = [f for f in SessionSerializer.Meta.fields if f != "case_count"] + [
            "closed_at",
            "members",
            "present",
            "agenda",
            "agenda",
            "minutes",
        ]
        read_only_fields = fields

    @extend_schema_field(MinutesSerializer(allow_null=True))
    def get_minutes(self, session):
        minutes = self.context.get("minutes")
        return MinutesSerializer(minutes).data if minutes is not None else None


class SessionCreateSerializer(serializers.Serializer):
    FIELD_RULES = {
        "chair": gettext_lazy("the id of an active administrator"),
        "members": gettext_lazy("the ids of active users, at least one"),
        "video_link": gettext_lazy("an https address; a place or a video link is required"),
    }
    held_on = serializers.DateField()
    place = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    video_link = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    chair = serializers.PrimaryKeyRelatedField(queryset=get_user_model().objects.filter(is_active=True))
    members = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True), many=True, allow_empty=True
    )


class VersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=0)


class AttendanceSerializer(VersionSerializer):
    FIELD_RULES = {"present": gettext_lazy("the ids of members of the session; an empty list: nobody present yet")}
    present = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True), many=True, allow_empty=True
    )


class CaseAddSerializer(VersionSerializer):
    FIELD_RULES = {"assessment": gettext_lazy("the id of a validated assessment that is on no other agenda")}
    assessment = serializers.PrimaryKeyRelatedField(queryset=Assessment.objects.only("pk"))
    proposed_level = serializers.ChoiceField(choices=Level.choices, required=False, allow_blank=True, default="")


class DecideSerializer(VersionSerializer):
    FIELD_RULES = {
        "outcome": gettext_lazy(
            "one decision per case, in an open session, by its chair, who declared no conflict on it, with at least "
            "one member present who declared none"
        ),
        "conditions": gettext_lazy("required when the outcome is conditional"),
        "review_on": gettext_lazy("required, in the future, when the outcome is conditional"),
        "reason": gettext_lazy("required when the outcome is refused"),
    }
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    conditions = serializers.CharField(max_length=TEXT_MAX_LENGTH, required=False, allow_blank=True, default="")
    review_on = serializers.DateField(required=False, allow_null=True, default=None)
    reason = serializers.CharField(max_length=TEXT_MAX_LENGTH, required=False, allow_blank=True, default="")


class ConflictInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=TEXT_MAX_LENGTH, required=False, allow_blank=True, default="")


class RevokeSerializer(VersionSerializer):
    FIELD_RULES = {"reason": gettext_lazy("required: sent to the cluster's managers, shown on the verification page")}
    reason = serializers.CharField(max_length=TEXT_MAX_LENGTH, allow_blank=True)
