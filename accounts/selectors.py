"""Reads about users."""

from django.db.models import Q, QuerySet

from accounts.models import Role, User


def assessors() -> QuerySet[User]:
    """The active users with the assessor role, in name order (those an assessment may be assigned to)."""
    return User.objects.filter(role=Role.ASSESSOR, is_active=True).order_by("last_name", "first_name", "username")


def administrators() -> QuerySet[User]:
    """The active administrators (e.g. to tell them of a declared conflict of interest)."""
    return User.objects.filter(Q(role=Role.ADMINISTRATOR) | Q(is_superuser=True), is_active=True).order_by("pk")


def assessors_offered_for(cluster=None) -> QuerySet[User]:
    """The assessors an administrator may assign; without those who declared a conflict of interest with
    ``cluster`` (on any of its assessments)."""
    qs = assessors()
    if cluster is not None:
        qs = qs.exclude(reviews__assessment__cluster=cluster, reviews__conflict_declared=True)
    return qs


def programme_officers() -> QuerySet[User]:
    """The active users with the programme officer role (those a programme may be followed by)."""
    return User.objects.filter(role=Role.OFFICER, is_active=True).order_by("last_name", "first_name", "username")


def people_names(*, usernames) -> dict[str, str]:
    """Each user name's person as a reader names them (full name, else the user name), in one query: the audit
    trail records a user name as the target of an assignment and writes the person's name."""
    wanted = {name for name in usernames if name}
    if not wanted:
        return {}
    rows = User.objects.filter(username__in=wanted).only("username", "first_name", "last_name")
    return {user.username: user.get_full_name() or user.username for user in rows}


def committee_members() -> QuerySet[User]:
    """The active users with the committee member role (those an awarding-committee session may seat)."""
    return User.objects.filter(role=Role.COMMITTEE, is_active=True).order_by("last_name", "first_name", "username")
