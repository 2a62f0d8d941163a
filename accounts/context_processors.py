from django.conf import settings

from accounts.permissions import is_administrator, is_assessor, is_committee_member, is_manager, is_officer


def navigation(request):
    """Which starting points the menu offers (``nav.clusters``, ``nav.reviews``, ``nav.assessments``): the roles are
    read here, never in templates."""
    user = getattr(request, "user", None)
    admin = is_administrator(user)
    return {
        "nav": {
            "clusters": is_manager(user) and not admin,
            "reviews": is_assessor(user) and not admin,
            "assessments": admin,
            "programmes": admin or is_officer(user),
            "committee": (admin or is_committee_member(user)) and settings.LABELLING_COMMITTEE,
            "appeals": admin or is_manager(user),
        }
    }
