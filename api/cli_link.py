"""``policykg link``: join the graph to higher plans, outside graphs and Wikidata (registered into api.cli.app).

One command, run after ``policykg build county.txt province.txt``:

* plans: each lower plan aligned with the higher plans above it (queries.linking.align);
* outside graphs: RDF files (``--import``) or a SPARQL endpoint (``--endpoint``) mapped onto our
  vocabulary by SSSOM files (``--mapping``), their organisations matched to ours;
* places: Wikidata items of the divisions, asked of ``--endpoint`` (Wikidata's) by division code,
  or taken from the shipped snapshot when offline.

The links are added to the graph file read (so ``policykg serve`` shows them with no extra
step), or written on their own with ``--out``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    """Add this module's commands to the policykg CLI."""
    app.command("link")(link)


def link(
    graph: Annotated[list[Path] | None, typer.Option(
        "--graph", "-g", help="Graph file(s) holding the plans (default build/kg.ttl, or the bundled plan).")] = None,
    endpoint: Annotated[str | None, typer.Option(
        "--endpoint", help="A SPARQL endpoint to fetch candidates from: Wikidata "
        "(https://query.wikidata.org/sparql) for division ids, or a province's KG with --mapping.")] = None,
    import_files: Annotated[list[Path] | None, typer.Option(
        "--import", help="An outside ontology or KG as an RDF file (Turtle, RDF/XML, N-Triples, JSON-LD…).")] = None,
    mapping: Annotated[list[Path] | None, typer.Option(
        "--mapping", help="SSSOM TSV file mapping the outside vocabulary onto ours (repeatable).")] = None,
    offline: Annotated[bool, typer.Option(
        help="Never go on the network: answers come from the cache and the shipped snapshot.")] = False,
    cache_dir: Annotated[Path | None, typer.Option(
        help="Where remote answers are cached (default ~/.cache/policykg/sparql).")] = None,
    threshold: Annotated[float | None, typer.Option(
        help="Least score for a task to be linked as implementing a higher task (default 0.30).")] = None,
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="Write only the links to this file instead of adding them to the graph file.")] = None,
    sssom_out: Annotated[Path | None, typer.Option(
        "--sssom-out", help="Also write the alignments found as an SSSOM TSV mapping file.")] = None,
    evaluate: Annotated[Path | None, typer.Option(
        "--evaluate", help="A gold TSV (lower task, higher tasks): print precision and recall.")] = None,
) -> None:
    """Link plans to the higher plans they implement, outside graphs to ours, and places to Wikidata."""
    from api.cli_common import fail, open_source
    from kg.graph import load_graph, new_graph, save_graph
    from kg.settings import get_settings
    from loaders.outside_graphs import Translator, fetch_outside_graph, unmapped_class_census
    from loaders.sssom import read_sssom
    from queries.linking.align import (
        DEFAULT_THRESHOLD,
        align_plans,
        alignment_triples,
        link_triples,
        remove_alignments,
    )
    from queries.linking.endpoint import CachedEndpoint, LinkError, default_cache_dir
    from queries.linking.organizations import match_organizations
    from queries.linking.places import place_triples, resolve_places

    paths = graph or list(get_settings().graph_paths)
    if out is None and len(paths) != 1:
        raise fail("several --graph files: say where the links go with --out FILE", 2)
    g = open_source(graph, store_ok=False)  # the links are written back into a graph file
    if not hasattr(g, "add"):
        raise fail("link needs a local graph file, not a remote store", 2)
    translator = Translator([read_sssom(p) for p in mapping or []])
    remote = CachedEndpoint(endpoint, cache_dir=cache_dir or default_cache_dir(), offline=offline) if endpoint else None

    removed = remove_alignments(g)  # a rerun replaces, never piles up, earlier alignments
    links = new_graph()
    reports = []
    outside = [(str(p), load_graph(p)) for p in import_files or []]
    if remote is not None and translator.table:
        outside.append((endpoint, fetch_outside_graph(remote, translator)))
    elif remote is not None:
        typer.echo(f"note: no --mapping given: only division ids are asked of {endpoint}", err=True)
    for source, raw in outside:
        translated, report = translator.translate(raw, source=source)
        if source == endpoint and remote is not None:
            report.unmapped_classes.update(unmapped_class_census(remote, translator))
        report.organizations_matched = match_organizations(translated, g, place_names=_place_names(g))
        reports.append(report)
        for t in translated:
            g.add(t)
            links.add(t)
        for a in report.organizations_matched:
            for t in link_triples(a):
                g.add(t)
                links.add(t)

    result = align_plans(g, threshold=DEFAULT_THRESHOLD if threshold is None else threshold)
    for t in alignment_triples(result):
        g.add(t)
        links.add(t)

    try:
        matches = resolve_places(g, endpoint=remote)
    except LinkError as e:
        if not offline:
            raise
        typer.echo(f"note: {e}; division ids from the snapshot", err=True)
        matches = resolve_places(g)
    for t in place_triples(matches):
        g.add(t)
        links.add(t)

    target = out or paths[0]
    save_graph(links if out else g, target)  # Oxigraph's serialiser: rdflib's takes seconds
    if sssom_out:
        _write_sssom(sssom_out, [*result.domains, *result.tasks,
                                 *(a for r in reports for a in r.organizations_matched)])
    for r in reports:
        for line in r.lines():
            typer.echo(line, err=True)
    for m in matches:
        if m.wikidata is None:
            typer.echo(f"note: {m.name} ({m.code}): {m.note}", err=True)
    s = result.summary()
    typer.echo(
        f"linked {target}: {s['document_pairs']} plan pair(s), {s['domains']} domains aligned, "
        f"{s['tasks']} tasks implementing a higher task, {s['deployment_waits_resolved']} deployment waits "
        f"resolved, {sum(1 for m in matches if m.wikidata)}/{len(matches)} divisions with a Wikidata id"
        + (f", {len(reports)} outside graph(s) imported" if reports else "")
        + (f" (replaced {removed} earlier alignments)" if removed else "")
    )
    if evaluate:
        _print_evaluation(g, result, evaluate, threshold=DEFAULT_THRESHOLD if threshold is None else threshold)


def _place_names(g) -> list[str]:
    from rdflib.namespace import SKOS

    from kg.namespace import PK

    return sorted({str(n) for p in g.subjects(PK.divisionCode, None) for n in g.objects(p, SKOS.prefLabel)})


def _write_sssom(path: Path, alignments) -> None:
    from kg.graph import PREFIXES
    from loaders.sssom import SSSOMMapping, write_sssom

    rows = [SSSOMMapping(a.subject, _curie(a.predicate), a.object,
                         "semapv:ManualMappingCuration" if "mapping_file" in a.methods
                         else "semapv:LexicalSimilarityThresholdMatching",
                         a.score, comment="; ".join(a.evidence)) for a in alignments]
    text = write_sssom(rows, prefixes={k: v for k, v in PREFIXES.items() if k in {"pk", "id", "skos", "owl"}},
                       metadata={"mapping_set_id": "https://w3id.org/policykg/mappings/alignments",
                                 "mapping_set_description": "Alignments found by policykg link",
                                 "license": "https://creativecommons.org/licenses/by/4.0/"})
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    typer.echo(f"wrote {path} ({len(rows)} mappings)", err=True)


def _curie(iri) -> str:
    from kg.namespace import PK

    s = str(iri)
    for prefix, ns in (("pk", str(PK._NS)), ("skos", "http://www.w3.org/2004/02/skos/core#")):
        if s.startswith(ns):
            return f"{prefix}:{s[len(ns):]}"
    return s


def _print_evaluation(g, result, gold_path: Path, *, threshold: float) -> None:
    from api.cli_common import fail
    from queries.linking.evaluate import predicted_links, read_gold, score_links, task_numbers

    if len(result.document_pairs) != 1:
        raise fail(f"--evaluate needs exactly one pair of plans, found {len(result.document_pairs)}", 2)
    scores = score_links(predicted_links(result.best.values(), task_numbers(g), threshold=threshold),
                         read_gold(gold_path)).as_dict()
    typer.echo(f"evaluation at threshold {threshold}: precision {scores['precision']:.3f} "
               f"({scores['correct']}/{scores['predicted']}), recall {scores['recall']:.3f} "
               f"({scores['correct']}/{scores['gold']}), F1 {scores['f1']:.3f}")
