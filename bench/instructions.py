"""Benchmark (not a test): the instructions each page costs Engage's Python, against the ceiling's 20-row page.

On a shared machine CPU time swings by half from one minute to the next; instructions counted by valgrind's
callgrind do not (the same page costs the same within about 1 %, whatever else runs). So this is the figure to
compare two versions of the code by: it says nothing about the database's side, which the req/s benchmarks measure.

    .venv/bin/python bench/instructions.py                   # the public pages and the board's queue
    .venv/bin/python bench/instructions.py --requests 50     # more requests per page (default 20)
    .venv/bin/python bench/instructions.py --sign-ups        # the congress sign-up POST against the ceiling's

The pages need the databases bench/proposals.py and bench/board_queue.py load (run each once); the sign-ups make
their own (bench/congress.py's, anew). Each side runs in one

process under `valgrind --tool=callgrind --instr-atstart=no`: the app, as gunicorn's workers make it
(ENGAGE_ENV=production), warms each page up uninstrumented, then callgrind counts exactly the requests asked of it
through Flask's test client (whose own share, about 0.5 M instructions a request, both sides pay). Prints each
page's millions of instructions a request and the ceiling's divided by it: the ratio a quiet machine's req/s would
show if the database cost nothing.
"""

import argparse
import os
import random
import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import board_queue  # noqa: E402
import congress  # noqa: E402
import proposals  # noqa: E402
import serving  # noqa: E402

PUBLIC = [(name, path) for name, path in proposals.PAGES]
QUEUE = [(f"queue: {name}", path) for name, path in board_queue.PAGES]
SIGN_UPS = [("sign-up, spread over workshops", "spread"), ("sign-up, everyone on one congress", "hot")]
CEILING_SIGN_UPS = [
    ("ceiling register-notify, spread", "/events/{event}/register-notify"),
    ("ceiling register, one event", "/events/1/register"),
]
SIGN_UP_SECRET = "bench-" + "s" * 32
# Under load nearly everyone on one congress joins its waiting list (congress.py's 100 places go in the first
# second); here too, once the warm-up's 5 sign-ups have taken the places.
FULL_AFTER_WARMING_UP = congress.Programme(capacity=5)


def child(args) -> None:
    """Serve the pages in this process, counted by callgrind between READY and DONE (see measure())."""
    client = CLIENTS[args.side](args)
    paths = args.paths
    for path in paths:
        for _ in range(5):
            assert client.get(path).status_code in (200, 201, 302), path
    for path in paths:
        _step(f"READY {path}")
        for _ in range(args.requests):
            client.get(path)
        _step("DONE")


def _step(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()
    sys.stdin.readline()


def _ceiling_client(_args, url: str = proposals.CEILING_URL):
    os.environ["BENCH_DB_URL"] = url
    sys.path.insert(0, str(serving.CEILING_DIR))
    from ceiling_app import app

    return app.test_client()


class CeilingSignUps:
    """The ceiling's registration POST, another address each time, to one of its 200 events at random if the path
    leaves the event open (as its register_post.lua does)."""

    def __init__(self, args):
        os.environ["BENCH_BROKER"] = congress.CEILING_BROKER
        self.client, self.turn = _ceiling_client(args, congress.CEILING_URL), 0
        self.events = random.Random(7919)

    def get(self, path: str):
        self.turn += 1
        path = path.format(event=self.events.randint(1, 200))
        return self.client.post(path, data={"email": f"r{os.getpid()}-{self.turn}@example.org"})


class SignUps:
    """Engage's sign-up POST as bench/congress.py's wrk script makes it: Register on the check page, each request
    another signed-in person whose session carries their answers, a workshop in about half of the time slots
    (spread), or everyone on a congress without workshops (hot). Each notice is really handed to Celery (the
    benchmark's Redis), as the ceiling's register-notify is."""

    def __init__(self, args):
        os.environ.update(
            ENGAGE_ENV="production",
            SECRET_KEY=SIGN_UP_SECRET,
            ENGAGE_INSTANCE_PATH=tempfile.mkdtemp(),
            REDIS_URL=congress.REDIS_URL,
        )
        self.app = serving.engage_app(congress.DATABASE_URL)
        sessions = congress.signed_in(self.app, congress.add_people(self.app, args.requests + 5))
        self.slugs = {name: f"instructions-{name}-{os.getpid()}" for name in ("spread", "hot")}
        self.people = {}
        for name, programme in (("spread", congress.SPREAD), ("hot", FULL_AFTER_WARMING_UP)):
            slots = congress.new_congress(self.app, self.slugs[name], programme)[1]
            choices = congress.half_the_slots(slots, len(sessions), random.Random(7919))
            self.people[name] = iter(congress.credentials(self.app, sessions, self.slugs[name], choices))
        self.client = self.app.test_client(use_cookies=False)

    def get(self, name: str):
        cookie, csrf = next(self.people[name])
        return self.client.post(
            f"/congress/{self.slugs[name]}/register/check",
            data={"csrf_token": csrf},
            headers={
                "Cookie": f"session={cookie}",
                "User-Agent": congress.USER_AGENT,
                "Referer": "https://localhost/",  # the test client asks as PREFERRED_URL_SCHEME says: https
            },
            environ_base={"REMOTE_ADDR": "127.0.0.1"},
        )


def _engage_client(args):
    side = args.side
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


CLIENTS = {
    "ceiling": _ceiling_client,
    "public": _engage_client,
    "queue": _engage_client,
    "ceiling-sign-up": CeilingSignUps,
    "sign-up": SignUps,
}


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
    parser.add_argument("--sign-ups", action="store_true", help="the congress sign-up instead of the pages")
    parser.add_argument("--child", choices=list(CLIENTS), help=argparse.SUPPRESS, dest="side")
    parser.add_argument("paths", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.side:
        return child(args)
    ceiling_python = str(serving.CEILING_VENV / "bin" / "python")
    if args.sign_ups:
        serving.setup_ceiling(congress.CEILING_URL, reuse=False)
        congress.new_database(SIGN_UP_SECRET)
        ceiling = measure("ceiling-sign-up", CEILING_SIGN_UPS, args.requests, ceiling_python)
        engage = measure("sign-up", SIGN_UPS, args.requests, sys.executable)
        return _print(list(zip(SIGN_UPS, CEILING_SIGN_UPS, strict=True)), ceiling | engage)
    serving.setup_ceiling(proposals.CEILING_URL, reuse=True)
    ceiling = measure("ceiling", [("ceiling /events", proposals.CEILING_PAGE)], args.requests, ceiling_python)
    engage = measure("public", PUBLIC, args.requests, sys.executable)
    engage |= measure("queue", QUEUE, args.requests, sys.executable)
    _print([(page, ("ceiling /events", "")) for page in PUBLIC + QUEUE], ceiling | engage)


def _print(pairs, counted: dict[str, float]) -> None:
    """Each of Engage's figures beside the ceiling's it is compared to, and the ceiling's divided by it."""
    print(f"\n{'request':<36}{'M instr/request':>16}{'ceiling ÷ it':>14}  against")
    for (name, _), (ceiling, _) in pairs:
        print(f"{name:<36}{counted[name]:>16.2f}{counted[ceiling] / counted[name]:>13.2f}×  {ceiling} "
              f"({counted[ceiling]:.2f} M)")  # fmt: skip


if __name__ == "__main__":
    main()
