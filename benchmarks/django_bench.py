"""End-to-end benchmarks on a real database (PostgreSQL when DATABASE_URL is set):

1. the matching run as the Celery task runs it (`matching.services.run_execute`): reading the
   applications and Mission City profiles, scoring, assigning and writing the proposals, for
   N applications × 112 Mission Cities (every Mission City of the registry, with a synthetic
   profile), capacities 1–3, 3 preferences each;
2. the staff's Applications changelist in the admin at N rows (first page, default ordering, and
   with a filter), through Django's test client as a superuser.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/twinning_bench \\
        .venv/bin/python -m benchmarks.django_bench --count 10000 --repeats 5

It creates (and drops) its own test database `test_<name>`; it prints a markdown table.
"""

import argparse
import datetime as dt
import os
import random
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "twinning.settings.test")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        rows = run(args)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    vendor = connection.vendor
    print(f"\nDatabase: {vendor}; {args.count} applications; median of {args.repeats} runs\n")
    print("| what | median (s) | min (s) | max (s) |")
    print("| --- | ---: | ---: | ---: |")
    for name, samples in rows:
        print(
            f"| {name} | {statistics.median(samples):.3f} | {min(samples):.3f} | "
            f"{max(samples):.3f} |"
        )


def run(args):
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from cities.models import Call, CallMissionCity, CityItem, MissionCity, Topic
    from matching import services
    from matching.demo import generate_applications
    from users.models import User

    call_command("load_call_data", verbosity=0)
    rng = random.Random(args.seed)
    topics = list(Topic.objects.order_by("slug"))
    call = Call.objects.create(
        slug="bench",
        title="Benchmark call",
        opens_at=timezone.now() - dt.timedelta(days=30),
        closes_at=timezone.now() + dt.timedelta(days=30),
        programme_start=timezone.localdate() + dt.timedelta(days=60),
    )
    for position, city in enumerate(MissionCity.objects.order_by("name")):
        participation = CallMissionCity.objects.create(
            call=call,
            mission_city=city,
            display_name=city.name,
            capacity=rng.randint(1, 3),
            position=position,
            motivation=f"{city.name} wants to learn and share.",
        )
        for i, kind in enumerate(["action"] * 3 + ["challenge"] * 3):
            item = CityItem.objects.create(
                participation=participation,
                kind=kind,
                position=i,
                title=f"{kind} {i} of {city.name}",
                description="synthetic profile for the benchmark",
            )
            item.topics.set(rng.sample(topics, rng.randint(1, 3)))
    started = time.perf_counter()
    generate_applications(call=call, count=args.count, seed=args.seed)
    print(f"generated {args.count} applications in {time.perf_counter() - started:.1f} s")

    results = []
    e2e = []
    for _ in range(args.repeats):
        run_obj = services.run_start(call=call, enqueue=False)
        t0 = time.perf_counter()
        run_obj = services.run_execute(run_id=run_obj.pk)
        e2e.append(time.perf_counter() - t0)
        assert run_obj.status == "succeeded", run_obj.error
    print(f"last run: {run_obj.stats.get('matched')} matched, timings {run_obj.timings}")
    results.append((f"matching run end to end ({args.count} × 112), run_execute", e2e))
    for key in ("read", "scoring", "assignment", "explanation", "write"):
        if key in run_obj.timings:
            results.append((f"— of which {key} (last run)", [run_obj.timings[key]]))

    admin_user = User.objects.create_superuser(email="bench@example.org", password="x")
    client = Client()
    client.force_login(admin_user)
    for label, query in [
        ("admin Applications changelist, first page", ""),
        (
            "admin changelist filtered (country=IT, status=submitted)",
            "?country__exact=IT&status__exact=submitted",
        ),
        ("admin changelist search 'Bergen'", "?q=Bergen"),
    ]:
        url = "/admin/applications/application/" + query
        client.get(url)  # warm
        samples = []
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            response = client.get(url)
            samples.append(time.perf_counter() - t0)
            assert response.status_code == 200
        results.append((f"{label} ({args.count} rows)", samples))
    return results


if __name__ == "__main__":
    main()
