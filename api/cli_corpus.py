"""policykg CLI commands for corpora of plans: ``diff``, ``review`` and ``evaluate``; and the corpus
side of ``policykg build`` (progress, named graphs, corrections, newly registered organisations).

Each calls the loaders' library functions: :mod:`loaders.corpus`, :mod:`loaders.plan_diff`,
:mod:`loaders.review`, :mod:`loaders.evaluation`.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Annotated

import typer

from api.cli_common import emit_rows
from kg.errors import LoadError

CorrectionsOpt = Annotated[
    list[Path] | None,
    typer.Option("--corrections", "-c", help="Corrections file(s) (YAML) to apply, besides the "
                 "corrections/*.yaml found next to each plan."),
]
_QUAD_SUFFIXES = (".trig", ".nq")


class CorpusBuild:
    """What ``policykg build`` reports on: the corpus result, with the merged graph made on demand."""

    def __init__(self, result) -> None:
        self.result = result
        self.report = result.report
        self.documents = result.documents

    @cached_property
    def graph(self):
        """Every triple once (the named graphs merged): for validation, remote stores and .ttl output."""
        return self.result.merged()

    def summary(self) -> dict[str, int]:
        return self.result.summary()


def build_and_save(docs: list[Path], out: Path, *, strict: bool = False, corrections: list[Path] | None = None,
                   quiet: bool = False) -> CorpusBuild:
    """Build the plans ``docs`` (files or directories) and write ``out``; the body of ``policykg build``.

    Progress goes to stderr, one line per document, when more than one is read. A .trig / .nq output
    keeps one named graph per document; other syntaxes merge them. Organisation names no registry
    entry knows are written to ``new-organizations.yaml`` beside ``out`` for a curator.

    Raises:
        LoadError: a plan or corrections file cannot be read, or (``strict``) a warning was raised.
    """
    from kg.graph import save_graph
    from loaders.build import expand_inputs
    from loaders.corpus import build_corpus
    from loaders.corrections import load_corrections

    extra = [load_corrections(p) for p in corrections or []]
    total = len(expand_inputs(docs))

    def progress(k: int, n: int, path: Path, seconds: float) -> None:
        if not quiet and total > 1:
            typer.echo(f"[{k}/{n}] {path.name} ({seconds:.2f} s)", err=True)

    result = build_corpus(docs, corrections=extra, progress=progress)
    result.report.raise_for_problems(strict=strict)
    build = CorpusBuild(result)
    _add_tallies(result.dataset)
    save_graph(result.dataset if out.suffix.lower() in _QUAD_SUFFIXES else build.graph, out)
    if result.new_organizations:
        listing = _write_new_organizations(result.new_organizations, out.with_name("new-organizations.yaml"))
        places = len({o.place for o in result.new_organizations})
        typer.echo(f"registered {len(result.new_organizations)} organisation name(s) not in the registry, "
                   f"in {places} jurisdiction(s): see {listing}", err=True)
    return build


def _add_tallies(dataset) -> None:
    """Write each plan's tallies (kg.aggregates) into the plan's own named graph."""
    from rdflib.namespace import PROV

    from kg.aggregates import aggregate_triples

    triples = aggregate_triples(dataset)
    plan_of = {s: o for s, p, o in triples if p == PROV.wasDerivedFrom}
    dataset.addN((s, p, o, dataset.graph(plan_of[s])) for s, p, o in triples)


def _write_new_organizations(orgs, path: Path) -> Path:
    import yaml

    entries = [{"name": o.name, "kind": o.kind, "level": o.level, "jurisdiction": o.place,
                "note": f"first seen in {o.first_seen}; {o.mentions} mention(s)"} for o in orgs]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("# Unit names no registry entry knows, per jurisdiction (kind guessed from the name).\n"
                    "# To register one, add it to loaders/data/organizations.yaml (or as an alias).\n"
                    + yaml.safe_dump({"organizations": entries}, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _load(path: Path):
    from loaders.policy_doc import load_policy_document

    if not path.is_file():
        raise LoadError(str(path), "", "no such file")
    return load_policy_document(path)


def _place(doc):
    from loaders.jurisdiction import jurisdiction_for
    from loaders.organizations import load_places

    return jurisdiction_for(doc.issuer, doc.title, load_places())


def register(app: typer.Typer) -> None:
    """Add ``diff``, ``review`` and ``evaluate`` to the policykg CLI."""

    @app.command()
    def diff(
        old: Annotated[Path, typer.Argument(help="The earlier (or higher-level) plan file.")],
        new: Annotated[Path, typer.Argument(help="The later (or lower-level) plan file.")],
        fmt: Annotated[str, typer.Option("--format", "-f", help="table, csv, json or xlsx")] = "table",
        out: Annotated[Path | None, typer.Option("--out", "-o", help="Write the table to this file.")] = None,
        rdf: Annotated[Path | None, typer.Option("--rdf", help="Also write the comparison as RDF "
                                                 "(.ttl, .nt, .jsonld …).")] = None,
        threshold: Annotated[float, typer.Option(help="Lowest similarity (0–1) at which two tasks match.")] = 0.35,
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
    ) -> None:
        """List the extractions a person should check, with correction stubs to copy into corrections/."""
        from loaders.corrections import apply_corrections, corrections_for, load_corrections
        from loaders.review import review_items, write_review

        plan = _load(doc)
        apply_corrections(plan, corrections_for(doc, [load_corrections(p) for p in corrections or []]))
        items = review_items(plan, place=_place(plan))
        target = write_review(plan, items, out or doc.with_name(doc.stem + ".review.yaml"))
        typer.echo(f"wrote {target}: {len(items)} item(s) to check in {len(plan.tasks)} tasks")

    @app.command()
    def evaluate(
        doc: Annotated[Path, typer.Argument(help="A plan file.")],
        answers: Annotated[Path, typer.Argument(help="Hand-read answers (JSON, the shape of tests/data/gold-sample.json).")],
        fmt: Annotated[str, typer.Option("--format", "-f", help="table, csv or json")] = "table",
        corrections: CorrectionsOpt = None,
        min_f1: Annotated[float | None, typer.Option("--min-f1", help="Exit 1 when a field scores lower.")] = None,
    ) -> None:
        """Score the extraction of a plan against a hand-read answer file: precision, recall, F1 per field."""
        from loaders.corrections import apply_corrections, corrections_for, load_corrections
        from loaders.evaluation import evaluate_document, load_answers, total

        plan = _load(doc)
        apply_corrections(plan, corrections_for(doc, [load_corrections(p) for p in corrections or []]))
        scores = evaluate_document(plan, load_answers(answers), place=_place(plan))
        rows = [s.as_row() for s in [*scores, total(scores)]]
        emit_rows(rows, ["field", "tp", "fp", "fn", "precision", "recall", "f1"], fmt, None)
        low = [s.field for s in scores if min_f1 is not None and s.f1 < min_f1]
        if low:
            typer.echo(f"policykg: below --min-f1 {min_f1}: {', '.join(low)}", err=True)
            raise typer.Exit(1)
