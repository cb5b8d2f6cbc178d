import pytest

from cms.services import site_home_ensure
from courses.services import catalog_ensure
from tests.factories import LearnerFactory, build_course


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def home(db):
    return site_home_ensure()


@pytest.fixture
def catalog(home):
    return catalog_ensure(home=home)


@pytest.fixture
def course(catalog):
    return build_course(catalog)


@pytest.fixture
def learner(db):
    return LearnerFactory()


@pytest.fixture
def learner_client(client, learner):
    client.force_login(learner)
    return client
