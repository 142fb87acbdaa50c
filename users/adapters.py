"""allauth adapter: account e-mails go out through Celery once the transaction commits."""

from allauth.account.adapter import DefaultAccountAdapter
from django.db import transaction

from .tasks import task_send_email


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        message = self.render_mail(template_prefix, email, context)
        payload = {
            "to": list(message.to),
            "subject": message.subject,
            "body": message.body,
            "html": next(
                (
                    content
                    for content, mime in getattr(message, "alternatives", [])
                    if mime == "text/html"
                ),
                None,
            ),
        }
        transaction.on_commit(lambda: task_send_email.delay(**payload))
