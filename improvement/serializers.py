"""The improvement plan's API shapes. Serializers parse and show; they never decide a rule (the services do)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from improvement.models import OWNER_MAX_LENGTH, Action, ActionEvidence, ActionStatus, ImprovementPlan
from labelling.models import TEXT_MAX_LENGTH


class StatusCountsSerializer(serializers.Serializer):
    not_started = serializers.IntegerField(read_only=True)
    in_progress = serializers.IntegerField(read_only=True)
    done = serializers.IntegerField(read_only=True)
    total = serializers.IntegerField(read_only=True)


class PlanSerializer(serializers.ModelSerializer):
    cluster = serializers.IntegerField(source="cluster_id", read_only=True)
    cluster_name = serializers.CharField(source="cluster.name", read_only=True)
    assessment = serializers.IntegerField(
        source="assessment_id", read_only=True, allow_null=True, help_text="The decided assessment it was seeded from."
    )
    counts = StatusCountsSerializer(read_only=True, help_text="The number of actions in each status.")

    class Meta:
        model = ImprovementPlan
        fields = ["id", "cluster", "cluster_name", "assessment", "counts", "created_at", "updated_at", "version"]
        read_only_fields = fields


class EvidenceSerializer(serializers.ModelSerializer):
    download = serializers.SerializerMethodField(help_text="The file, for whoever may read the plan.")

    class Meta:
        model = ActionEvidence
        fields = ["id", "original_name", "content_type", "size", "created_at", "download"]
        read_only_fields = fields

    def get_download(self, evidence) -> str:
        action = evidence.action
        return reverse("improvement:evidence_download", args=[action.plan.cluster_id, action.pk, evidence.pk])


class ActionSerializer(serializers.ModelSerializer):
    indicator = serializers.CharField(
        source="indicator.code", read_only=True, allow_null=True, help_text="The indicator's code."
    )
    category = serializers.CharField(source="category.code", read_only=True, allow_null=True)
    source_assessment = serializers.IntegerField(source="source_assessment_id", read_only=True, allow_null=True)
    evidence = EvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = Action
        fields = [
            "id",
            "indicator",
            "category",
            "description",
            "owner",
            "due_on",
            "status",
            "progress_note",
            "source",
            "source_assessment",
            "evidence",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = fields


class ActionWriteSerializer(serializers.Serializer):
    """An action added (``version``: the plan's, as read) or changed (``version``: the action's, as read; the
    fields left out keep their values)."""

    FIELD_RULES = {
        "indicator": gettext_lazy(
            "the code of an indicator of the plan's framework; required but on an expert's recommendation"
        ),
        "due_on": gettext_lazy("not before the day the plan was created"),
        "description": gettext_lazy("not blank once its surrounding spaces are removed"),
    }
    version = serializers.IntegerField(min_value=0)
    indicator = serializers.CharField(max_length=10, required=False, allow_null=True)
    description = serializers.CharField(max_length=TEXT_MAX_LENGTH)
    owner = serializers.CharField(max_length=OWNER_MAX_LENGTH, required=False, allow_blank=True)
    due_on = serializers.DateField(required=False, allow_null=True)
    status = serializers.ChoiceField(choices=ActionStatus.choices, required=False)
    progress_note = serializers.CharField(max_length=TEXT_MAX_LENGTH, required=False, allow_blank=True)
