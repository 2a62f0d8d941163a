"""The account pages whose POSTs are throttled; the other ones are Django's (``django.contrib.auth.urls``)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from accounts.forms import QueuedPasswordResetForm
from core.throttles import LoginThrottle, PasswordResetThrottle, throttle_posts

urlpatterns = [
    path("login/", throttle_posts(LoginThrottle)(auth_views.LoginView.as_view()), name="login"),
    path(
        "password_reset/",
        throttle_posts(PasswordResetThrottle)(auth_views.PasswordResetView.as_view(form_class=QueuedPasswordResetForm)),
        name="password_reset",
    ),
]
