from django.contrib.auth import get_user_model
from django.db.models import Q
from wagtail.admin.forms import WagtailAdminModelForm

from cms.people.roles import SUPERVISORS


class TeamForm(WagtailAdminModelForm):
    """Offer only people in the Supervisors role (or administrators) as a team's supervisors."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        people = get_user_model().objects.filter(is_active=True)
        self.fields["supervisors"].queryset = people.filter(
            Q(groups__name=SUPERVISORS) | Q(is_superuser=True)
        ).distinct()
        self.fields["members"].queryset = people
