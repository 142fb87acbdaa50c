"""The portal's user: identified by e-mail address, no username."""

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        if not extra_fields["is_staff"] or not extra_fields["is_superuser"]:
            raise ValueError("A superuser must have is_staff and is_superuser set.")
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    username = None
    first_name = None
    last_name = None
    name = models.CharField(_("full name"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail address"), unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]

    def __str__(self):
        return self.name or self.email

    def get_full_name(self):
        return self.name

    def get_short_name(self):
        return self.name or self.email


class Notice(models.Model):
    """A version of a text people accept: the privacy notice, or the consent to share an
    application with Mission Cities. Staff write a draft and publish it; the published version with
    the highest number is the current one. A published version is never edited."""

    class Kind(models.TextChoices):
        PRIVACY = "privacy", _("Privacy notice")
        DATA_SHARING = "data_sharing", _("Consent to share an application with Mission Cities")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    version = models.PositiveSmallIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(
        _("text"),
        help_text=_(
            "Paragraphs separated by a blank line; a line starting with '## ' is a heading."
        ),
    )
    changes = models.TextField(
        _("what changed"),
        blank=True,
        help_text=_("Shown to people who accepted the previous version when they are asked again."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="notice_kind_version_unique"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} v{self.version}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class ConsentRecord(models.Model):
    """One acceptance of one version of a notice: who, which version, when, from which form."""

    class Source(models.TextChoices):
        SIGNUP = "signup", _("Sign-up form")
        PROMPT = "prompt", _("Asked again after a new version")
        APPLICATION = "application", _("Application form")
        IMPORT = "import", _("Imported by staff")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="consents")
    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="acceptances")
    source = models.CharField(_("from"), max_length=20, choices=Source.choices)
    context = models.CharField(
        _("context"), max_length=200, blank=True, help_text=_("For example the application.")
    )
    accepted_at = models.DateTimeField(_("accepted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        ordering = ["-accepted_at"]
        indexes = [models.Index(fields=["user", "notice"], name="consent_user_notice")]

    def __str__(self):
        return f"{self.user_id} · {self.notice}"
