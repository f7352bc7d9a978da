"""Create, load and save graphs. Oxigraph (through oxrdflib) backs rdflib's API by default: its
SPARQL engine answers the saved questions far faster than rdflib's (benchmarks/RESULTS.md has both
columns), and the code keeps rdflib's API.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import BinaryIO

from rdflib import Dataset, Graph
from rdflib.namespace import DCTERMS, ORG, OWL, PROV, RDF, RDFS, SKOS, TIME, XSD

from kg.errors import GraphNotFound, LoadError, OntologyError
from kg.namespace import PK
from kg.vocab import RdfFormat, rdf_format_for


class Store(StrEnum):
    """Where a graph lives in this process: ``oxigraph`` (default, fast) or rdflib's ``memory``."""

    OXIGRAPH = "oxigraph"
    MEMORY = "memory"


# Plain strings: oxrdflib hands initNs straight to Oxigraph, which wants str, not rdflib namespaces.
PREFIXES: dict[str, str] = {k: str(v) for k, v in {
    "pk": PK._NS,
    "id": "https://w3id.org/policykg/id/",
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "skos": SKOS,
    "dcterms": DCTERMS,
    "org": ORG,
    "time": TIME,
    "prov": PROV,
}.items()}


def is_oxigraph(g: Graph) -> bool:
    """True when ``g`` is backed by Oxigraph (oxrdflib's store)."""
    return type(g.store).__name__ == "OxigraphStore"


def native_format(g: Graph, fmt: RdfFormat) -> str:
    """The fastest plugin that reads or writes ``fmt`` for ``g``: Oxigraph's own when it can.

    On the Oxigraph store, parsing and serialising in Rust beats rdflib's Python code many times
    over (benchmarks/ measures it).
    """
    return (fmt.native or fmt.rdflib) if is_oxigraph(g) else fmt.rdflib


def bind_prefixes(g: Graph) -> Graph:
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, override=True)
    return g


def new_graph(store: Store | str = Store.OXIGRAPH) -> Graph:
    """Return an empty graph with policykg's prefixes bound."""
    store = Store(store)
    g = Graph(store="Oxigraph") if store is Store.OXIGRAPH else Graph()
    return bind_prefixes(g)


def new_dataset(store: Store | str = Store.OXIGRAPH) -> Dataset:
    """Return an empty dataset (named graphs kept) with policykg's prefixes bound."""
    store = Store(store)
    ds = Dataset(store="Oxigraph") if store is Store.OXIGRAPH else Dataset()
    bind_prefixes(ds)
    return ds


def load_turtle_file(path: str | Path, what: str = "ontology") -> Graph:
    """Return the graph of a Turtle file the project ships (ontology, shapes, mappings).

    Raises:
        OntologyError: the file is missing or not valid Turtle; the message names the file and ``what``.
    """
    try:
        return new_graph(Store.MEMORY).parse(path, format="turtle")
    except FileNotFoundError as e:
        raise OntologyError(f"{path}: {what} file not found") from e
    except Exception as e:  # rdflib raises several unrelated parser exception types
        raise OntologyError(f"{path}: not a valid Turtle {what}: {e}") from e


def load_ontology(path: str | Path | None = None) -> Graph:
    """Return the policykg ontology as a graph.

    Raises:
        OntologyError: the file is missing or not valid Turtle.
    """
    if path is None:
        from ontology import ONTOLOGY_PATH

        path = ONTOLOGY_PATH
    return load_turtle_file(path, "ontology")


def load_graph(*paths: str | Path, store: Store | str = Store.OXIGRAPH) -> Graph:
    """Return one graph holding the triples of every file given (any RDF syntax, by extension).

    Raises:
        GraphNotFound: a file does not exist.
        LoadError: a file is not valid RDF in the syntax its extension says.
    """
    g = new_graph(store)
    for p in paths:
        p = Path(p)
        if not p.is_file():
            raise GraphNotFound(f"{p}: no such graph file (run `policykg build` first)")
        fmt = rdf_format_for(p)
        try:
            if fmt.quads:
                ds = Dataset()
                ds.parse(p, format=fmt.rdflib)
                for s, pr, o, _ in ds.quads((None, None, None, None)):
                    g.add((s, pr, o))
            elif is_oxigraph(g) and fmt.native:
                g.parse(p, format=fmt.native, transactional=False)
            else:
                g.parse(p, format=fmt.rdflib)
        except Exception as e:  # parser errors come in many types; report them as one
            raise LoadError(str(p), "", f"not valid {fmt.rdflib}: {str(e).splitlines()[0] if str(e) else type(e).__name__}") from e
    return g


@contextmanager
def atomic_write(path: str | Path) -> Iterator[BinaryIO]:
    """Open a temporary file beside ``path`` for writing; on success it replaces ``path`` at once.

    The data is flushed and fsynced before the rename, and the file gets the usual permissions
    (0644 less the umask; mkstemp's 0600 would hide a built graph from other users). On any error
    the temporary file is removed and ``path`` is left as it was.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o644 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save_graph(g: Graph, path: str | Path) -> Path:
    """Write ``g`` to ``path`` atomically, in the syntax its extension names.

    The file is written beside the target and renamed into place, so an interrupted or failed
    build never leaves a partial graph where a good one was. An Oxigraph-backed graph is written
    by Oxigraph's own serialiser where the syntax allows.
    """
    path = Path(path)
    fmt = rdf_format_for(path)
    with atomic_write(path) as fh:
        if fmt.quads and not isinstance(g, Dataset):
            ds = bind_prefixes(Dataset())
            for t in g:
                ds.add(t)  # into the default graph
            ds.serialize(destination=fh, format=fmt.rdflib)
        else:
            bind_prefixes(g)
            g.serialize(destination=fh, format=native_format(g, fmt))
    return path
