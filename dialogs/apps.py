from django.apps import AppConfig


class DialogsConfig(AppConfig):
    name = "dialogs"
    verbose_name = "Zieldialoge"

    def ready(self):
        # The agreements' pages show dialogs, measures and final assessments; the agreements
        # app sits below this one and is given them here (agreements/minutes.py).
        from agreements import minutes
        from dialogs.for_agreements import MINUTES

        minutes.provide(MINUTES)
