"""policykg CLI commands for reasoning and validation: ``reason`` and ``validate``.

Both read the same graphs ``policykg query`` reads (--graph, default build/kg.ttl) and call the
library functions in kg.reasoner and kg.validation; ``policykg build`` calls
print_build_validation after writing the graph.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from api.cli_common import GraphOpt

DEFAULT_INFERRED = Path("build/kg-inferred.trig")



def register(app: typer.Typer) -> None:
    """Add ``reason`` and ``validate`` to the policykg CLI."""

    @app.command()
    def reason(
        graph: GraphOpt = None,
        out: Annotated[Path, typer.Option(
            "--out", "-o", help="Where to write the graph with the inferred triples. .trig/.nq keep them in "
                                "the named graph <https://w3id.org/policykg/graph/inferred>; .ttl/.nt merge them.",
        )] = DEFAULT_INFERRED,
        java: Annotated[str | None, typer.Option(help="The java executable (default: java on PATH).")] = None,
        memory: Annotated[int, typer.Option(help="JVM heap cap in MB for the reasoner.")] = 1024,
    ) -> None:
        """Check the graph is consistent with the ontology and classify it (HermiT via owlready2):
        cross-department, jointly led, higher-level dependent and Q4 tasks, multi-domain lead units."""
        from api.cli_common import open_source
        from kg.reasoner import reason_graph, write_inferred
        from kg.vocab import rdf_format_for

        rdf_format_for(out)  # a bad extension fails before the reasoner runs
        data = open_source(graph)
        result = reason_graph(data, java=java, memory_mb=memory)
        write_inferred(data, result, out)
        for cls, n in result.counts.items():
            typer.echo(f"{n:6d}  {_curie(cls)}")
        for prop, n in result.property_counts.items():
            typer.echo(f"{n:6d}  {_curie(prop)} (values)")
        typer.echo(f"consistent; wrote {out} with {len(result.inferred)} inferred triples; "
                   f"reasoning took {result.seconds:.1f} s (HermiT {result.hermit_seconds:.1f} s)")

    @app.command()
    def validate(
        graph: GraphOpt = None,
        report: Annotated[Path | None, typer.Option(
            "--report", "-r", help="Also write the SHACL validation report (e.g. report.ttl).")] = None,
        shapes: Annotated[Path | None, typer.Option(help="SHACL shapes file (default: ontology/shapes.ttl).")] = None,
    ) -> None:
        """Check the graph against the SHACL shapes; print each problem with its task number and
        sentence. Exits with status 1 if there is any violation (warnings do not fail)."""
        from api.cli_common import open_source
        from kg.validation import load_shapes, validate_graph
        from kg.vocab import rdf_format_for

        if report is not None:
            rdf_format_for(report)
        result = validate_graph(open_source(graph), shapes=load_shapes(shapes) if shapes else None)
        for issue in result.issues:
            typer.echo(str(issue))
        if report is not None:
            result.write(report)
            typer.echo(f"wrote SHACL report {report}", err=True)
        typer.echo(f"validation: {result.summary()}", err=True)
        if result.errors:
            raise typer.Exit(1)


def print_build_validation(g, *, quiet: bool = False) -> None:
    """Validate a freshly built graph and print its problems as warnings (the build still succeeds)."""
    from kg.validation import validate_graph

    result = validate_graph(g)
    if not quiet:
        for issue in result.issues:
            typer.echo(f"shacl {issue}", err=True)
    typer.echo(f"validation: {result.summary()} (policykg validate for details)", err=True)


def _curie(iri) -> str:
    from kg.graph import PREFIXES

    for prefix, ns in PREFIXES.items():
        if str(iri).startswith(str(ns)):
            return f"{prefix}:{str(iri)[len(str(ns)):]}"
    return str(iri)
