from labelling.api.selfassessment_urls import urlpatterns as selfassessment_urls
from labelling.api.workflow_urls import urlpatterns as workflow_urls

urlpatterns = selfassessment_urls + workflow_urls
