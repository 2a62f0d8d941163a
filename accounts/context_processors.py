from accounts.models import Role


def navigation(request):
    user = getattr(request, "user", None)
    role = user.role if user is not None and user.is_authenticated else None
    if user is not None and user.is_authenticated and user.is_superuser:
        role = Role.ADMINISTRATOR
    return {"nav_role": role, "Role": Role}
