"""How fast notices go from the outbox to an SMTP server, against one plain smtplib connection in a loop.

Ours: N notices queued in one transaction; from the commit (which hands them to Redis in batches of 100) to the
last message received, with real Celery workers (solo pool) on PostgreSQL. The loop: the same number of
similar messages (the same template, rendered once) sent by smtplib over one connection. Both go to the same
aiosmtpd sink, in a process of its own, that only counts. Rounds alternate (ABBA...), since absolute numbers on
shared machines drift from one minute to the next; the ratio is what to compare (DESIGN.md: >= 1.0x).

    .venv/bin/python bench/notices.py            # 5,000 notices, 3 rounds each, 2 workers

Settings (environment): BENCH_DATABASE_URL (created and dropped; default
postgresql://postgres@127.0.0.1:5432/engage_bench), BENCH_REDIS_URL (default redis://127.0.0.1:6379/14; a queue
of this run's own), BENCH_NOTICES, BENCH_ROUNDS, BENCH_WORKERS.
"""

import multiprocessing
import os
import smtplib
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = Path(tempfile.mkdtemp(prefix="engage-bench-"))
os.environ["ENGAGE_INSTANCE_PATH"] = str(INSTANCE)
for name in ("DATABASE_URL", "REDIS_URL", "MAIL_SERVER"):
    os.environ.pop(name, None)
sys.path.insert(0, str(ROOT))

DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/engage_bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
NOTICES = int(os.environ.get("BENCH_NOTICES", "5000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
QUEUE = f"engage-bench-{os.getpid()}"
PUBLIC_URL = "http://engage.bench"


# The sink: a process of its own, recording when each message arrived ------------------------------------


def sink_main(port: int, control) -> None:
    from aiosmtpd.controller import Controller

    arrivals: list[float] = []

    class Count:
        async def handle_DATA(self, server, session, envelope):
            arrivals.append(time.monotonic())  # CLOCK_MONOTONIC: the same clock in every process
            return "250 OK"

    controller = Controller(Count(), hostname="127.0.0.1", port=port)
    controller.start()
    control.send("ready")
    while True:
        command = control.recv()
        if command == "count":
            control.send((len(arrivals), arrivals[-1] if arrivals else None))
        elif command == "arrivals":
            control.send(list(arrivals))
            arrivals.clear()
        elif command == "stop":
            controller.stop()
            return


class Sink:
    def __init__(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.control, theirs = multiprocessing.Pipe()
        self.process = multiprocessing.get_context("fork").Process(target=sink_main, args=(self.port, theirs))
        self.process.start()
        assert self.control.recv() == "ready"

    def count(self) -> tuple[int, float | None]:
        self.control.send("count")
        return self.control.recv()

    def arrivals(self) -> list[float]:
        """Every arrival since the last call; the sink starts counting afresh."""
        self.control.send("arrivals")
        return self.control.recv()

    def wait_for(self, number: int, seconds: float = 300) -> None:
        deadline = time.monotonic() + seconds
        while self.count()[0] < number:
            if time.monotonic() > deadline:
                raise SystemExit(f"the sink received {self.count()[0]} of {number} messages")
            time.sleep(0.01)

    def stop(self) -> None:
        self.control.send("stop")
        self.process.join(10)


# The database, the app, the workers ---------------------------------------------------------------------


def create_database() -> str:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from engage.config import database_url

    url = make_url(database_url(DATABASE_URL))
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{url.database}"'))
    admin.dispose()
    return url.render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
    admin.dispose()


def make_app(url: str, sink: Sink):
    from flask_migrate import upgrade

    from engage import create_app
    from engage.config import broker_settings

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "CELERY": {**broker_settings(REDIS_URL), "task_default_queue": QUEUE},
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": sink.port,
            "PUBLIC_URL": PUBLIC_URL,
        }
    )
    with app.app_context():
        upgrade()
    return app


def start_workers(url: str, sink: Sink, folder: Path) -> list[subprocess.Popen]:
    env = dict(os.environ, DATABASE_URL=url, REDIS_URL=REDIS_URL, MAIL_SERVER="127.0.0.1", MAIL_PORT=str(sink.port))
    env["PUBLIC_URL"] = PUBLIC_URL
    workers = []
    for number in range(1, WORKERS + 1):
        log = folder / f"worker{number}.log"
        command = [sys.executable, "-m", "celery", "-A", "worker.app", "worker", "--pool=solo", "--without-mingle"]
        command += ["--without-gossip", "-n", f"bench{number}-{os.getpid()}@%h", "-Q", QUEUE, "--loglevel=info"]
        with log.open("ab") as output:
            process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
        process.log = log
        workers.append(process)
    deadline = time.monotonic() + 60
    for process in workers:
        while " ready." not in process.log.read_text():
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"a worker did not start:\n{process.log.read_text()[-3000:]}")
            time.sleep(0.1)
    return workers


def stop_workers(workers: list[subprocess.Popen]) -> None:
    for process in workers:
        process.terminate()
    for process in workers:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


# Where the CPU goes ------------------------------------------------------------------------------------

TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK  # utime + stime


def processes_named(name: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == name:
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def database_backends(app) -> list[int]:
    """The PostgreSQL processes serving this benchmark's database (other databases may be busy too)."""
    from engage.extensions import db

    with app.app_context():
        query = db.text("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
        pids = list(db.session.scalars(query))
        db.session.remove()
    return pids


def machine_busy() -> tuple[float, float]:
    """Busy and total CPU seconds of the whole machine so far."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values) - idle) / TICK, sum(values) / TICK


class CpuMeter:
    """CPU seconds spent by each part of the pipeline between start() and stop()."""

    def __init__(self, parts: dict[str, callable]):
        self.parts = parts

    def sample(self) -> dict[str, dict[int, float]]:
        sample = {name: {pid: cpu_seconds(pid) for pid in pids()} for name, pids in self.parts.items()}
        busy, wall = machine_busy()
        return {**sample, "machine": {0: busy}, "wall": {0: wall}}

    def start(self) -> None:
        self.before = self.sample()

    def stop(self) -> dict[str, float]:
        after = self.sample()
        return {
            name: sum(seconds - self.before[name].get(pid, 0.0) for pid, seconds in pids.items())
            for name, pids in after.items()
        }


# The two contenders ------------------------------------------------------------------------------------


class Round:
    def __init__(self, seconds: float, latencies: list[float], cpu: dict[str, float]):
        self.seconds, self.latencies, self.cpu = seconds, latencies, cpu
        self.rate = NOTICES / seconds
        self.p50 = statistics.median(latencies)

    def cpu_line(self) -> str:
        parts = ", ".join(f"{name} {self.cpu[name] * 1000 / NOTICES:.2f}" for name in self.cpu if name not in WHOLE)
        busy = self.cpu["machine"] / self.cpu["wall"]
        return f"CPU ms a message: {parts}; machine busy {busy:.0%}"


WHOLE = ("machine", "wall")


def ours(app, sink: Sink, meter: CpuMeter, round_number: int) -> Round:
    """From the commit to the last message at the sink, and each message's time from the commit."""
    from engage.extensions import db
    from engage.notices import services as notices
    from engage.notices.models import Notice

    with app.app_context():
        db.session.execute(db.delete(Notice))
        db.session.commit()
        for number in range(NOTICES):
            notices.queue(
                "password_changed",
                f"resident{number}@example.org",
                f"bench:{round_number}:{number}",
                {"name": f"Resident {number}"},
            )
        sink.arrivals()
        meter.start()
        started = time.monotonic()
        db.session.commit()  # hands the notices to the workers, in batches of 100
        sink.wait_for(NOTICES)
        cpu = meter.stop()
        arrivals = sink.arrivals()
        sent = db.session.scalar(db.select(db.func.count(Notice.id)).filter_by(status="sent"))
        db.session.remove()
    if len(arrivals) != NOTICES or sent != NOTICES:
        raise SystemExit(f"ours: {len(arrivals)} messages for {NOTICES} notices, {sent} marked sent")
    return Round(arrivals[-1] - started, [arrival - started for arrival in arrivals], cpu)


def a_message(app):
    """The message a notice of this kind becomes, rendered once."""
    from engage.notices import delivery
    from engage.notices.models import Notice

    with app.app_context():
        return delivery.render(
            Notice(
                kind="password_changed",
                recipient="resident@example.org",
                language="en",
                context={"name": "Resident"},
                idempotency_key="bench:template",
            )
        )


def smtplib_loop(message, sink: Sink, meter: CpuMeter, round_number: int) -> Round:
    """The same number of similar messages over one connection: the least a sender can do."""
    sink.arrivals()
    meter.start()
    started = time.monotonic()
    with smtplib.SMTP("127.0.0.1", sink.port, timeout=10) as smtp:
        for number in range(NOTICES):
            message.replace_header("To", f"resident{number}@example.org")
            message.replace_header("Message-ID", f"<loop.{round_number}.{number}@engage.bench>")
            smtp.send_message(message)
    sink.wait_for(NOTICES)
    cpu = meter.stop()
    arrivals = sink.arrivals()
    return Round(arrivals[-1] - started, [arrival - started for arrival in arrivals], cpu)


def main() -> None:
    from engage.extensions import db

    folder = Path(tempfile.mkdtemp(prefix="engage-bench-logs-"))
    sink = Sink()
    url = create_database()
    workers = []
    try:
        app = make_app(url, sink)
        message = a_message(app)
        workers = start_workers(url, sink, folder)
        meter = CpuMeter(
            {
                "workers": lambda: [process.pid for process in workers],
                "sink": lambda: [sink.process.pid],
                "postgres": lambda: database_backends(app),
                "redis": lambda: processes_named("redis-server"),
                "this process": lambda: [os.getpid()],
            }
        )
        print(
            f"{NOTICES} notices a round, {WORKERS} workers, {os.cpu_count()} cores, "
            f"load average {os.getloadavg()[0]:.1f}; worker logs in {folder}"
        )
        results: dict[str, list[Round]] = {"ours": [], "smtplib": []}
        for round_number in range(1, ROUNDS + 1):
            order = ("ours", "smtplib") if round_number % 2 else ("smtplib", "ours")
            for contender in order:
                if contender == "ours":
                    result = ours(app, sink, meter, round_number)
                else:
                    result = smtplib_loop(message, sink, meter, round_number)
                results[contender].append(result)
                print(
                    f"round {round_number} {contender:8} {result.rate:5.0f} messages/s ({result.seconds:.2f} s, "
                    f"p50 {result.p50:.2f} s); {result.cpu_line()}",
                    flush=True,
                )
        rates = {name: statistics.median(r.rate for r in runs) for name, runs in results.items()}
        p50 = {name: statistics.median(r.p50 for r in runs) for name, runs in results.items()}
        for name in results:
            print(
                f"{name:8} {rates[name]:5.0f} messages/s (median of {ROUNDS} rounds), "
                f"p50 time from start to arrival {p50[name]:.2f} s"
            )
        print(f"ratio ours / smtplib loop: {rates['ours'] / rates['smtplib']:.2f}x (DESIGN.md's budget: >= 1.0x)")
        print(f"load average now {os.getloadavg()[0]:.1f}")
        with app.app_context():
            db.engine.dispose()
    finally:
        stop_workers(workers)
        sink.stop()
        drop_database(url)


if __name__ == "__main__":
    main()
