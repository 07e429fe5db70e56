from django.urls import path

from . import views

app_name = "workgroups"
urlpatterns = [
    path("", views.group_list, name="list"),
    path("<int:group_id>/", views.group_detail, name="group"),
    path("<int:group_id>/beitreten/", views.group_join, name="join"),
    path("termine/<int:meeting_id>/", views.meeting_detail, name="meeting"),
    path("termine/<int:meeting_id>/anmelden/", views.register, name="register"),
    path("termine/<int:meeting_id>/abmelden/", views.cancel, name="cancel"),
]
