"""Benchmark (not a test): the instructions each page costs Engage's Python, against the ceiling's 20-row page.

On a shared machine CPU time swings by half from one minute to the next; instructions counted by valgrind's
callgrind do not (the same page costs the same within about 1 %, whatever else runs). So this is the figure to
compare two versions of the code by: it says nothing about the database's side, which the req/s benchmarks measure.

    .venv/bin/python bench/instructions.py                   # the public pages and the board's queue
    .venv/bin/python bench/instructions.py --requests 50     # more requests per page (default 20)

It needs the databases bench/proposals.py and bench/board_queue.py load (run each once). Each side runs in one
process under `valgrind --tool=callgrind --instr-atstart=no`: the app, as gunicorn's workers make it
(ENGAGE_ENV=production), warms each page up uninstrumented, then callgrind counts exactly the requests asked of it
through Flask's test client (whose own share, about 0.5 M instructions a request, both sides pay). Prints each
page's millions of instructions a request and the ceiling's divided by it: the ratio a quiet machine's req/s would
show if the database cost nothing.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import board_queue  # noqa: E402
import proposals  # noqa: E402
import serving  # noqa: E402

PUBLIC = [(name, path) for name, path in proposals.PAGES]
QUEUE = [(f"queue: {name}", path) for name, path in board_queue.PAGES]


def child(args) -> None:
    """Serve the pages in this process, counted by callgrind between READY and DONE (see measure())."""
    client = _ceiling_client() if args.side == "ceiling" else _engage_client(args.side)
    paths = args.paths
    for path in paths:
        for _ in range(5):
            assert client.get(path).status_code == 200, path
    for path in paths:
        _step(f"READY {path}")
        for _ in range(args.requests):
            client.get(path)
        _step("DONE")


def _step(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()
    sys.stdin.readline()


def _ceiling_client():
    os.environ["BENCH_DB_URL"] = proposals.CEILING_URL
    sys.path.insert(0, str(serving.CEILING_DIR))
    from ceiling_app import app

    return app.test_client()


def _engage_client(side: str):
    os.environ.update(ENGAGE_ENV="production", SECRET_KEY="bench-" + "k" * 32, ENGAGE_INSTANCE_PATH=tempfile.mkdtemp())
    os.environ.pop("REDIS_URL", None)  # as bench/proposals.py serves it
    app = serving.engage_app(board_queue.DATABASE_URL if side == "queue" else proposals.DATABASE_URL)
    client = app.test_client()
    agent = {"User-Agent": board_queue.AGENT}
    if side == "queue":  # signed in as the benchmark's board member, as board_queue.py is
        base = "https://localhost"
        page = client.get("/account/sign-in", base_url=base, headers=agent).get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]
        form = {"csrf_token": token, "email": board_queue.MEMBER, "password": board_queue.PASSWORD}
        answer = client.post("/account/sign-in", data=form, base_url=base, headers={**agent, "Referer": base + "/"})
        assert answer.status_code == 302, answer.status_code

        class Signed:
            def get(self, path):
                return client.get(path, base_url=base, headers=agent)

        return Signed()
    return client


def measure(side: str, pages: list[tuple[str, str]], requests: int, python: str) -> dict[str, float]:
    """Run one side's child under callgrind, counting each page's requests; millions of instructions a request."""
    out = Path(tempfile.mkdtemp(prefix="engage-instructions-")) / "callgrind.out"
    command = [
        *("valgrind", "--tool=callgrind", "--instr-atstart=no", "--cache-sim=no", f"--callgrind-out-file={out}.%p"),
        *(python, __file__, "--child", side, "--requests", str(requests), *(path for _, path in pages)),
    ]
    process = subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    counted: dict[str, float] = {}
    names = dict((path, name) for name, path in pages)
    try:
        for line in process.stdout:
            if line.startswith("READY"):
                path = line.split(" ", 1)[1].strip()
                _control(process, "--zero")
                _control(process, "-i", "on")
            elif line.startswith("DONE"):
                _control(process, "-i", "off")
                _control(process, "--dump")
                dump = max(out.parent.glob(f"{out.name}.{process.pid}.*"), key=lambda p: int(p.suffix[1:]))
                total = next(int(w.split()[1]) for w in dump.read_text().splitlines() if w.startswith("totals:"))
                counted[names[path]] = total / requests / 1e6
                serving.log(f"{names[path]:<34} {counted[names[path]]:6.2f} M instructions a request")
            else:
                continue
            process.stdin.write("\n")
            process.stdin.flush()
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    return counted


def _control(process: subprocess.Popen, *options: str) -> None:
    subprocess.run(["callgrind_control", *options, str(process.pid)], capture_output=True, timeout=120, check=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=20, help="requests counted per page")
    parser.add_argument("--child", choices=["ceiling", "public", "queue"], help=argparse.SUPPRESS, dest="side")
    parser.add_argument("paths", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.side:
        return child(args)
    serving.setup_ceiling(proposals.CEILING_URL, reuse=True)
    ceiling = measure("ceiling", [("ceiling /events", proposals.CEILING_PAGE)], args.requests,
                      str(serving.CEILING_VENV / "bin" / "python"))["ceiling /events"]  # fmt: skip
    engage = measure("public", PUBLIC, args.requests, sys.executable)
    engage |= measure("queue", QUEUE, args.requests, sys.executable)
    print(f"\n{'page':<34}{'M instr/request':>16}{'ceiling ÷ page':>16}")
    print(f"{'ceiling /events':<34}{ceiling:>16.2f}{1:>15.2f}×")
    for name, count in engage.items():
        print(f"{name:<34}{count:>16.2f}{ceiling / count:>15.2f}×")


if __name__ == "__main__":
    main()
