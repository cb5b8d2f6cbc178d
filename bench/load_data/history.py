"""Certificates in every state, their events, external CE hours and program assignments for the generated learners."""

from collections import Counter
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from certificates.ce.models import CECredit
from certificates.issuance.dates import add_months
from certificates.issuance.models import Certificate, CertificateEvent, SerialCounter
from certificates.tracking.models import Assignment

from .data import BATCH, EXTERNAL_TRAINING, SYSTEM

User = get_user_model()


class CertificationHistory:
    """The certification half of ``LoadData``: reads ``rng``, ``now``, ``today``, ``program`` and ``facts`` from it."""

    def _serials(self, years: list[int]) -> dict[int, iter]:
        """Numbers reserved from each year's SerialCounter, so certificates issued later never collide."""
        reserved = {}
        for year, count in Counter(years).items():
            counter, _ = SerialCounter.objects.select_for_update().get_or_create(year=year)
            first = counter.last + 1
            counter.last += count
            counter.save(update_fields=["last"])
            reserved[year] = iter([f"PSS-{year}-{n:06d}" for n in range(first, counter.last + 1)])
        return reserved

    def _certificate(self, user, issued_at, kind=Certificate.Kind.ISSUED) -> Certificate:
        issued_on = timezone.localdate(issued_at)
        expires_on = add_months(issued_on, self.program.validity_months) if self.program.validity_months else None
        return Certificate(
            user=user,
            program=self.program,
            kind=kind,
            name=user.full_name,
            issued_at=issued_at,
            issued_on=issued_on,
            expires_on=expires_on,
            **self.facts,
        )

    def _certificates(self, planned: list, admin, credits: list) -> list[Certificate]:
        """Certificates in every state, numbered from reserved serials, with their audit events."""
        rng = self.rng
        current, renewals = [], []  # renewals: (old certificate, profile)
        for user, profile, issued_at in planned:
            certificate = self._certificate(user, issued_at)
            if profile == "revoked":
                certificate.revoked_at = issued_at + timedelta(days=rng.randint(5, 25))
                certificate.revoked_reason = "Issued to a duplicate account; see the person's main record."
            if profile == "renewed":
                renewals.append(certificate)
            else:
                current.append(certificate)
            self._external_credits(user, certificate, profile, credits)
        renewed = []
        for old in renewals:
            renewed_on = old.expires_on - timedelta(days=rng.randint(5, 60))
            issued_at = timezone.make_aware(datetime.combine(renewed_on, time(rng.randint(9, 17))))
            renewed.append(self._certificate(old.user, issued_at, kind=Certificate.Kind.RENEWED))
        every = current + renewed + renewals
        serials = self._serials([c.issued_on.year for c in every])
        for certificate in every:
            certificate.serial = next(serials[certificate.issued_on.year])
        Certificate.objects.bulk_create(current + renewed, batch_size=BATCH)
        for old, new in zip(renewals, renewed, strict=True):
            old.is_current, old.superseded_by = False, new
        Certificate.objects.bulk_create(renewals, batch_size=BATCH)

        events = []
        admin_name = admin.full_name if admin else "System"
        for certificate in current + renewals:
            events.append(
                CertificateEvent(certificate=certificate, action="issued", at=certificate.issued_at, actor_name=SYSTEM)
            )
            events.append(
                CertificateEvent(
                    certificate=certificate,
                    action="emailed",
                    at=certificate.issued_at + timedelta(minutes=1),
                    actor_name=SYSTEM,
                    note=certificate.user.email,
                )
            )
            if certificate.revoked_at:
                events.append(
                    CertificateEvent(
                        certificate=certificate,
                        action="revoked",
                        actor=admin,
                        actor_name=admin_name,
                        at=certificate.revoked_at,
                        note=certificate.revoked_reason,
                    )
                )
        for old, new in zip(renewals, renewed, strict=True):
            for certificate, action, note in (
                (new, "renewed", f"Renews {old.serial}."),
                (old, "superseded", f"Replaced by {new.serial}."),
            ):
                events.append(
                    CertificateEvent(
                        certificate=certificate, action=action, at=new.issued_at, actor_name=SYSTEM, note=note
                    )
                )
        CertificateEvent.objects.bulk_create(events, batch_size=BATCH)
        return every

    def _external_credits(self, user, certificate: Certificate, profile: str, credits: list) -> None:
        """External CE hours toward renewal: enough for those who renewed, some (pending, approved, rejected) for others."""
        rng = self.rng
        if profile == "renewed":
            chosen = [EXTERNAL_TRAINING[0], EXTERNAL_TRAINING[1], EXTERNAL_TRAINING[3]]
            hours = [Decimal(6), Decimal(8), Decimal(6)]
            states = [CECredit.State.APPROVED] * 3
        elif profile in {"valid", "expiring", "expired"} and rng.random() < 0.4:
            count = rng.randint(1, 3)
            chosen = rng.sample(EXTERNAL_TRAINING, k=count)
            hours = [Decimal(rng.choice([2, 3, 4, 6, 8])) for _ in chosen]
            states = rng.choices(
                [CECredit.State.APPROVED, CECredit.State.PENDING, CECredit.State.REJECTED], weights=[6, 3, 1], k=count
            )
        else:
            return
        span = max(((certificate.expires_on or self.today) - certificate.issued_on).days - 30, 1)
        for (title, provider, category), amount, state in zip(chosen, hours, states, strict=True):
            earned_on = min(certificate.issued_on + timedelta(days=rng.randint(30, span)), self.today)
            reviewed = state != CECredit.State.PENDING
            credits.append(
                CECredit(
                    user=user,
                    title=title,
                    provider=provider,
                    earned_on=earned_on,
                    category=self.categories.get(category) or self.credit_hours[0].category,
                    hours=amount,
                    state=state,
                    reviewed_at=self.now if reviewed else None,
                    review_note="Please upload the certificate of attendance."
                    if state == CECredit.State.REJECTED
                    else "",
                )
            )

    def _assignments(self, teams: list, people: list, supervisors: list, admin) -> int:
        """The program assigned to every team, about two in five already past due, and to a few people directly."""
        rng = self.rng
        rows = []
        for team, supervisor in zip(teams, supervisors, strict=True):
            due = self.today + timedelta(days=rng.randint(-120, -1) if rng.random() < 0.4 else rng.randint(7, 240))
            rows.append(Assignment(program=self.program, team=team, due_on=due, assigned_by=supervisor))
        for user in rng.sample(people, k=max(len(people) // 100, 1)):
            rows.append(
                Assignment(
                    program=self.program,
                    user=user,
                    due_on=self.today + timedelta(days=rng.randint(-60, 90)),
                    assigned_by=admin,
                )
            )
        Assignment.objects.bulk_create(rows, batch_size=BATCH)
        return len(rows)
