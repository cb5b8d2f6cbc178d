"""Signed-in sessions for the benchmarks, written straight into the session store as login() would.

Password hashing would otherwise dominate the figures, and it is not what a signed-in person
waits for. Run inside a benchmark's Django environment (after ``django.setup()``).
"""

from importlib import import_module


def signed_in_session(user, *, verified: bool = False) -> str:
    """A session key for ``user``; ``verified`` also marks the session as past two-factor authentication.

    People with admin access (supervisors, administrators) need ``verified`` to open admin pages:
    it is what entering a code from their authenticator app leaves in the session (django_otp.login).
    """
    from django.apps import apps
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.utils.module_loading import import_string

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    # The backend that loads people (a lockout backend listed first checks attempts but loads no one).
    store[BACKEND_SESSION_KEY] = next(
        path for path in settings.AUTHENTICATION_BACKENDS if hasattr(import_string(path), "get_user")
    )
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    if verified and apps.is_installed("django_otp.plugins.otp_totp"):
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
        store[DEVICE_ID_SESSION_KEY] = device.persistent_id
    store.create()
    return store.session_key
