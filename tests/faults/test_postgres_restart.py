"""PostgreSQL restarted under a running app (gunicorn, production settings, persistent connections
with CONN_HEALTH_CHECKS) on a cluster of the test's own (see conftest.PostgresCluster): requests
may fail while the database is down, succeed again at once afterwards without restarting the app,
and nothing is left half-written."""

import http.cookiejar
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from .conftest import APP_PORT, AppServer

PASSWORD = "a long passphrase for the fault test"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _request(opener, url, data=None) -> tuple[int | str, str]:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    try:
        with opener.open(url, data=body, timeout=20) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(errors="replace")
    except OSError as exc:
        return type(exc).__name__, ""


def sign_up(base: str, email: str) -> int | str:
    """Through allauth's real form: GET for the CSRF token, then POST. 302 means signed up."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)
    status, page = _request(opener, base + "/accounts/signup/")
    if status != 200:
        return status
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    status, _page = _request(
        opener,
        base + "/accounts/signup/",
        {
            "csrfmiddlewaretoken": token,
            "email": email,
            "password1": PASSWORD,
            "password2": PASSWORD,
            "accept_privacy": "on",
        },
    )
    return status


def health(base: str) -> int | str:
    opener = urllib.request.build_opener(_NoRedirect)
    return _request(opener, base + "/healthz")[0]


@pytest.mark.services
@pytest.mark.slow
def test_app_survives_a_postgresql_restart_and_nothing_is_half_written(own_postgres, redis_server):
    # Arrange: the app on its own database, migrated, with the notices people accept.
    app = AppServer(own_postgres.url, redis_server.url, APP_PORT)
    try:
        app.manage("migrate", "--noinput", "-v0")
        app.manage("load_notices")
        app.start()
        assert sign_up(app.base, "before@city.example") == 302
        assert health(app.base) == 200
        pid = app.process.pid

        # Act 1: PostgreSQL restarts while the app is idle, holding its persistent connection
        # (fast shutdown: open connections are cut, as in a failover or an upgrade).
        own_postgres.stop()
        own_postgres.start()

        # Assert 1: the same app process answers, and at once: the very first requests after
        # the restart succeed (the stale connection is replaced, not used and failed).
        after_idle = [sign_up(app.base, "idle0@city.example"), health(app.base)]
        assert after_idle == [302, 200]

        # Act 2: people keep signing up while PostgreSQL restarts again.
        during, stop = [], threading.Event()

        def keep_signing_up():
            n = 0
            while not stop.is_set():
                email = f"during{n}@city.example"
                during.append((email, sign_up(app.base, email)))
                n += 1

        thread = threading.Thread(target=keep_signing_up, daemon=True)
        thread.start()
        time.sleep(1.0)
        own_postgres.stop()
        time.sleep(1.0)  # requests meanwhile fail: the database is down
        own_postgres.start()
        stop.set()
        thread.join(timeout=60)
        assert not thread.is_alive(), "a request hung across the restart"

        # Assert 2: answers again at once, from the same process.
        after = [health(app.base)] + [sign_up(app.base, f"after{i}@city.example") for i in range(3)]
        assert after == [200, 302, 302, 302]
        assert app.process.poll() is None and app.process.pid == pid

        # Nothing half-written: every account stored has its e-mail address and its consent
        # to the privacy notice; every sign-up answered 302 is stored.
        rows = own_postgres.query(
            """
            SELECT u.email,
                   (SELECT count(*) FROM account_emailaddress a WHERE a.user_id = u.id),
                   (SELECT count(*) FROM users_consentrecord c WHERE c.user_id = u.id)
            FROM users_user u ORDER BY u.email
            """
        )
        assert rows and all(addresses == 1 and consents == 1 for _e, addresses, consents in rows), (
            rows
        )
        stored = {email for email, _a, _c in rows}
        succeeded = {email for email, status in during if status == 302}
        assert succeeded <= stored
        assert {"before@city.example", "idle0@city.example", "after2@city.example"} <= stored
    finally:
        app.stop()
