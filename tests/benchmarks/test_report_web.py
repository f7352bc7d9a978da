"""The benchmark report compares each measure with the issue's goal and says when it is missed."""

from benchmarks.report_web import goal_rows, page_rows


def _results(list_ms: float, page_ms: float, p99: float, errors: int) -> dict:
    return {"sizes": {"1000": {"oxigraph": {
        "api": {"rest_api": {"/tasks (first page)": {"ms": 40.0}, "/domains (first page)": {"ms": list_ms},
                             "/tasks/{number}": {"ms": 900.0}},
                "load": {"requests": 100, "errors": errors, "p99_ms": p99, "seconds": 60}},
        "analyses": {"analyses": {"collaboration (corpus)": {"s": 4.0, "read_s": 3.0, "analysis_s": 1.0, "nodes": 9},
                                  "bottlenecks (corpus)": {"s": 12.5, "read_s": 3.0, "analysis_s": 9.5, "nodes": 9}}},
        "pages": {"pages": {"ledger": {"path": "/ledger", "first_ms": 5000.0, "ms": page_ms}}},
    }}}}


def test_goal_rows_say_which_goals_are_met_and_by_what():
    rows = {r[1]: r for r in goal_rows(_results(350.0, 1200.0, 1500.0, 0))}
    # The slowest list page decides (a point lookup is not a list page).
    assert rows["REST list pages p50 ≤ 300 ms"][2:] == ["slowest 350 ms (/domains (first page))", "no"]
    assert rows["collaboration analysis ≤ 10 s"][3] == "yes"
    assert rows["bottlenecks analysis ≤ 10 s"][3] == "no"
    assert rows["any page in Chromium ≤ 3 s"][3] == "yes"  # repeat loads' median, not the first load
    assert rows["16 clients mixed, 60 s: 0 errors, p99 ≤ 2000 ms"][3] == "yes"


def test_an_error_under_load_misses_the_goal_whatever_the_latency():
    rows = {r[1]: r for r in goal_rows(_results(50.0, 1200.0, 100.0, 3))}
    assert rows["16 clients mixed, 60 s: 0 errors, p99 ≤ 2000 ms"][2:] == ["3 errors, p99 100 ms", "no"]


def test_page_rows_show_median_and_first_load():
    sizes, rows = page_rows(_results(50.0, 1234.0, 100.0, 0))
    assert sizes == ["N=1,000"] and rows == [["ledger", "1,234 (first 5,000)"]]
