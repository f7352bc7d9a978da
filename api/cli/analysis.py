"""``policykg analyze …``: workload, deadline crunch, status lights, network, impact, bottlenecks and
the collaboration graph export. Each command calls queries.analysis.reports, as the API routes do.

Tables are for people; ``--format json`` prints the same answer the API returns, ``--format csv``
its main table. ``--write-back FILE`` also saves every result as RDF (pk:NetworkAnalysis …).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from api.cli.common import EndpointOpt, GraphOpt, fail, write_output
from api.render import columns_of, dumps_json, render_rows
from kg.errors import QueryParameterError
from queries.analysis import BUSY_TASKS, EARLY_DAYS, YELLOW_DAYS

FormatOpt = Annotated[str, typer.Option("--format", "-f", help="table (for people), json or csv")]
OutOpt = Annotated[Path | None, typer.Option("--out", "-o", help="Write to this file instead of stdout.")]
DocOpt = Annotated[str | None, typer.Option("--doc", help="Analyse only this document (its IRI).")]
WriteBackOpt = Annotated[Path | None, typer.Option(
    "--write-back", help="Also save all analysis results as RDF to this file (.ttl, .nt, .jsonld …).")]

WORKLOAD_HEADERS = {"rank": "排名", "organization": "单位", "lead": "牵头", "responsible": "责任", "total": "合计",
                    "domain_lead": "领域牵头", "domains": "涉及领域", "lead_tasks": "牵头任务"}
NETWORK_HEADERS = {"organization": "单位", "degree": "合作单位", "weighted_degree": "合作任务", "betweenness": "中介",
                   "eigenvector": "特征向量", "core": "核数", "community": "社群", "articulation": "单点依赖",
                   "domains": "跨领域"}
STATUS_HEADERS = {"organization": "单位", "red": "红（逾期）", "yellow": "黄（临近）", "green": "绿", "open": "无时限",
                  "red_tasks": "逾期任务", "yellow_tasks": "临近任务"}
TASK_STATUS_HEADERS = {"task": "序号", "title": "任务", "status": "状态", "next_deadline": "下一时限",
                       "days_left": "剩余天数", "passed": "已过时限", "leads": "牵头单位"}
BOTTLENECK_HEADERS = {"rank": "排名", "organization": "单位", "score": "得分", "load": "负荷", "crunch": "集中度",
                      "brokerage": "中介", "dependence": "依赖", "lead": "牵头", "peak_month": "高峰月", "held_up": "受影响单位"}


def _flat(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return "、".join(str(_flat(v)) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_flat(v)}" for k, v in value.items())
    return value


def _table(rows: list[dict[str, Any]], headers: dict[str, str]) -> str:
    return str(render_rows([{c: _flat(r.get(c)) for c in headers} for r in rows], list(headers), "table",
                           headers=headers))


def _csv(rows: list[dict[str, Any]], columns: list[str] | None = None) -> str:
    cols = columns_of(rows, columns)
    return str(render_rows([{c: _flat(r.get(c)) for c in cols} for r in rows], cols, "csv", bom=False))


def _output(text: str, out: Path | None) -> None:
    if out is None:
        typer.echo(text)
    else:
        write_output(out, text)


def _check_format(fmt: str) -> str:
    if fmt not in ("table", "json", "csv"):
        raise fail(f"--format: unknown format {fmt!r} (use table, json or csv)", 2)
    return fmt


def _parse_date(text: str | None, analysis: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise QueryParameterError(analysis, "as_of", f"{text!r} is not a date (use YYYY-MM-DD)") from None


def _open(graph: list[Path] | None, endpoint: str | None, doc: str | None):
    from api.cli.common import open_source
    from queries.analysis.reports import PlanAnalysis

    return PlanAnalysis.from_source(open_source(graph, endpoint), doc=doc)


def _write_back(pa, path: Path | None, *, as_of: date | None = None, days: int = YELLOW_DAYS) -> None:
    if path is None:
        return
    from kg.graph import save_graph
    from kg.vocab import rdf_format_for
    from queries.analysis.reports import writeback_report

    rdf_format_for(path)
    g = writeback_report(pa, as_of=as_of, days=days)
    save_graph(g, path)
    typer.echo(f"wrote {path} ({len(g)} triples of analysis results)", err=True)


app = typer.Typer(
    name="analyze", no_args_is_help=True,
    help="Analyse collaboration, deadlines and bottlenecks of the plans (NetworkX over the graph).")


@app.command("workload")
def workload_cmd(graph: GraphOpt = None, endpoint: EndpointOpt = None, doc: DocOpt = None,
                 fmt: FormatOpt = "table", out: OutOpt = None, write_back: WriteBackOpt = None) -> None:
    """Tasks each organisation leads and supports (collective units listed last, unranked)."""
    from queries.analysis.reports import workload_report

    _check_format(fmt)
    pa = _open(graph, endpoint, doc)
    rows = workload_report(pa)
    _output(dumps_json(rows) if fmt == "json" else _csv(rows) if fmt == "csv" else _table(rows, WORKLOAD_HEADERS), out)
    _write_back(pa, write_back)


@app.command("crunch")
def crunch_cmd(graph: GraphOpt = None, endpoint: EndpointOpt = None, doc: DocOpt = None,
               days: Annotated[int, typer.Option(help="Flag deadlines within this many days of issue.")] = EARLY_DAYS,
               min_tasks: Annotated[int, typer.Option(help="An organisation-month with this many tasks due is busy.")] = BUSY_TASKS,
               fmt: FormatOpt = "table", out: OutOpt = None, write_back: WriteBackOpt = None) -> None:
    """The organisation × month deadline matrix, crunch months and too-early deadlines."""
    from queries.analysis.reports import crunch_report

    _check_format(fmt)
    pa = _open(graph, endpoint, doc)
    r = crunch_report(pa, days=days, min_tasks=min_tasks)
    months = [m["month"] for m in r["months"]]
    grid = [{"organization": x["organization"] + ("（集合）" if x["collective"] else ""),
             **{m: x["months"].get(m, "") for m in months}, "total": x["total"]} for x in r["matrix"]]
    if fmt == "json":
        text = dumps_json(r)
    elif fmt == "csv":
        text = _csv(grid, ["organization", *months, "total"])
    else:
        lines = [_table(grid, {"organization": "单位", **{m: m for m in months}, "total": "合计"}), ""]
        lines += [f"{m['month']}: {m['tasks']} tasks due" + ("  ← crunch month (above the average "
                  f"{m['average']:g})" if m["crunch"] else "") for m in r["months"]]
        lines += ["", f"busy organisation-months (≥ {min_tasks} tasks due):"]
        lines += [f"  {c['organization']} {c['month']}: {c['tasks']} (tasks {_flat(c['task_refs'])})" for c in r["busy"]]
        lines += ["", f"deadlines within {days} days of issue:"]
        lines += [f"  task {e['task']} {e['deadline']} = {e['date']}, {e['days_after_issue']} days after "
                  f"{e['issued']} ({_flat(e['leads'])})" for e in r["early_deadlines"]]
        text = "\n".join(lines)
    _output(text, out)
    _write_back(pa, write_back)


@app.command("status")
def status_cmd(graph: GraphOpt = None, endpoint: EndpointOpt = None, doc: DocOpt = None,
               as_of: Annotated[str | None, typer.Option("--as-of", help="YYYY-MM-DD (default: today).")] = None,
               days: Annotated[int, typer.Option("--days", help="Yellow when the next deadline is this near.")] = YELLOW_DAYS,
               by: Annotated[str, typer.Option(help="organization or task")] = "organization",
               fmt: FormatOpt = "table", out: OutOpt = None, write_back: WriteBackOpt = None) -> None:
    """Traffic lights (red/yellow/green/open) of every task on a date, by organisation or task."""
    from queries.analysis.reports import status_report

    _check_format(fmt)
    if by not in ("organization", "task"):
        raise fail(f"--by: {by!r} (use organization or task)", 2)
    day = _parse_date(as_of, "status")
    pa = _open(graph, endpoint, doc)
    r = status_report(pa, as_of=day, days=days)
    rows, headers = (r["organizations"], STATUS_HEADERS) if by == "organization" else (r["tasks"], TASK_STATUS_HEADERS)
    if fmt == "json":
        text = dumps_json(r)
    elif fmt == "csv":
        text = _csv(rows, list(headers))
    else:
        c = r["counts"]
        text = (f"as of {r['as_of']} (yellow within {days} days): {c['red']} red, {c['yellow']} yellow, "
                f"{c['green']} green, {c['open']} open\n\n" + _table(rows, headers))
    _output(text, out)
    _write_back(pa, write_back, as_of=day, days=days)


@app.command("network")
def network_cmd(graph: GraphOpt = None, endpoint: EndpointOpt = None, doc: DocOpt = None,
                ego: Annotated[str | None, typer.Option(help="Show this organisation's ego network instead.")] = None,
                hops: Annotated[int, typer.Option(help="Ego network radius: 1 or 2.")] = 1,
                fmt: FormatOpt = "table", out: OutOpt = None, write_back: WriteBackOpt = None) -> None:
    """Degree, betweenness, eigenvector, k-core, communities and single points of failure."""
    from queries.analysis.reports import network_report

    _check_format(fmt)
    pa = _open(graph, endpoint, doc)
    r = network_report(pa, ego=ego, hops=hops)
    if fmt == "json":
        text = dumps_json(r)
    elif ego:
        rows = [{"organization": t["a"], "partner": t["b"], "weight": t["weight"], "tasks": t["tasks"]}
                for t in r["ties"]]
        text = _csv(rows) if fmt == "csv" else (
            f"{r['organization']}: {len(r['nodes']) - 1} organisations within {hops} hop(s) "
            f"({_flat(r['hop_counts'])})\n\n"
            + _table(rows, {"organization": "单位", "partner": "合作单位", "weight": "共同任务", "tasks": "任务"}))
    elif fmt == "csv":
        text = _csv(r["organizations"], list(NETWORK_HEADERS))
    else:
        lines = [_table(r["organizations"], NETWORK_HEADERS), "",
                 f"{r['nodes']} organisations, {r['edges']} ties; betweenness {r['betweenness_method']}",
                 f"innermost core (k={r['k_core']['k']}): {_flat(r['k_core']['members'])}",
                 "single points of failure: " + ("; ".join(f"{k} (alone links {_flat(v)})"
                                                      for k, v in r["articulation_points"].items()) or "none")]
        lines += [f"community {i}: {_flat(c)}" for i, c in enumerate(r["communities"], start=1)]
        lines += [f"collective (not ranked): {c['organization']}, {c['degree']} partners" for c in r["collective_units"]]
        text = "\n".join(lines)
    _output(text, out)
    _write_back(pa, write_back)


@app.command("impact")
def impact_cmd(org: Annotated[str, typer.Argument(help="Organisation: canonical name, alias or IRI.")],
               graph: GraphOpt = None, endpoint: EndpointOpt = None, doc: DocOpt = None,
               fmt: FormatOpt = "table", out: OutOpt = None, write_back: WriteBackOpt = None) -> None:
    """If ORG slips: the tasks it leads, the partners held up, the tasks tied to them."""
    from queries.analysis.reports import impact_report

    _check_format(fmt)
    pa = _open(graph, endpoint, doc)
    r = impact_report(pa, org)
    if fmt == "json":
        text = dumps_json(r)
    elif fmt == "csv":
        text = _csv(r["led_tasks"])
    else:
        s = r["summary"]
        collective = sum(1 for p in r["partners"] if p["collective"])
        lines = [f"if {r['organization']} slips: {s['led']} tasks it leads slip, {s['partners']} partners wait"
                 + (f" ({collective} of them collective units)" if collective else "") + ", "
                 f"{s['tied_tasks']} more tasks are tied to them; {s['organizations_held_up']} organisations held up",
                 "", _table(r["led_tasks"], {"task": "序号", "title": "牵头任务", "deadlines": "时限", "partners": "合作单位"})]
        if r["tied_tasks"]:
            lines += ["", _table(r["tied_tasks"], {"task": "序号", "title": "关联任务", "because": "原因", "leads": "牵头单位"})]
        lines += ["", f"supports (responsible): {_flat(r['supported_tasks']) or 'none'}",
                  f"deadline months: {_flat(r['months']) or 'none'}"]
        text = "\n".join(lines)
    _output(text, out)
    _write_back(pa, write_back)


@app.command("bottlenecks")
def bottlenecks_cmd(graph: GraphOpt = None, endpoint: EndpointOpt = None, doc: DocOpt = None,
                    top: Annotated[int, typer.Option(help="Show this many (0 = all).")] = 10,
                    fmt: FormatOpt = "table", out: OutOpt = None, write_back: WriteBackOpt = None) -> None:
    """Organisations ranked by load × crunch × brokerage × dependence, with the reasons."""
    from queries.analysis.reports import bottlenecks_report

    _check_format(fmt)
    pa = _open(graph, endpoint, doc)
    rows = bottlenecks_report(pa, top=top or None)
    if fmt == "json":
        text = dumps_json(rows)
    elif fmt == "csv":
        text = _csv(rows, [*BOTTLENECK_HEADERS, "reasons"])
    else:
        lines = [_table(rows, BOTTLENECK_HEADERS), ""]
        for e in rows:
            lines.append(f"{e['rank']}. {e['organization']} (score {e['score']:g})")
            lines += [f"   - {reason}" for reason in e["reasons"]]
        text = "\n".join(lines)
    _output(text, out)
    _write_back(pa, write_back)


@app.command("collaboration")
def collaboration_cmd(graph: GraphOpt = None, endpoint: EndpointOpt = None, doc: DocOpt = None,
                      out: Annotated[Path | None, typer.Option(
                          "--out", "-o", help="FILE.graphml, FILE.gexf (Gephi, deadlines as time) or FILE.json; "
                                              "default: node-link JSON on stdout")] = None,
                      write_back: WriteBackOpt = None) -> None:
    """Export the organisation collaboration graph (label = name, weight = shared tasks)."""
    from queries.analysis.export import FORMATS, write_collaboration
    from queries.analysis.reports import collaboration_report

    if out is not None and out.suffix.lower() not in FORMATS:  # fail before reading the graph
        raise fail(f"--out {out}: unknown graph format (use {', '.join(FORMATS)})", 2)
    pa = _open(graph, endpoint, doc)
    if out is None:
        typer.echo(dumps_json(collaboration_report(pa)))
    else:
        write_collaboration(pa.G, out, pa.B if pa.sums is None else None)  # from a corpus's sums: no task deadlines
        typer.echo(f"wrote {out} ({pa.G.number_of_nodes()} organisations, {pa.G.number_of_edges()} ties)", err=True)
    _write_back(pa, write_back)
