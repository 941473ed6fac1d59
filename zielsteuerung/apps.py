from django.apps import AppConfig


class ZielsteuerungConfig(AppConfig):
    name = "zielsteuerung"
    verbose_name = "Organisationen und Zugänge"
