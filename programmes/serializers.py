"""The funders' API shapes. Serializers parse and show; they never decide a rule (the services do)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from rest_framework import serializers

from programmes.models import Contract, Enrolment, Programme, ReportStatus, YearlyReport


class ProgrammeSerializer(serializers.ModelSerializer):
    years = serializers.ListField(child=serializers.IntegerField(), read_only=True)

    class Meta:
        model = Programme
        fields = [
            "id",
            "name_fr",
            "name_en",
            "funder",
            "funder_kind",
            "starts_on",
            "ends_on",
            "description_fr",
            "description_en",
            "indicator_set",
            "s3_domains",
            "report_due_month",
            "report_due_day",
            "years",
        ]
        read_only_fields = fields


class SetIndicatorSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.DictField(child=serializers.CharField())
    unit = serializers.DictField(child=serializers.CharField(allow_blank=True))
    kind = serializers.ChoiceField(choices=["count", "money", "percentage", "yesno"])
    source = serializers.ChoiceField(choices=["computed", "declared"])


class ProgrammeDetailSerializer(ProgrammeSerializer):
    indicators = SetIndicatorSerializer(many=True, read_only=True)

    class Meta(ProgrammeSerializer.Meta):
        fields = [*ProgrammeSerializer.Meta.fields, "indicators"]
        read_only_fields = fields


class EnrolmentSerializer(serializers.ModelSerializer):
    cluster = serializers.IntegerField(source="cluster_id", read_only=True)
    cluster_name = serializers.CharField(source="cluster.name", read_only=True)
    s3_domains = serializers.ListField(source="cluster.s3_domains", child=serializers.CharField(), read_only=True)

    class Meta:
        model = Enrolment
        fields = ["id", "cluster", "cluster_name", "joined_on", "left_on", "s3_domains"]
        read_only_fields = fields


class ContractSerializer(serializers.ModelSerializer):
    cluster = serializers.IntegerField(source="cluster_id", read_only=True)
    programme = serializers.IntegerField(source="programme_id", read_only=True)
    has_document = serializers.SerializerMethodField()

    class Meta:
        model = Contract
        fields = [
            "id",
            "programme",
            "cluster",
            "signed_on",
            "starts_on",
            "ends_on",
            "midterm_review_on",
            "has_document",
            "version",
        ]
        read_only_fields = fields

    def get_has_document(self, contract) -> bool:
        return bool(contract.document)


class TargetSerializer(serializers.Serializer):
    indicator = serializers.CharField(max_length=40)
    year = serializers.IntegerField(min_value=1990, max_value=2100)
    value = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True, coerce_to_string=False)


class TargetsInputSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text="The contract's version as read (optimistic locking).")
    targets = TargetSerializer(many=True)


class TargetsSerializer(serializers.Serializer):
    contract = serializers.IntegerField()
    version = serializers.IntegerField()
    targets = TargetSerializer(many=True)


class ReportValueSerializer(serializers.Serializer):
    indicator = serializers.CharField()
    value = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True, coerce_to_string=False)
    computed = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True, coerce_to_string=False)
    explanation = serializers.CharField()
    comment = serializers.CharField(allow_blank=True)
    officer_comment = serializers.CharField(allow_blank=True)
    changed = serializers.BooleanField()


class YearlyReportSerializer(serializers.ModelSerializer):
    programme = serializers.IntegerField(source="programme_id", read_only=True)
    cluster = serializers.IntegerField(source="cluster_id", read_only=True)
    status = serializers.ChoiceField(choices=ReportStatus.choices, read_only=True)

    class Meta:
        model = YearlyReport
        fields = ["id", "programme", "cluster", "year", "status", "submitted_at", "decided_at", "version"]
        read_only_fields = fields


class YearlyReportDetailSerializer(YearlyReportSerializer):
    values = ReportValueSerializer(many=True, read_only=True, source="value_rows")

    class Meta(YearlyReportSerializer.Meta):
        fields = [*YearlyReportSerializer.Meta.fields, "values"]
        read_only_fields = fields


class StartReportInputSerializer(serializers.Serializer):
    # rules the schema cannot state (core.schema.AutoSchema shows them; a 400 names the field)
    FIELD_RULES = {
        "programme": gettext_lazy("the id of a programme the cluster is enrolled in"),
        "year": gettext_lazy("a year of the programme's period whose report is not started yet"),
    }

    programme = serializers.IntegerField()
    year = serializers.IntegerField(min_value=1990, max_value=2100)


class EntrySerializer(serializers.Serializer):
    indicator = serializers.CharField(max_length=40)
    value = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True, coerce_to_string=False)
    comment = serializers.CharField(allow_blank=True, required=False, default="", max_length=2000)


class ReportWriteSerializer(serializers.Serializer):
    FIELD_RULES = {"values": gettext_lazy("required: a PATCH sends every value of the report")}

    version = serializers.IntegerField(help_text="The report's version as read (optimistic locking).")
    values = EntrySerializer(many=True)


class VersionInputSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text="The report's version as read (optimistic locking).")


class CommentSerializer(serializers.Serializer):
    indicator = serializers.CharField(max_length=40)
    comment = serializers.CharField(max_length=2000)


class ReturnInputSerializer(VersionInputSerializer):
    comments = CommentSerializer(many=True, help_text="A comment on each indicator to change (at least one).")


class DashboardRowSerializer(serializers.Serializer):
    cluster = serializers.IntegerField()
    cluster_name = serializers.CharField()
    label_level = serializers.CharField(allow_blank=True)
    label_valid_until = serializers.DateField(allow_null=True)
    label_flag = serializers.CharField(allow_blank=True)
    report_state = serializers.CharField()
    figures = serializers.DictField()


class DashboardSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    count = serializers.IntegerField()
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)
    results = DashboardRowSerializer(many=True)
    totals = serializers.DictField()
    states = serializers.DictField()
