"""Benchmark (not a test): a board's triage queue with 10,000 proposals in it, against the ceiling's 20-row page.

DESIGN.md's budget: a board's queue at 10,000 proposals reaches at least 0.4x the requests per second of the ceiling
app's 20-row page, same machine, same run, interleaved, gunicorn sync x 4 on PostgreSQL on both sides.

    .venv/bin/python bench/board_queue.py            # load 50,000 proposals, give one board 10,000 open ones, measure
    .venv/bin/python bench/board_queue.py --reuse    # measure again on the loaded database

What it does: loads proposals the way bench/proposals.py does (into BENCH_QUEUE_DATABASE_URL), then makes exactly
10,000 of them open (submitted, under review...) in the Community Safety Partnership's queue, adds a board member,
signs them in over HTTP once the servers are up (a real session, CSRF token and all), and measures the queue pages
with that session's cookie: the default queue, a filtered and re-sorted one, a deep page, and one proposal.
"""

import argparse
import os
import re
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import proposals as bench  # noqa: E402  (its loader and its rounds of measuring)
import serving  # noqa: E402

DATABASE_URL = os.environ.get("BENCH_QUEUE_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/engage_bench_queue")
BOARD = "community-safety-partnership"
QUEUE = 10_000
BUDGET = 0.4
MEMBER, PASSWORD = "queue.member@bench.example", "bench-password-123"
AGENT = "engage-bench"  # strong session protection ties a session to its user agent: every request sends this one
PAGES = [
    ("queue", f"/workspace/{BOARD}/"),
    ("overdue, supported", f"/workspace/{BOARD}/?age=overdue&sort=supported"),
    ("call to action, p.40", f"/workspace/{BOARD}/?call-to-action=3&page=40"),
]


def fill_the_queue(url: str) -> str:
    """Exactly QUEUE open proposals in BOARD's queue, a board member to sign in as; returns one queued reference."""
    import psycopg

    with psycopg.connect(serving.psycopg_url(url), connect_timeout=10) as conn:
        board = conn.execute("SELECT id FROM board WHERE slug = %s", (BOARD,)).fetchone()[0]
        open_ = "('submitted', 'under_review', 'more_info_requested', 'escalated', 'referred')"
        conn.execute(f"UPDATE proposal SET board_id = NULL WHERE board_id = %s AND status IN {open_}", (board,))
        conn.execute(
            f"UPDATE proposal SET board_id = %s WHERE id IN (SELECT id FROM proposal WHERE board_id IS NULL "
            f"AND status IN {open_} AND hidden_at IS NULL ORDER BY id LIMIT %s)",
            (board, QUEUE),
        )
        queued = conn.execute(
            f"SELECT count(*), min(reference) FROM proposal WHERE board_id = %s AND status IN {open_}", (board,)
        ).fetchone()
        conn.commit()
    with psycopg.connect(serving.psycopg_url(url), autocommit=True, connect_timeout=10) as conn:
        # As autovacuum would have, after moving so many rows (and changing the board's counters as many times).
        conn.execute("VACUUM ANALYZE proposal, board_status_count, board_call_to_action_count, queued_call_to_action")
    if queued[0] != QUEUE:
        raise SystemExit(f"only {queued[0]:,} open proposals to queue: load more (--proposals)")
    app = serving.engage_app(url)
    with app.app_context():
        from engage.accounts import services as accounts
        from engage.extensions import db

        member = accounts.user_by_email(MEMBER)
        if member is None:
            member = accounts.register("Queue Member", MEMBER, PASSWORD, ["works"], "en", True)
        accounts.grant(member, "board_member", BOARD)
        db.session.commit()
        db.engine.dispose()
    serving.log(f"{QUEUE:,} open proposals in the {BOARD} queue, {MEMBER} on its board")
    return queued[1]


def _cookie(response) -> str:
    return "; ".join(c.split(";", 1)[0] for c in response.headers.get_all("Set-Cookie") or [])


class _Keep(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # a sign-in answers 302: keep it, it carries the new cookie
        return None


def sign_in(base: str) -> list[str]:
    """Sign in over HTTP like a browser (page, token, post) and return the headers that carry the session."""
    opener = urllib.request.build_opener(_Keep)
    page = opener.open(urllib.request.Request(base + "/account/sign-in", headers={"User-Agent": AGENT}), timeout=30)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.read().decode()).group(1)
    form = urllib.parse.urlencode({"csrf_token": token, "email": MEMBER, "password": PASSWORD}).encode()
    request = urllib.request.Request(
        base + "/account/sign-in", data=form, headers={"User-Agent": AGENT, "Cookie": _cookie(page)}
    )
    try:
        answer = opener.open(request, timeout=30)
    except urllib.error.HTTPError as redirect:  # the 302 to the account page
        answer = redirect
    if answer.status != 302:
        raise SystemExit(f"signing in answered {answer.status}")
    return [f"Cookie: {_cookie(answer)}", f"User-Agent: {AGENT}"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--proposals", type=int, default=50_000, help="published proposals to load")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--duration", type=int, default=15, help="seconds of wrk per page and round")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of wrk per page before the rounds")
    parser.add_argument("--reuse", action="store_true", help="keep the databases loaded by an earlier run")
    parser.add_argument("--json", help="also write the raw wrk figures to this file")
    args = parser.parse_args()
    os.environ.setdefault("ENGAGE_INSTANCE_PATH", tempfile.mkdtemp(prefix="engage-bench-instance-"))
    sys.path.insert(0, str(serving.ROOT))
    bench.DATABASE_URL = DATABASE_URL
    if not args.reuse:
        bench.load_engage(DATABASE_URL, args.proposals)
    reference = fill_the_queue(DATABASE_URL)
    serving.ensure_wrk()
    serving.setup_ceiling(bench.CEILING_URL, args.reuse)
    pages = [*PAGES, ("one proposal", f"/workspace/{BOARD}/proposals/{reference}")]
    bench.measure(args, pages=pages, budget=BUDGET, sign_in=sign_in)


if __name__ == "__main__":
    main()
