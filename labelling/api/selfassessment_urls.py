from django.urls import path

import core.converters  # noqa: F401 - registers <text:…>
from labelling.api import selfassessment as views

urlpatterns = [
    path("assessments/", views.AssessmentListCreateView.as_view(), name="api-assessment-list"),
    path("assessments/<int:pk>/", views.AssessmentDetailView.as_view(), name="api-assessment-detail"),
    path("assessments/<int:pk>/answers/", views.AnswerListView.as_view(), name="api-answer-list"),
    path("assessments/<int:pk>/answers/<text:code>/", views.AnswerDetailView.as_view(), name="api-answer-detail"),
    path("assessments/<int:pk>/submit/", views.SubmitView.as_view(), name="api-assessment-submit"),
    path("assessments/<int:pk>/questionnaire/", views.QuestionnaireView.as_view(), name="api-assessment-questionnaire"),
]
