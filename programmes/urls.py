from django.urls import path

from programmes import views

app_name = "programmes"

urlpatterns = [
    path("", views.programme_list, name="list"),
    path("<int:pk>/", views.programme_detail, name="detail"),
    path("<int:pk>/clusters/<int:cluster_pk>/", views.programme_cluster, name="cluster"),
]
