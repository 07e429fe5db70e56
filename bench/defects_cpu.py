"""CPU per Open311 POST (issue 23.3), far less dependent on the machine's load than reports/s: one process
posts N reports in a row through Django's test client as bench/defects.py does (the world of bench/defects.py,
the process frozen as a production worker) and reports the CPU (``time.process_time``) per POST, the
minimum and median of ROUNDS rounds, the queries of one POST and, with BENCH_PROFILE=1, the function calls
per POST counted by cProfile and the top of the profile.

BENCH_DEFECTS_DATABASE_URL (dropped and created, as bench/defects.py; BENCH_REPORTS=20000 is plenty: a POST
does not depend on the stored reports), BENCH_POST_N posts per round (default 200), BENCH_POST_ROUNDS
(default 5), BENCH_POST_BODY ``urlencoded`` (default, what GeoReport v2 clients send) or ``multipart``.
Not part of ``make bench``."""

from __future__ import annotations

import cProfile
import os
import pstats
import statistics
import time

import defects as world_of  # bench/defects.py: sets Django up on its database and builds the world

N = int(os.environ.get("BENCH_POST_N", "200"))
ROUNDS = int(os.environ.get("BENCH_POST_ROUNDS", "5"))
BODY = os.environ.get("BENCH_POST_BODY", "urlencoded")


def main() -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kitu.core.process import warm_up_and_freeze

    world = world_of.build()
    warm_up_and_freeze()
    post = world_of.poster(world, 0, BODY)
    for _ in range(30):  # warm-up: imports, connection, caches
        post()
    with CaptureQueriesContext(connection) as captured:
        post()
    queries = len(captured.captured_queries)
    rounds = []
    for _ in range(ROUNDS):
        cpu = time.process_time()
        for _ in range(N):
            post()
        rounds.append(1000 * (time.process_time() - cpu) / N)
    print(
        f"defects_cpu ({BODY}): {queries} queries per POST; CPU ms/POST over {ROUNDS}x{N}: "
        f"min {min(rounds):.2f} median {statistics.median(rounds):.2f}; load {os.getloadavg()[0]:.1f}"
    )
    if os.environ.get("BENCH_PROFILE"):
        profile = cProfile.Profile(time.process_time)
        profile.runcall(lambda: [post() for _ in range(N)])
        stats = pstats.Stats(profile)
        print(f"cProfile: {stats.total_calls / N:,.0f} function calls per POST")  # type: ignore[attr-defined]
        stats.sort_stats("cumulative").print_stats(int(os.environ.get("BENCH_PROFILE_TOP", "60")))
    world_of.purge_celery("mail")


if __name__ == "__main__":
    main()
