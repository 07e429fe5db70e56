from django.urls import path

from . import views

app_name = "payables"
urlpatterns = [
    path("", views.invoice_list, name="list"),
    path("einreichen/", views.upload, name="upload"),
    path("buchungsliste/", views.booking_list, name="booking_list"),
    path("<int:invoice_id>/", views.invoice_detail, name="detail"),
    path("<int:invoice_id>/xml/", views.invoice_xml, name="xml"),
    path("<int:invoice_id>/sachlich-richtig/", views.factual, name="factual"),
    path("<int:invoice_id>/rechnerisch-richtig/", views.arithmetic, name="arithmetic"),
    path("<int:invoice_id>/zurueckweisen/", views.reject, name="reject"),
]
