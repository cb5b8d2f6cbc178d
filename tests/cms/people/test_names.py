"""Names refuse hidden and unprintable characters, through every place a name is typed, and keep every real script."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from cms.people.names import DIRECTION_CONTROLS, is_last_name_of, name_for_print, validate_name
from tests.factories import AdminFactory, LearnerFactory

User = get_user_model()

RLO = "\u202e"
SPOOFED = f"Ana {RLO}zeréP"  # prints as "Ana Pérez" in a text that reads "Ana zeréP"
DIRECTION_MESSAGE = "hidden character that changes the direction of the text: U+202E RIGHT-TO-LEFT OVERRIDE"

GENUINE = [
    "محمد بن عبد الله",
    "נועה כהן",
    "李小龙",
    "さくら 山田",
    "김민준",
    "Zoë Nguyễn-Ñúñez",
    "प्रिया शर्मा",
    "አበበ ቢቂላ",
    "ᏣᎳᎩ",
    "علی‌اکبر",  # Persian: a zero-width non-joiner between the two parts
    "Ana 👩🏽‍⚕️",  # an emoji sequence held together by zero-width joiners
    "Renee O'Neil",
]


def messages(value):
    with pytest.raises(ValidationError) as refused:
        validate_name(value)
    return refused.value.messages


# The rule ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", GENUINE)
def test_names_in_every_script_are_accepted(name):
    validate_name(name)


@pytest.mark.parametrize("control", sorted(DIRECTION_CONTROLS))
def test_every_direction_control_is_refused_by_name(control):
    [message] = messages(f"Ana{control} Lee")
    assert f"changes the direction of the text: U+{ord(control):04X} " in message


def test_the_direction_controls_are_exactly_the_bidi_controls():
    expected = {0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)}
    assert {ord(char) for char in DIRECTION_CONTROLS} == expected


@pytest.mark.parametrize(
    ("char", "named"),
    [
        ("\u200b", "U+200B ZERO WIDTH SPACE"),  # format (Cf)
        ("\u00ad", "U+00AD SOFT HYPHEN"),
        ("\ufeff", "U+FEFF ZERO WIDTH NO-BREAK SPACE"),
        ("\U000e0041", "U+E0041 TAG LATIN CAPITAL LETTER A"),
        ("\t", "U+0009 (control character)"),  # control (Cc)
        ("\x00", "U+0000 (control character)"),
        ("\ue000", "U+E000 (private use)"),  # private use (Co)
        ("\u0378", "U+0378 (unassigned)"),  # unassigned (Cn)
        ("\ud800", "U+D800 (surrogate)"),  # surrogate (Cs)
        ("\u2028", "U+2028 LINE SEPARATOR"),  # Zl
        ("\u2029", "U+2029 PARAGRAPH SEPARATOR"),  # Zp
        ("\u3164", "U+3164 HANGUL FILLER"),  # letters that print as nothing
        ("\u2800", "U+2800 BRAILLE PATTERN BLANK"),
    ],
)
def test_other_hidden_characters_are_refused_by_name(char, named):
    [message] = messages(f"Ana{char}Lee")
    assert f"This name contains a hidden character: {named}." in message


def test_a_character_no_installed_font_has_is_refused():
    [message] = messages("Ana \U00020000")
    assert "Certificates can't print “\U00020000” (U+20000 CJK UNIFIED IDEOGRAPH-20000)" in message


def test_every_problem_is_named_once():
    found = messages(f"{RLO}{RLO}Ana\u200b\U00020000")
    assert len(found) == 3
    assert found[0].count("U+202E") == 1


def test_names_saved_before_the_rule_print_without_hidden_characters():
    assert name_for_print(f"\u2066Ana\u200b Lee{RLO}") == "Ana Lee"
    assert name_for_print("علی‌اکبر 👩🏽‍⚕️") == "علی‌اکبر 👩🏽‍⚕️"  # the joiners stay


# Every surface that accepts a name -----------------------------------------------------------


@pytest.mark.django_db
def test_the_model_refuses_it_for_anything_that_calls_full_clean():
    person = User(email="ana@example.org", full_name=SPOOFED, preferred_name=f"Ana{RLO}")
    person.set_password("a-long-and-unusual-passphrase")
    with pytest.raises(ValidationError) as refused:
        person.full_clean()
    assert set(refused.value.message_dict) == {"full_name", "preferred_name"}
    assert DIRECTION_MESSAGE in refused.value.message_dict["full_name"][0]


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["full_name", "preferred_name"])
def test_sign_up_refuses_it_and_sends_nothing(client, field):
    form = {"full_name": "Ana Pérez", "preferred_name": "Ana", "email": "ana@example.org", field: SPOOFED}
    response = client.post(reverse("signup"), form)
    assert response.status_code == 200
    assert DIRECTION_MESSAGE in response.context["form"].errors[field][0]
    assert DIRECTION_MESSAGE in response.content.decode()
    assert mail.outbox == []


@pytest.mark.django_db
def test_sign_up_accepts_a_right_to_left_name(client):
    response = client.post(reverse("signup"), {"full_name": GENUINE[0], "preferred_name": "", "email": "m@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_profile_refuses_it_and_keeps_the_old_name(client):
    person = LearnerFactory(full_name="Ana Pérez")
    client.force_login(person)
    response = client.post(reverse("profile"), {"full_name": SPOOFED, "preferred_name": ""})
    assert DIRECTION_MESSAGE in response.context["form"].errors["full_name"][0]
    person.refresh_from_db()
    assert person.full_name == "Ana Pérez"


@pytest.mark.django_db
def test_profile_refuses_a_character_no_font_has(client):
    person = LearnerFactory(full_name="Ana Pérez")
    client.force_login(person)
    response = client.post(reverse("profile"), {"full_name": "Ana \U00020000", "preferred_name": ""})
    assert "none of the site's fonts has it" in response.context["form"].errors["full_name"][0]


@pytest.mark.django_db
def test_profile_saves_a_right_to_left_name(client):
    person = LearnerFactory(full_name="Ana Pérez")
    client.force_login(person)
    client.post(reverse("profile"), {"full_name": GENUINE[1], "preferred_name": "נועה"})
    person.refresh_from_db()
    assert (person.full_name, person.preferred_name) == (GENUINE[1], "נועה")


@pytest.mark.django_db
def test_admin_user_creation_refuses_it(client):
    client.force_login(AdminFactory())
    response = client.post(
        "/admin/users/new/",
        {
            "email": "new.peer@example.org",
            "full_name": SPOOFED,
            "preferred_name": "",
            "password1": "a-long-and-unusual-passphrase",
            "password2": "a-long-and-unusual-passphrase",
            "groups": [Group.objects.get(name="Learners").pk],
        },
    )
    assert response.status_code == 200
    assert DIRECTION_MESSAGE in response.context["form"].errors["full_name"][0]
    assert not User.objects.filter(email="new.peer@example.org").exists()


@pytest.mark.django_db
def test_admin_user_edit_refuses_it(client):
    person = LearnerFactory(full_name="Ana Pérez", email="ana@example.org")
    client.force_login(AdminFactory())
    response = client.post(
        reverse("wagtailusers_users:edit", args=[person.pk]),
        {
            "email": "ana@example.org",
            "full_name": "Ana Pérez",
            "preferred_name": f"Ana{RLO}",
            "is_active": "on",
            "groups": [Group.objects.get(name="Learners").pk],
        },
    )
    assert response.status_code == 200
    assert "U+202E RIGHT-TO-LEFT OVERRIDE" in response.context["form"].errors["preferred_name"][0]
    person.refresh_from_db()
    assert person.preferred_name == ""


@pytest.mark.django_db
def test_admin_account_page_refuses_it(client):
    admin = AdminFactory(full_name="Sam Okafor")
    client.force_login(admin)
    response = client.post(
        "/admin/account/",
        {
            "name_email-full_name": SPOOFED,
            "name_email-preferred_name": "Sam",
            "name_email-email": admin.email,
            "locale-preferred_language": "en",
            "locale-current_time_zone": "",
            "theme-theme": "system",
            "theme-density": "default",
            "theme-contrast": "system",
            "theme-keyboard_shortcuts": "on",
        },
    )
    assert response.status_code == 200
    assert DIRECTION_MESSAGE in response.content.decode()
    admin.refresh_from_db()
    assert admin.full_name == "Sam Okafor"


@pytest.mark.django_db
def test_create_superuser_command_refuses_it():
    with pytest.raises(CommandError, match="U\\+202E RIGHT-TO-LEFT OVERRIDE"):
        call_command("createsuperuser", interactive=False, email="root@example.org", full_name=SPOOFED)
    assert not User.objects.exists()


@pytest.mark.parametrize(
    "typed", ["Alvarez-Whitfield", "alvarez whitfield", "Whitfield", " ÁLVAREZ-WHITFIELD ", "Renée Alvarez-Whitfield"]
)
def test_a_last_name_matches_the_end_of_the_name_whatever_the_case_accents_and_spaces(typed):
    assert is_last_name_of("Renée Álvarez-Whitfield", typed)


@pytest.mark.parametrize("typed", ["Renée", "Alvarez", "field", "Whitfield Alvarez", "", "  ", "-"])
def test_the_first_name_part_of_a_last_name_or_nothing_does_not_match(typed):
    assert not is_last_name_of("Renée Álvarez-Whitfield", typed)


def test_a_removed_name_matches_nothing():
    assert not is_last_name_of("", "Whitfield")
