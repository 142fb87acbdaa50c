from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PairsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "pairs"
    verbose_name = _("Pairs in the programme")

    def ready(self):
        from applications import panels

        from .panels import pair_space_panel

        panels.register(pair_space_panel)
