"""API shapes of a cluster's records. They check types and ranges; clusters.services writes."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from clusters.models import Cluster, FinancingYear, Member, TeamYear
from clusters.services import CLUSTER_FIELDS, FINANCING_FIELDS, MEMBER_FIELDS, TEAM_FIELDS

VERSION_HELP = _("The version you read; a write with an older version is refused with 409.")
YEAR_RULE = _("a year not recorded yet (POST); the record's own year (PATCH: a record's year is not changed)")
# A change (PATCH) needs the version read: a partial body may leave out every other field, never this one.
VERSION_RULE = _("required to change the record (PATCH); not needed to create it")


class ShortTextList(serializers.ListField):
    child = serializers.CharField(max_length=100, allow_blank=False)


class ClusterSerializer(serializers.ModelSerializer):
    sectors = ShortTextList(required=False)
    s3_domains = ShortTextList(required=False)
    logo = serializers.ImageField(read_only=True)
    version = serializers.IntegerField(min_value=0, help_text=VERSION_HELP)
    country = serializers.RegexField(
        r"^\s*[A-Za-z]{2}\s*$", required=False, help_text=_("ISO 3166 code of two letters, e.g. FR")
    )

    FIELD_RULES = {
        "name": _("no other cluster has this name (whatever the case)"),
        "eccp_url": _("an https address on clustercollaboration.eu"),
    }

    class Meta:
        model = Cluster
        fields = ["id", *CLUSTER_FIELDS, "logo", "version", "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]

    def validate_name(self, value: str) -> str:
        value = " ".join(value.split())
        clash = Cluster.objects.filter(name__iexact=value)
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise serializers.ValidationError(_("Another cluster already has this name."))
        return value

    def validate_country(self, value: str) -> str:
        value = value.strip().upper()
        if len(value) != 2 or not value.isalpha():
            raise serializers.ValidationError(_("Use the two-letter ISO code of the country, e.g. FR."))
        return value


class MemberSerializer(serializers.ModelSerializer):
    version = serializers.IntegerField(min_value=0, required=False, help_text=VERSION_HELP)

    FIELD_RULES = {
        "name": _("no other member of the cluster has this name (whatever the case)"),
        "member_since": _("not in the future"),
        "version": VERSION_RULE,
    }

    class Meta:
        model = Member
        fields = ["id", *MEMBER_FIELDS, "version", "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]
        validators: list = []  # the name's uniqueness is checked by the service, whatever the case

    def validate_member_since(self, value):
        if value and value > timezone.localdate():
            raise serializers.ValidationError(_("The membership date cannot be in the future."))
        return value


class TeamYearSerializer(serializers.ModelSerializer):
    version = serializers.IntegerField(min_value=0, required=False, help_text=VERSION_HELP)

    FIELD_RULES = {
        "year": YEAR_RULE,
        "board_company_seats": _("at most `board_seats`"),
        "version": VERSION_RULE,
    }

    class Meta:
        model = TeamYear
        fields = ["year", *TEAM_FIELDS, "version", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]
        validators: list = []


class FinancingYearSerializer(serializers.ModelSerializer):
    version = serializers.IntegerField(min_value=0, required=False, help_text=VERSION_HELP)

    FIELD_RULES = {"year": YEAR_RULE, "version": VERSION_RULE}
    total = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)
    private_total = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)

    class Meta:
        model = FinancingYear
        fields = ["year", *FINANCING_FIELDS, "total", "private_total", "version", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]
        validators: list = []
