from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "kitu.accounts"
    label = "accounts"
    verbose_name = "Konten"
