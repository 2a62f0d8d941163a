from django.urls import path

from appeals import api

urlpatterns = [
    path("appeals/", api.AppealList.as_view(), name="api-appeal-list"),
    path("appeals/appealable/", api.AppealableList.as_view(), name="api-appeal-appealable"),
    path("appeals/<int:pk>/", api.AppealDetail.as_view(), name="api-appeal-detail"),
    path("appeals/<int:pk>/question/", api.AppealAsk.as_view(), name="api-appeal-question"),
    path("appeals/<int:pk>/answer/", api.AppealAnswer.as_view(), name="api-appeal-answer"),
    path("appeals/<int:pk>/decide/", api.AppealDecide.as_view(), name="api-appeal-decide"),
]
