"""URLs of the in-house award pages, part of the ``contracts`` namespace (see urls.py)."""

from django.urls import path

from . import inhouse_views as views

urlpatterns = [
    path("inhouse/", views.inhouse_list, name="inhouse_list"),
    path("inhouse/einrichtungen/neu/", views.entity_create, name="inhouse_entity_create"),
    path("inhouse/einrichtungen/<int:entity_id>/", views.entity_detail, name="inhouse_entity"),
    path("inhouse/einrichtungen/<int:entity_id>/bearbeiten/", views.entity_edit, name="inhouse_entity_edit"),
    path("inhouse/einrichtungen/<int:entity_id>/umsaetze/", views.turnover_save, name="inhouse_turnover"),
    path(
        "inhouse/einrichtungen/<int:entity_id>/umsaetze/<int:year>/loeschen/",
        views.turnover_remove,
        name="inhouse_turnover_remove",
    ),
    path("inhouse/vergaben/neu/", views.award_create, name="inhouse_award_create"),
    path("inhouse/vergaben/<int:award_id>/", views.award_detail, name="inhouse_award"),
    path("inhouse/vergaben/<int:award_id>/bearbeiten/", views.award_edit, name="inhouse_award_edit"),
    path("inhouse/vergaben/<int:award_id>/vergeben/", views.award_decide, name="inhouse_award_decide"),
    path("inhouse/vergaben/<int:award_id>/dokumente/", views.document_upload, name="inhouse_document_add"),
    path(
        "inhouse/vergaben/<int:award_id>/dokumente/<int:document_id>/",
        views.document_download,
        name="inhouse_document",
    ),
    path("inhouse/vergaben/<int:award_id>/vergabevermerk.pdf", views.note_pdf, name="inhouse_note"),
]
