from django.apps import AppConfig


class ZielsteuerungConfig(AppConfig):
    name = "zielsteuerung"
    verbose_name = "Organisationen und Zugänge"

    def ready(self):
        # Django 6.1 offers „- Select an option -“ as the blank choice of every select and has
        # no German for it yet; its documented way to change it is this constant.
        from django.db.models import fields

        fields.BLANK_CHOICE_LABEL = "– bitte wählen –"
