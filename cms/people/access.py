"""Who may see whom: the one policy for people, teams and their records.

Every page, export, file download and API endpoint that shows something about a person asks this
module, and nothing else decides it:

- **The person themself** sees their own records, always (no second factor needed for one's own things).
- **Administrators** (superusers) see everyone and every team, including records whose holder's account
  was deleted.
- **Supervisors** see the teams they supervise and the active people on them.
- Nobody else sees anyone: a person or team outside these rules does not exist for them (404, never 403,
  so nobody learns who exists).

Access that comes from a staff role (administrator, supervisor, trainer) holds only where the person
has proved who they are twice: a session that has passed two-factor authentication, or a personal API
token (tokens are made in a verified admin session and are a credential of their own). A staff member
signed in with a password only is, until they pass the second factor, a person who sees their own
records and nothing more. ``staff_verified`` decides that, for every surface.

Each rule pairs a check on one object with a queryset filter (``may_see_person`` /
``visible_people``, ``team_for_viewer`` / ``visible_teams``), so a list cannot show what a detail
page hides.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.http import Http404

from cms.people.models import Team
from cms.people.services import role_names, supervises_a_team


def staff_verified(user) -> bool:
    """Whether privileges that come from a staff role may be used now: two-factor passed, or a personal API token."""
    if not user.is_authenticated or not user.is_active:
        return False
    if not settings.ADMIN_2FA_REQUIRED:
        return True
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())


def second_factor_proved(user):
    """Mark ``user`` (this object only) as having proved who they are twice, by something other than a session code.

    ``staff_verified`` reads django-otp's ``is_verified()``; a personal API token and server-side code stand
    in for the code typed into the session.
    """
    user.is_verified = lambda: True
    return user


def server_side(user):
    """``user`` as server-side code acts for them (a management command, the demo loader), where no session exists.

    Whoever runs commands holds the server itself, which is more than a second factor: the person's
    staff privileges apply as in a verified session.
    """
    return second_factor_proved(user)


def is_administrator(user) -> bool:
    """An administrator whose privilege may be used now (see ``staff_verified``)."""
    return bool(user.is_authenticated and user.is_superuser and staff_verified(user))


def has_role(user, *roles: str) -> bool:
    """Whether ``user`` is in one of these role groups and may use that role now (see ``staff_verified``)."""
    return bool(role_names(user) & set(roles)) and staff_verified(user)


def visible_teams(viewer) -> QuerySet[Team]:
    """The teams whose people ``viewer`` may see: all for administrators, their own for supervisors, else none."""
    if not staff_verified(viewer):
        return Team.objects.none()
    if viewer.is_superuser:
        return Team.objects.all()
    return Team.objects.filter(supervisors=viewer)


def visible_people(viewer, *, team: Team | None = None) -> QuerySet:
    """The active people on the teams ``viewer`` may see (optionally on one of them): everyone lists and reports show."""
    teams = visible_teams(viewer)
    if team is not None:
        teams = teams.filter(pk=team.pk)
    return get_user_model().objects.filter(teams__in=teams, is_active=True).distinct()


def may_see_person(viewer, person_id: int | None) -> bool:
    """Whether ``viewer`` may see this person's records: themself, an administrator, or a supervisor of their team.

    ``person_id`` is None for a record whose holder's account was deleted: administrators only.
    """
    if not viewer.is_authenticated:
        return False
    if person_id is not None and viewer.pk == person_id:
        return True
    if not staff_verified(viewer):
        return False
    if viewer.is_superuser:
        return True
    return person_id is not None and Team.objects.filter(supervisors=viewer, members=person_id).exists()


def person_records(viewer, records: QuerySet, *, person_field: str = "user") -> QuerySet:
    """Of ``records`` that each belong to one person, those ``viewer`` may see: ``may_see_person`` as a filter."""
    if not viewer.is_authenticated:
        return records.none()
    own = Q(**{person_field: viewer.pk})
    if not staff_verified(viewer):
        return records.filter(own)
    if viewer.is_superuser:
        return records
    return records.filter(own | Q(**{f"{person_field}__teams__supervisors": viewer})).distinct()


def may_track_people(viewer) -> bool:
    """Whether ``viewer`` follows anyone's status at all: administrators and supervisors of a team (menus, API)."""
    return staff_verified(viewer) and (viewer.is_superuser or supervises_a_team(viewer))


def person_for_viewer(viewer, person_id: int):
    """One person from ``visible_people``; 404 for anyone else, so nobody learns who exists."""
    person = visible_people(viewer).filter(pk=person_id).first()
    if person is None:
        raise Http404("No such person.")
    return person


def team_for_viewer(viewer, team_id: int) -> Team:
    """One team from ``visible_teams``; 404 for any other."""
    team = visible_teams(viewer).filter(pk=team_id).first()
    if team is None:
        raise Http404("No such team.")
    return team


def visible_team_names(viewer, people_ids) -> dict[int, list[str]]:
    """For each of these people, the names of their teams that ``viewer`` may see, in name order (one query)."""
    names: dict[int, list[str]] = {}
    rows = visible_teams(viewer).filter(members__in=people_ids).values_list("members", "name").order_by("name")
    for person_id, name in rows:
        names.setdefault(person_id, []).append(name)
    return names
