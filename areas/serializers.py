"""The areas' API shapes. Serializers parse and show; they never decide a rule (the services do)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from areas.models import TITLE_MAX_LENGTH, ImprovementArea, Verdict
from improvement.models import Action
from indicators.models import Indicator
from labelling.models import TEXT_MAX_LENGTH


class PlanActionSerializer(serializers.ModelSerializer):
    indicator = serializers.CharField(source="indicator.code", read_only=True, allow_null=True, default=None)

    class Meta:
        model = Action
        fields = ["id", "indicator", "description", "owner", "due_on", "status"]
        read_only_fields = fields


class JudgeSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.SerializerMethodField()

    def get_name(self, user) -> str:
        return user.get_full_name() or user.username


class AreaSerializer(serializers.ModelSerializer):
    assessment = serializers.IntegerField(source="assessment_id", read_only=True)
    assessment_version = serializers.IntegerField(
        source="assessment.version",
        read_only=True,
        help_text="The assessment's version as read: send it to add another area",
    )
    indicator = serializers.CharField(source="indicator.code", read_only=True)
    indicator_name = serializers.CharField(source="indicator.name", read_only=True)
    actions = PlanActionSerializer(many=True, read_only=True)
    verdict = serializers.ChoiceField(
        choices=Verdict.choices, read_only=True, allow_blank=True, help_text="Empty until the assessor judges the area"
    )
    judged_by = JudgeSerializer(read_only=True, allow_null=True)

    class Meta:
        model = ImprovementArea
        fields = [
            "id",
            "assessment",
            "assessment_version",
            "title",
            "indicator",
            "indicator_name",
            "actions",
            "achievements",
            "verdict",
            "verdict_comment",
            "judged_by",
            "judged_at",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class IndicatorCodeField(serializers.CharField):
    """An indicator's code, read in the framework of the assessment in the serializer's context."""

    default_error_messages = {"unknown": _("Unknown indicator in this assessment's framework: %(code)s.")}

    def run_validation(self, data=serializers.empty):
        code = super().run_validation(data)  # a text within the length, then its indicator
        indicator = (
            Indicator.objects.select_related("category")
            .filter(category__framework_id=self.context["assessment"].framework_id, code=code)
            .first()
        )
        if indicator is None:
            raise serializers.ValidationError(self.error_messages["unknown"] % {"code": code})
        return indicator


class AreaInputSerializer(serializers.Serializer):
    """An area as a manager writes it. ``version``: the assessment's version to add an area, the area's to change
    it."""

    FIELD_RULES = {
        "indicator": _("the code of an indicator of the assessment's framework that has no other area"),
        "actions": _("ids of actions of the cluster's improvement plan, at least one"),
        "version": _("to add an area: the assessment's version; to change one: the area's version"),
    }
    version = serializers.IntegerField(min_value=0)
    title = serializers.CharField(max_length=TITLE_MAX_LENGTH)
    indicator = IndicatorCodeField(max_length=10)
    actions = serializers.PrimaryKeyRelatedField(many=True, queryset=Action.objects.none(), allow_empty=True)
    achievements = serializers.CharField(max_length=TEXT_MAX_LENGTH)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        assessment = self.context.get("assessment")
        if assessment is not None:
            # only the cluster's own plan: another cluster's action is "not found", as a missing one
            self.fields["actions"].child_relation.queryset = Action.objects.filter(
                plan__cluster_id=assessment.cluster_id
            )


class VerdictInputSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=0)
    verdict = serializers.ChoiceField(choices=Verdict.choices)
    comment = serializers.CharField(max_length=TEXT_MAX_LENGTH)


class VersionQuerySerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=0, help_text="The area's version as read")
