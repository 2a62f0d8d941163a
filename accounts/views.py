from django.shortcuts import redirect, render

from accounts.models import Role


def home(request):
    """The landing page sends each role to its own starting point."""
    user = request.user
    if user.is_authenticated:
        if user.is_superuser or user.role == Role.ADMINISTRATOR:
            return redirect("labelling:admin_dashboard")
        if user.role == Role.ASSESSOR:
            return redirect("labelling:assessor_dashboard")
        if user.role == Role.OFFICER:
            return redirect("programmes:list")
        if user.role == Role.COMMITTEE:
            return redirect("committee:list")
        return redirect("clusters:dashboard")
    return render(request, "home.html")

