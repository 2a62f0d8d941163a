"""The appeals' API shapes. Serializers parse and show; they never decide a rule (the services do)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from appeals.models import Appeal, AppealFile, Ground, Outcome, Question
from committee.serializers import PersonSerializer
from labelling.models import LABEL_LEVEL_CHOICES, TEXT_MAX_LENGTH, Assessment, Label


class AppealFileSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField(help_text="The file, for the appeal's managers and administrators")

    class Meta:
        model = AppealFile
        fields = ["id", "original_name", "content_type", "size", "created_at", "download_url"]
        read_only_fields = fields

    def get_download_url(self, obj) -> str:
        return reverse("appeals:file_download", args=[obj.pk])


class AppealQuestionSerializer(serializers.ModelSerializer):
    asked_by = PersonSerializer(read_only=True)
    answered_by = PersonSerializer(read_only=True, allow_null=True)
    files = AppealFileSerializer(many=True, read_only=True)
    asked_at = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = Question
        fields = ["id", "text", "asked_by", "asked_at", "answer", "answered_by", "answered_at", "files"]
        read_only_fields = fields


class AppealLabelSerializer(serializers.ModelSerializer):
    class Meta:
        model = Label
        fields = ["id", "certificate_number", "level", "status", "awarded_on", "expires_on"]
        read_only_fields = fields


class AppealSerializer(serializers.ModelSerializer):
    cluster = serializers.IntegerField(source="cluster_id", read_only=True)
    cluster_name = serializers.CharField(source="cluster.name", read_only=True)
    assessment = serializers.IntegerField(source="assessment_id", read_only=True)
    lodged_by = PersonSerializer(read_only=True)
    decided_by = PersonSerializer(read_only=True, allow_null=True)
    lodged_at = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = Appeal
        fields = [
            "id",
            "cluster",
            "cluster_name",
            "assessment",
            "ground",
            "decided_on",
            "deadline",
            "status",
            "lodged_by",
            "lodged_at",
            "decided_by",
            "decided_at",
            "version",
        ]
        read_only_fields = fields


class AppealDetailSerializer(AppealSerializer):
    label = AppealLabelSerializer(read_only=True, allow_null=True)
    new_label = AppealLabelSerializer(read_only=True, allow_null=True)
    files = serializers.SerializerMethodField()
    questions = AppealQuestionSerializer(many=True, read_only=True)
    new_level = serializers.SerializerMethodField(help_text="The level decided on appeal; null when none was")

    class Meta(AppealSerializer.Meta):
        fields = [
            *AppealSerializer.Meta.fields,
            "decision_reason",
            "reasons",
            "label",
            "files",
            "questions",
            "outcome_reason",
            "new_level",
            "new_label",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=LABEL_LEVEL_CHOICES, allow_null=True))
    def get_new_level(self, obj):
        return obj.new_level or None

    @extend_schema_field(AppealFileSerializer(many=True))
    def get_files(self, obj):
        return AppealFileSerializer(
            obj.files.filter(question__isnull=True).order_by("created_at", "pk"), many=True
        ).data


class AppealableSerializer(serializers.Serializer):
    assessment = serializers.IntegerField(source="assessment.pk", read_only=True)
    cluster_name = serializers.CharField(source="assessment.cluster.name", read_only=True)
    reference_year = serializers.IntegerField(source="assessment.reference_year", read_only=True)
    ground = serializers.ChoiceField(choices=Ground.choices, read_only=True)
    level = serializers.CharField(read_only=True, help_text="The level the decision gave (`none` for a refusal)")
    decided_on = serializers.DateField(read_only=True)
    deadline = serializers.DateField(read_only=True, help_text="The last day to appeal")


class AppealLodgeSerializer(serializers.Serializer):
    FIELD_RULES = {
        "assessment": gettext_lazy("the id of a decided assessment of a cluster you manage"),
        "ground": gettext_lazy(
            "a decision the assessment has (see /api/v1/appeals/appealable/), not appealed yet, whose last day to "
            "appeal has not passed"
        ),
    }
    assessment = serializers.PrimaryKeyRelatedField(queryset=Assessment.objects.only("pk", "cluster_id"))
    ground = serializers.ChoiceField(choices=Ground.choices)
    reasons = serializers.CharField(max_length=TEXT_MAX_LENGTH)


class AppealVersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=0)


class AppealAskSerializer(AppealVersionSerializer):
    FIELD_RULES = {"version": gettext_lazy("the appeal's version; no question may be waiting already")}
    question = serializers.CharField(max_length=TEXT_MAX_LENGTH)


class AppealAnswerSerializer(AppealVersionSerializer):
    FIELD_RULES = {"version": gettext_lazy("the appeal's version; a question must be waiting for the answer")}
    answer = serializers.CharField(max_length=TEXT_MAX_LENGTH)


class AppealDecideSerializer(AppealVersionSerializer):
    FIELD_RULES = {
        "level": gettext_lazy(
            "required to overturn a refusal or a lower level: the level of the label issued, above the one held"
        ),
    }
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    reason = serializers.CharField(max_length=TEXT_MAX_LENGTH)
    level = serializers.ChoiceField(choices=LABEL_LEVEL_CHOICES, required=False, allow_blank=True, default="")
