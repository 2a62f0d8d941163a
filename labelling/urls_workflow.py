from django.urls import path

from labelling.views import placeholders

urlpatterns = [
    path("assessor/", placeholders.placeholder, name="assessor_dashboard"),
    path("administration/", placeholders.placeholder, name="admin_dashboard"),
    path("registry/", placeholders.placeholder, name="registry"),
    path("verify/", placeholders.placeholder, name="verify"),
]
