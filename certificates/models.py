"""The app's model registry: each package owns its models; importing them here lets Django find them.

Import a model from the package that owns it (``certificates.issuance.models`` and so on), not from here.
"""

from .ce.models import CECredit
from .documents.models import CertificateTemplate
from .issuance.models import (
    Certificate,
    CertificateEvent,
    ExpiryReminder,
    Program,
    ProgramCourse,
    ProgramHours,
    RenewalMinimum,
    SerialCounter,
)
from .tracking.models import Assignment, DueReminder

__all__ = [
    "Assignment",
    "CECredit",
    "Certificate",
    "CertificateEvent",
    "CertificateTemplate",
    "DueReminder",
    "ExpiryReminder",
    "Program",
    "ProgramCourse",
    "ProgramHours",
    "RenewalMinimum",
    "SerialCounter",
]
