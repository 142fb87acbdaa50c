"""allauth adapter: account e-mails go out through Celery once the transaction commits."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site
from django.db import transaction

from .tasks import task_send_email


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request)}
        ctx.update(context)
        message = self.render_mail(template_prefix, email, ctx)
        html = next(
            (body for body, mime in getattr(message, "alternatives", []) if mime == "text/html"),
            None,
        )
        payload = {"to": list(message.to), "subject": message.subject, "body": message.body}
        if html:
            payload["html"] = html
        transaction.on_commit(lambda: task_send_email.delay(**payload), robust=True)
