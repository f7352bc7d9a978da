"""SSSOM TSV mapping files, read and written without a library (https://mapping-commons.github.io/sssom/).

A file is a YAML header on lines starting with ``#`` (``curie_map``, ``mapping_set_id``, licence …)
followed by a tab-separated table, one mapping per row. policykg reads the columns it acts on
(subject_id, predicate_id, object_id, mapping_justification, confidence, labels, types, comment)
and keeps the rest of a row untouched in ``extra``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kg.errors import LoadError
from kg.graph import PREFIXES

# Prefixes every SSSOM file may use without declaring them (the spec's built-in prefixes).
BUILTIN_PREFIXES: dict[str, str] = {
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "semapv": "https://w3id.org/semapv/vocab/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "sssom": "https://w3id.org/sssom/",
}
PREDICATES = frozenset({
    "skos:exactMatch", "skos:closeMatch", "skos:broadMatch", "skos:narrowMatch", "skos:relatedMatch",
    "owl:equivalentClass", "owl:equivalentProperty", "owl:sameAs", "rdfs:subClassOf", "rdfs:subPropertyOf",
    "pk:implements", "pk:alignedWith",  # what `policykg link --sssom-out` writes for plan alignments
})
REQUIRED = ("subject_id", "predicate_id", "object_id", "mapping_justification")
COLUMNS = ("subject_id", "subject_label", "predicate_id", "object_id", "object_label",
           "mapping_justification", "subject_type", "object_type", "confidence", "comment")


@dataclass(frozen=True)
class SSSOMMapping:
    """One row: ``subject`` and ``object`` as full IRIs, ``predicate`` as a CURIE of PREDICATES."""

    subject: str
    predicate: str
    object: str
    justification: str
    confidence: float | None = None
    subject_label: str = ""
    object_label: str = ""
    subject_type: str = ""
    object_type: str = ""
    comment: str = ""
    extra: tuple[tuple[str, str], ...] = ()


@dataclass
class MappingSet:
    """A parsed file: its metadata (the YAML header), prefix map and rows."""

    metadata: dict[str, Any] = field(default_factory=dict)
    prefixes: dict[str, str] = field(default_factory=dict)
    mappings: list[SSSOMMapping] = field(default_factory=list)

    def curie(self, iri: str) -> str:
        """Return ``iri`` as a CURIE when a declared prefix covers it (longest namespace first)."""
        for p, ns in sorted(self.prefixes.items(), key=lambda kv: -len(kv[1])):
            if iri.startswith(ns) and iri != ns:
                return f"{p}:{iri[len(ns):]}"
        return iri


def expand(curie: str, prefixes: Mapping[str, str], *, path: str = "", where: str = "") -> str:
    """Return the IRI a CURIE stands for (a full http(s)/urn IRI is returned unchanged).

    Raises:
        LoadError: the prefix is not declared.

    Example:
        >>> expand("skos:exactMatch", BUILTIN_PREFIXES)
        'http://www.w3.org/2004/02/skos/core#exactMatch'
    """
    curie = curie.strip()
    if curie.startswith(("http://", "https://", "urn:")) or (curie.startswith("<") and curie.endswith(">")):
        return curie.strip("<>")
    prefix, sep, local = curie.partition(":")
    if not sep or prefix not in prefixes:
        raise LoadError(path, where, f"undeclared prefix in {curie!r} (add it to the curie_map)")
    return prefixes[prefix] + local


def parse_sssom(text: str, *, source: str = "") -> MappingSet:
    """Return the mapping set in SSSOM TSV ``text``.

    Raises:
        LoadError: malformed header, a missing required column, an unknown predicate or prefix,
            or a confidence outside 0..1 — naming ``source`` and the line.

    Example:
        >>> ms = parse_sssom("# curie_map:\\n#   ex: http://example.org/\\n"
        ...                  "subject_id\\tpredicate_id\\tobject_id\\tmapping_justification\\n"
        ...                  "ex:Dept\\tskos:exactMatch\\tex:Agency\\tsemapv:ManualMappingCuration\\n")
        >>> ms.mappings[0].object
        'http://example.org/Agency'
    """
    header_lines, body_lines = [], []
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("#"):
            header_lines.append(line[1:])
        else:
            body_lines = lines[i:]
            break
    try:
        metadata = yaml.safe_load("\n".join(header_lines)) or {}
    except yaml.YAMLError as exc:
        raise LoadError(source, "header", f"the # header is not YAML: {exc}") from exc
    if not isinstance(metadata, dict):
        raise LoadError(source, "header", "the # header must be a YAML mapping")
    prefixes = {**BUILTIN_PREFIXES, **PREFIXES, **{str(k): str(v) for k, v in (metadata.get("curie_map") or {}).items()}}
    reader = csv.DictReader(io.StringIO("\n".join(body_lines)), delimiter="\t")
    missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
    if missing:
        raise LoadError(source, "table header", f"missing column(s) {missing}")
    first_row = len(header_lines) + 2
    out = MappingSet(metadata=metadata, prefixes=prefixes)
    for n, row in enumerate(reader, start=first_row):
        where = f"line {n}"
        if not any((v or "").strip() for v in row.values()):
            continue
        predicate = (row.get("predicate_id") or "").strip()
        if predicate.startswith("http"):
            predicate = MappingSet(prefixes=BUILTIN_PREFIXES).curie(predicate)
        if predicate not in PREDICATES:
            raise LoadError(source, where, f"predicate {predicate!r} is not one of {sorted(PREDICATES)}")
        confidence = None
        if (row.get("confidence") or "").strip():
            try:
                confidence = float(row["confidence"])
            except ValueError:
                confidence = -1.0
            if not 0.0 <= confidence <= 1.0:
                raise LoadError(source, where, f"confidence {row['confidence']!r} is not a number in 0..1")
        known = set(COLUMNS)
        out.mappings.append(SSSOMMapping(
            subject=expand(row["subject_id"], prefixes, path=source, where=where),
            predicate=predicate,
            object=expand(row["object_id"], prefixes, path=source, where=where),
            justification=(row.get("mapping_justification") or "").strip(),
            confidence=confidence,
            subject_label=(row.get("subject_label") or "").strip(),
            object_label=(row.get("object_label") or "").strip(),
            subject_type=(row.get("subject_type") or "").strip(),
            object_type=(row.get("object_type") or "").strip(),
            comment=(row.get("comment") or "").strip(),
            extra=tuple((k, v) for k, v in row.items() if k not in known and k is not None and v),
        ))
    return out


def read_sssom(path: str | Path) -> MappingSet:
    """Return the mapping set in the file ``path`` (see :func:`parse_sssom`)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise LoadError(str(path), "", f"cannot read: {exc}") from exc
    return parse_sssom(text, source=str(path))


def write_sssom(mappings: Iterable[SSSOMMapping], *, metadata: Mapping[str, Any], prefixes: Mapping[str, str]) -> str:
    """Return ``mappings`` as SSSOM TSV text, IRIs shortened with ``prefixes`` (declared in the header).

    Example:
        >>> m = SSSOMMapping("http://example.org/a", "skos:exactMatch", "http://example.org/b",
        ...              "semapv:LexicalMatching", 0.9)
        >>> text = write_sssom([m], metadata={"mapping_set_id": "http://example.org/set"},
        ...                    prefixes={"ex": "http://example.org/"})
        >>> text.splitlines()[-1].split("\\t")[:4]
        ['ex:a', '', 'skos:exactMatch', 'ex:b']
    """
    ms = MappingSet(prefixes=dict(prefixes))
    header = yaml.safe_dump({"curie_map": dict(prefixes), **metadata}, allow_unicode=True, sort_keys=False)
    buf = io.StringIO()
    for line in header.splitlines():
        buf.write(f"# {line}\n")
    writer = csv.writer(buf, delimiter="\t", lineterminator="\n")
    writer.writerow(COLUMNS)
    for m in mappings:
        writer.writerow([ms.curie(m.subject), m.subject_label, m.predicate, ms.curie(m.object), m.object_label,
                         m.justification, m.subject_type, m.object_type,
                         "" if m.confidence is None else f"{m.confidence:g}", m.comment])
    return buf.getvalue()
