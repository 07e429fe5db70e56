from django.urls import path

from . import views

app_name = "orders"
urlpatterns = [
    path("", views.order_list, name="list"),
    path("warenkorb/", views.cart, name="cart"),
    path("warenkorb/hinzufuegen/", views.cart_add, name="cart_add"),
    path("warenkorb/schnellbestellung/", views.quick_order, name="quick_order"),
    path("warenkorb/vorgaben/", views.cart_defaults, name="cart_defaults"),
    path("warenkorb/positionen/<int:line_id>/", views.cart_line, name="cart_line"),
    path("warenkorb/absenden/", views.checkout, name="checkout"),
    path("freigaben/", views.approvals, name="approvals"),
    path("freigaberegeln/", views.rules, name="rules"),
    path(
        "freigaberegeln/freigabeberechtigte/<int:approver_id>/loeschen/", views.approver_remove, name="approver_remove"
    ),
    path("<int:order_id>/", views.order_detail, name="detail"),
    path("<int:order_id>/freigeben/", views.approve, name="approve"),
    path("<int:order_id>/ablehnen/", views.reject, name="reject"),
    path("<int:order_id>/stornieren/", views.cancel, name="cancel"),
    path("<int:order_id>/erneut/", views.to_cart, name="to_cart"),
]
