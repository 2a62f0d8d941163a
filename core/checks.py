"""System checks of Grappe's own settings (``manage.py check --deploy``)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


def site_url_problem(site_url: str) -> str:
    """Why ``SITE_URL`` is wrong for a deployment ("" when it is fine): e-mail links and the QR codes printed
    on certificates use it, so it must be the public https address."""
    if not site_url.startswith("https://"):
        return (
            f"SITE_URL is {site_url!r}: the links in e-mails and the QR codes of the certificates will point "
            "there. Set SITE_URL to the public https:// address of this deployment."
        )
    return ""


@register(Tags.security, deploy=True)
def check_site_url(app_configs, **kwargs):
    problem = site_url_problem(getattr(settings, "SITE_URL", ""))
    return [Warning(problem, id="grappe.W001")] if problem else []
