from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UsersConfig(AppConfig):
    name = "users"
    verbose_name = _("Users")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .sessions import start_staff_session

        user_logged_in.connect(start_staff_session, dispatch_uid="users-staff-session-start")
