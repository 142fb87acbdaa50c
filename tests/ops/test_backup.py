"""scripts/backup.sh and scripts/restore.sh: a backup restored into a fresh PostgreSQL database
and an empty media folder still serves its documents."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import connection

from applications import services
from applications.documents import inspect_pdf
from applications.models import Document
from tests.applications.pdfs import pdf_upload
from tests.builders import fill_application
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parent.parent.parent
pytestmark = [pytest.mark.services, pytest.mark.slow]

SERVE = """
import os
from django.test import Client
from applications.models import Document
from users.models import User

document = Document.objects.get(pk=int(os.environ["DOC_ID"]))
client = Client()
client.force_login(User.objects.get(email=os.environ["DOC_OWNER"]))
response = client.get(f"/documents/{document.pk}/")
body = b"".join(response.streaming_content) if response.streaming else response.content
print(response.status_code, document.original_name, body[:5].decode())
"""


def _url(name: str) -> str:
    db = connection.settings_dict
    return (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT'] or 5432}/{name}"
    )


def _psql(sql: str) -> None:
    subprocess.run(["psql", _url("postgres"), "-v", "ON_ERROR_STOP=1", "-qc", sql], check=True)


def test_backup_restored_into_a_fresh_database_still_serves_the_document(
    transactional_db,
    call_data,
    open_call,
    tmp_path,
    settings,
):
    # Arrange: an applicant's document, committed, in the media folder of this test.
    media = Path(settings.STORAGES["default"]["OPTIONS"]["location"])
    user = UserFactory(email="owner@city.example")
    organisation = services.organisation_start(user=user, name="Lecce", country="IT")
    application = services.application_start(organisation=organisation, call=open_call, by=user)
    fill_application(application, by=user, name="Lecce", country="IT")
    upload = pdf_upload("Endorsement letter.pdf")
    services.document_store(
        application=application,
        kind=Document.Kind.ENDORSEMENT,
        upload=upload,
        info=inspect_pdf(upload),
        by=user,
    )
    document = Document.objects.latest("pk")
    backup, restored_media = tmp_path / "backup", tmp_path / "restored-media"
    fresh = f"twinning_restore_{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "PRIVATE_MEDIA_ROOT": str(media)}

    # Act: back up, restore into a new database and an empty folder.
    subprocess.run(
        [ROOT / "scripts/backup.sh", backup],
        env={**env, "DATABASE_URL": _url(connection.settings_dict["NAME"])},
        check=True,
    )
    _psql(f"CREATE DATABASE {fresh}")
    try:
        subprocess.run(
            [ROOT / "scripts/restore.sh", backup],
            env={**env, "DATABASE_URL": _url(fresh), "PRIVATE_MEDIA_ROOT": str(restored_media)},
            check=True,
        )
        served = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", SERVE],
            cwd=ROOT,
            env={
                **env,
                "DJANGO_SETTINGS_MODULE": "twinning.settings.test",
                "DATABASE_URL": _url(fresh),
                "PRIVATE_MEDIA_ROOT": str(restored_media),
                "DOC_ID": str(document.pk),
                "DOC_OWNER": user.email,
            },
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        _psql(f"DROP DATABASE IF EXISTS {fresh} WITH (FORCE)")

    # Assert: the restored portal serves the document to its owner.
    assert served.strip().splitlines()[-1] == "200 Endorsement_letter.pdf %PDF-"
