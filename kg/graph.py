"""Create, load and save graphs. Oxigraph (through oxrdflib) backs rdflib's API by default: its
SPARQL engine is about 100× faster than rdflib's on this workload, and the code keeps rdflib's API.
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


class Store(StrEnum):
    """Where a graph lives in this process: ``oxigraph`` (default, fast) or rdflib's ``memory``."""

    OXIGRAPH = "oxigraph"
    MEMORY = "memory"


_FORMATS = {
    ".ttl": "turtle",
    ".turtle": "turtle",
    ".nt": "nt",
    ".ntriples": "nt",
    ".nq": "nquads",
    ".trig": "trig",
    ".jsonld": "json-ld",
    ".json": "json-ld",
    ".rdf": "xml",
    ".owl": "xml",
    ".xml": "xml",
}
QUAD_FORMATS = {"nquads", "trig"}
# rdflib format names → pyoxigraph's RdfFormat names.
OX_FORMATS = {"turtle": "TURTLE", "nt": "N_TRIPLES", "nquads": "N_QUADS", "trig": "TRIG",
              "json-ld": "JSON_LD", "xml": "RDF_XML"}
# rdflib format → oxrdflib's native plugin of the same syntax. On the Oxigraph store, parsing and
# serialising in Rust is about 10× faster than rdflib's Python code (benchmarks/RESULTS.md: a
# 100-plan graph loads in 2.5 s instead of 26 s, saves in 1 s instead of 42 s). Triple syntaxes
# only: quad syntaxes keep rdflib's Dataset path so named graphs survive.
NATIVE_FORMATS = {"turtle": "ox-turtle", "nt": "ox-ntriples", "xml": "ox-xml"}

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


def rdf_format_for(path: str | Path) -> str:
    """Return the rdflib format name for a file, from its extension.

    Raises:
        LoadError: the extension is not an RDF syntax policykg reads or writes.
    """
    fmt = _FORMATS.get(Path(path).suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(_FORMATS))
        raise LoadError(str(path), "", f"unknown RDF file extension (use one of {known})")
    return fmt


def is_oxigraph(g: Graph) -> bool:
    """True when ``g`` is backed by Oxigraph (oxrdflib's store)."""
    return type(g.store).__name__ == "OxigraphStore"


def native_format(g: Graph, fmt: str) -> str:
    """The fastest plugin that reads or writes ``fmt`` for ``g``: Oxigraph's own when it can."""
    return NATIVE_FORMATS.get(fmt, fmt) if is_oxigraph(g) else fmt


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
            if fmt in QUAD_FORMATS:
                ds = Dataset()
                ds.parse(p, format=fmt)
                for s, pr, o, _ in ds.quads((None, None, None, None)):
                    g.add((s, pr, o))
            elif is_oxigraph(g) and fmt in NATIVE_FORMATS:
                g.parse(p, format=NATIVE_FORMATS[fmt], transactional=False)
            else:
                g.parse(p, format=fmt)
        except Exception as e:  # parser errors come in many types; report them as one
            raise LoadError(str(p), "", f"not valid {fmt}: {str(e).splitlines()[0] if str(e) else type(e).__name__}") from e
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
        if fmt in QUAD_FORMATS and not isinstance(g, Dataset):
            ds = bind_prefixes(Dataset())
            for t in g:
                ds.add(t)  # into the default graph
            ds.serialize(destination=fh, format=fmt)
        else:
            bind_prefixes(g)
            g.serialize(destination=fh, format=native_format(g, fmt))
    return path
