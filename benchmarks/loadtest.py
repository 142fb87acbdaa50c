"""`make loadtest`: the public pages under wrk beside a bare "ok" view, signed-in pages' server
time, and a deadline rush of applicants saving drafts and submitting at once over HTTP.

Runs gunicorn (production settings over plain HTTP: twinning.settings.loadtest) against the
PostgreSQL database of DATABASE_URL and the Redis of REDIS_URL, on 127.0.0.1 only:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/twinning_x REDIS_URL=redis://127.0.0.1:6379/N \
        .venv/bin/python benchmarks/loadtest.py --port 8160 --write

The database is migrated and filled with the demo data (setup_demo) first: use a database of
its own. With --write the tables replace the "Load test" section of benchmarks/RESULTS.md.
Exits non-zero when the rush loses or duplicates a submission.
"""

import argparse
import html.parser
import http.cookiejar
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
START, END = "<!-- loadtest:start -->", "<!-- loadtest:end -->"
PUBLIC_P90_MS = 100
PUBLIC_SHARE = 0.25
SIGNED_IN_MEDIAN_MS = 50


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8160)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--duration", type=int, default=10, help="seconds per page")
    parser.add_argument("--rush", type=int, default=40, help="applicants in the deadline rush")
    parser.add_argument("--write", action="store_true", help="write benchmarks/RESULTS.md")
    return parser.parse_args()


def server_env(media: Path) -> dict:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("DATABASE_URL=postgres://… is required (a database of its own)")
    if not os.environ.get("REDIS_URL"):
        sys.exit("REDIS_URL=redis://… is required (cache and broker as in production)")
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "twinning.settings.loadtest",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": "http://127.0.0.1",
        "EMAIL_URL": "dummymail://",
        "PRIVATE_MEDIA_ROOT": str(media),
        "CONN_MAX_AGE": "60",
        "LOG_LEVEL": "WARNING",
    }


def prepare_services(env) -> None:
    """Create the database when it is missing; empty the Redis database (the load test's own), so
    that nothing cached from an earlier database (notices, pages) is served."""
    import psycopg
    import redis

    url = urllib.parse.urlsplit(env["DATABASE_URL"])
    name = url.path.lstrip("/")
    admin = (
        f"host={url.hostname} port={url.port or 5432} user={url.username or 'postgres'} "
        "dbname=postgres"
    )
    if url.password:
        admin += f" password={url.password}"
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    client = redis.Redis.from_url(env["REDIS_URL"], socket_connect_timeout=5)
    client.flushdb()
    client.close()


def manage(env, *args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


# --- wrk -----------------------------------------------------------------------------------------
def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def wrk(url: str, args) -> dict:
    out = subprocess.run(
        [
            "wrk",
            f"-t{args.threads}",
            f"-c{args.connections}",
            f"-d{args.duration}s",
            "--timeout",
            "10s",
            "--latency",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
    p90 = _ms(re.search(r"^\s+90%\s+(\S+)", out, re.M).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    timeouts = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    return {
        "rps": rps,
        "p50": p50,
        "p90": p90,
        "non2xx": int(errors.group(1)) if errors else 0,
        "timeouts": sum(int(n) for n in timeouts.groups()) if timeouts else 0,
    }


# --- HTTP with a session -------------------------------------------------------------------------
class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def opener(session_key: str | None, base: str):
    jar = http.cookiejar.CookieJar()
    op = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    if session_key:
        op.addheaders = [("Cookie", f"sessionid={session_key}")]
    op.base = base
    op.jar = jar
    return op


def fetch(op, path, data=None):
    body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
    request = urllib.request.Request(op.base + path, data=body)
    csrf = next((c.value for c in op.jar if c.name == "csrftoken"), None)
    if body is not None:
        request.add_header("Referer", op.base + path)
        if csrf:
            existing = dict(op.addheaders).get("Cookie", "")
            request.add_header("Cookie", f"{existing}; csrftoken={csrf}".strip("; "))
    try:
        with op.open(request, timeout=30) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(errors="replace"), dict(exc.headers)


class FormReader(html.parser.HTMLParser):
    """The fields of every POST form of a page, as a browser would send them."""

    def __init__(self):
        super().__init__()
        self.forms, self.fields = [], None
        self.select = self.textarea = None

    def form_with(self, prefix: str) -> list[tuple[str, str]]:
        """The form that has a field whose name starts with `prefix`."""
        return next(list(f) for f in self.forms if any(k.startswith(prefix) for k, _ in f))

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self.fields = []
            self.forms.append(self.fields)
        if self.fields is None:
            return
        if tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind in ("submit", "file", "button"):
                return
            self.fields.append((a["name"], a.get("value") or ("on" if kind == "checkbox" else "")))
        elif tag == "select" and a.get("name"):
            self.select = [a["name"], None, None]  # name, first value, selected value
        elif tag == "option" and self.select is not None:
            value = a.get("value", "")
            if self.select[1] is None:
                self.select[1] = value
            if "selected" in a:
                self.select[2] = value
        elif tag == "textarea" and a.get("name"):
            self.textarea = [a["name"], ""]

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if self.fields is None:
            return
        if tag == "select" and self.select is not None:
            name, first, selected = self.select
            self.fields.append((name, selected if selected is not None else first or ""))
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            self.fields.append(tuple(self.textarea))
            self.textarea = None
        elif tag == "form":
            self.fields = None


# --- Django-side preparation and checks ----------------------------------------------------------
def django_setup(env):
    os.environ.update({k: v for k, v in env.items() if k not in os.environ or k.startswith("DJ")})
    os.environ["DJANGO_SETTINGS_MODULE"] = env["DJANGO_SETTINGS_MODULE"]
    for key in ("DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "SITE_URL", "EMAIL_URL"):
        os.environ[key] = env[key]
    os.environ["PRIVATE_MEDIA_ROOT"] = env["PRIVATE_MEDIA_ROOT"]
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def session_for(user) -> str:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def prepare_rush(count: int) -> list[tuple[int, str]]:
    """`count` applicants with complete drafts (made through the services, as the steps do) and
    a signed-in session each. Returns (application id, session key)."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from pypdf import PdfWriter

    from applications import services
    from applications.documents import inspect_pdf
    from applications.models import Document
    from cities.models import CallMissionCity, Topic
    from cities.selectors import call_current
    from users.consents import consent_record
    from users.models import ConsentRecord, Notice, User

    call = call_current()
    topic = Topic.objects.order_by("position", "pk").first()
    city = CallMissionCity.objects.filter(call=call).order_by("pk").first()
    buffer = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.write(buffer)
    pdf = buffer.getvalue()
    run = secrets.token_hex(3)
    out = []
    for n in range(count):
        user = User.objects.create_user(email=f"rush-{run}-{n}@loadtest.example", password=None)
        # Accepted the privacy notice, as at sign-up (else every page asks for it first).
        consent_record(user=user, kind=Notice.Kind.PRIVACY, source=ConsentRecord.Source.SIGNUP)
        organisation = services.organisation_start(user=user, name=f"Rush {run} {n}", country="IE")
        application = services.application_start(organisation=organisation, call=call, by=user)
        services.application_update(
            application=application,
            data={
                "authority_type": "municipality",
                "population": 50_000 + n,
                "website": f"https://www.example.org/rush/{n}",
                "target_year": 2040,
                "plan_title": "Climate plan",
                "plan_year": 2022,
                "plan_url": f"https://www.example.org/rush/{n}/plan",
                "climate_plans": ["secap"],
                "hours_per_month": 16,
                "site_visits": "yes",
                "consent_share": True,
                "consent_privacy": True,
            },
            by=user,
        )
        services.application_set_representatives(
            application=application,
            rows=[
                {
                    "name": f"Officer {n}",
                    "role": "Climate officer",
                    "email": f"officer{n}@loadtest.example",
                    "english_level": "C1",
                }
            ],
            by=user,
        )
        services.application_set_learning_needs(
            application=application, rows=[{"topic": topic, "text": "energy communities"}], by=user
        )
        services.application_set_preferences(
            application=application, rows=[{"mission_city": city, "reason": "r"}], by=user
        )
        upload = SimpleUploadedFile("letter.pdf", pdf, content_type="application/pdf")
        services.document_store(
            application=application,
            kind=Document.Kind.ENDORSEMENT,
            upload=upload,
            info=inspect_pdf(upload),
            by=user,
        )
        out.append((application.pk, session_for(user)))
    return out


def rush(base: str, applicants: list[tuple[int, str]]) -> dict:
    """Every applicant at once: open the climate step, save it as a draft through its form, then
    submit, twice (a double click). Returns timings and HTTP statuses."""
    barrier = threading.Barrier(len(applicants))
    results, lock = [], threading.Lock()

    def one(application_id, session_key):
        try:
            attempt(application_id, session_key)
        except Exception as exc:  # reported in the table, never a silent lost applicant
            with lock:
                results.append({"get": repr(exc)[:80], "save": None, "submits": [], "seconds": 0})
            barrier.abort()

    def attempt(application_id, session_key):
        op = opener(session_key, base)
        step = f"/applications/{application_id}/step/climate/"
        status, page, _ = fetch(op, step)
        reader = FormReader()
        reader.feed(page)
        form = reader.form_with("climate-")
        barrier.wait()
        started = time.perf_counter()
        saved, _, _ = fetch(op, step, [*form, ("save", "")])
        token = dict(form).get("csrfmiddlewaretoken", "")
        submits = []
        for _ in range(2):
            code, _, _ = fetch(
                op,
                f"/applications/{application_id}/submit/",
                {"csrfmiddlewaretoken": token},
            )
            submits.append(code)
        with lock:
            results.append(
                {
                    "get": status,
                    "save": saved,
                    "submits": submits,
                    "seconds": time.perf_counter() - started,
                }
            )

    threads = [threading.Thread(target=one, args=a) for a in applicants]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"results": results, "wall": time.perf_counter() - started}


def check_rush(applicants) -> dict:
    from applications.models import Application, StatusChange
    from outbox.models import Email

    ids = [a for a, _ in applicants]
    submitted = Application.objects.filter(pk__in=ids, status="submitted").count()
    changes = list(
        StatusChange.objects.filter(application_id__in=ids, to_status="submitted").values_list(
            "application_id", flat=True
        )
    )
    per_app = {i: changes.count(i) for i in ids}
    emails = Email.objects.filter(template="application_submitted", subject__isnull=False)
    recipients = [e.to for e in emails.filter(to__icontains="@loadtest.example")]
    return {
        "applications": len(ids),
        "submitted": submitted,
        "exactly_once": sum(1 for n in per_app.values() if n == 1),
        "duplicates": sum(1 for n in per_app.values() if n > 1),
        "emails": len(recipients),
    }


def signed_in_pages() -> list[tuple[str, str, str]]:
    """(label, path, session) for the signed-in pages of the budget, at the demo data."""
    from applications.models import Application
    from cities.models import MissionCityMembership
    from matching.models import MatchingRun
    from users.models import User

    staff = User.objects.get(email="staff@twinning.example")
    applicant = User.objects.get(email="applicant@twinning.example")
    member = MissionCityMembership.objects.select_related("user").filter(revoked_at=None).first()
    app = Application.objects.filter(organisation__members__user=applicant).first()
    some = Application.objects.filter(status="submitted").order_by("pk").first()
    run = MatchingRun.objects.order_by("-pk").first()
    s_staff, s_app = session_for(staff), session_for(applicant)
    if app is None:  # the demo applicant has no draft: make one, complete, as the steps do
        (draft_id, s_app), *_ = prepare_rush(1)
        app = Application.objects.get(pk=draft_id)
    pages = [("my applications", "/my-applications/", s_app)]
    for step in ("organisation", "climate", "preferences", "review"):
        pages.append((f"application step ({step})", f"/applications/{app.pk}/step/{step}/", s_app))
    if member:
        pages.append(("workspace list", "/workspace/", session_for(member.user)))
    pages += [
        ("admin application list", "/admin/applications/application/", s_staff),
        ("admin application change", f"/admin/applications/application/{some.pk}/change/", s_staff),
        ("staff dashboard", "/staff/dashboard/", s_staff),
    ]
    if run:
        pages.append(("run page", f"/admin/matching/matchingrun/{run.pk}/change/", s_staff))
    return pages


def server_time(base, path, session_key, repeats=15) -> tuple[int, float]:
    op = opener(session_key, base)
    fetch(op, path)
    times, status = [], 0
    for _ in range(repeats):
        started = time.perf_counter()
        status, _, _ = fetch(op, path)
        times.append((time.perf_counter() - started) * 1000)
    return status, statistics.median(times)


def main():
    args = parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt-get install wrk; `make loadtest` does it)")
    media = Path(tempfile.mkdtemp(prefix="twinning-loadtest-"))
    env = server_env(media)
    print("Preparing the database (migrate, setup_demo) and static files…", flush=True)
    prepare_services(env)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "setup_demo")
    manage(env, "collectstatic", "--noinput", "-v0")
    base = f"http://127.0.0.1:{args.port}"
    gunicorn = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "twinning.wsgi",
            "--workers",
            str(args.workers),
            "--bind",
            f"127.0.0.1:{args.port}",
            "--log-level",
            "warning",
            "--timeout",
            "60",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(60):
            try:
                if urllib.request.urlopen(base + "/healthz", timeout=2).status == 200:
                    break
            except OSError:
                time.sleep(0.5)
        else:
            sys.exit("gunicorn did not answer /healthz")
        django_setup(env)
        from cities.models import CallMissionCity
        from cities.selectors import call_current

        city = CallMissionCity.objects.filter(call=call_current()).order_by("pk").first()
        slug = city.mission_city.slug
        public = [
            ("bare view (yardstick)", "/loadtest/ok"),
            ("/", "/"),
            ("/mission-cities/", "/mission-cities/"),
            ("a Mission City page", f"/mission-cities/{slug}/"),
            ("/eligibility/ (empty form)", "/eligibility/"),
            (
                "/eligibility/ (an answer)",
                "/eligibility/?name=Lecce&country=IT&authority_type=municipality&target_year=2040",
            ),
            ("/privacy/", "/privacy/"),
            ("/healthz", "/healthz"),
            ("bare view (again)", "/loadtest/ok"),
        ]
        rows = []
        for label, path in public:
            print(f"wrk {path}…", flush=True)
            urllib.request.urlopen(base + path, timeout=30).read()  # warm: the cache, the code
            rows.append((label, path, wrk(base + path, args)))
            time.sleep(3)  # gunicorn finishes the requests wrk abandoned before the next page
        bare = statistics.mean(r["rps"] for label, _, r in rows if label.startswith("bare"))
        print("Signed-in pages…", flush=True)
        signed = [
            (label, path, *server_time(base, path, key)) for label, path, key in signed_in_pages()
        ]
        print(f"Deadline rush: {args.rush} applicants…", flush=True)
        applicants = prepare_rush(args.rush)
        outcome = rush(base, applicants)
        check = check_rush(applicants)
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        gunicorn.wait(timeout=30)
        shutil.rmtree(media, ignore_errors=True)

    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    lines = [
        f"Command: `make loadtest` (`benchmarks/loadtest.py --workers {args.workers} "
        f"--connections {args.connections} --duration {args.duration} --rush {args.rush}`), "
        f"{stamp}; gunicorn {args.workers} workers, PostgreSQL, Redis cache and broker, "
        f"production settings; wrk -t{args.threads} -c{args.connections} -d{args.duration}s "
        "on the same 2-core machine.",
        "",
        "| page | req/s | share of the bare view | p50 | p90 | errors "
        "| budget (≥ 25 %, p90 ≤ 100 ms) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for label, path, r in rows:
        share = r["rps"] / bare if bare else 0
        yardstick = label.startswith("bare") or path == "/healthz"
        ok = share >= PUBLIC_SHARE and r["p90"] <= PUBLIC_P90_MS
        verdict = "—" if yardstick else ("met" if ok else "MISSED")
        lines.append(
            f"| {label} | {r['rps']:.0f} | {share:.2f} | {r['p50']:.1f} ms | {r['p90']:.1f} ms "
            f"| {r['non2xx'] + r['timeouts']} | {verdict} |"
        )
    lines += [
        "",
        "Signed-in pages, one at a time (median of 15, wall time over loopback ≈ server time):",
        "",
        "| page | status | median | budget (≤ 50 ms at demo scale) |",
        "| --- | ---: | ---: | --- |",
    ]
    for label, _path, status, median in signed:
        ok = status == 200 and median <= SIGNED_IN_MEDIAN_MS
        lines.append(f"| {label} | {status} | {median:.1f} ms | {'met' if ok else 'MISSED'} |")
    res = outcome["results"]
    saves = sorted({r["save"] for r in res}, key=str)
    submits = sorted({c for r in res for c in r["submits"]}, key=str)
    lines += [
        "",
        f"Deadline rush: {check['applications']} applicants at once each opened the climate "
        "step, saved it through its form and clicked Submit twice, over HTTP. "
        f"Wall time {outcome['wall']:.1f} s; slowest applicant "
        f"{max((r['seconds'] for r in res), default=0):.1f} s; saves answered {saves}, "
        f"submits {submits}. "
        f"Stored: {check['submitted']} submitted, {check['exactly_once']} with exactly one "
        f"submission, {check['duplicates']} duplicated; {check['emails']} confirmation e-mails "
        "in the outbox.",
    ]
    table = "\n".join(lines)
    print("\n" + table)
    if args.write:
        section = f"## Load test (`make loadtest`)\n\n{START}\n{table}\n{END}\n"
        text = RESULTS.read_text() if RESULTS.exists() else "# Benchmarks\n"
        if START in text:
            before = text[: text.index(START)]
            before = before[: before.rfind("## Load test")] if "## Load test" in before else before
            after = text[text.index(END) + len(END) :].lstrip("\n")
            text = before + section + ("\n" + after if after else "")
        else:
            text = text.rstrip("\n") + "\n\n" + section
        RESULTS.write_text(text)
        print(f"\nWritten to {RESULTS.relative_to(ROOT)}")
    lost = (
        check["submitted"] != check["applications"]
        or check["exactly_once"] != check["applications"]
    )
    if lost:
        print("ERROR: the rush lost or duplicated submissions", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
