"""Account emails: password reset links, sign-up links, and the note to an account holder when someone
signs up with their address.

They are sent by background tasks. A request for a password reset or a sign-up then does the same work
whether or not the address has an account: it queues one task with what was typed, and the task looks the
address up when it runs; the page never waits for the mail server. Tasks take form values, never tokens; a
reset token is made when the email is sent, so none waits in the task queue.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm as DjangoPasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks import task
from wagtail.admin.forms.auth import PasswordResetForm as WagtailPasswordResetForm

from cms.links import absolute_url, site_protocol_and_domain
from cms.ops.tasks.retry import with_retries

User = get_user_model()

SIGNUP_SALT = "cms.signup"


def _send(*, subject: str, body: str, to: str, html: str | None = None, from_email: str | None = None) -> None:
    message = EmailMultiAlternatives("".join(subject.splitlines()), body, from_email, [to])
    if html is not None:
        message.attach_alternative(html, "text/html")
    message.send()


# Password reset ---------------------------------------------------------------------------------


class BackgroundPasswordResetMixin:
    """Queue one reset task for every valid request, whatever the address: the task, not the request, looks the
    address up (see the module docstring). Django's form would queue one only for an address with an account.
    """

    def save(
        self,
        domain_override=None,
        subject_template_name="registration/password_reset_subject.txt",
        email_template_name="registration/password_reset_email.html",
        use_https=False,
        token_generator=None,  # the task makes the token with Django's default generator, when it sends
        from_email=None,
        request=None,
        html_email_template_name=None,
        extra_email_context=None,  # neither reset page passes any
    ):
        # The link goes to the site's public address (cms.links), whichever host the request came in on.
        protocol, domain = site_protocol_and_domain()
        site_name = domain_override or settings.WAGTAIL_SITE_NAME
        password_reset_email_send.enqueue(
            self.cleaned_data["email"],
            subject_template_name=subject_template_name,
            email_template_name=email_template_name,
            html_email_template_name=html_email_template_name,
            domain=domain,
            site_name=site_name,
            protocol=protocol,
            from_email=from_email,
        )


class PasswordResetForm(BackgroundPasswordResetMixin, DjangoPasswordResetForm):
    """The site's password reset (``/account/password/reset/``)."""


class AdminPasswordResetForm(BackgroundPasswordResetMixin, WagtailPasswordResetForm):
    """The admin's password reset (``WAGTAILADMIN_USER_PASSWORD_RESET_FORM``)."""


@task()
@with_retries(describe=lambda email, **kwargs: "Password reset email")
def password_reset_email_send(
    email: str,
    *,
    subject_template_name: str,
    email_template_name: str,
    html_email_template_name: str | None,
    domain: str,
    site_name: str,
    protocol: str,
    from_email: str | None,
) -> None:
    """Email a reset link to the active account with a usable password at ``email``, if there is one.

    Django's rule decides who qualifies (``PasswordResetForm.get_users``); for any other address nothing is sent.
    """
    for user in DjangoPasswordResetForm().get_users(email):
        context = {
            "email": user.email,
            "domain": domain,
            "site_name": site_name,
            "uid": urlsafe_base64_encode(force_bytes(user.pk)),
            "user": user,
            "token": default_token_generator.make_token(user),
            "protocol": protocol,
        }
        _send(
            subject=render_to_string(subject_template_name, context),
            body=render_to_string(email_template_name, context),
            html=render_to_string(html_email_template_name, context) if html_email_template_name else None,
            to=user.email,
            from_email=from_email,
        )


# Sign-up ----------------------------------------------------------------------------------------


def signup_token_make(*, email: str, full_name: str, preferred_name: str = "") -> str:
    """A signed, dated token holding what the person typed on the sign-up form, for the link that finishes it."""
    return signing.dumps({"email": email, "full_name": full_name, "preferred_name": preferred_name}, salt=SIGNUP_SALT)


def signup_token_read(token: str) -> dict | None:
    """The sign-up details in ``token``, or ``None`` if it was altered or is older than ``SIGNUP_LINK_MAX_AGE``."""
    try:
        details = signing.loads(token, salt=SIGNUP_SALT, max_age=settings.SIGNUP_LINK_MAX_AGE)
    except signing.BadSignature:  # SignatureExpired is a BadSignature
        return None
    if not isinstance(details, dict) or not details.get("email") or not details.get("full_name"):
        return None
    return details


@task()
@with_retries(describe=lambda email, **kwargs: "Sign-up link email")
def signup_email_send(email: str, *, full_name: str, preferred_name: str = "") -> None:
    """Email the link that finishes a sign-up, or, if the address has an account by now, say so instead."""
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        signup_existing_account_email(existing)
        return
    token = signup_token_make(email=email, full_name=full_name, preferred_name=preferred_name)
    context = {
        "name": preferred_name or full_name.split(" ")[0],
        "confirm_url": absolute_url(reverse("signup_confirm", kwargs={"token": token})),
        "site_name": settings.WAGTAIL_SITE_NAME,
        "max_age_days": settings.SIGNUP_LINK_MAX_AGE // (24 * 60 * 60),
    }
    _send(
        subject=render_to_string("registration/signup_email_subject.txt", context),
        body=render_to_string("registration/signup_email.txt", context),
        to=email,
    )


def signup_existing_account_email(user) -> None:
    """Tell an account holder that someone tried to sign up with their address. Inactive accounts are not told:
    they cannot log in, so the email's advice would not work."""
    if not user.is_active:
        return
    context = {
        "user": user,
        "login_url": absolute_url(reverse("login")),
        "password_reset_url": absolute_url(reverse("password_reset")),
        "site_name": settings.WAGTAIL_SITE_NAME,
    }
    _send(
        subject=render_to_string("registration/signup_exists_email_subject.txt", context),
        body=render_to_string("registration/signup_exists_email.txt", context),
        to=user.email,
    )
