"""Read-only API of the framework catalogue: public, like the methodology page."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.permissions import AllowAny

from . import selectors
from .models import Category, Framework, Indicator

_TRANSLATED_SCHEMA = {
    "type": "object",
    "properties": {"fr": {"type": "string"}, "en": {"type": "string"}},
    "required": ["fr", "en"],
}


@extend_schema_field(_TRANSLATED_SCHEMA)
class TranslatedField(serializers.Field):
    """``{"fr": ..., "en": ...}`` from the model's ``<base>_fr`` and ``<base>_en`` fields."""

    def __init__(self, base: str, **kwargs):
        self.base = base
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, obj) -> dict[str, str]:
        return {"fr": getattr(obj, f"{self.base}_fr"), "en": getattr(obj, f"{self.base}_en")}


class OptionSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    result = serializers.ChoiceField(choices=["full", "partial", "none"], read_only=True)
    label = serializers.DictField(child=serializers.CharField(), read_only=True, help_text='{"fr": ..., "en": ...}')


class IndicatorSerializer(serializers.ModelSerializer):
    category = serializers.CharField(source="category.code", read_only=True)
    name = TranslatedField("name")
    help = TranslatedField("help")
    unit = TranslatedField("unit")
    options = OptionSerializer(many=True, read_only=True, help_text="The options of a level indicator.")

    class Meta:
        model = Indicator
        fields = [
            "code",
            "category",
            "ecei_ref",
            "name",
            "help",
            "unit",
            "value_type",
            "weight",
            "direction",
            "full_threshold",
            "partial_threshold",
            "max_value",
            "baseline",
            "from_data",
            "options",
            "position",
        ]
        read_only_fields = fields


class CategorySerializer(serializers.ModelSerializer):
    name = TranslatedField("name")
    indicators = IndicatorSerializer(many=True, read_only=True)

    class Meta:
        model = Category
        fields = ["code", "name", "position", "indicators"]
        read_only_fields = fields


class FrameworkSummarySerializer(serializers.ModelSerializer):
    name = TranslatedField("name")
    description = TranslatedField("description")
    url = serializers.HyperlinkedIdentityField(view_name="framework-detail", lookup_field="code", read_only=True)

    class Meta:
        model = Framework
        fields = ["code", "name", "description", "is_default", "url"]
        read_only_fields = fields


class FrameworkDetailSerializer(FrameworkSummarySerializer):
    total_weight = serializers.SerializerMethodField()
    categories = CategorySerializer(many=True, read_only=True)

    class Meta(FrameworkSummarySerializer.Meta):
        fields = [*FrameworkSummarySerializer.Meta.fields, "total_weight", "categories"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.INT)
    def get_total_weight(self, framework: Framework) -> int:
        return sum(i.weight for c in framework.categories.all() for i in c.indicators.all())


@extend_schema_view(
    list=extend_schema(
        summary="Framework versions",
        description="Every indicator framework version, the default one first. Public.",
        tags=["frameworks"],
    ),
    retrieve=extend_schema(
        summary="A framework version",
        description="A framework version with its categories and indicators (thresholds, weights, "
        "baseline flags, level options). Public.",
        tags=["frameworks"],
    ),
)
class FrameworkViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [AllowAny]
    lookup_field = "code"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"

    def get_queryset(self):
        if self.action == "retrieve":
            return selectors.framework_with_catalogue()
        return selectors.framework_list()

    def get_serializer_class(self):
        return FrameworkDetailSerializer if self.action == "retrieve" else FrameworkSummarySerializer
