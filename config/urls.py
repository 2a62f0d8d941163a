from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from accounts import views as account_views
from accounts.api import TokenView
from accounts.language import set_language
from core import health, media, metrics
from core.api_root import ApiRootView
from core.throttles import LoginThrottle, throttle_posts

api_v1 = [
    path("", ApiRootView.as_view(), name="api-root"),
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("", include("clusters.api_urls")),
    path("", include("labelling.api_urls")),
    path("", include("expertise.api_urls")),
    path("", include("indicators.api_urls")),
    path("", include("programmes.api_urls")),
    path("", include("committee.api_urls")),
    path("", include("appeals.api_urls")),
    path("", include("areas.api_urls")),
    path("", include("improvement.api_urls")),
]

urlpatterns = [
    path("health/", health.health, name="health"),
    path("health/live/", health.health_live, name="health_live"),
    path("health/process/", health.process, name="health_process"),  # liveness: the process only
    path("", account_views.home, name="home"),
    path("accounts/", include("accounts.urls")),  # login and password reset, throttled
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/setlang/", set_language, name="set_language"),  # also saves the account's preferred language
    path("i18n/", include("django.conf.urls.i18n")),
    path("metrics", metrics.metrics, name="metrics"),  # Prometheus, closed to the public (core/metrics.py)
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/login/", throttle_posts(LoginThrottle)(admin.site.login)),
    path("admin/", admin.site.urls),
    path("clusters/", include("clusters.urls")),
    path("clusters/", include("improvement.urls")),
    path("", include("labelling.urls")),
    path("", include("expertise.urls")),
    path("methodology/", include("indicators.urls")),
    path("programmes/", include("programmes.urls")),
    path("committee/", include("committee.urls")),
    path("appeals/", include("appeals.urls")),
    path("", include("areas.urls")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path(
        "api/redoc/",
        csp_update({"style-src": [UNSAFE_INLINE], "worker-src": [SELF, "blob:"]})(
            SpectacularRedocView.as_view(url_name="schema")
        ),
        name="api-redoc",
    ),
]

# Public media only (cluster logos; evidence and reports are private and go through permission-checked views),
# from MEDIA_ROOT or, with STORAGE_URL, from the bucket (core/media.py): always from the site's own origin, so the
# content security policy holds and the bucket stays private. A proxy in front may serve MEDIA_URL from the
# local folder directly instead.
urlpatterns += [
    re_path(rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$", media.public_media),
]

# Error pages that need no database (503 when it is unreachable) and answer JSON under /api/ (core/views.py).
handler400 = "core.views.bad_request"
handler404 = "core.views.not_found"
handler500 = "core.views.server_error"
