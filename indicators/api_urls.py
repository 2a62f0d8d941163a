from rest_framework.routers import SimpleRouter

from .api import FrameworkViewSet

router = SimpleRouter()
router.register("frameworks", FrameworkViewSet, basename="framework")

urlpatterns = router.urls
