"""Object storage (S3 or S3-compatible: MinIO, Ceph, Backblaze, ...) for uploads, configured by environment variables.

Without ``AWS_STORAGE_BUCKET_NAME`` nothing changes: uploads and private files stay on the
file system (``DJANGO_MEDIA_ROOT`` and ``DJANGO_PRIVATE_MEDIA_ROOT``). With it, every app server
and worker reads and writes the same bucket, so none of them keeps files of its own:

- ``default`` (images and documents uploaded in the admin) goes under ``media/``, with plain,
  stable URLs unless ``AWS_MEDIA_QUERYSTRING_AUTH`` asks for signed ones;
- ``private`` (certificate PDFs, CE evidence) goes under ``private/`` in the same bucket, or in
  ``AWS_PRIVATE_STORAGE_BUCKET_NAME``. The site reads these files through the storage and sends
  them after checking who is asking; any URL the storage makes for them is signed and short-lived.

No object gets an ACL (``default_acl=None``): who may read what is the bucket policy's job
(public read on ``media/*`` only, or nothing public at all). Credentials come from boto3's usual
sources: ``AWS_ACCESS_KEY_ID`` and ``AWS_SECRET_ACCESS_KEY``, or an instance role.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured

S3_BACKEND = "storages.backends.s3.S3Storage"


def _flag(environ: Mapping[str, str], name: str, default: bool) -> bool:
    """Like ``env_bool`` in environment.py: anything but a clear yes or no stops startup."""
    value = environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def object_storages(environ: Mapping[str, str] = os.environ) -> dict:
    """The ``default`` and ``private`` entries of ``STORAGES`` for object storage, or ``{}`` when not configured."""
    bucket = environ.get("AWS_STORAGE_BUCKET_NAME", "").strip()
    if not bucket:
        return {}
    common = {
        "bucket_name": bucket,
        "endpoint_url": environ.get("AWS_S3_ENDPOINT_URL") or None,
        "region_name": environ.get("AWS_S3_REGION_NAME") or None,
        # MinIO and some other S3-compatible servers want "path"; AWS works with either.
        "addressing_style": environ.get("AWS_S3_ADDRESSING_STYLE") or None,
        "signature_version": "s3v4",
        "default_acl": None,
        # Two uploads with the same name both keep their file.
        "file_overwrite": False,
    }
    media = {
        **common,
        "location": environ.get("AWS_MEDIA_LOCATION", "media").strip("/"),
        "querystring_auth": _flag(environ, "AWS_MEDIA_QUERYSTRING_AUTH", False),
        "custom_domain": environ.get("AWS_S3_CUSTOM_DOMAIN") or None,
    }
    private = {
        **common,
        "bucket_name": environ.get("AWS_PRIVATE_STORAGE_BUCKET_NAME", "").strip() or bucket,
        "location": environ.get("AWS_PRIVATE_LOCATION", "private").strip("/"),
        "querystring_auth": True,
        "querystring_expire": int(environ.get("AWS_PRIVATE_QUERYSTRING_EXPIRE", "300")),
        # A CDN domain would serve unsigned URLs: private files never use one.
        "custom_domain": None,
    }
    if media["bucket_name"] == private["bucket_name"] and media["location"] == private["location"]:
        raise ImproperlyConfigured("AWS_MEDIA_LOCATION and AWS_PRIVATE_LOCATION must differ when they share a bucket.")
    return {
        "default": {"BACKEND": S3_BACKEND, "OPTIONS": media},
        "private": {"BACKEND": S3_BACKEND, "OPTIONS": private},
    }
