"""`make servertime`: the server time of the signed-in pages at demo scale and at 10,000
applications, measured in-process (Django's test client, no network), on PostgreSQL with the
production settings of the load test (Redis cache), plus the public pages beside the bare view.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/twinning_servertime \\
    REDIS_URL=redis://127.0.0.1:6379/N .venv/bin/python benchmarks/server_time.py --write

It creates (and drops) its own database `test_<name of DATABASE_URL>`: migrates it, fills it with
the demo data (setup_demo) and a finished matching run, times every page (median of --repeats
requests after one warm-up, and the number of queries of one request), then adds --count
submitted applications (matching.demo.generate_applications), runs the matching on all of them
and times every page again. With --write the table replaces the "Server time" section of
benchmarks/RESULTS.md. In-process times are CPU and database time of one request at a time: a
shared machine inflates them much less than it inflates wrk's figures.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import loadtest  # noqa: E402

RESULTS = ROOT / "benchmarks" / "RESULTS.md"
START, END = "<!-- servertime:start -->", "<!-- servertime:end -->"
DEMO_BUDGET_MS, LARGE_BUDGET_MS = 50, 150


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10_000, help="applications at scale")
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--write", action="store_true", help="write benchmarks/RESULTS.md")
    parser.add_argument(
        "--keepdb", action="store_true", help="keep the database for the next run (profiling)"
    )
    return parser.parse_args()


def setup_django():
    media = Path(tempfile.mkdtemp(prefix="twinning-servertime-"))
    env = loadtest.server_env(media)
    env["DJANGO_ALLOWED_HOSTS"] = "127.0.0.1,localhost,testserver"
    env["LOG_LEVEL"] = "ERROR"
    loadtest.django_setup(env)
    return media


def timed(client, path, repeats) -> tuple[int, float, int]:
    """(status, median ms, queries of one request) after one warm-up request."""
    from django.db import connection

    client.get(path)
    queries = []
    with connection.execute_wrapper(lambda execute, *a: queries.append(1) or execute(*a)):
        response = client.get(path)
    status = response.status_code
    if status != 200:
        print(f"  {path}: {status} {response.get('Location', '')}", flush=True)
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        client.get(path)
        samples.append((time.perf_counter() - started) * 1000)
    return status, statistics.median(samples), len(queries)


def finished_run(call):
    from matching import services

    run = services.run_start(call=call, enqueue=False)
    run = services.run_execute(run_id=run.pk)
    assert run.status == "succeeded", run.error
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum would after the bulk writes
    return run


def people():
    """The signed-in people of the budget: (role, client)."""
    from django.test import Client

    from applications.models import Application
    from cities.models import MissionCityMembership
    from users.models import User

    def client_for(user):
        client = Client()
        client.cookies["sessionid"] = loadtest.session_for(user)
        return client

    applicant = User.objects.get(email="applicant@twinning.example")
    if not Application.objects.filter(organisation__members__user=applicant).exists():
        # The demo applicant has no draft: one complete draft, made as the steps make it.
        (draft_id, _session), *_ = loadtest.prepare_rush(1)
        applicant = Application.objects.get(pk=draft_id).organisation.members.first().user
    member = MissionCityMembership.objects.select_related("user", "mission_city").filter(
        revoked_at=None
    )[0]
    staff = User.objects.get(email="staff@twinning.example")
    return (
        applicant,
        member,
        {
            "applicant": client_for(applicant),
            "member": client_for(member.user),
            "staff": client_for(staff),
        },
    )


def pages(applicant, member, run) -> list[tuple[str, str, str]]:
    """(label, role, path) of every signed-in page of the budget."""
    from applications.models import Application
    from applications.steps import STEPS

    own = Application.objects.filter(organisation__members__user=applicant).order_by("pk")[0]
    some = Application.objects.filter(status="submitted").order_by("-pk")[0]
    slug = member.mission_city.slug
    out = [("my applications", "applicant", "/my-applications/")]
    out += [
        (f"application step: {step.slug}", "applicant", f"/applications/{own.pk}/step/{step.slug}/")
        for step in STEPS
    ]
    out += [
        ("workspace list", "member", f"/workspace/{slug}/"),
        ("workspace shortlist", "member", f"/workspace/{slug}/shortlist/"),
        ("workspace pairings", "member", f"/workspace/{slug}/pairings/"),
        ("workspace application", "member", f"/workspace/{slug}/applications/{some.pk}/"),
        ("admin application list", "staff", "/admin/applications/application/"),
        ("admin application change", "staff", f"/admin/applications/application/{some.pk}/change/"),
        ("run page", "staff", f"/admin/matching/matchingrun/{run.pk}/change/"),
        ("staff dashboard", "staff", "/staff/dashboard/"),
    ]
    return out


def measure(label_pages, clients, repeats) -> dict:
    out = {}
    for label, role, path in label_pages:
        out[label] = timed(clients[role], path, repeats)
        status, median, queries = out[label]
        print(f"  {label:<34} {status} {median:8.1f} ms {queries:4d} queries", flush=True)
    return out


def public_pages(repeats) -> list[tuple[str, float, float]]:
    """(label, cached median ms, rendered median ms) for a visitor without a session."""
    from django.test import Client, override_settings

    from cities.models import CallMissionCity
    from cities.selectors import call_current

    city = CallMissionCity.objects.filter(call=call_current()).order_by("pk")[0]
    paths = [
        ("bare view (yardstick)", "/loadtest/ok"),
        ("/", "/"),
        ("/mission-cities/", "/mission-cities/"),
        ("a Mission City page", f"/mission-cities/{city.mission_city.slug}/"),
        ("/eligibility/ (empty form)", "/eligibility/"),
        (
            "/eligibility/ (an answer)",
            "/eligibility/?name=Lecce&country=IT&authority_type=municipality&target_year=2040",
        ),
        ("/privacy/", "/privacy/"),
    ]
    rows = []
    for label, path in paths:
        _status, cached, _queries = timed(Client(), path, repeats * 2)
        with override_settings(PUBLIC_PAGE_CACHE_SECONDS=0):
            _status, rendered, _queries = timed(Client(), path, repeats)
        print(f"  {label:<34} cached {cached:6.2f} ms, rendered {rendered:6.1f} ms", flush=True)
        rows.append((label, cached, rendered))
    return rows


def table(args, demo, large, public, count_note) -> str:
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    lines = [
        f"Command: `make servertime` (`benchmarks/server_time.py --count {args.count} "
        f"--repeats {args.repeats} --write`), {stamp}; in-process (Django test client), "
        "production settings of the load test, PostgreSQL and Redis on loopback; median of "
        f"{args.repeats} requests after one warm-up; queries counted on one request. "
        f"{count_note}",
        "",
        f"| page | demo: median | demo: queries | {args.count:,} applications: median "
        f"| {args.count:,}: queries | budget (≤ {DEMO_BUDGET_MS} ms / ≤ {LARGE_BUDGET_MS} ms) |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for label, (status, median, queries) in demo.items():
        big_status, big_median, big_queries = large[label]
        ok = (
            status == 200
            and big_status == 200
            and median <= DEMO_BUDGET_MS
            and big_median <= LARGE_BUDGET_MS
        )
        note = "" if status == big_status == 200 else f" (status {status}/{big_status})"
        lines.append(
            f"| {label} | {median:.1f} ms | {queries} | {big_median:.1f} ms | {big_queries} "
            f"| {'met' if ok else 'MISSED'}{note} |"
        )
    lines += [
        "",
        "Public pages in-process for a visitor without a session (demo scale): served from the "
        "page cache (which answers before the session, auth and CSRF middleware) and rendered "
        "with the cache off.",
        "",
        "| page | cached: median | rendered: median |",
        "| --- | ---: | ---: |",
    ]
    for label, cached, rendered in public:
        lines.append(f"| {label} | {cached:.2f} ms | {rendered:.1f} ms |")
    return "\n".join(lines)


def write(text: str) -> None:
    section = f"## Server time of the pages (`make servertime`)\n\n{START}\n{text}\n{END}\n"
    current = RESULTS.read_text() if RESULTS.exists() else "# Benchmarks\n"
    if START in current:
        before = current[: current.index(START)]
        heading = before.rfind("## Server time")
        before = before[:heading] if heading >= 0 else before
        after = current[current.index(END) + len(END) :].lstrip("\n")
        current = before + section + ("\n" + after if after else "")
    else:
        current = current.rstrip("\n") + "\n\n" + section
    RESULTS.write_text(current)
    print(f"\nWritten to {RESULTS.relative_to(ROOT)}")


def main():
    args = parse_args()
    started = time.perf_counter()
    load_before = os.getloadavg()[0]
    media = setup_django()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection

    cache.clear()  # the Redis database of REDIS_URL: nothing cached from an earlier database
    print("Creating the database (migrations)…", flush=True)
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=args.keepdb)
    try:
        print("Demo data…", flush=True)
        call_command("setup_demo", quiet=True)
        call_command("collectstatic", "--noinput", verbosity=0)
        from applications.models import Application
        from cities.selectors import call_current
        from matching.demo import generate_applications

        call = call_current()
        applicant, member, clients = people()
        run = finished_run(call)
        demo_count = Application.objects.count()
        print(f"Demo scale ({demo_count} applications):", flush=True)
        demo = measure(pages(applicant, member, run), clients, args.repeats)
        print("Public pages:", flush=True)
        public = public_pages(args.repeats)
        print(f"Adding {args.count} submitted applications and a run on them…", flush=True)
        if Application.objects.count() < args.count:
            generate_applications(call=call, count=args.count, seed=2025)
            run = finished_run(call)
        total = Application.objects.count()
        print(f"At scale ({total} applications):", flush=True)
        large = measure(pages(applicant, member, run), clients, args.repeats)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=args.keepdb)
        import shutil

        shutil.rmtree(media, ignore_errors=True)
    note = (
        f"Demo scale: {demo_count} applications; at scale: {total} (the demo's and "
        f"{args.count:,} generated, submitted, all in one call, with a finished run on them). "
        f"Whole script: {time.perf_counter() - started:.0f} s; load average "
        f"{load_before:.1f} at the start and {os.getloadavg()[0]:.1f} at the end on "
        f"{os.cpu_count()} cores (above the core count, other jobs shared the machine and every "
        "time is inflated)."
    )
    text = table(args, demo, large, public, note)
    print("\n" + text)
    if args.write:
        write(text)


if __name__ == "__main__":
    main()
