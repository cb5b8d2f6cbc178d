"""The shape of the generated data: names, regions, what happens to learners and in what shares, external training."""

from contextlib import contextmanager

EMAIL_DOMAIN = "load.example.org"
TEAM_PREFIX = "Peer team"
BATCH = 2000
SYSTEM = "System"
FIRST_NAMES = (
    "Aaliyah Alex Amara Andre Ana Beatriz Bea Brandon Camila Casey Chen Dana Darius Dee Diego Elena Emery Fatima "
    "Frankie Gabriel Grace Hana Imani Isaac Jamal Jordan Josefina Kai Keisha Lena Luis Malik Maya Mei Nadia Noah "
    "Omar Priya Quinn Rafael Renee Rosa Samir Sofia Tamika Theo Uma Valentina Wes Xavier Yara Zoe"
).split()
LAST_NAMES = (
    "Abernathy Alvarez Begay Brooks Castillo Chen Davis Delgado Eagleheart Edwards Flores Franklin Garcia Haddad "
    "Harris Ibrahim Jackson Johnson Kim Kowalski Lee Lopez Martinez Morgan Nguyen Novak Okafor Okoro Patel Perez "
    "Quintero Ramirez Rivera Robinson Santos Schmidt Singh Thompson Torres Tran Walker Washington Whitfield "
    "Williams Xiong Yazzie Young Zamora"
).split()
REGIONS = (
    "Riverside Lakeview Hillcrest Northgate Southfield Eastbrook Westmoor Cedar Valley Harbor Point Maple Ridge "
    "Pine Hollow Stonebridge Fairview Oak Park"
).split()
# What happens to a learner, with its share of all learners.
PROFILES = {
    "not_started": 12,
    "in_progress": 28,
    "passed": 3,
    "valid": 33,
    "expiring": 8,
    "expired": 8,
    "revoked": 2,
    "renewed": 6,
}
EXTERNAL_TRAINING = (
    ("Ethics and boundaries refresher", "State Peer Support Association", "Ethics"),
    ("Motivational interviewing for peer supporters", "Riverside Community College", "Peer-specific"),
    (
        "Supporting families through pregnancy and postpartum",
        "Regional Perinatal Collaborative",
        "Perinatal and family",
    ),
    ("Trauma-informed peer support", "Center for Recovery Practice", "Peer-specific"),
)


@contextmanager
def dates_as_given(*fields):
    """Let bulk_create keep the dates set on objects for fields that normally take the current time."""
    saved = [(f, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now_add = False
    try:
        yield
    finally:
        for f, value in saved:
            f.auto_now_add = value
