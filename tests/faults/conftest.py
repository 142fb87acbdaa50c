"""Services of their own for the fault tests: a redis-server, an SMTP sink and Celery workers on
private ports (FAULT_PORT_BASE, default 8162…8165), started and stopped by the tests, never the
shared Redis or PostgreSQL. The database is the test database of DATABASE_URL (PostgreSQL)."""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
from django.db import connection
from kombu import pools as kombu_pools

from twinning import cache as resilient_cache
from twinning.celery import app as celery_app

ROOT = Path(__file__).resolve().parent.parent.parent
PORT_BASE = int(os.environ.get("FAULT_PORT_BASE", "8162"))
REDIS_PORT, SMTP_PORT = PORT_BASE, PORT_BASE + 1


def reset_broker_connections():
    """Forget pooled broker connections (to another test's broker, or to a Redis restarted)."""
    kombu_pools.reset()  # closes every pool and empties kombu's registry of them
    celery_app._after_fork()  # the app then makes new pools on its next use
    celery_app._backend_cache = None  # and a new result backend for the current broker
    celery_app._local.__dict__.pop("backend", None)


def wait_until(predicate, timeout=20.0, interval=0.1, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


class RedisServer:
    def __init__(self, port: int):
        self.port, self.process = port, None
        self.url = f"redis://127.0.0.1:{port}/0"

    def start(self):
        binary = shutil.which("redis-server") or pytest.fail("redis-server is not installed")
        self.process = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        wait_until(lambda: port_open(self.port), what="redis-server")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        wait_until(lambda: not port_open(self.port), what="redis-server to stop")

    def freeze(self):
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self):
        self.process.send_signal(signal.SIGCONT)


class SMTPSink:
    """aiosmtpd on a private port, keeping every message it accepted."""

    def __init__(self, port: int):
        self.port, self.controller, self.messages = port, None, []

    def start(self):
        from aiosmtpd.controller import Controller

        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                sink.messages.append(
                    (sorted(envelope.rcpt_tos), envelope.content.decode("utf-8", "replace"))
                )
                return "250 OK"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def redis_server():
    server = RedisServer(REDIS_PORT)
    server.start()
    resilient_cache.reset_breaker()
    try:
        yield server
    finally:
        if server.process and server.process.poll() is None:
            server.thaw()
        server.stop()
        resilient_cache.reset_breaker()


@pytest.fixture
def smtp_sink(settings):
    sink = SMTPSink(SMTP_PORT)
    sink.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", SMTP_PORT
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 2
    try:
        yield sink
    finally:
        sink.stop()


@pytest.fixture
def on_private_redis(settings, redis_server):
    """The portal's cache and broker on the private Redis, tasks published (not eager)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "twinning.cache.ResilientRedisCache",
            "LOCATION": redis_server.url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    settings.CELERY_TASK_ALWAYS_EAGER = False
    overrides = {
        "task_always_eager": False,
        "broker_url": redis_server.url,
        "result_backend": redis_server.url,
        "broker_transport_options": {
            "socket_connect_timeout": 1,
            "socket_timeout": 1,
            "visibility_timeout": 3600,
        },
        "worker_hijack_root_logger": False,
    }
    saved = {key: celery_app.conf[key] for key in overrides}
    celery_app.conf.update(overrides)
    reset_broker_connections()
    try:
        yield redis_server
    finally:
        reset_broker_connections()
        celery_app.conf.update(saved)


class WorkerProcess:
    """`celery worker` in a process of its own (so that it can be killed with SIGKILL), on the
    private Redis and the test database."""

    def __init__(self, redis_url: str, extra_env: dict):
        self.redis_url, self.extra_env, self.process = redis_url, extra_env, None

    def start(self, concurrency: int = 1):
        db = connection.settings_dict
        database_url = (
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT'] or 5432}"
            f"/{db['NAME']}"
        )
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "twinning.settings.test",
            "DATABASE_URL": database_url,
            "REDIS_URL": self.redis_url,
            **self.extra_env,
        }
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "twinning",
                "worker",
                "-P",
                "threads",
                "-c",
                str(concurrency),
                "-l",
                "warning",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=env,
        )

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def worker_process(on_private_redis, transactional_db):
    workers = []

    def start(concurrency=1, **extra_env):
        worker = WorkerProcess(on_private_redis.url, {k: str(v) for k, v in extra_env.items()})
        worker.start(concurrency)
        workers.append(worker)
        return worker

    try:
        yield start
    finally:
        for worker in workers:
            worker.stop()


def run_in_thread(target):
    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    return thread


POSTGRES_PORT, APP_PORT = PORT_BASE + 6, PORT_BASE + 7


class PostgresCluster:
    """A throwaway PostgreSQL cluster of the test's own (initdb into a temporary directory, on a
    private port), run as the `postgres` OS user when the tests run as root. Never the shared
    server on 5432: this one the test may stop and start."""

    def __init__(self, port: int):
        self.port = port
        self.url = f"postgres://postgres@127.0.0.1:{port}/twinning"
        self.root = self.bin = None

    def _as_owner(self, *command):
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        return subprocess.run(
            [*prefix, *command], check=True, capture_output=True, text=True, timeout=120
        )

    def create(self):
        found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
        if not found:
            pytest.fail("PostgreSQL server binaries are not installed (/usr/lib/postgresql/*/bin)")
        self.bin = found[-1].parent
        self.root = Path(tempfile.mkdtemp(prefix="twinning-pg-"))
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        self._as_owner(
            str(self.bin / "initdb"),
            "-D",
            str(self.root / "data"),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync",
        )
        self.start()
        import psycopg

        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres", autocommit=True
        ) as conn:
            conn.execute("CREATE DATABASE twinning")

    def start(self):
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._as_owner(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.root / "data"),
            "-l",
            str(self.root / "server.log"),
            "-o",
            options,
            "-w",
            "start",
        )

    def stop(self):
        self._as_owner(
            str(self.bin / "pg_ctl"), "-D", str(self.root / "data"), "-m", "fast", "-w", "stop"
        )

    def query(self, sql: str) -> list[tuple]:
        import psycopg

        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user=postgres dbname=twinning"
        ) as conn:
            return conn.execute(sql).fetchall()

    def destroy(self):
        if self.root is None:
            return
        if (self.root / "data" / "postmaster.pid").exists():
            with contextlib.suppress(subprocess.CalledProcessError):
                self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture
def own_postgres():
    cluster = PostgresCluster(POSTGRES_PORT)
    try:
        cluster.create()
        yield cluster
    finally:
        cluster.destroy()


class AppServer:
    """gunicorn with production settings (tests/faults/pg_settings.py) on a private port, on the
    given database and Redis: one sync worker, so one persistent database connection."""

    def __init__(self, database_url: str, redis_url: str, port: int):
        self.port, self.process = port, None
        self.base = f"http://127.0.0.1:{port}"
        self.media = Path(tempfile.mkdtemp(prefix="twinning-fault-media-"))
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.faults.pg_settings",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "DJANGO_SECRET_KEY": "fault-test-" + "x" * 50,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "SITE_URL": f"http://127.0.0.1:{port}",
            "EMAIL_URL": "dummymail://",
            "PRIVATE_MEDIA_ROOT": str(self.media),
            "CONN_MAX_AGE": "600",
            "LOG_LEVEL": "ERROR",
        }

    def manage(self, *args):
        subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
            timeout=600,
        )

    def start(self):
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "twinning.wsgi",
                "--workers",
                "1",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--timeout",
                "30",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=self.env,
        )
        wait_until(lambda: port_open(self.port), timeout=60, what="gunicorn")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
        shutil.rmtree(self.media, ignore_errors=True)
