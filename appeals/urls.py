from django.urls import path

from appeals import views

app_name = "appeals"

urlpatterns = [
    path("", views.appeal_list, name="list"),
    path("new/<int:assessment_pk>/<slug:ground>/", views.appeal_lodge, name="lodge"),
    path("<int:pk>/", views.appeal_detail, name="detail"),
    path("<int:pk>/ask/", views.appeal_ask, name="ask"),
    path("<int:pk>/answer/", views.appeal_answer, name="answer"),
    path("<int:pk>/decide/", views.appeal_decide, name="decide"),
    path("files/<int:pk>/", views.file_download, name="file_download"),
]
