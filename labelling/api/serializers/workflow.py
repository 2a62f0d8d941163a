"""Serializers of the workflow API: inputs (validated here, rules in the services) and outputs."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.permissions import can
from accounts.selectors import assessors
from clusters.models import ClusterKind
from labelling.answer_values import answer_declared, answer_validated
from labelling.models import (
    LABEL_LEVELS,
    TEXT_MAX_LENGTH,
    Answer,
    Assessment,
    Decision,
    Label,
    Level,
    Report,
    ReportKind,
    Review,
)
from labelling.selectors import label_validity, verification_url

# --- inputs ---------------------------------------------------------------------------------------------


class AssignInputSerializer(serializers.Serializer):
    FIELD_RULES = {"assessor": gettext_lazy("the id of a user with the assessor role")}

    assessor = serializers.PrimaryKeyRelatedField(
        queryset=assessors(),
        help_text="Id of a user with the assessor role.",
    )


class ReviewInputSerializer(serializers.Serializer):
    accept = serializers.BooleanField(help_text="true: validated = declared; false: give `value` and `justification`.")
    value = serializers.JSONField(
        required=False, allow_null=True, help_text="The corrected value: a number, or a level's option code."
    )
    justification = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX_LENGTH, default="")
    comment = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX_LENGTH, default="")
    expected_version = serializers.IntegerField(
        min_value=1, help_text="The answer's version you read: required (400 without it), 409 when it moved."
    )

    def validate(self, attrs):
        errors = {}
        if not attrs["accept"]:
            if attrs.get("value") in (None, ""):
                errors["value"] = [_("Enter the corrected value.")]
            elif isinstance(attrs["value"], list | dict | bool):
                errors["value"] = [_("Enter a number or the code of a level.")]
            if not (attrs.get("justification") or "").strip():
                errors["justification"] = [_("Explain why the declared value is corrected.")]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class RequestChangesInputSerializer(serializers.Serializer):
    comment = serializers.CharField(
        max_length=TEXT_MAX_LENGTH, required=False, allow_blank=True, default="", help_text="The general request."
    )
    requests = serializers.DictField(
        child=serializers.CharField(max_length=TEXT_MAX_LENGTH, allow_blank=True),
        required=False,
        default=dict,
        help_text='Requests on named indicators, shown to the manager beside the answer: {"S3": "…"}.',
    )

    def validate(self, attrs):
        if not attrs.get("comment", "").strip() and not any(t.strip() for t in attrs.get("requests", {}).values()):
            raise serializers.ValidationError(
                {"comment": [_("Say what the manager should change, in general or on named indicators.")]}
            )
        return attrs


class ReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=TEXT_MAX_LENGTH)


class CategoryInputSerializer(serializers.Serializer):
    category = serializers.CharField(max_length=10, help_text="A category code, e.g. S.")


class ValidateInputSerializer(serializers.Serializer):
    recommended_level = serializers.ChoiceField(choices=Level.values, required=False, allow_blank=True, default="")


class DecideInputSerializer(serializers.Serializer):
    level = serializers.ChoiceField(
        choices=Level.values, required=False, allow_null=True, help_text="Defaults to the computed level."
    )
    reason = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX_LENGTH, default="")


class RevokeInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=TEXT_MAX_LENGTH)


class ReportInputSerializer(serializers.Serializer):
    FIELD_RULES = {"kind": gettext_lazy("`certificate` only for an assessment that was awarded a label")}

    kind = serializers.ChoiceField(choices=ReportKind.values, default=ReportKind.ASSESSMENT)
    language = serializers.ChoiceField(choices=[code for code, _name in settings.LANGUAGES], required=False)


class RegistryFilterSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=LABEL_LEVELS, required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=ClusterKind.values, required=False, allow_blank=True)
    country = serializers.CharField(required=False, allow_blank=True, max_length=10)
    region = serializers.CharField(required=False, allow_blank=True, max_length=10)
    sector = serializers.CharField(required=False, allow_blank=True, max_length=100)
    q = serializers.CharField(required=False, allow_blank=True, max_length=100)


# --- outputs --------------------------------------------------------------------------------------------


class WorkflowAssessmentSerializer(serializers.ModelSerializer):
    cluster = serializers.CharField(source="cluster.name", read_only=True)
    assessor = serializers.SerializerMethodField()
    second_assessor = serializers.SerializerMethodField()

    class Meta:
        model = Assessment
        fields = [
            "id",
            "cluster",
            "reference_year",
            "status",
            "assessor",
            "submitted_at",
            "validated_on",
            "recommended_level",
            "second_assessor",
            "version",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_assessor(self, obj) -> str | None:
        return obj.assessor.username if obj.assessor_id else None

    @extend_schema_field(OpenApiTypes.STR)
    def get_second_assessor(self, obj) -> str | None:
        return obj.second_assessor.username if obj.second_assessor_id else None


class ReviewSerializer(serializers.ModelSerializer):
    assessor = serializers.CharField(source="assessor.username", read_only=True)

    class Meta:
        model = Review
        fields = [
            "id",
            "assessment",
            "assessor",
            "no_conflict_declared_at",
            "conflict_declared",
            "comment",
            "countersigned_at",
            "disagreed_at",
            "disagreement",
        ]
        read_only_fields = fields


class ReviewedAnswerSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="indicator.code", read_only=True)
    declared = serializers.SerializerMethodField()
    validated = serializers.SerializerMethodField()

    class Meta:
        model = Answer
        fields = [
            "code",
            "declared",
            "validated",
            "reviewed",
            "justification",
            "assessor_comment",
            "change_request",
            "changed_since_request",
            "version",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_declared(self, obj):
        value = answer_declared(obj)
        return None if value is None else str(value)

    @extend_schema_field(OpenApiTypes.STR)
    def get_validated(self, obj):
        value = answer_validated(obj)
        return None if value is None else str(value)


class LabelSerializer(serializers.ModelSerializer):
    cluster = serializers.CharField(source="cluster.name", read_only=True)
    cluster_id = serializers.IntegerField(read_only=True)
    verify_url = serializers.SerializerMethodField()

    class Meta:
        model = Label
        fields = [
            "id",
            "certificate_number",
            "cluster",
            "cluster_id",
            "assessment",
            "level",
            "status",
            "awarded_on",
            "expires_on",
            "revoked_at",
            "revoked_reason",
            "conditions_until",
            "verify_url",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_verify_url(self, obj) -> str:
        return verification_url(obj)


class DecisionSerializer(serializers.ModelSerializer):
    decided_by = serializers.CharField(source="decided_by.username", read_only=True)
    label = serializers.SerializerMethodField()

    class Meta:
        model = Decision
        fields = [
            "id",
            "assessment",
            "decided_by",
            "decided_on",
            "computed_level",
            "level",
            "reason",
            "scores",
            "label",
        ]
        read_only_fields = fields

    @extend_schema_field(LabelSerializer(allow_null=True))
    def get_label(self, obj):
        label = Label.objects.filter(assessment_id=obj.assessment_id).select_related("cluster").order_by("-pk").first()
        return LabelSerializer(label).data if label is not None else None


class PublicLabelSerializer(serializers.ModelSerializer):
    """What anybody may read about a label (the registry, the certificate check)."""

    cluster = serializers.CharField(source="cluster.name", read_only=True)
    acronym = serializers.CharField(source="cluster.acronym", read_only=True)
    kind = serializers.CharField(source="cluster.kind", read_only=True)
    country = serializers.CharField(source="cluster.country", read_only=True)
    region = serializers.CharField(source="cluster.region", read_only=True)
    sectors = serializers.ListField(source="cluster.sectors", child=serializers.CharField(), read_only=True)

    class Meta:
        model = Label
        fields = [
            "certificate_number",
            "cluster",
            "acronym",
            "kind",
            "country",
            "region",
            "sectors",
            "level",
            "status",
            "awarded_on",
            "expires_on",
            "revoked_at",
            "conditions_until",
        ]
        read_only_fields = fields


_DATETIME = serializers.DateTimeField()


def public_label_row(row: dict) -> dict:
    """A registry row read as values (``selectors.REGISTRY_COLUMNS``) as ``PublicLabelSerializer`` gives the
    label (the same keys, order and texts: ``tests/labelling/test_registry_api_rows.py``), without a model
    instance or a serializer field per value."""
    revoked = row["revoked_at"]
    return {
        "certificate_number": row["certificate_number"],
        "cluster": row["cluster__name"],
        "acronym": row["cluster__acronym"],
        "kind": row["cluster__kind"],
        "country": row["cluster__country"],
        "region": row["cluster__region"],
        "sectors": [str(sector) for sector in row["cluster__sectors"] or []],
        "level": row["level"],
        "status": row["status"],
        "awarded_on": row["awarded_on"].isoformat(),
        "expires_on": row["expires_on"].isoformat(),
        "revoked_at": _DATETIME.to_representation(revoked) if revoked else None,
        "conditions_until": row["conditions_until"].isoformat() if row["conditions_until"] else None,
    }


class CertificateSerializer(PublicLabelSerializer):
    """The certificate check. A cluster that is not listed in the public registry (it never was, or withdrew) is
    not identified: ``listed`` is false and its name, acronym, kind, country, region and sectors are null; the
    number, level, status and dates still say whether the certificate its holder shows is genuine and valid."""

    IDENTIFYING = ("cluster", "acronym", "kind", "country", "region", "sectors")

    cluster = serializers.CharField(source="cluster.name", read_only=True, allow_null=True)
    acronym = serializers.CharField(source="cluster.acronym", read_only=True, allow_null=True)
    kind = serializers.CharField(source="cluster.kind", read_only=True, allow_null=True)
    country = serializers.CharField(source="cluster.country", read_only=True, allow_null=True)
    region = serializers.CharField(source="cluster.region", read_only=True, allow_null=True)
    sectors = serializers.ListField(
        source="cluster.sectors", child=serializers.CharField(), read_only=True, allow_null=True
    )
    listed = serializers.BooleanField(source="cluster.public_profile", read_only=True)
    valid_today = serializers.SerializerMethodField()
    state = serializers.SerializerMethodField()
    conditions_until = serializers.SerializerMethodField(
        help_text="A valid label granted with conditions: valid, with conditions until this review date "
        "(the conditions themselves are not public); null for a plain label and for one that no longer holds."
    )

    class Meta(PublicLabelSerializer.Meta):
        fields = [*PublicLabelSerializer.Meta.fields, "listed", "valid_today", "state"]
        read_only_fields = fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not instance.cluster.public_profile:
            data.update(dict.fromkeys(self.IDENTIFYING))
        return data

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_valid_today(self, obj) -> bool:
        return label_validity(label=obj)["valid"]

    @extend_schema_field(serializers.ChoiceField(choices=["valid", "expired", "revoked", "not_yet"]))
    def get_state(self, obj) -> str:
        return label_validity(label=obj)["state"]

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_conditions_until(self, obj):
        return label_validity(label=obj)["conditions_until"]


class ReportSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()
    error = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = [
            "id",
            "assessment",
            "kind",
            "language",
            "status",
            "attempts",
            "created_at",
            "finished_at",
            "error",
            "download_url",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_download_url(self, obj) -> str | None:
        if obj.status != "ready":
            return None
        url = reverse("api-report-download", args=[obj.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url

    @extend_schema_field(OpenApiTypes.STR)
    def get_error(self, obj) -> str:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if can(user, "report.see_errors", obj):
            return obj.error
        return ""
