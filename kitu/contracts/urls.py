from django.urls import path

from . import inhouse_urls, views

app_name = "contracts"
urlpatterns = [
    path("", views.contract_list, name="list"),
    path("neu/", views.contract_create, name="create"),
    path("<int:contract_id>/", views.contract_detail, name="detail"),
    path("<int:contract_id>/bearbeiten/", views.contract_edit, name="edit"),
    path("<int:contract_id>/lose/", views.lot_add, name="lot_add"),
    path("<int:contract_id>/grenzen/", views.limit_add, name="limit_add"),
    path("<int:contract_id>/dokumente/", views.document_add, name="document_add"),
    path("<int:contract_id>/dokumente/<int:document_id>/", views.document_download, name="document"),
    path("<int:contract_id>/freigeben/", views.publish, name="publish"),
    path("lieferanten/", views.supplier_list, name="suppliers"),
    path("lieferanten/neu/", views.supplier_edit, name="supplier_create"),
    path("lieferanten/<int:supplier_id>/", views.supplier_edit, name="supplier_edit"),
    path("lieferanten/<int:supplier_id>/ansprechpersonen/", views.supplier_contact_add, name="supplier_contact_add"),
    path(
        "lieferanten/<int:supplier_id>/ansprechpersonen/<int:contact_id>/entfernen/",
        views.supplier_contact_remove,
        name="supplier_contact_remove",
    ),
]
urlpatterns += inhouse_urls.urlpatterns
