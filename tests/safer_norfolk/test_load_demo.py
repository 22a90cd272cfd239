import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command

from safer_norfolk.models import Organisation, Person
from safer_norfolk.roles import COMMITTEE_OFFICER, DATA_OFFICER, PARTNERSHIP_OFFICER, REPORT_AUTHOR

pytestmark = [pytest.mark.django_db(transaction=False), pytest.mark.sqlite]


def table_counts():
    User = get_user_model()
    return {
        "organisations": Organisation.objects.count(),
        "people": Person.objects.count(),
        "users": User.objects.count(),
        "groups": Group.objects.count(),
    }


# Each load of the demo takes seconds: one test loads it as `make run` does and checks all
# it should hold, then loads it again; another loads it without DEBUG.


def test_load_demo_holds_the_seed_directory_and_one_login_per_role(settings, capsys, client):
    from delivery_plans.models import Action
    from meetings.models import Meeting

    settings.DEBUG = True

    call_command("load_demo")

    # The seed directory.
    assert Organisation.objects.get(short_name="OPCCN").name == (
        "Office of the Police and Crime Commissioner for Norfolk"
    )
    assert (
        Organisation.objects.get(name="All NASP partners").kind
        == Organisation.Kind.PARTNERSHIP_GROUP
    )
    chair = Person.objects.get(name="Mark Kiddle-Morris")
    assert (chair.honorific, chair.organisation.short_name) == ("Cllr", "NCC")
    assert Person.objects.filter(organisation__name="Cambridge City Council").count() >= 5

    # One login per role, printed.
    output = capsys.readouterr().out
    User = get_user_model()
    for username, group in [
        ("committee-officer", COMMITTEE_OFFICER),
        ("partnership-officer", PARTNERSHIP_OFFICER),
        ("data-officer", DATA_OFFICER),
        ("report-author", REPORT_AUTHOR),
    ]:
        user = User.objects.get(username=username)
        assert list(user.groups.values_list("name", flat=True)) == [group]
        assert user.is_staff
        assert not user.is_superuser
        assert username in output
    assert User.objects.get(username="admin").is_superuser
    assert "safer-norfolk-demo" in output
    assert (
        User.objects.get(username="partnership-officer").person.organisation.short_name == "OPCCN"
    )
    signed_in = client.post(
        "/admin/login/?next=/admin/",
        {"username": "committee-officer", "password": "safer-norfolk-demo"},
    )
    assert signed_in.status_code == 302
    assert signed_in.url == "/admin/"

    # Loaded twice, it changes nothing: no second record, login or first audit entry.
    first = table_counts()
    call_command("load_demo")
    assert table_counts() == first
    assert first["users"] == 5
    for model in (Meeting, Action):
        assert model.objects.count() > 0
        assert model.history.filter(history_type="+").count() == model.objects.count()


def test_load_demo_never_creates_logins_without_debug(settings, capsys):
    settings.DEBUG = False

    call_command("load_demo")

    assert get_user_model().objects.count() == 0
    assert "only with DEBUG on" in capsys.readouterr().out
    assert Organisation.objects.exists()
