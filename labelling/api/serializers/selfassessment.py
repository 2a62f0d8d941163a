"""Serializers of the self-assessment API (assessments, answers, submission, questionnaire)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from labelling.answer_values import answer_declared, answer_proposed
from labelling.models import LABEL_LEVEL_CHOICES, TEXT_MAX_LENGTH, Answer, Assessment
from labelling.selectors import assessment_progress


def _json_value(value):
    """A value for JSON: numbers as numbers (ints when whole), level codes as text, None when unanswered."""
    if value is None or isinstance(value, str | int):
        return value
    return int(value) if value == value.to_integral_value() else float(value)


class ProgressSerializer(serializers.Serializer):
    answered = serializers.IntegerField()
    total = serializers.IntegerField()
    evidence_attached = serializers.IntegerField()
    evidence_expected = serializers.IntegerField()
    evidence_files = serializers.IntegerField()


class AssessmentSerializer(serializers.ModelSerializer):
    cluster_name = serializers.CharField(source="cluster.name", read_only=True)
    framework = serializers.CharField(source="framework.code", read_only=True)
    progress = serializers.SerializerMethodField()

    class Meta:
        model = Assessment
        fields = [
            "id",
            "cluster",
            "cluster_name",
            "reference_year",
            "framework",
            "status",
            "previous",
            "applied_level",
            "legal_entity",
            "public_profile",
            "submitted_at",
            "validated_on",
            "version",
            "progress",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(ProgressSerializer)
    def get_progress(self, obj) -> dict:
        return assessment_progress(assessment=obj)


class AssessmentListSerializer(AssessmentSerializer):
    """The list leaves the progress out (it costs queries per row); read it on the detail."""

    class Meta(AssessmentSerializer.Meta):
        fields = [f for f in AssessmentSerializer.Meta.fields if f != "progress"]
        read_only_fields = fields


class AssessmentCreateSerializer(serializers.Serializer):
    FIELD_RULES = {
        "cluster": _("the id of a cluster you manage"),
        "previous": _("the id of an earlier assessment of the same cluster"),
    }

    cluster = serializers.PrimaryKeyRelatedField(queryset=Assessment.objects.none())
    reference_year = serializers.IntegerField()
    previous = serializers.PrimaryKeyRelatedField(queryset=Assessment.objects.none(), required=False, allow_null=True)
    legal_entity = serializers.BooleanField(required=False)
    public_profile = serializers.BooleanField(required=False)
    applied_level = serializers.ChoiceField(choices=LABEL_LEVEL_CHOICES, required=False)

    def __init__(self, *args, clusters=None, previous=None, **kwargs):
        super().__init__(*args, **kwargs)
        if clusters is not None:
            self.fields["cluster"].queryset = clusters
        if previous is not None:
            self.fields["previous"].queryset = previous


class AssessmentUpdateSerializer(serializers.Serializer):
    """What the summary page's eligibility form changes: the level applied for (until the first submission) and the
    eligibility criteria that are not indicators (while the manager may edit). A field left out stays as it is."""

    FIELD_RULES = {
        "applied_level": _("changed until the first submission only (409 afterwards)"),
    }

    applied_level = serializers.ChoiceField(
        choices=LABEL_LEVEL_CHOICES,
        required=False,
        help_text="The level the cluster applies for: it sets the format of the expert's interview or visit. "
        "Omitted: unchanged.",
    )
    legal_entity = serializers.BooleanField(required=False, help_text="Omitted: unchanged.")
    public_profile = serializers.BooleanField(required=False, help_text="Omitted: unchanged.")
    version = serializers.IntegerField(
        help_text="The version of the assessment you read: required (400 without it), 409 when it moved."
    )


class AnswerSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="indicator.code", read_only=True)
    category = serializers.CharField(source="indicator.category.code", read_only=True)
    name = serializers.CharField(source="indicator.name", read_only=True)
    value_type = serializers.CharField(source="indicator.value_type", read_only=True)
    value = serializers.SerializerMethodField(help_text="The declared value: a number, a level code, or null.")
    proposed = serializers.SerializerMethodField(help_text="The value proposed from the cluster's records, if any.")
    validated = serializers.SerializerMethodField(help_text="The value validated by the assessor, if any.")
    evidence_count = serializers.SerializerMethodField()
    proposal_explanation = serializers.CharField(
        source="proposal_explanation_text",
        read_only=True,
        help_text="How the proposal was computed, in the language of the request (Accept-Language).",
    )

    class Meta:
        model = Answer
        fields = [
            "code",
            "category",
            "name",
            "value_type",
            "value",
            "comment",
            "proposed",
            "proposal_explanation",
            "validated",
            "reviewed",
            "evidence_count",
            "version",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.ANY)
    def get_value(self, obj):
        return _json_value(answer_declared(obj))

    @extend_schema_field(OpenApiTypes.ANY)
    def get_proposed(self, obj):
        return _json_value(answer_proposed(obj))

    @extend_schema_field(OpenApiTypes.ANY)
    def get_validated(self, obj):
        return _json_value(obj.validated)

    def get_evidence_count(self, obj) -> int:
        return len(obj.evidence.all())


class AnswerUpdateSerializer(serializers.Serializer):
    value = serializers.JSONField(
        required=False,
        allow_null=True,
        help_text='A number (int, dec, pct) or a level code; null or "" clears the answer. Omitted: unchanged.',
    )
    comment = serializers.CharField(
        required=False, allow_blank=True, max_length=TEXT_MAX_LENGTH, help_text="Omitted: unchanged."
    )
    version = serializers.IntegerField(help_text="The version of the answer you read (409 when it moved).")

    def validate_value(self, value):
        if isinstance(value, list | dict):
            raise serializers.ValidationError(_("Send a number or a level code."))
        return value


class SubmitSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        help_text="The version of the assessment you read: required (400 without it), 409 when it moved."
    )
