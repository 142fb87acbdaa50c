"""Resilience without extra services: /healthz, request ids in logs, a cache that degrades,
double submits, a missing document file, the run page's pagination."""

import json
import logging

import pytest
from django.urls import reverse

from applications.models import Application, Document, OrganisationMember
from tests.applications.pdfs import pdf_upload
from twinning import cache as resilient_cache
from twinning.logging import JSONFormatter, RequestIdFilter, UTCFormatter

pytestmark = pytest.mark.django_db


def test_healthz_answers_json_with_each_check(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert sorted(body["checks"]) == ["broker", "cache", "database"]
    assert body["checks"]["database"]["ok"] is True
    assert response["Cache-Control"].startswith("max-age=0")


def test_healthz_is_503_when_a_service_is_down(client, monkeypatch):
    def down():
        raise ConnectionError("Connection refused")

    monkeypatch.setitem(__import__("twinning.health").health.CHECKS, "broker", down)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["checks"]["broker"]["error"] == "ConnectionError: Connection refused"


def test_request_id_is_returned_and_taken_from_the_proxy(client):
    given = client.get("/healthz", HTTP_X_REQUEST_ID="abc-123")
    assert given["X-Request-ID"] == "abc-123"
    made = client.get("/healthz", HTTP_X_REQUEST_ID="bad id\n")
    assert len(made["X-Request-ID"]) == 32 and made["X-Request-ID"] != "bad id\n"


def test_log_lines_carry_the_request_id_in_utc():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "hello %s", ("you",), None)
    record.created = 0.0
    record.msecs = 5
    RequestIdFilter().filter(record)
    line = UTCFormatter("%(asctime)s %(levelname)s [%(request_id)s] %(message)s").format(record)
    assert line == "1970-01-01T00:00:00.005Z INFO [-] hello you"
    assert json.loads(JSONFormatter().format(record)) == {
        "time": "1970-01-01T00:00:00.005Z",
        "level": "INFO",
        "logger": "x",
        "request_id": "-",
        "message": "hello you",
    }


def test_resilient_cache_answers_as_a_miss_when_redis_is_down(caplog):
    # Nothing listens on port 1: connection refused at once.
    cache = resilient_cache.ResilientRedisCache(
        "redis://127.0.0.1:1/0", {"OPTIONS": {"socket_connect_timeout": 0.5}}
    )
    resilient_cache.reset_breaker()
    try:
        with caplog.at_level(logging.WARNING, logger="twinning.cache"):
            assert cache.get("k", "default") == "default"
            assert cache.add("lock", True) is True  # allauth's rate-limit lock is granted
            cache.set("k", 1)
            assert cache.get_many(["a"]) == {}
        # One warning, then the breaker skips Redis for a while.
        assert len(caplog.records) == 1
        assert caplog.records[0].getMessage().startswith("Cache unavailable (ConnectionError")
    finally:
        resilient_cache.reset_breaker()


def test_double_submit_of_start_makes_one_application(client, open_call, applicant):
    client.force_login(applicant)
    first = client.post(reverse("apply"), {"name": "Łódź Widzew", "country": "PL"})
    second = client.post(reverse("apply"), {"name": "Łódź Widzew", "country": "PL"})
    application = Application.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert OrganisationMember.objects.filter(user=applicant).count() == 1
    assert application.official_name == "Łódź Widzew"


def test_invite_twice_makes_one_invitation(client, draft, applicant):
    client.force_login(applicant)
    url = reverse("organisation_invite")
    client.post(url, {"email": "co@city.example"})
    client.post(url, {"email": "co@city.example"})
    assert draft.organisation.invitations.filter(email="co@city.example").count() == 1


def test_missing_document_file_is_a_clear_page(client, draft, applicant):
    client.force_login(applicant)
    client.post(
        reverse("application_step", args=[draft.pk, "commitment"]),
        {"commit-endorsement_pdf": pdf_upload("letter.pdf"), "save": ""},
    )
    document = Document.objects.get()
    document.file.storage.delete(document.file.name)

    response = client.get(reverse("document_download", args=[document.pk]))

    assert response.status_code == 404
    assert "This document is not available" in response.text
    assert "letter.pdf" in response.text


class _FakeRedis:
    """A tiny RESP server on a free port that answers HELLO with protocol 3, PING with PONG
    (anything else with OK) and counts the connections it accepted."""

    def __init__(self):
        import socket
        import threading

        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(8)
        self.port = self.server.getsockname()[1]
        self.connections = 0
        self.pings = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        import threading

        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        with conn:
            while data := conn.recv(4096):
                for command in data.split(b"*")[1:]:
                    if b"HELLO" in command.upper():  # redis-py asks for RESP3: a map
                        conn.sendall(b"%1\r\n+proto\r\n:3\r\n")
                    elif b"PING" in command.upper():
                        self.pings += 1
                        conn.sendall(b"+PONG\r\n")
                    else:
                        conn.sendall(b"+OK\r\n")

    def close(self):
        self.server.close()


def test_healthz_reuses_one_redis_connection(client, settings, monkeypatch):
    from twinning import health

    fake = _FakeRedis()
    try:
        url = f"redis://127.0.0.1:{fake.port}/0"
        settings.CELERY_BROKER_URL = url
        monkeypatch.setattr(health, "_clients", {})
        monkeypatch.setattr(health, "CHECKS", {"broker": health._broker})
        answers = [client.get("/healthz") for _ in range(5)]
        assert [a.status_code for a in answers] == [200] * 5
        assert [a.json()["checks"]["broker"]["ok"] for a in answers] == [True] * 5
        assert (fake.connections, fake.pings) == (1, 5)
    finally:
        fake.close()
        for redis_client in health._clients.values():
            redis_client.close()
