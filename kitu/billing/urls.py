from django.urls import path

from . import views

app_name = "billing"
urlpatterns = [
    path("", views.catalog, name="catalog"),
    path("neu/", views.service_edit, name="service_new"),
    path("<int:service_id>/bearbeiten/", views.service_edit, name="service_edit"),
    path("<int:service_id>/preis/", views.price_add, name="price_add"),
    path("beantragen/", views.request_new, name="request_new"),
    path("abonnements/", views.subscription_list, name="subscriptions"),
    path("abonnements/<int:subscription_id>/antrag/", views.request_change, name="request_change"),
    path("antraege/<int:request_id>/entscheiden/", views.request_decide, name="request_decide"),
    path("rechnungen/", views.invoice_list, name="invoices"),
    path("rechnungen/forderungen.csv", views.invoice_csv, name="invoice_csv"),
    path("rechnungen/<int:invoice_id>/", views.invoice_detail, name="invoice"),
    path("rechnungen/<int:invoice_id>/datei/<str:syntax>/", views.invoice_file, name="invoice_file"),
    path("rechnungen/<int:invoice_id>/zahlung/", views.invoice_payment, name="invoice_payment"),
    path("rechnungen/<int:invoice_id>/mahnung/", views.invoice_reminder, name="invoice_reminder"),
    path("rechnungen/<int:invoice_id>/gutschrift/", views.invoice_credit_note, name="invoice_credit_note"),
    path("abrechnung/", views.run_list, name="runs"),
    path("abrechnung/versand/", views.unmailed_send, name="unmailed_send"),
    path("abrechnung/<int:run_id>/", views.run_detail, name="run"),
    path("abrechnung/<int:run_id>/<str:step>/", views.run_step, name="run_step"),
]
