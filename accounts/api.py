"""``/api/v1/auth/token/``: API users obtain (POST) or revoke (DELETE) their token with their password.

The password is checked through ``authenticate`` with the Django request, so django-axes counts the failures and
locks as on the login page (429 with ``Retry-After``); ``TokenThrottle`` limits the calls per address.
"""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.services import api_token_issue, api_token_revoke
from core.schema import example
from core.throttles import TokenThrottle, UserThrottle


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})


TokenSerializer = inline_serializer("Token", {"token": serializers.CharField()})


class TokenView(APIView):
    permission_classes = [AllowAny]

    def get_throttles(self):
        return [TokenThrottle()] if self.request.method == "POST" else [UserThrottle()]

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(description="Wrong user name or password, or a missing field"),
            429: OpenApiResponse(description="Too many attempts (throttled, or locked by django-axes)"),
        },
        auth=[],
        summary="Obtain your API token with your user name and password",
        examples=[example({"username": "manager.cosmetic", "password": "your password"})],
    )
    def post(self, request):
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(request._request, **data.validated_data)
        if user is None or not user.is_active:
            raise exceptions.ValidationError({"non_field_errors": [_("Wrong user name or password.")]})
        return Response({"token": api_token_issue(user=user)})

    @extend_schema(
        request=None,
        responses={
            204: OpenApiResponse(description="The token is revoked"),
            401: OpenApiResponse(description="Not authenticated"),
        },
        summary="Revoke your API token",
    )
    def delete(self, request):
        if not request.user.is_authenticated:
            raise exceptions.NotAuthenticated
        api_token_revoke(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
