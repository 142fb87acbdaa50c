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

Each page gets two medians: wall time (time.perf_counter) and this process's CPU time
(time.process_time: Python, templates and the database driver, not PostgreSQL's own work). On a
shared machine compare before/after with the CPU column; wall time waits for the other jobs too.

While working on some pages:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/twinning_servertime_NAME \
    REDIS_URL=redis://127.0.0.1:6379/N .venv/bin/python benchmarks/server_time.py \
        --keepdb --only "application step" --only "my applications" [--scale large] [--profile 25]

--only (repeatable, case-insensitive) times only the pages whose label contains one of the
substrings (public pages too); --keepdb keeps the database with its 10,000 applications for the
next run (which then skips generating them; the "demo" pass then runs on the large database and
says so: use --scale large); --profile N prints the N most expensive functions (cProfile, by
internal time) of one request per page.
"""

import argparse
import cProfile
import io
import os
import pstats
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
    parser.add_argument(
        "--only",
        action="append",
        metavar="SUBSTRING",
        help="time only the pages whose label contains SUBSTRING (repeatable, any case)",
    )
    parser.add_argument(
        "--scale",
        choices=("both", "demo", "large"),
        default="both",
        help="measure at demo scale, at --count applications, or both (default)",
    )
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="N",
        help="print the N most expensive functions (cProfile) of one request per page",
    )
    args = parser.parse_args()
    if args.write and (args.only or args.scale != "both"):
        parser.error("--write needs every page at both scales (no --only, no --scale)")
    return args


def selected(label: str, only) -> bool:
    return not only or any(part.lower() in label.lower() for part in only)


def setup_django():
    media = Path(tempfile.mkdtemp(prefix="twinning-servertime-"))
    env = loadtest.server_env(media)
    env["DJANGO_ALLOWED_HOSTS"] = "127.0.0.1,localhost,testserver"
    env["LOG_LEVEL"] = "ERROR"
    loadtest.django_setup(env)
    return media


def timed(client, path, repeats, profile=0) -> tuple[int, float, float, int]:
    """(status, median wall ms, median CPU ms, queries of one request) after one warm-up
    request; with profile, prints the `profile` most expensive functions of one request."""
    from django.db import connection

    client.get(path)
    queries = []
    with connection.execute_wrapper(lambda execute, *a: queries.append(1) or execute(*a)):
        response = client.get(path)
    status = response.status_code
    if status != 200:
        print(f"  {path}: {status} {response.get('Location', '')}", flush=True)
    if profile:
        profiler = cProfile.Profile()
        profiler.runcall(client.get, path)
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(profile)
        print(f"  profile of {path}:\n{out.getvalue()}", flush=True)
    wall, cpu = [], []
    for _ in range(repeats):
        started, started_cpu = time.perf_counter(), time.process_time()
        client.get(path)
        cpu.append((time.process_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
    return status, statistics.median(wall), statistics.median(cpu), len(queries)


def finished_run(call):
    from matching import services

    run = services.run_start(call=call, enqueue=False)
    run = services.run_execute(run_id=run.pk)
    assert run.status == "succeeded", run.error
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum would after the bulk writes
    return run


def latest_run(call):
    """The newest finished run of a kept database when no application came since, else a new
    one (a whole engine run at 10,000 applications takes a while)."""
    from applications.models import Application
    from matching.models import MatchingRun

    run = MatchingRun.objects.filter(call=call, status="succeeded").order_by("-pk").first()
    newest = Application.objects.order_by("-created_at").values_list("created_at", flat=True)
    if run and newest and run.created_at > newest[0]:
        return run
    return finished_run(call)


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
        # The demo applicant has no draft: one complete draft, made as the steps make it (a kept
        # database has it already).
        draft = Application.objects.filter(
            status="draft", organisation__members__user__email__endswith="@loadtest.example"
        ).first()
        if draft is None:
            (draft_id, _session), *_ = loadtest.prepare_rush(1)
            draft = Application.objects.get(pk=draft_id)
        applicant = draft.organisation.members.first().user
    member = MissionCityMembership.objects.select_related("user", "mission_city").filter(
        revoked_at=None
    )[0]
    staff = User.objects.get(email="staff@twinning.example")
    return (
        applicant,
        member,
        {
            "applicant": client_for(applicant),
            "submitted": client_for(submitted_applicant()),
            "member": client_for(member.user),
            "staff": client_for(staff),
        },
    )


def submitted_applicant():
    """A member of the organisation of the demo's first submitted application (with its
    eligibility verdict and reasons): the applicant of the status page after submission."""
    from applications.models import Application, OrganisationMember
    from users.consents import consent_record
    from users.models import ConsentRecord, Notice, User

    user, created = User.objects.get_or_create(email="servertime-submitted@twinning.example")
    if created:  # accepted the privacy notice, as at sign-up (else every page asks for it first)
        consent_record(user=user, kind=Notice.Kind.PRIVACY, source=ConsentRecord.Source.SIGNUP)
    if not OrganisationMember.objects.filter(user=user).exists():
        application = Application.objects.filter(status="submitted").order_by("pk")[0]
        OrganisationMember.objects.create(organisation=application.organisation, user=user)
    return user


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
    submitted = Application.objects.filter(
        organisation__members__user__email="servertime-submitted@twinning.example"
    ).order_by("pk")[0]
    out += [
        ("application status: draft", "applicant", f"/applications/{own.pk}/"),
        ("application status: submitted", "submitted", f"/applications/{submitted.pk}/"),
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


def measure(label_pages, clients, args) -> dict:
    out = {}
    for label, role, path in label_pages:
        if not selected(label, args.only):
            continue
        out[label] = timed(clients[role], path, args.repeats, args.profile)
        status, median, cpu, queries = out[label]
        print(
            f"  {label:<34} {status} {median:8.1f} ms wall {cpu:8.1f} ms CPU {queries:4d} queries",
            flush=True,
        )
    return out


def public_pages(args) -> list[tuple[str, float, float]]:
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
        if not selected(label, args.only):
            continue
        _status, cached, _cpu, _queries = timed(Client(), path, args.repeats * 2)
        with override_settings(PUBLIC_PAGE_CACHE_SECONDS=0):
            _status, rendered, cpu, _queries = timed(Client(), path, args.repeats, args.profile)
        print(
            f"  {label:<34} cached {cached:6.2f} ms, rendered {rendered:6.1f} ms "
            f"({cpu:6.1f} ms CPU)",
            flush=True,
        )
        rows.append((label, cached, rendered, cpu))
    return rows


def table(args, demo, large, public, count_note) -> str:
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    lines = [
        f"Command: `make servertime` (`benchmarks/server_time.py --count {args.count} "
        f"--repeats {args.repeats} --write`), {stamp}; in-process (Django test client), "
        "production settings of the load test, PostgreSQL and Redis on loopback; median of "
        f"{args.repeats} requests after one warm-up (wall time, and in brackets this process's "
        "CPU time); queries counted on one request. "
        f"{count_note}",
        "",
        f"| page | demo: median (CPU) | demo: queries | {args.count:,} applications: median (CPU) "
        f"| {args.count:,}: queries | budget (≤ {DEMO_BUDGET_MS} ms / ≤ {LARGE_BUDGET_MS} ms) |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for label, (status, median, cpu, queries) in demo.items():
        big_status, big_median, big_cpu, big_queries = large[label]
        ok = (
            status == 200
            and big_status == 200
            and median <= DEMO_BUDGET_MS
            and big_median <= LARGE_BUDGET_MS
        )
        note = "" if status == big_status == 200 else f" (status {status}/{big_status})"
        lines.append(
            f"| {label} | {median:.1f} ms ({cpu:.1f}) | {queries} "
            f"| {big_median:.1f} ms ({big_cpu:.1f}) | {big_queries} "
            f"| {'met' if ok else 'MISSED'}{note} |"
        )
    lines += [
        "",
        "Public pages in-process for a visitor without a session (demo scale): served from the "
        "page cache (which answers before the session, auth and CSRF middleware) and rendered "
        "with the cache off.",
        "",
        "| page | cached: median | rendered: median (CPU) |",
        "| --- | ---: | ---: |",
    ]
    for label, cached, rendered, cpu in public:
        lines.append(f"| {label} | {cached:.2f} ms | {rendered:.1f} ms ({cpu:.1f}) |")
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
    old_name = connection.creation.create_test_db(
        verbosity=0, autoclobber=True, serialize=False, keepdb=args.keepdb
    )
    try:
        print("Demo data…", flush=True)
        call_command("setup_demo", quiet=True)
        call_command("collectstatic", "--noinput", verbosity=0)
        from applications.models import Application
        from cities.selectors import call_current
        from matching.demo import generate_applications

        call = call_current()
        applicant, member, clients = people()
        demo = large = {}
        public = []
        demo_count = total = Application.objects.count()
        if args.scale in ("both", "demo"):
            run = latest_run(call)
            kept = " (a kept database at scale: NOT demo scale)" if demo_count >= args.count else ""
            print(f"Demo scale ({demo_count} applications){kept}:", flush=True)
            demo = measure(pages(applicant, member, run), clients, args)
            print("Public pages:", flush=True)
            public = public_pages(args)
        if args.scale in ("both", "large"):
            if Application.objects.count() < args.count:
                print(f"Adding {args.count} submitted applications…", flush=True)
                generate_applications(call=call, count=args.count, seed=2025)
            print("A matching run on them (or the kept one)…", flush=True)
            run = latest_run(call)
            total = Application.objects.count()
            print(f"At scale ({total} applications):", flush=True)
            large = measure(pages(applicant, member, run), clients, args)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=args.keepdb)
        import shutil

        shutil.rmtree(media, ignore_errors=True)
    load_after = os.getloadavg()[0]
    busy = max(load_before, load_after) > (os.cpu_count() or 1)
    note = (
        f"Demo scale: {demo_count} applications; at scale: {total} (the demo's and "
        f"{args.count:,} generated, submitted, all in one call, with a finished run on them). "
        f"Whole script: {time.perf_counter() - started:.0f} s; load average "
        f"{load_before:.1f} at the start and {load_after:.1f} at the end on "
        f"{os.cpu_count()} cores"
        + (
            " (above the core count: other jobs shared the machine and every time is inflated)."
            if busy
            else "."
        )
    )
    if not (demo and large):
        return  # a partial measurement (--only, --scale): the lines above are the result
    text = table(args, demo, large, public, note)
    print("\n" + text)
    if args.write:
        write(text)


if __name__ == "__main__":
    main()
