from django.urls import path

from . import views

app_name = "defects"
urlpatterns = [
    path("bearbeitung/", views.inbox, name="inbox"),
    path("bearbeitung/<int:report_id>/", views.case, name="case"),
    path("<slug:slug>/", views.town, name="town"),
    path("<slug:slug>/meldung/<uuid:token>/", views.track, name="track"),
]
