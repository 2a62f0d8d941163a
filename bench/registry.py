"""The public registry at scale: the page and the API against the raw psycopg queries of the same rows.

    .venv/bin/python bench/registry.py [--repeat 15]      # on the database bench/population.py built

Each figure is the median of ``--repeat`` interleaved rounds (Django, raw, Django, raw, …) in the same
run, so both sides see the same load. The pages are rendered from the database at every call (a parameter of
their own defeats the public pages' cache); the two "cached" rows measure the kept copy an anonymous visitor
gets instead. "raw" is what the database must do anyway for the same rows: the
count and the page's 50 rows (with their cluster's columns), run by psycopg with no Django at all.
Targets (issue 12): registry page ≤ 3× raw, registry API ≤ 2× raw. Exit status 1 when one is missed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common  # noqa: E402

COUNT_SQL = """
SELECT count(*) FROM labelling_label l JOIN clusters_cluster c ON c.id = l.cluster_id
WHERE l.status = 'active' AND c.public_profile {where}
"""
PAGE_SQL = """
SELECT l.id, l.certificate_number, l.level, l.status, l.awarded_on, l.expires_on, l.revoked_at,
       c.id, c.name, c.acronym, c.kind, c.country, c.region, c.sectors
FROM labelling_label l JOIN clusters_cluster c ON c.id = l.cluster_id
WHERE l.status = 'active' AND c.public_profile {where}
ORDER BY c.name, l.awarded_on DESC, l.certificate_number LIMIT 50 OFFSET {offset}
"""
SEARCH = "AND (lower(grappe_unaccent(c.name)) LIKE %(q)s OR lower(grappe_unaccent(c.acronym)) LIKE %(q)s)"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    _common.setup_django()
    from django.test import Client

    raw = _common.raw_connection()
    client = Client()

    def raw_page(where="", params=None, offset=0):
        def run():
            raw.execute(COUNT_SQL.format(where=where), params).fetchone()
            raw.execute(PAGE_SQL.format(where=where, offset=offset), params).fetchall()

        return run

    calls = iter(range(10**9))

    def get(url, *, rendered=True):
        """``rendered``: a parameter of its own on every call, so that the page is rendered from the database
        each time (a miss of the public pages' cache, core/public_cache.py); else the kept copy (a hit)."""

        def run():
            busted = f"{url}{'&' if '?' in url else '?'}bench={next(calls)}" if rendered else url
            response = client.get(busted)
            assert response.status_code == 200, (url, response.status_code)
            return response

        return run

    cases = [
        ("registry page", "/registry/", raw_page(), 3.0),
        ("registry page 100", "/registry/?page=100", raw_page(offset=99 * 50), 3.0),
        ("registry search", "/registry/?q=nekoe", raw_page(SEARCH, {"q": "%nekoe%"}), 3.0),
        ("registry API", "/api/v1/registry/", raw_page(), 2.0),
        ("registry API search", "/api/v1/registry/?q=NEKOE", raw_page(SEARCH, {"q": "%nekoe%"}), 2.0),
    ]
    from labelling.models import Label

    print(f"labels in the database      {Label.objects.count():,}")
    print(f"{'what':24} {'Django':>11} {'raw':>11} {'ratio':>7} {'target':>7} {'queries':>8}  verdict")
    failed = False
    cases += [
        ("registry page, cached", "/registry/", raw_page(), 3.0),
        ("registry API, cached", "/api/v1/registry/", raw_page(), 2.0),
    ]
    for name, url, raw_fn, target in cases:
        django_fn = get(url, rendered="cached" not in name)
        times = _common.interleaved({"django": django_fn, "raw": raw_fn}, repeat=args.repeat)
        queries = _common.queries_of(django_fn)
        d, r = _common.median(times["django"]), _common.median(times["raw"])
        ratio = d / r
        ok = ratio <= target
        failed |= not ok
        print(
            f"{name:24} {_common.ms(d)} {_common.ms(r)} {ratio:6.2f}× {target:6.1f}× {queries:8}  {_common.verdict(ok)}"
        )
    # the filter choices: cached; the cold computation for reference
    from labelling.selectors import registry as registry_selectors

    cold = _common.interleaved(
        {"choices": registry_selectors._registry_choices_uncached}, repeat=max(3, args.repeat // 3)
    )
    print(f"{'filter choices, cold':24} {_common.ms(_common.median(cold['choices']))}  (cached between label changes)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
