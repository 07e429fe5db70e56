from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "kitu.orders"
    label = "orders"
    verbose_name = "Warenkorb und Bestellungen"
