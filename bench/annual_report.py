"""Benchmark (not a test): the annual report's figures for a year of 100,000 proposals, 5,000 congress registrations
and 500 work programme items, on PostgreSQL.

DESIGN.md's budget: the annual report for a year at 100,000 proposals and 5,000 registrations is generated in under
30 s (in a worker). This times engage.reports.figures.compute(year) in process, which is what the worker runs.

    .venv/bin/python bench/annual_report.py            # load the year (about 2 minutes), then time compute()
    .venv/bin/python bench/annual_report.py --reuse    # time again on the loaded database
    .venv/bin/python bench/annual_report.py --reuse --explain   # and EXPLAIN ANALYZE each query it issues

What it loads into BENCH_REPORT_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/engage_bench_report),
dropped and created: the proposals of bench/proposals.py (its loader, with their calls to action, journeys and 20,000
authors), all submitted within the municipal year 2025-26; then by COPY: 200,000 supports and 20,000 comments in the
year, the authors' connections varied, 5,000 answers to "did this resolve what you raised?", two congresses of the
year with a workshop per call to action and 2,500 registrations each (4 % without an account, 5 % waitlisted,
3 % cancelled, 70 % checked in), the congress-sourced proposals linked to their workshops, a work programme per
thematic board with 500 items in all (each with 3 progress updates, 1–2 calls to action, accepted proposals linked),
12 meetings per board, and an escalation for each escalated proposal; then VACUUM ANALYZE.
It prints each run's time, their median, the number of queries and the load average.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import proposals as bench  # noqa: E402  (its loader)
import serving  # noqa: E402
from serving import log, psycopg_url  # noqa: E402

DATABASE_URL = os.environ.get("BENCH_REPORT_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/engage_bench_report")
YEAR = 2025  # 1 July 2025 – 30 June 2026
PROPOSALS = 100_000
REGISTRATIONS = 5_000
ITEMS = 500
SUPPORTS = 200_000
COMMENTS = 20_000
ANSWERS = 5_000
BUDGET = 30.0
CONNECTIONS = ['["lives"]', '["lives", "works"]', '["works"]', '["studies"]', '["leisure"]', '["partner"]', "[]"]


def _moment(rng: random.Random) -> datetime:
    return bench.START + timedelta(seconds=rng.randrange(int((bench.END - bench.START).total_seconds())))


def load_the_rest(url: str, seed: int = 2025) -> None:
    """Everything but the proposals, at the scale the budget names."""
    import psycopg

    rng = random.Random(seed)
    started = time.monotonic()
    with psycopg.connect(psycopg_url(url), connect_timeout=10) as conn:
        cur = conn.cursor()
        users = [r[0] for r in cur.execute('SELECT id FROM "user" ORDER BY id')]
        for i, connections in enumerate(CONNECTIONS):
            cur.execute(
                'UPDATE "user" SET connections = %s::json WHERE id %% %s = %s',
                (connections, len(CONNECTIONS), i),
            )
        published = cur.execute(
            "SELECT id, status, source, board_id FROM proposal WHERE status != 'draft' AND hidden_at IS NULL"
        ).fetchall()
        ids = [row[0] for row in published]
        with cur.copy("COPY support (proposal_id, user_id, created_at) FROM STDIN") as copy:
            seen = set()
            while len(seen) < SUPPORTS:
                pair = (rng.choice(ids), rng.choice(users))
                if pair not in seen:
                    seen.add(pair)
                    copy.write_row((*pair, _moment(rng)))
        with cur.copy("COPY comment (proposal_id, author_id, body, created_at) FROM STDIN") as copy:
            for _ in range(COMMENTS):
                copy.write_row((rng.choice(ids), rng.choice(users), "I agree with this.", _moment(rng)))
        with cur.copy(
            "COPY resolution_check (proposal_id, reason, due_at, asked_at, answer, answered_at, why, why_public, "
            "created_at) FROM STDIN"
        ) as copy:
            for proposal_id in rng.sample([r[0] for r in published if r[1] in ("accepted", "declined")], ANSWERS):
                at = _moment(rng)
                answer = rng.choice(["yes", "partly", "no"])
                copy.write_row((proposal_id, "declined", at, at, answer, at, "", False, at))
        priorities = cur.execute(
            "SELECT priority.id, lead_board_id FROM priority JOIN plan ON plan.id = plan_id WHERE plan.current "
            "ORDER BY number"
        ).fetchall()
        load_congresses(cur, rng, users, [r[0] for r in published if r[2] == "congress"], priorities)
        load_programmes(cur, rng, [r[0] for r in published if r[1] == "accepted"], priorities)
        cur.execute(
            "INSERT INTO escalation (proposal_id, board_id, issue, ask, why_not_resolved, decision_reason, raised_at) "
            "SELECT id, board_id, 'Needs funding', 'Fund it', 'No budget', '', submitted_at + interval '20 days' "
            "FROM proposal WHERE status = 'escalated' AND board_id IS NOT NULL"
        )
        conn.commit()
    with psycopg.connect(psycopg_url(url), autocommit=True, connect_timeout=10) as conn:
        conn.execute("VACUUM ANALYZE")
    log(f"supports, comments, congresses, programmes, meetings loaded in {time.monotonic() - started:.1f} s")


def load_congresses(cur, rng: random.Random, users: list[int], from_congress: list[int], priorities) -> None:
    workshops = []
    for n, day in enumerate([datetime(2025, 11, 15, 10), datetime(2026, 5, 16, 10)]):
        congress_id = cur.execute(
            "INSERT INTO congress (slug, title, title_bn, starts_at, ends_at, venue, venue_access, venue_bn, "
            "venue_access_bn, capacity, confirmed, opens_at, closes_at, state) VALUES (%s, %s, '', %s, %s, "
            "'Oxford House', '', '', '', 3000, 0, %s, %s, 'published') RETURNING id",
            (f"congress-{n}", f"Congress {n}", day, day + timedelta(hours=6), day - timedelta(days=60), day),
        ).fetchone()[0]
        for priority_id, _board in priorities:
            workshops.append(
                (
                    cur.execute(
                        "INSERT INTO workshop (congress_id, priority_id, title, title_bn, starts_at, capacity, "
                        "confirmed) VALUES (%s, %s, 'Workshop', '', %s, 600, 0) RETURNING id",
                        (congress_id, priority_id, day + timedelta(hours=1)),
                    ).fetchone()[0],
                    congress_id,
                    day,
                )
            )
    places = []
    base = cur.execute("SELECT coalesce(max(id), 0) FROM registration").fetchone()[0]
    with cur.copy(
        "COPY registration (id, congress_id, user_id, reference, name, email, status, created_at, checked_in_at, "
        "language, attending_as, needs, priorities, consent_to_contact) FROM STDIN"
    ) as copy:
        people = rng.sample(users, REGISTRATIONS)
        for i in range(REGISTRATIONS):
            workshop_id, congress_id, day = rng.choice(workshops)
            account = rng.random() > 0.04
            status = rng.choices(["confirmed", "waitlisted", "cancelled"], weights=[92, 5, 3])[0]
            checked_in = day if status == "confirmed" and rng.random() < 0.7 else None
            copy.write_row(
                (
                    base + i + 1,
                    congress_id,
                    people[i] if account else None,
                    f"BR-{i:06d}",
                    "Someone",
                    f"guest{i}@bench.example" if account or rng.random() < 0.5 else "",
                    status,
                    day - timedelta(days=10),
                    checked_in,
                    "en",
                    "resident",
                    "{}",
                    "[]",
                    False,
                )
            )
            places.append((base + i + 1, workshop_id, "cancelled" if status == "cancelled" else "confirmed"))
    with cur.copy("COPY workshop_place (registration_id, workshop_id, status) FROM STDIN") as copy:
        for place in places:
            copy.write_row(place)
    cur.execute("SELECT setval(pg_get_serial_sequence('registration', 'id'), (SELECT max(id) FROM registration))")
    with cur.copy("COPY workshop_proposal (proposal_id, workshop_id) FROM STDIN") as copy:
        for proposal_id in from_congress:
            copy.write_row((proposal_id, rng.choice(workshops)[0]))


def load_programmes(cur, rng: random.Random, accepted: list[int], priorities) -> None:
    boards = [r[0] for r in cur.execute("SELECT id FROM board WHERE tier = 'thematic' ORDER BY position")]
    items = []
    for n, board_id in enumerate(boards):
        published = datetime(2025, 6, 20) if n % 3 else datetime(2025, 8, 1)
        programme_id = cur.execute(
            "INSERT INTO work_programme (board_id, year, published_at, created_at) VALUES (%s, %s, %s, %s) "
            "RETURNING id",
            (board_id, YEAR, published, published),
        ).fetchone()[0]
        for position in range(ITEMS // len(boards) + (1 if n < ITEMS % len(boards) else 0)):
            items.append(
                cur.execute(
                    "INSERT INTO work_programme_item (programme_id, position, title, description, target, status, "
                    "created_at) VALUES (%s, %s, %s, '', %s, %s, %s) RETURNING id",
                    (
                        programme_id,
                        position,
                        f"Item {position} of board {board_id}",
                        "A measure of success",
                        rng.choice(["not_started", "on_track", "at_risk", "off_track", "done"]),
                        published,
                    ),
                ).fetchone()[0]
            )
        for month in range(12):
            day = datetime(2025, 7, 8, 18) + timedelta(days=30 * month)
            minutes = day + timedelta(days=rng.choice([10, 20, 40])) if month % 5 else None
            cur.execute(
                "INSERT INTO meeting (board_id, starts_at, ends_at, place, agenda_published_at, minutes, "
                "minutes_published_at, cancelled_at, created_at, updated_at) VALUES (%s, %s, %s, '', %s, '', %s, "
                "%s, %s, %s)",
                (
                    board_id,
                    day,
                    day + timedelta(hours=2),
                    day - timedelta(days=7),
                    minutes,
                    day if month == 11 else None,
                    day,
                    day,
                ),
            )
    ids = [p[0] for p in priorities]
    with cur.copy("COPY work_programme_item_priority (item_id, priority_id) FROM STDIN") as copy:
        for item in items:
            for priority_id in rng.sample(ids, rng.randint(1, 2)):
                copy.write_row((item, priority_id))
    with cur.copy("COPY progress_update (item_id, status, body, created_at) FROM STDIN") as copy:
        for item in items:
            for month in (9, 12, 15):
                at = datetime(2025, 1, 1) + timedelta(days=30 * month)
                copy.write_row((item, rng.choice(["on_track", "at_risk"]), "Progress this quarter.", at))
    with cur.copy("COPY work_programme_item_proposal (item_id, proposal_id) FROM STDIN") as copy:
        for proposal_id in rng.sample(accepted, min(len(accepted), 2 * ITEMS)):
            copy.write_row((rng.choice(items), proposal_id))


def measure(url: str, rounds: int, explain: bool) -> None:
    app = serving.engage_app(url)
    with app.app_context():
        from sqlalchemy import event, text

        from engage.extensions import db
        from engage.reports import figures

        statements = []

        def record(conn, cursor, statement, parameters, context, executemany):
            statements.append((statement, parameters))

        event.listen(db.engine, "before_cursor_execute", record)
        found = figures.compute(YEAR)
        db.session.rollback()
        event.remove(db.engine, "before_cursor_execute", record)
        whole = found["partnership"]
        log(
            f"year {found['label']}: {whole['proposals']['received']:,} proposals received, "
            f"{whole['proposals']['supports']:,} supports, {whole['participation']['people']:,} people, "
            f"{sum(c['places_taken'] or 0 for c in found['congresses']):,} places taken, "
            f"{sum(sum(b['programme']['items_by_status'].values()) for b in found['boards'] if b['programme']):,} "
            f"items; {len(statements)} queries"
        )
        if explain:
            with db.engine.connect() as conn:
                for statement, parameters in statements:
                    plan = conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters).all()
                    print(statement[:300].replace("\n", " "), "\n   ", "\n    ".join(r[0] for r in plan[:3]))
                    print("    ...", plan[-1][0])
        times = []
        for n in range(rounds):
            started = time.perf_counter()
            figures.compute(YEAR)
            times.append(time.perf_counter() - started)
            db.session.rollback()
            log(f"round {n + 1}: compute({YEAR}) took {times[-1]:.2f} s (load average {serving.load_average()})")
        live = []
        for _ in range(rounds):
            started = time.perf_counter()
            figures.live(1, YEAR)
            live.append(time.perf_counter() - started)
            db.session.rollback()
        log(
            f"live(1, {YEAR}), the dashboard of call to action 1 over the whole year: median "
            f"{statistics.median(live):.2f} s of {rounds} ({', '.join(f'{t:.2f}' for t in live)})"
        )
        db.session.execute(text("SELECT 1"))
        db.engine.dispose()
    median = statistics.median(times)
    verdict = "within" if median < BUDGET else "OVER"
    print(
        f"annual report figures, {PROPOSALS:,} proposals: median {median:.2f} s of {rounds} rounds ({verdict} the "
        f"{BUDGET:.0f} s budget); load average {serving.load_average()} on {os.cpu_count()} CPUs"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--proposals", type=int, default=PROPOSALS)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--reuse", action="store_true", help="keep the database loaded by an earlier run")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE each query compute() issues")
    parser.add_argument("--reuse-proposals", action="store_true", help="load only what is not proposals")
    args = parser.parse_args()
    os.environ.setdefault("ENGAGE_INSTANCE_PATH", tempfile.mkdtemp(prefix="engage-bench-instance-"))
    sys.path.insert(0, str(serving.ROOT))
    # Every proposal of the loader submitted within the municipal year.
    bench.START, bench.END = datetime(2025, 7, 2), datetime(2026, 6, 28)
    if not args.reuse:
        if not args.reuse_proposals:
            bench.load_engage(DATABASE_URL, args.proposals)
        load_the_rest(DATABASE_URL)
    measure(DATABASE_URL, args.rounds, args.explain)


if __name__ == "__main__":
    main()
