"""What the benchmarks here share: the ceiling app set up as its README says, servers on free ports of 127.0.0.1
(gunicorn sync x 4, stopped whatever happens), wrk runs read from the ceiling's one-line JSON summaries, the CPU
each request cost (gunicorn workers and database backends, from /proc), and the medians of interleaved rounds.

Only 127.0.0.1 is ever requested; every subprocess has a time limit.
"""

import contextlib
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CEILING_DIR = Path(os.environ.get("BENCH_CEILING_DIR", ROOT.parent / "shared" / "bench"))
CEILING_VENV = Path(os.environ.get("BENCH_CEILING_VENV", Path.home() / ".cache" / "engage-bench" / "ceiling-venv"))
CEILING_PACKAGES = ["flask", "flask-sqlalchemy", "psycopg2-binary", "gunicorn", "celery", "redis", "packaging"]
GUNICORN = ["-w", "4", "-k", "sync"]


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def psycopg_url(url: str) -> str:
    return url.replace("postgresql+psycopg2://", "postgresql://").replace("postgresql+psycopg://", "postgresql://")


def recreate_database(url: str) -> None:
    import psycopg

    base, name = psycopg_url(url).rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True, connect_timeout=10) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def engage_app(url: str, **settings):
    """Engage in this process, on the benchmark's database (the engage package is imported only here)."""
    from engage import config, create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": config.database_url(url), **settings})


def ensure_wrk() -> None:
    if shutil.which("wrk"):
        return
    log("installing wrk")
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False, timeout=300, capture_output=True)
    if not shutil.which("wrk"):
        subprocess.run(["apt-get", "update", "-qq"], check=True, timeout=300, capture_output=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, timeout=300, capture_output=True)


def setup_ceiling(database_url: str, reuse: bool) -> None:
    """The ceiling's venv (created once) and, unless reused, its database seeded by `ceiling_app.py init`."""
    python = CEILING_VENV / "bin" / "python"
    if not (CEILING_VENV / "bin" / "gunicorn").exists():
        log(f"creating the ceiling's venv in {CEILING_VENV}")
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(CEILING_VENV)], check=True, timeout=120)
        pip = [str(python), "-m", "pip", "install", "--quiet", *CEILING_PACKAGES]
        done = subprocess.run(pip, capture_output=True, text=True, timeout=600)
        if done.returncode:
            raise SystemExit(f"pip install for the ceiling failed:\n{done.stdout}\n{done.stderr}")
    if reuse:
        return
    recreate_database(database_url)
    subprocess.run(
        [str(python), "ceiling_app.py", "init"],
        cwd=CEILING_DIR,
        env={**os.environ, "BENCH_DB_URL": database_url, "PYTHONDONTWRITEBYTECODE": "1"},
        check=True,
        timeout=120,
    )


# --------------------------------------------------------------------------------------------------------------------
# Servers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(command: list[str], cwd: Path, env: dict, logfile: Path) -> subprocess.Popen:
    out = logfile.open("w")
    return subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


def wait_ready(base: str, path: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server for {base} exited with {process.returncode}")
        with contextlib.suppress(OSError), urllib.request.urlopen(base + path, timeout=5) as response:
            if response.status == 200:
                return
        time.sleep(0.5)
    raise SystemExit(f"{base}{path} not ready after {timeout} s")


class Server:
    """A server this script started (its process group) and the database whose backends serve it."""

    def __init__(self, process: subprocess.Popen, base: str, database_url: str | None):
        self.process, self.base, self.database_url = process, base, database_url

    def pids(self) -> tuple[set[int], set[int]]:
        return group_pids(self.process.pid), backend_pids(self.database_url) if self.database_url else set()


def serve(
    name: str, gunicorn: Path, app: str, cwd: Path, env: dict, database_url: str, workdir: Path, ready: str
) -> Server:
    """`gunicorn -w 4 -k sync` on a free port of 127.0.0.1, answering `ready` with 200 before this returns."""
    port = free_port()
    process = start([str(gunicorn), *GUNICORN, "-b", f"127.0.0.1:{port}", app], cwd, env, workdir / f"{name}.log")
    server = Server(process, f"http://127.0.0.1:{port}", database_url)
    try:
        wait_ready(server.base, ready, process)
    except BaseException:
        stop(process)
        raise
    return server


# --------------------------------------------------------------------------------------------------------------------
# Measuring


def wrk(
    url: str, seconds: int, script: Path | None = None, env: dict | None = None, headers: tuple[str, ...] = ()
) -> dict:
    """One wrk -t2 -c32 run (each request with `headers`); its one-line JSON summary (the ceiling's Lua scripts
    print it)."""
    assert url.startswith("http://127.0.0.1:")
    script = script or CEILING_DIR / "summary.lua"
    command = ["wrk", "-t2", "-c32", f"-d{seconds}s", "--timeout", "10s", "--latency", "-s", str(script),
               *(f"-H{header}" for header in headers), url]  # fmt: skip
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=seconds + 60, env={**os.environ, **(env or {})}
    )
    for line in result.stdout.splitlines():
        if line.startswith("JSON "):
            return json.loads(line[5:])
    raise RuntimeError(f"wrk printed no summary for {url}: {result.stdout}\n{result.stderr}")


TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: set[int]) -> dict[int, float]:
    seconds = {}
    for pid in pids:
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            seconds[pid] = (int(fields[11]) + int(fields[12])) / TICK
    return seconds


def used(before: dict[int, float], after: dict[int, float]) -> float:
    return sum(after[pid] - before[pid] for pid in before.keys() & after.keys())


def group_pids(pgid: int) -> set[int]:
    pids = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                if int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[2]) == pgid:
                    pids.add(int(entry))
    return pids


def backend_pids(url: str) -> set[int]:
    import psycopg

    base, name = psycopg_url(url).rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True, connect_timeout=10) as conn:
        rows = conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", (name,)).fetchall()
    return {r[0] for r in rows}


def run(
    server: Server,
    path: str,
    seconds: int,
    script: Path | None = None,
    env: dict | None = None,
    headers: tuple[str, ...] = (),
) -> dict:
    """wrk against one path, with the CPU each request cost the server's processes and its database backends."""
    app_pids, db_pids = server.pids()
    app0, db0 = cpu_seconds(app_pids), cpu_seconds(db_pids)
    r = wrk(server.base + path, seconds, script, env, headers)
    app_pids, db_pids = server.pids()
    app1, db1 = cpu_seconds(app_pids), cpu_seconds(db_pids)
    requests = max(r["requests"], 1)
    r["app_cpu_ms"] = 1000 * used(app0, app1) / requests
    r["db_cpu_ms"] = 1000 * used(db0, db1) / requests
    r["cpu_ms"] = r["app_cpu_ms"] + r["db_cpu_ms"]
    r["errors"] = r["connect_err"] + r["read_err"] + r["write_err"] + r["timeout"]
    return r


def compare(r: dict, base: dict) -> dict:
    """The req/s, p99 and CPU-per-request ratios of a run to the ceiling's run of the same round."""
    r["ratio"] = r["rps"] / max(base["rps"], 1e-9)
    r["p99_ratio"] = r["p99_ms"] / max(base["p99_ms"], 1e-9)
    r["cpu_ratio"] = base["cpu_ms"] / max(r["cpu_ms"], 1e-9)
    return r


def medians(runs: list[dict]) -> dict:
    first = runs[0]
    return {k: statistics.median(r[k] for r in runs) for k in first if isinstance(first[k], int | float)}


def load_average() -> str:
    return ", ".join(f"{x:.1f}" for x in os.getloadavg())


def warn_if_busy(loads: list[float]) -> None:
    busiest = max(loads)
    if busiest > (os.cpu_count() or 1):
        print(f"WARNING: load average reached {busiest:.1f} on {os.cpu_count()} CPUs during the rounds: other work")
        print("shared the machine, so the req/s ratios are unreliable; trust the CPU ratios, or run again.")
