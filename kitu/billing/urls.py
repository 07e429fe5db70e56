from django.urls import path

from .views import cockpit, invoices, runs

app_name = "billing"
urlpatterns = [
    path("", cockpit.catalog, name="catalog"),
    path("neu/", cockpit.service_edit, name="service_new"),
    path("<int:service_id>/bearbeiten/", cockpit.service_edit, name="service_edit"),
    path("<int:service_id>/preis/", cockpit.price_add, name="price_add"),
    path("beantragen/", cockpit.request_new, name="request_new"),
    path("abonnements/", cockpit.subscription_list, name="subscriptions"),
    path("abonnements/<int:subscription_id>/antrag/", cockpit.request_change, name="request_change"),
    path("antraege/<int:request_id>/entscheiden/", cockpit.request_decide, name="request_decide"),
    path("rechnungen/", invoices.invoice_list, name="invoices"),
    path("rechnungen/forderungen.csv", invoices.invoice_csv, name="invoice_csv"),
    path("rechnungen/<int:invoice_id>/", invoices.invoice_detail, name="invoice"),
    path("rechnungen/<int:invoice_id>/datei/<str:syntax>/", invoices.invoice_file, name="invoice_file"),
    path("rechnungen/<int:invoice_id>/zahlung/", invoices.invoice_payment, name="invoice_payment"),
    path("rechnungen/<int:invoice_id>/mahnung/", invoices.invoice_reminder, name="invoice_reminder"),
    path("rechnungen/<int:invoice_id>/gutschrift/", invoices.invoice_credit_note, name="invoice_credit_note"),
    path("abrechnung/", runs.run_list, name="runs"),
    path("abrechnung/versand/", runs.unmailed_send, name="unmailed_send"),
    path("abrechnung/<int:run_id>/", runs.run_detail, name="run"),
    path("abrechnung/<int:run_id>/<str:step>/", runs.run_step, name="run_step"),
]
