"""Benchmark (not a test): Engage's public pages at 100,000 proposals against the ceiling's 20-row page.

DESIGN.md's budget: public pages (home, proposal list and search at 100,000 proposals, one proposal) reach at least
0.5x the requests per second of the ceiling app's 20-row page (../shared/bench/ceiling_app.py), measured on the same
machine in the same run, interleaved, gunicorn sync x 4 on PostgreSQL on both sides.

    .venv/bin/python bench/proposals.py                  # load, serve, measure: about 6 minutes with the defaults
    .venv/bin/python bench/proposals.py --reuse          # keep the loaded database, measure again
    .venv/bin/python bench/proposals.py --reuse --explain   # only the SQL each page issues, EXPLAIN ANALYZE'd

What it does:
  1. drops and creates BENCH_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/engage_bench_proposals),
     runs the migrations, `flask seed`, and COPYs in 100,000 published proposals (plus drafts and hidden ones,
     their calls to action, journeys and authors), then ANALYZE;
  2. sets up the ceiling as its README says: a venv of its own (BENCH_CEILING_VENV), its own database
     (BENCH_CEILING_DATABASE_URL), `python ceiling_app.py init`;
  3. counts the queries each page issues (in process, Flask's test client) and checks each answers 200;
  4. serves both with gunicorn -w 4 -k sync on free ports of 127.0.0.1, warms them up, then runs interleaved rounds
     with wrk -t2 -c32, each Engage page right after a run of the ceiling's /events, and prints req/s, p99 and the
     ratio to that run of the ceiling;
  5. stops the two gunicorns it started.

Only 127.0.0.1 is ever requested; every subprocess has a time limit.
"""

import argparse
import json
import os
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import serving
from serving import ROOT, engage_app, log, psycopg_url, recreate_database

DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/engage_bench_proposals")
CEILING_URL = os.environ.get(
    "BENCH_CEILING_DATABASE_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/engage_bench_ceiling_proposals"
)
BUDGET = 0.5

COMMON_WORD = "community"
RARE_WORD = "beekeeping"
PAGES = [
    ("list", "/proposals/"),
    ("search common", f"/proposals/?q={COMMON_WORD}"),
    ("search rare + cta", f"/proposals/?q={RARE_WORD}&call-to-action=3"),
    ("ward + supported", "/proposals/?ward=mile-end&sort=supported"),
    ("page 50", "/proposals/?page=50"),
    ("one proposal", "/proposals/TH-2026-00042"),
    ("home", "/"),
]
CEILING_PAGE = "/events"

# --------------------------------------------------------------------------------------------------------------------
# The proposals: varied text from a vocabulary, each topic belonging to a call to action of the current plan.

# call to action | what | the problem (of a group of people) | what to do
TOPICS = [
    tuple(line.split(" | "))
    for line in """
1 | multilingual advice sessions | cannot get advice in a language they speak | run advice sessions in Bengali, Somali and Turkish
1 | interpreters at the GP | miss appointments because nobody can interpret for them | book interpreters for every GP appointment that asks for one
1 | a hate crime reporting centre | do not know where to report racist abuse | open a hate crime reporting centre run with local faith groups
1 | step-free access to community halls | cannot get into half of the community halls | fit ramps and accessible toilets in every community hall
1 | an anti-racism training programme | say staff in public services treat them differently | train front-line staff in anti-racism with residents leading the sessions
1 | free meeting rooms for residents' groups | cannot afford to hire a room to meet | let residents' groups use council meeting rooms for free in the evenings
1 | a welcome pack for new arrivals | arrive in the borough without knowing which services exist | write a welcome pack for new arrivals in ten languages
2 | mental health drop-ins | wait months for talking therapy | open a weekly mental health drop-in at the Idea Store
2 | a walking group for older people | feel lonely and rarely leave home | start a walking group for older people with volunteers to lead it
2 | outdoor gyms | cannot afford a gym membership | install free outdoor gym equipment in the park
2 | a peer support group for carers | look after a relative and have no time for themselves | set up a peer support group for carers with respite cover
2 | cooking classes for families | rely on takeaways because healthy food feels out of reach | run cheap family cooking classes in school kitchens after hours
2 | a counselling service for young people | struggle with anxiety after the pandemic | fund a free counselling service for young people in secondary schools
2 | longer swimming pool opening hours | cannot swim before or after work | open the pools from 6 am and until 10 pm on weekdays
2 | community allotments | have no garden and nowhere to grow food | turn unused land behind the estate into community allotments
3 | benches along the canal towpath | cannot walk far without somewhere to rest | put a bench every 200 metres along the towpath
3 | safer crossings outside schools | cross a busy road where drivers do not slow down | install a zebra crossing and a speed display outside the school gates
3 | better street lighting | feel unsafe walking home after dark | replace the broken street lights and add lighting on the footpaths
3 | secure bike storage | have their bikes stolen from the stairwells | install secure bike hangars on every estate street
3 | faster repairs to council homes | wait months for damp and mould to be fixed | set a two-week target for damp and mould repairs and publish the figures
3 | more recycling bins | see rubbish piling up next to the full bins | double the number of recycling bins and empty them twice a week
3 | trees on main roads | breathe polluted air on the main roads | plant street trees on the main roads with residents adopting them
3 | a neighbourhood warden scheme | see drug dealing in the stairwells every night | bring back neighbourhood wardens who patrol the estates in the evening
3 | clean air around schools | walk their children to school through traffic fumes | close the streets outside primary schools to traffic at drop-off time
3 | water fountains in parks | have nowhere to get water on hot days | install drinking water fountains in every park
3 | wildflower meadows | miss the bees and butterflies that used to be in the parks | sow wildflower meadows in the parks
4 | evening ESOL classes | work during the day and cannot get to English classes | run free evening English classes with a crèche
4 | apprenticeships with local employers | leave school without a route into work | ask every partner organisation to offer apprenticeships to local young people
4 | a job fair for over-50s | are turned away from jobs because of their age | hold a job fair for people over 50 twice a year
4 | digital skills classes | cannot apply for jobs online | run free digital skills classes in libraries and community centres
4 | affordable childcare | cannot take a job because childcare costs too much | open affordable childcare places near the job centres
4 | a market for local traders | cannot afford a shop to start a business | open a weekly market with cheap pitches for local traders
4 | advice on benefits and debt | fall into debt because they do not claim what they are owed | hold benefits and debt advice sessions in every ward each month
4 | a living wage pledge | work full time and still cannot pay the bills | ask every partner to pay the London Living Wage and to their contractors too
5 | youth clubs open at weekends | have nowhere to go on Friday and Saturday nights | open the youth clubs on Friday and Saturday evenings
5 | safe play areas | have no safe place to play near home | rebuild the play areas on the estates with equipment for older children
5 | holiday activities with free meals | go hungry in the school holidays | run holiday activities with a free lunch in every ward
5 | homework clubs | have nowhere quiet to do homework | open homework clubs with tutors in libraries after school
5 | free football coaching | cannot afford to join a club | offer free football and cricket coaching in the parks
5 | a youth council | are never asked what they think | set up a youth council that reports to the partnership board
5 | support for young carers | miss school because they look after a parent | give young carers a named contact in every school
""".strip().splitlines()  # noqa: E501 (a table reads best one row a line)
]
# The rare word: about 1 proposal in 500.
RARE_TOPIC = (
    "3",
    f"{RARE_WORD} on estate rooftops",
    "want a skill that helps nature",
    f"set up {RARE_WORD} hives on roofs",
)
RARE_SHARE = 0.002
PREFIXES = ["More", "Better", "Free", "Safer", "Cheaper", "New", "Bring back", "Invest in", "Expand", "Improve"]
PLACES = [
    "in Bow",
    "near Whitechapel station",
    "on the Isle of Dogs",
    "in Poplar",
    "around Mile End",
    "in Bethnal Green",
    "along the Regent's Canal",
    "in Victoria Park",
    "in Stepney",
    "near Canary Wharf",
    "in Shadwell",
    "in Limehouse",
    "in Spitalfields",
    "in Wapping",
    "on the Ocean Estate",
    "in Bromley-by-Bow",
    "across the borough",
    "in Mile End Park",
    "near Brick Lane",
    "in Lansbury",
]
GROUPS = [
    "Older people",
    "Young people",
    "Parents",
    "Disabled residents",
    "Carers",
    "Families on low incomes",
    "Children",
    "People who work shifts",
    "Residents of the estate",
    "Women",
    "New arrivals",
    "Small businesses",
    "Students",
    "Tenants",
]
MORE_PROBLEM = [
    "This has got worse over the last two years.",
    "The community forum has raised it several times without an answer.",
    "Other boroughs have solved the same problem.",
    "Residents told us about it at the last congress.",
    "It affects the whole community, not just one street.",
    "Nobody seems to be responsible for it.",
    "The waiting list keeps getting longer.",
    "People have written to their councillors about it.",
    "We surveyed 200 neighbours and most of them agreed.",
    "It is worst in winter.",
]
MORE_IDEA = [
    "Local volunteers are ready to help run it.",
    "A community organisation could manage it with a small grant.",
    "It could start as a six-month pilot and be reviewed.",
    "The housing association has offered a space.",
    "It would cost less than what the problem costs now.",
    "The school and the mosque have both said they would take part.",
    "Residents should be asked how it works after a year.",
    "The idea came out of a community meeting last spring.",
    "It could be paid for from the neighbourhood community infrastructure levy.",
    "Partners already run something similar elsewhere.",
]
WHO = ["Everyone who lives nearby.", "The whole community.", "Anyone who uses the park.", "People on low incomes."]
# Published statuses: mostly submitted, under review and accepted.
STATUSES = [
    ("submitted", 30),
    ("under_review", 30),
    ("accepted", 20),
    ("declined", 6),
    ("more_info_requested", 4),
    ("escalated", 2),
    ("referred", 2),
    ("duplicate", 2),
    ("withdrawn", 4),
]
SOURCES = [("online", 85), ("paper", 7), ("phone", 3), ("congress", 5)]
START = datetime(2023, 11, 1)
END = datetime(2026, 11, 1)


def _choice(rng: random.Random, weighted: list[tuple]) -> str:
    return rng.choices([w[0] for w in weighted], weights=[w[1] for w in weighted])[0]


def _text(rng: random.Random) -> tuple[int, str, str, str, str]:
    cta, what, problem, idea = RARE_TOPIC if rng.random() < RARE_SHARE else rng.choice(TOPICS)
    cta = int(cta)
    place = rng.choice(PLACES)
    group = rng.choice(GROUPS)
    title = f"{rng.choice(PREFIXES)} {what} {place}"[:150]
    problem_text = " ".join([f"{group} {problem} {place}."] + rng.sample(MORE_PROBLEM, rng.randint(0, 3)))
    idea_text = " ".join([f"We propose to {idea} {place}."] + rng.sample(MORE_IDEA, rng.randint(0, 3)))
    who = f"{group}, {rng.choice(GROUPS).lower()} and {rng.choice(GROUPS).lower()}. {rng.choice(WHO)}"
    return cta, title, problem_text, idea_text, who


# --------------------------------------------------------------------------------------------------------------------
# Setting up


def load_engage(url: str, n: int, seed: int = 2026) -> None:
    import flask_migrate
    import psycopg

    from engage.extensions import db
    from engage.partnership import services as partnership

    started = time.monotonic()
    recreate_database(url)
    app = engage_app(url)
    with app.app_context():
        flask_migrate.upgrade()
        partnership.seed()
        db.session.commit()
        db.engine.dispose()
    log(f"migrated and seeded in {time.monotonic() - started:.1f} s")

    rng = random.Random(seed)
    with psycopg.connect(psycopg_url(url), connect_timeout=10) as conn:
        cur = conn.cursor()
        priorities = {}  # (current plan?, number) -> (id, lead board id)
        for pid, number, board, current in cur.execute(
            "SELECT priority.id, number, lead_board_id, plan.current FROM priority JOIN plan ON plan.id = plan_id"
        ):
            priorities[(current, number)] = (pid, board)
        old_numbers = sorted(number for current, number in priorities if not current)
        ward_ids = [r[0] for r in cur.execute("SELECT id FROM ward ORDER BY id")]
        organisation_ids = [r[0] for r in cur.execute("SELECT id FROM organisation ORDER BY id")]
        user_base = cur.execute('SELECT coalesce(max(id), 0) FROM "user"').fetchone()[0]

        n_users = max(n // 5, 100)
        with cur.copy(
            'COPY "user" (id, email, name, password_hash, connections, language, notice_choices, created_at, '
            "email_verified_at) FROM STDIN"
        ) as copy:
            first = ["Rahima", "Tom", "Ayesha", "Kwame", "Maria", "Abdul", "Shahana", "David", "Priya", "Sam"]
            last = ["Begum", "Okafor", "Khan", "Mensah", "Costa", "Karim", "Ahmed", "Levy", "Shah", "Clarke"]
            for i in range(1, n_users + 1):
                joined = (
                    START - timedelta(days=30) + timedelta(seconds=rng.randrange(int((END - START).total_seconds())))
                )
                copy.write_row(
                    (
                        user_base + i,
                        f"resident{i}@bench.example",
                        f"{rng.choice(first)} {rng.choice(last)}",
                        "!bench-no-login",
                        '["lives"]',
                        "bn" if rng.random() < 0.2 else "en",
                        "{}",
                        joined,
                        joined,
                    )
                )

        # The full-text index is built once after the COPY, from the migration's own definition.
        fulltext = cur.execute(
            "SELECT indexname, indexdef FROM pg_indexes "
            "WHERE indexname IN ('ix_proposal_fulltext', 'ix_proposal_search_document')"
        ).fetchall()
        for name, _definition in fulltext:
            cur.execute(f"DROP INDEX {name}")

        span = int((END - START).total_seconds())
        kinds = ["published"] * n + ["hidden"] * max(n // 300, 1) + ["draft"] * max(n // 50, 1)
        # Hidden proposals and drafts sit between the published ones, as ids are given when a draft starts;
        # ids go up with the submission date.
        rng.shuffle(kinds)
        submitted_dates = iter(sorted(START + timedelta(seconds=rng.randrange(span)) for k in kinds if k != "draft"))
        status_names, status_weights = zip(*STATUSES, strict=True)
        rows, links, journey = [], [], []
        per_year: dict[int, int] = {}
        for pid, kind in enumerate(kinds, start=1):
            cta, title, problem, idea, who = _text(rng)
            row = {
                "id": pid,
                "reference": None,
                "author_id": user_base + rng.randint(1, n_users),
                "title": title,
                "problem": problem,
                "idea": idea,
                "who_it_helps": who,
                "ward_id": rng.choice(ward_ids) if rng.random() < 0.85 else None,
                "organisation_id": rng.choice(organisation_ids) if rng.random() < 0.1 else None,
                "show_name": rng.random() < 0.4,
                "status": "draft",
                "board_id": None,
                "duplicate_of_id": None,
                "supports": 0,
                "source": _choice(rng, SOURCES),
                "created_at": None,
                "updated_at": None,
                "submitted_at": None,
                "hidden_at": None,
                "hidden_reason": None,
                "version": 1,
                "call_to_action_ids": None,
            }
            rows.append(row)
            if kind == "draft":
                row["created_at"] = row["updated_at"] = END - timedelta(seconds=rng.randrange(span // 3))
                row["idea"] = row["who_it_helps"] = ""
                continue
            submitted = next(submitted_dates)
            per_year[submitted.year] = per_year.get(submitted.year, 0) + 1
            # Before 2024 the proposals went to the previous plan's priorities.
            current = submitted >= datetime(2024, 1, 1)
            numbers = [cta if current else rng.choice(old_numbers)]
            for _ in range(rng.choices([0, 1, 2], weights=[55, 35, 10])[0]):
                other = rng.randint(1, 5) if current else rng.choice(old_numbers)
                if other not in numbers:
                    numbers.append(other)
            ids = [priorities[(current, number)][0] for number in numbers]
            links += [(pid, priority_id, i) for i, priority_id in enumerate(ids)]
            row["call_to_action_ids"] = "," + ",".join(map(str, ids)) + ","  # as its links' triggers write it
            status = rng.choices(status_names, weights=status_weights)[0]
            if (END - submitted).days < 45:
                status = "submitted" if rng.random() < 0.8 else "under_review"
            steps = {"submitted": ["submitted"], "withdrawn": ["submitted", "withdrawn"]}.get(status)
            steps = steps or list(dict.fromkeys(["submitted", "under_review", status]))
            board = priorities[(current, numbers[0])][1]
            at, previous = submitted, "draft"
            for step in steps:
                journey.append((len(journey) + 1, pid, None, at, previous, step, board, "", ""))
                previous, at = step, at + timedelta(days=rng.randint(3, 40))
            row.update(
                reference=f"TH-{submitted.year}-{per_year[submitted.year]:05d}",
                status=status,
                board_id=board,
                duplicate_of_id=max(pid - rng.randint(1, 5000), 1) if status == "duplicate" else None,
                supports=min(
                    int(rng.paretovariate(1.1)) - 1 + (rng.randint(0, 30) if status == "accepted" else 0), 5000
                ),
                created_at=submitted - timedelta(minutes=rng.randint(5, 3000)),
                updated_at=min(at, END),
                submitted_at=submitted,
            )
            if kind == "hidden":
                row.update(hidden_at=submitted + timedelta(days=2), hidden_reason="Personal details in the text")
        columns = list(rows[0])
        with cur.copy(f"COPY proposal ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(tuple(row.values()))
        # Each proposal came with its call_to_action_ids: the links' triggers would write it again once a link, each
        # time a new version of the row (the load took twice as long and left the table twice its size).
        cur.execute("ALTER TABLE proposal_priority DISABLE TRIGGER USER")
        with cur.copy("COPY proposal_priority (proposal_id, priority_id, position) FROM STDIN") as copy:
            for link in links:
                copy.write_row(link)
        cur.execute("ALTER TABLE proposal_priority ENABLE TRIGGER USER")
        with cur.copy(
            "COPY status_change (id, proposal_id, actor_id, at, from_status, to_status, board_id, public_reason, "
            "internal_note) FROM STDIN"
        ) as copy:
            for change in journey:
                copy.write_row(change)
        for year, last in per_year.items():
            cur.execute("INSERT INTO reference_counter (year, last) VALUES (%s, %s)", (year, last))
        for table in ("user", "proposal", "status_change"):
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), (SELECT max(id) FROM \"{table}\"))"
            )
        conn.commit()
        log(
            f"copied {len(rows):,} proposals ({n:,} published), {len(links):,} calls to action, "
            f"{len(journey):,} journey steps, {n_users:,} authors in {time.monotonic() - started:.1f} s"
        )
        if fulltext:
            cur.execute("SET maintenance_work_mem = '256MB'")
            for _name, definition in fulltext:
                cur.execute(definition)
            conn.commit()
    with psycopg.connect(psycopg_url(url), autocommit=True, connect_timeout=10) as conn:
        conn.execute("VACUUM ANALYZE")
    log(f"database ready in {time.monotonic() - started:.1f} s")


# --------------------------------------------------------------------------------------------------------------------
# What each page asks the database


class Recorder:
    def __init__(self):
        self.statements: list[tuple[str, object]] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        self.statements.append((statement, parameters))


def page_queries(url: str, explain: bool) -> dict[str, int]:
    """Each page's query count (and its EXPLAIN ANALYZE with --explain), in process, after a first warm request."""
    from sqlalchemy import event, text

    from engage.extensions import db

    app = engage_app(url)
    counts, matches = {}, {}
    with app.app_context():
        engine = db.engine
    client = app.test_client()
    for name, path in PAGES:
        client.get(path)
        recorder = Recorder()
        event.listen(engine, "before_cursor_execute", recorder)
        try:
            response = client.get(path)
        finally:
            event.remove(engine, "before_cursor_execute", recorder)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
        statements = [s for s in recorder.statements if s[0].strip().upper() != "SELECT 1"]
        counts[name] = len(statements)
        if path.startswith("/proposals/?") or path == "/proposals/":
            from engage.proposals import routes, search

            with app.test_request_context(path):
                matches[name] = search.find(routes._filters())[1]
        if not explain:
            continue
        print(
            f"\n==== {name}: GET {path} — {len(recorder.statements)} statements "
            f"({len(recorder.statements) - len(statements)} of them pool pre-ping)"
        )
        with app.app_context():
            for statement, parameters in statements:
                print(f"\n-- {statement.strip()}\n-- parameters: {parameters}")
                plan = db.session.connection().exec_driver_sql(
                    "EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters or {}
                )
                print("\n".join(row[0] for row in plan))
            db.session.rollback()
            db.session.execute(text("SELECT 1"))
    with app.app_context():
        db.engine.dispose()
    print("proposals matching: " + ", ".join(f"{name} {n:,}" for name, n in matches.items()))
    return counts


# --------------------------------------------------------------------------------------------------------------------
# Serving and measuring


def measure(args, pages=PAGES, budget: float = BUDGET, sign_in=None) -> None:
    """Serve both apps and run the interleaved rounds over `pages`; `sign_in(base)`, if given, returns the headers
    (a session cookie) Engage's pages are requested with."""
    workdir = Path(tempfile.mkdtemp(prefix="engage-bench-proposals-"))
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "FLASK_DEBUG")}
    engage_env = {
        **env,
        "DATABASE_URL": DATABASE_URL,
        "ENGAGE_ENV": "production",
        "SECRET_KEY": "bench-" + os.urandom(16).hex(),
        "ENGAGE_INSTANCE_PATH": str(workdir / "instance"),
    }
    ceiling_env = {**env, "BENCH_DB_URL": CEILING_URL, "PYTHONDONTWRITEBYTECODE": "1"}
    servers: list[serving.Server] = []
    try:
        gunicorn = Path(sys.executable).parent / "gunicorn"
        servers.append(serving.serve("engage", gunicorn, "engage:create_app()", ROOT, engage_env, DATABASE_URL,
                                     workdir, "/"))  # fmt: skip
        ceiling_gunicorn = serving.CEILING_VENV / "bin" / "gunicorn"
        servers.append(serving.serve("ceiling", ceiling_gunicorn, "ceiling_app:app", serving.CEILING_DIR, ceiling_env,
                                     CEILING_URL, workdir, CEILING_PAGE))  # fmt: skip
        engage, ceiling = servers
        log(f"Engage on {engage.base} (gunicorn master {engage.process.pid}), ceiling on {ceiling.base} "
            f"(master {ceiling.process.pid}); logs in {workdir}")  # fmt: skip
        headers = tuple(sign_in(engage.base)) if sign_in else ()
        targets = [("ceiling /events", ceiling, CEILING_PAGE)] + [(n, engage, p) for n, p in pages]
        for _name, server, path in targets:
            serving.wrk(server.base + path, args.warmup, headers=headers if server is engage else ())
        results: dict[str, list[dict]] = {name: [] for name, _, _ in targets}
        loads: list[float] = []
        header = f"{'page':<20}{'req/s':>7}{'p99 ms':>8}{'× ceiling':>10}  {'CPU ms/req app+db':>18}{'× ceiling':>10}"
        for round_number in range(1, args.rounds + 1):
            loads.append(os.getloadavg()[0])
            print(f"\nround {round_number} of {args.rounds} (wrk -t2 -c32 -d{args.duration}s; "
                  f"load average {serving.load_average()})")  # fmt: skip
            print(header + f"{'non-2xx':>9}{'errors':>7}")
            # Each page against a run of the ceiling just before it: this machine's speed swings by up to 2x from
            # one window of seconds to the next, so a ceiling measured a minute earlier says little.
            for name, server, path in targets[1:]:
                base: dict = {}
                for label, target, where in (("ceiling /events", ceiling, CEILING_PAGE), (name, server, path)):
                    r = serving.run(target, where, args.duration, headers=headers if target is engage else ())
                    r["round"] = round_number
                    base = r if target is ceiling else base
                    results[label].append(serving.compare(r, base))
                    cpu = f"{r['app_cpu_ms']:.2f}+{r['db_cpu_ms']:.2f}"
                    print(f"{label:<20}{r['rps']:>7.0f}{r['p99_ms']:>8.1f}{r['ratio']:>9.2f}×  {cpu:>18}"
                          f"{r['cpu_ratio']:>9.2f}×{r['non2xx']:>9}{r['errors']:>7}", flush=True)  # fmt: skip
        print(f"\nmedian of {args.rounds} rounds; budget: ≥ {budget}× the ceiling's 20-row page in req/s")
        print(header + f"{'min ×':>8}  verdict")
        for name, server, _ in targets:
            rs = results[name]
            med = serving.medians(rs)
            verdict = ""
            if server is not ceiling:
                verdict = "within budget" if med["ratio"] >= budget else "UNDER BUDGET"
                if (med["ratio"] >= budget) != (med["cpu_ratio"] >= budget):
                    verdict += " (the CPU ratio disagrees)"
            cpu = f"{med['app_cpu_ms']:.2f}+{med['db_cpu_ms']:.2f}"
            print(f"{name:<20}{med['rps']:>7.0f}{med['p99_ms']:>8.1f}{med['ratio']:>9.2f}×  {cpu:>18}"
                  f"{med['cpu_ratio']:>9.2f}×{min(r['ratio'] for r in rs):>7.2f}×  {verdict}")  # fmt: skip
        print("CPU ms/req: user+system CPU of the gunicorn workers and of the database's backends (parallel query")
        print("workers not included) over the run, per request; on a shared machine its ratio is the steadier one.")
        serving.warn_if_busy(loads)
        if args.json:
            Path(args.json).write_text(json.dumps(results, indent=1))
    finally:
        for server in servers:
            serving.stop(server.process)
        log("servers stopped")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--proposals", type=int, default=100_000, help="published proposals to load")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--duration", type=int, default=15, help="seconds of wrk per page and round")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of wrk per page before the rounds")
    parser.add_argument("--reuse", action="store_true", help="keep the databases loaded by an earlier run")
    parser.add_argument("--explain", action="store_true", help="print each page's SQL with EXPLAIN ANALYZE, then stop")
    parser.add_argument("--json", help="also write the raw wrk figures to this file")
    args = parser.parse_args()
    os.environ.setdefault("ENGAGE_INSTANCE_PATH", tempfile.mkdtemp(prefix="engage-bench-instance-"))
    sys.path.insert(0, str(ROOT))

    if not args.reuse:
        load_engage(DATABASE_URL, args.proposals)
    counts = page_queries(DATABASE_URL, args.explain)
    print("queries per page (after a warm request, pool pre-ping not counted): "
          + ", ".join(f"{name} {n}" for name, n in counts.items()))  # fmt: skip
    if args.explain:
        return
    serving.ensure_wrk()
    serving.setup_ceiling(CEILING_URL, args.reuse)
    measure(args)


if __name__ == "__main__":
    main()
