"""``policykg build``, ``add`` and ``remove``: write the persistent store (loaders.store_build).

``build`` reads plans in parallel into a new generation of the store (default build/store/) and
switches to it when everything worked; ``--out FILE`` also exports it (.trig/.nq keep one graph per
plan, .ttl/.nt merge them); ``--out`` alone writes only the file, through a temporary store.
``add`` and ``remove`` change one plan in the current store the same copy-on-write way.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Annotated

import typer

from api.cli_corpus import CorrectionsOpt, PlaceOpt, given_place
from kg.store import DEFAULT_STORE

StoreOpt = Annotated[Path | None, typer.Option(
    "--store", "-s", help=f"The store directory (default {DEFAULT_STORE}).")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="Print only the summary line.")]
StrictOpt = Annotated[bool, typer.Option(help="Fail on warnings too (e.g. an unregistered organisation).")]
ValidateOpt = Annotated[bool, typer.Option("--validate/--no-validate", help="Check the plans against the SHACL "
                                           "shapes and print problems as warnings.")]


def register(app: typer.Typer) -> None:
    """Add ``build``, ``add`` and ``remove`` to the policykg CLI."""
    app.command()(build)
    app.command()(add)
    app.command()(remove)


def build(
    docs: Annotated[list[Path] | None, typer.Argument(
        help="Plan files or directories of plans. Default: the bundled plan "
             "(巨野县2023年深化营商环境创新提升行动实施方案).")] = None,
    store: StoreOpt = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Also write the graph to this file; the format "
                                             "follows the extension: .ttl .nt .trig .nq .jsonld. Alone (no --store), "
                                             "only the file is written.")] = None,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", min=1, help="Plans read at once, in worker "
                                             "processes (default: one per core).")] = None,
    corrections: CorrectionsOpt = None,
    strict: StrictOpt = False,
    endpoint: Annotated[str | None, typer.Option(
        "--endpoint", help="Also load the store into this SPARQL server's query URL (e.g. Virtuoso "
                           "http://host:8890/sparql), one named graph per plan, in batches of SPARQL Update.")] = None,
    update_endpoint: Annotated[str | None, typer.Option(
        "--update-endpoint", help="The server's SPARQL Update URL, if not the query URL's …/update beside "
                                  "…/query, nor the query URL itself.")] = None,
    quiet: QuietOpt = False,
    validate: ValidateOpt = True,
    place: PlaceOpt = None,
) -> None:
    """Read plan texts into the store (build/store/), with a summary and any warnings."""
    from kg.vocab import rdf_format_for
    from loaders.data import BUNDLED_PLAN
    from loaders.formats import expand_inputs
    from loaders.store_build import build_store

    if out is not None:
        rdf_format_for(out)  # a bad extension fails before any work is done
    given = given_place(place)  # so does a --place that names no division
    paths = docs or [BUNDLED_PLAN]
    total = len(expand_inputs(paths))
    root = store or (Path(tempfile.mkdtemp(prefix="policykg-build-")) if out is not None else DEFAULT_STORE)
    try:
        result = build_store(paths, root, jobs=jobs, corrections=_corrections(corrections), strict=strict,
                             validate=validate, out=out, progress=Progress(total, quiet), place=given)
        if endpoint:
            _load_into_server(root, endpoint, update_endpoint, quiet=quiet)
    finally:
        if store is None and out is not None:
            shutil.rmtree(root, ignore_errors=True)
    if store is None and out is not None:
        from loaders.store_build import NEW_ORGANIZATIONS, write_new_organizations

        listing = write_new_organizations(result.new_organizations, out.with_name(NEW_ORGANIZATIONS))
        target = str(out)
    else:
        listing = _in_current(root, result.listing)
        target = f"{root} and {out}" if out is not None else str(root)
    _report(result, f"built {target}", quiet=quiet, listing=listing)


def add(
    docs: Annotated[list[Path], typer.Argument(help="Plan files or directories of plans to add (or replace).")],
    store: StoreOpt = None,
    corrections: CorrectionsOpt = None,
    strict: StrictOpt = False,
    quiet: QuietOpt = False,
    validate: ValidateOpt = True,
    place: PlaceOpt = None,
) -> None:
    """Add plans to the store (a plan already there, by 文号, is replaced); the rest stays as it is."""
    from loaders.store_build import add_to_store

    root = store or DEFAULT_STORE
    given = given_place(place)
    result = add_to_store(docs, root, corrections=_corrections(corrections), strict=strict, validate=validate,
                          place=given)
    _report(result, f"added {len(result.iris)} plan(s) to {root}", quiet=quiet,
            listing=_in_current(root, result.listing))


def remove(
    document: Annotated[str, typer.Argument(help="The plan to remove: its IRI, 文号 or source file name.")],
    store: StoreOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Remove one plan from the store, with the organisations and counts only it brought."""
    from loaders.store_build import remove_from_store

    root = store or DEFAULT_STORE
    result = remove_from_store(document, root)
    _report(result, f"removed {result.iris[0]} from {root}", quiet=quiet, listing=None)


class Progress:
    """Progress on stderr: one updating line on a terminal, else one line per plan (more than one plan)."""

    def __init__(self, total: int, quiet: bool) -> None:
        self.total, self.quiet = total, quiet
        self.tty = sys.stderr.isatty()
        self.started = time.monotonic()

    def __call__(self, k: int, n: int, path: Path, seconds: float) -> None:
        if self.quiet or self.total < 2:
            return
        if not self.tty:
            typer.echo(f"[{k}/{n}] {path.name} ({seconds:.2f} s)", err=True)
            return
        elapsed = time.monotonic() - self.started
        left = elapsed / k * (n - k)
        width = 30
        bar = "#" * (width * k // n) + "-" * (width - width * k // n)
        line = f"\r[{bar}] {k}/{n} {elapsed:5.0f} s, ~{left:.0f} s left  {path.name[:40]}"
        sys.stderr.write(line.ljust(shutil.get_terminal_size((100, 20)).columns - 1)[:200])
        if k == n:
            sys.stderr.write("\n")
        sys.stderr.flush()


def _load_into_server(root: Path, endpoint: str, update_endpoint: str | None, *, quiet: bool) -> None:
    """Copy the store's current generation into a SPARQL server, one line of progress per graph."""
    from kg.remote_load import load_into_server
    from kg.remote_store import RemoteStore
    from kg.store import open_store

    def progress(k: int, n: int, graph: str | None, triples: int, seconds: float) -> None:
        if not quiet:
            typer.echo(f"endpoint [{k}/{n}] {graph or 'default graph'}: {triples} triples ({seconds:.2f} s)", err=True)

    remote = RemoteStore(endpoint, update_url=update_endpoint)
    with open_store(root) as opened:
        done = load_into_server(remote, opened.store, progress=progress)
    dropped = f", {len(done.dropped)} graph(s) of plans no longer built dropped" if done.dropped else ""
    typer.echo(f"loaded {done.triples} triples in {done.graphs} graph(s) into {endpoint} "
               f"({done.requests} update requests, {done.seconds:.1f} s{dropped})", err=True)


def _corrections(paths: list[Path] | None):
    from loaders.corrections import load_corrections

    return [load_corrections(p) for p in paths or []]


def _in_current(root: Path, path: Path) -> Path:
    """``path`` inside a generation, named through ``current``: the name that stays valid after the next change."""
    return root / "current" / path.name


def _report(result, what: str, *, quiet: bool, listing: Path | None) -> None:
    """Problems, the summary line, new organisations and validation, as every store command prints them."""
    if not quiet:
        for p in result.report.problems:
            typer.echo(str(p), err=True)
    s = result.counts
    problems = result.report.counts()
    typer.echo(
        f"{what}: {s['documents']} document(s), {s['domains']} domains, {s['tasks']} tasks, "
        f"{s['organizations']} organisations named ({s['organizations_in_graph']} with counterparts), "
        f"{s['deadlines']} deadlines, {s['references']} references, {s['targets']} targets, "
        f"{s['deployment_waits']} tasks waiting on higher deployment, {s['preconditions']} preconditions, "
        f"{s['triples']} triples; {problems.get('warn', 0)} warning(s), {problems.get('error', 0)} error(s)"
    )
    if listing is not None and result.new_organizations:
        places = len({o.place for o in result.new_organizations})
        typer.echo(f"registered {len(result.new_organizations)} organisation name(s) not in the registry, "
                   f"in {places} jurisdiction(s): see {listing}", err=True)
    if result.validation is not None:
        if not quiet:
            for issue in result.validation.issues:
                typer.echo(f"shacl {issue}", err=True)
        typer.echo(f"validation: {result.validation.summary()} (policykg validate for details)", err=True)
