"""allauth's sign-up form, safe against simultaneous sign-ups with one address (issue 12).

Two requests with the same new address both pass the form's "is the address taken?" check; the
second to insert the user hits the unique constraint. It is then answered exactly like a sign-up
with a taken address (allauth's enumeration prevention: the "check your e-mail" page, and an
e-mail to the address saying it already has an account), never a 500.
"""

from allauth.account.forms import SignupForm
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction


class RaceSafeSignupForm(SignupForm):
    def try_save(self, request):
        try:
            with transaction.atomic():
                return super().try_save(request)
        except IntegrityError:
            email = self.cleaned_data.get("email") or ""
            if not get_user_model().objects.filter(email__iexact=email).exists():
                raise
            self.account_already_exists = True
            return super().try_save(request)
