from django.urls import path

from . import views

app_name = "procedures"
urlpatterns = [
    path("", views.procedure_list, name="list"),
    path("matrix/", views.matrix, name="matrix"),
    path("neu/", views.procedure_new, name="new"),
    path("<int:procedure_id>/", views.procedure_detail, name="detail"),
    path("<int:procedure_id>/bearbeiten/", views.procedure_edit, name="edit"),
    path("<int:procedure_id>/loeschen/", views.procedure_delete, name="delete"),
    path("<int:procedure_id>/avv/", views.dpa_document, name="dpa"),
]
