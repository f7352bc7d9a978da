"""policykg CLI commands for comparing and checking plans: ``diff``, ``review`` and ``evaluate``.

Each calls the loaders' library functions: :mod:`loaders.plan_diff`, :mod:`loaders.review`,
:mod:`loaders.evaluation`. Building the store is :mod:`api.cli.store`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from api.cli.common import FormatOpt, emit_rows, fail
from kg.errors import LoadError
from loaders.plan_diff import DEFAULT_THRESHOLD as DIFF_THRESHOLD

PlaceOpt = Annotated[
    str | None,
    typer.Option("--place", help="The plans' division, when their text does not say: a name (成都市, 巨野县) "
                 "or a GB/T 2260 code (510100). Default: found in each plan (header, 文号, title, text, file name)."),
]
CorrectionsOpt = Annotated[
    list[Path] | None,
    typer.Option("--corrections", "-c", help="Corrections file(s) (YAML) to apply, besides the "
                 "corrections/*.yaml found next to each plan."),
]


def given_place(text: str | None):
    """Return the division ``--place`` names (None when not given); a name of no division exits 2 with one line."""
    if text is None:
        return None
    from loaders.places import load_places

    try:
        return load_places().given(text)
    except LoadError as exc:
        raise fail(f"--place {text}: {exc.message}", 2) from None


def _load(path: Path):
    from loaders.policy_doc import load_policy_document

    if not path.is_file():
        raise LoadError(str(path), "", "no such file")
    return load_policy_document(path)


def _place(doc, given: str | None = None):
    """The plan's division: ``--place`` when given, else found from the plan (an unplaced one when unknown)."""
    from loaders.jurisdiction import find_place
    from loaders.places import load_places

    return find_place(doc, load_places(), given=given_place(given)).place


app = typer.Typer()  # its commands join the top level of `policykg` (api.cli.app)


@app.command()
def diff(
    old: Annotated[Path, typer.Argument(help="The earlier (or higher-level) plan file.")],
    new: Annotated[Path, typer.Argument(help="The later (or lower-level) plan file.")],
    fmt: FormatOpt = "table",
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write the table to this file.")] = None,
    rdf: Annotated[Path | None, typer.Option("--rdf", help="Also write the comparison as RDF "
                                             "(.ttl, .nt, .jsonld …).")] = None,
    threshold: Annotated[float, typer.Option(help="Lowest similarity (0–1) at which two tasks match.")] = DIFF_THRESHOLD,
    all_rows: Annotated[bool, typer.Option("--all", help="List unchanged tasks too.")] = False,
) -> None:
    """Compare two plans: tasks added, removed and changed, matched by text similarity."""
    from loaders.plan_diff import diff_plans, diff_triples

    result = diff_plans(_load(old), _load(new), threshold=threshold)
    rows = [r for r in result.rows() if all_rows or r["change"] != "unchanged"]
    emit_rows(rows, None, fmt, out)
    counts = result.counts()
    typer.echo(", ".join(f"{v} {k}" for k, v in counts.items()), err=True)
    if rdf is not None:
        from kg.graph import new_graph, save_graph

        g = new_graph()
        g.addN((s, p, o, g) for s, p, o in diff_triples(result))
        save_graph(g, rdf)
        typer.echo(f"wrote {rdf} ({len(g)} triples)", err=True)

@app.command()
def review(
    doc: Annotated[Path, typer.Argument(help="A plan file.")],
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Where to write the items: .yaml "
                                             "(with correction stubs) or .csv. Default: <plan>.review.yaml")] = None,
    corrections: CorrectionsOpt = None,
    place: PlaceOpt = None,
) -> None:
    """List the extractions a person should check, with correction stubs to copy into corrections/."""
    from loaders.corrections import apply_corrections, corrections_for, load_corrections
    from loaders.review import review_items, write_review

    plan = _load(doc)
    apply_corrections(plan, corrections_for(doc, [load_corrections(p) for p in corrections or []]))
    items = review_items(plan, place=_place(plan, place))
    target = write_review(plan, items, out or doc.with_name(doc.stem + ".review.yaml"))
    typer.echo(f"wrote {target}: {len(items)} item(s) to check in {len(plan.tasks)} tasks")

@app.command()
def evaluate(
    doc: Annotated[Path, typer.Argument(help="A plan file.")],
    answers: Annotated[Path, typer.Argument(help="Hand-read answers (JSON, the shape of tests/data/gold-sample.json).")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, csv or json")] = "table",
    corrections: CorrectionsOpt = None,
    min_f1: Annotated[float | None, typer.Option("--min-f1", help="Exit 1 when a field scores lower.")] = None,
    place: PlaceOpt = None,
) -> None:
    """Score the extraction of a plan against a hand-read answer file: precision, recall, F1 per field."""
    from loaders.corrections import apply_corrections, corrections_for, load_corrections
    from loaders.evaluation import evaluate_document, load_answers, total

    plan = _load(doc)
    apply_corrections(plan, corrections_for(doc, [load_corrections(p) for p in corrections or []]))
    scores = evaluate_document(plan, load_answers(answers), place=_place(plan, place))
    rows = [s.as_row() for s in [*scores, total(scores)]]
    emit_rows(rows, ["field", "tp", "fp", "fn", "precision", "recall", "f1"], fmt, None)
    low = [s.field for s in scores if min_f1 is not None and s.f1 < min_f1]
    if low:
        typer.echo(f"policykg: below --min-f1 {min_f1}: {', '.join(low)}", err=True)
        raise typer.Exit(1)
