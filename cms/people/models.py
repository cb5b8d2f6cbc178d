from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cms.people.names import validate_name


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
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
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        # Email addresses are compared without regard to case, so "Sam@Example.org" logs in as sam@example.org.
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who uses the platform. Logs in with an email address.

    `full_name` is the name printed on certificates; `preferred_name` is how the site
    greets the person. Roles are Wagtail groups (Learners, Trainers, Supervisors).
    """

    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(
        _("full name"),
        max_length=150,
        validators=[validate_name],
        help_text=_("Your name as it should appear on certificates."),
    )
    preferred_name = models.CharField(
        _("preferred name"),
        max_length=80,
        blank=True,
        validators=[validate_name],
        help_text=_("What you like to be called. Leave blank to use your full name."),
    )
    is_staff = models.BooleanField(_("staff status"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["full_name", "email"]

    def __str__(self):
        return self.full_name or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.preferred_name or self.full_name.split(" ")[0] or self.email

    @property
    def first_name(self):
        # Wagtail's admin sidebar greets people by `first_name`.
        return self.get_short_name()


class Team(models.Model):
    """A group of learners with one or more supervisors, e.g. the peer team at one clinic."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    supervisors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="supervised_teams",
        verbose_name=_("supervisors"),
        help_text=_("People who can follow this team's progress."),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="teams",
        blank=True,
        verbose_name=_("members"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def supervisor_names(self):
        return ", ".join(str(person) for person in self.supervisors.all())

    supervisor_names.short_description = _("supervisors")

    def member_count(self):
        return self.members.count()

    member_count.short_description = _("members")
