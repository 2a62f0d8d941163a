from celery import shared_task
from django.core.mail import EmailMultiAlternatives


@shared_task(name="accounts.send_password_reset", autoretry_for=(OSError,), retry_backoff=30, max_retries=5)
def send_password_reset(*, subject: str, body: str, html: str | None, to: str) -> int:
    """Send one password-reset e-mail, out of the web request (a slow mail server never holds a page)."""
    message = EmailMultiAlternatives(subject, body, None, [to])
    if html:
        message.attach_alternative(html, "text/html")
    return message.send()
