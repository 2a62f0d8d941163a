import os

from django.core.asgi import get_asgi_application

# A server started without DJANGO_SETTINGS_MODULE gets the production settings (no DEBUG, key required).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

application = get_asgi_application()
