"""The labelling pages. Two modules own their routes so that they can grow apart:
``urls_selfassessment`` (the manager's assessment pages) and ``urls_workflow`` (review, decision,
labels, reports, registry)."""

from labelling.urls_selfassessment import urlpatterns as selfassessment_urls
from labelling.urls_workflow import urlpatterns as workflow_urls

app_name = "labelling"
urlpatterns = selfassessment_urls + workflow_urls
