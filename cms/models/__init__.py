from .pages import HomePage, StandardPage
from .people import Team, User

__all__ = ["HomePage", "StandardPage", "Team", "User"]
