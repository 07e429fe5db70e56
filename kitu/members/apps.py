from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "kitu.members"
    label = "members"
    verbose_name = "Mitgliederverwaltung"
