"""Create, load and save graphs. Oxigraph (through oxrdflib) backs rdflib's API by default: its
SPARQL engine is about 100× faster than rdflib's on this workload, and the code keeps rdflib's API.
"""

from __future__ import annotations

import os
import tempfile
from enum import StrEnum
from pathlib import Path

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


def load_ontology(path: str | Path | None = None) -> Graph:
    """Return the policykg ontology as a graph.

    Raises:
        OntologyError: the file is missing or not valid Turtle.
    """
    if path is None:
        from ontology import ONTOLOGY_PATH

        path = ONTOLOGY_PATH
    try:
        g = new_graph(Store.MEMORY)
        g.parse(path, format="turtle")
    except FileNotFoundError as e:
        raise OntologyError(f"{path}: ontology file not found") from e
    except Exception as e:  # rdflib raises several unrelated parser exception types
        raise OntologyError(f"{path}: not a valid Turtle ontology: {e}") from e
    return g


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
            else:
                g.parse(p, format=fmt)
        except Exception as e:  # parser errors come in many types; report them as one
            raise LoadError(str(p), "", f"not valid {fmt}: {str(e).splitlines()[0] if str(e) else type(e).__name__}") from e
    return g


def save_graph(g: Graph, path: str | Path) -> Path:
    """Write ``g`` to ``path`` atomically, in the syntax its extension names.

    The file is written beside the target and renamed into place, so an interrupted or failed
    build never leaves a partial graph where a good one was.
    """
    path = Path(path)
    fmt = rdf_format_for(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            if fmt in QUAD_FORMATS and not isinstance(g, Dataset):
                ds = bind_prefixes(Dataset())
                for t in g:
                    ds.add(t)  # into the default graph
                ds.serialize(destination=fh, format=fmt)
            else:
                g.serialize(destination=fh, format=fmt)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
