"""``/api/v1/``: the API's root, which links to the schema, its documentation and the collections."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

_LINKS = inline_serializer(
    "ApiRoot",
    {
        "schema": serializers.URLField(help_text="The OpenAPI 3 schema (YAML; `?format=json` for JSON)"),
        "docs": serializers.URLField(help_text="The schema as an interactive page (Swagger UI)"),
        "redoc": serializers.URLField(help_text="The schema as a reference page (ReDoc)"),
        "token": serializers.URLField(help_text="Obtain (POST) or revoke (DELETE) your API token"),
        "resources": serializers.DictField(
            child=serializers.URLField(), help_text="The collections of the API, by name"
        ),
    },
)

#: The collections the root links to: name → URL name (the URL names are the apps' ``api_urls``).
ROOT_RESOURCES = {
    "clusters": "api-cluster-list",
    "assessments": "api-assessment-list",
    "labels": "api-label-list",
    "registry": "api-registry",
    "frameworks": "framework-list",
    "statistics": "api-statistics",
}


class ApiRootView(APIView):
    """``/api/v1/``: what an API user looks for first, the schema, its documentation and the collections."""

    permission_classes = [AllowAny]

    @extend_schema(
        summary="The API's root: links to the schema, its documentation and the collections",
        description="Public. Every link is absolute; the schema documents every operation, its tag is the resource.",
        responses={200: _LINKS},
    )
    def get(self, request):
        def url(name):
            return request.build_absolute_uri(reverse(name))

        return Response(
            {
                "schema": url("schema"),
                "docs": url("api-docs"),
                "redoc": url("api-redoc"),
                "token": url("api-token"),
                "resources": {name: url(view) for name, view in ROOT_RESOURCES.items()},
            }
        )
