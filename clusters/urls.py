from django.urls import path

from clusters import views

app_name = "clusters"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("<int:pk>/", views.profile, name="profile"),
    path("<int:pk>/edit/", views.profile_edit, name="profile_edit"),
    path("<int:pk>/members/", views.members, name="members"),
    path("<int:pk>/members/add/", views.member_add, name="member_add"),
    path("<int:pk>/members/<int:member_pk>/edit/", views.member_edit, name="member_edit"),
    path("<int:pk>/members/<int:member_pk>/active/", views.member_set_active, name="member_set_active"),
    path("<int:pk>/members/import/", views.member_import, name="member_import"),
    path("<int:pk>/members/import/template.<str:fmt>", views.member_import_template, name="member_import_template"),
    path("<int:pk>/team/", views.team, name="team"),
    path("<int:pk>/team/add/", views.team_add, name="team_add"),
    path("<int:pk>/team/<int:year>/edit/", views.team_edit, name="team_edit"),
    path("<int:pk>/financing/", views.financing, name="financing"),
    path("<int:pk>/financing/add/", views.financing_add, name="financing_add"),
    path("<int:pk>/financing/<int:year>/edit/", views.financing_edit, name="financing_edit"),
]
