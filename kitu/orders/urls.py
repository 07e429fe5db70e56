from django.urls import path

from .views import baskets, cart, fulfilment, orders, rules

app_name = "orders"
urlpatterns = [
    path("", orders.order_list, name="list"),
    path("warenkorb/", cart.cart, name="cart"),
    path("warenkorb/hinzufuegen/", cart.cart_add, name="cart_add"),
    path("warenkorb/schnellbestellung/", cart.quick_order, name="quick_order"),
    path("warenkorb/freitext/", cart.placeholder_add, name="placeholder_add"),
    path("warenkorb/vorgaben/", cart.cart_defaults, name="cart_defaults"),
    path("warenkorb/positionen/<int:line_id>/", cart.cart_line, name="cart_line"),
    path("warenkorb/pruefen/", cart.review, name="review"),
    path("warenkorb/absenden/", cart.checkout, name="checkout"),
    path("abgesendet/", cart.submitted, name="submitted"),
    path("freigaben/", orders.approvals, name="approvals"),
    path("ersparnis/", orders.savings, name="savings"),
    path("standardwarenkoerbe/", baskets.basket_list, name="baskets"),
    path("standardwarenkoerbe/<int:basket_id>/", baskets.basket_detail, name="basket"),
    path("standardwarenkoerbe/<int:basket_id>/in-den-warenkorb/", baskets.basket_to_cart, name="basket_to_cart"),
    path("freigaberegeln/", rules.rules, name="rules"),
    path(
        "freigaberegeln/freigabeberechtigte/<int:approver_id>/loeschen/", rules.approver_remove, name="approver_remove"
    ),
    path("<int:order_id>/", orders.order_detail, name="detail"),
    path("<int:order_id>/freigeben/", orders.approve, name="approve"),
    path("<int:order_id>/ablehnen/", orders.reject, name="reject"),
    path("<int:order_id>/stornieren/", orders.cancel, name="cancel"),
    path("<int:order_id>/erneut/", orders.to_cart, name="to_cart"),
    path("<int:order_id>/positionen/<int:line_id>/anlage/", orders.attachment, name="attachment"),
    path("<int:order_id>/bestaetigen/", fulfilment.confirm, name="confirm"),
    path("<int:order_id>/lieferungen/", fulfilment.ship, name="ship"),
    path("<int:order_id>/lieferungen/<int:shipment_id>/wareneingang/", fulfilment.receive, name="receive"),
]
