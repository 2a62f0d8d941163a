"""Reads about users."""

from django.db.models import QuerySet

from accounts.models import Role, User


def assessors() -> QuerySet[User]:
    """The active users with the assessor role, in name order (those an assessment may be assigned to)."""
    return User.objects.filter(role=Role.ASSESSOR, is_active=True).order_by("last_name", "first_name", "username")
