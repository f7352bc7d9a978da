"""Run the Java reasoners owlready2 ships: HermiT for consistency and classification, Pellet to explain.

owlready2 cannot read Turtle, so every input is written as N-Triples into a temporary directory.
Classification goes through owlready2.sync_reasoner_hermit, which realises every individual. A
consistency-only check (HermiT's ``-k``, seconds even on the full data) and Pellet's ``explain``
have no owlready2 call, so they run the same bundled jars directly. (owlready2's own Pellet path
loads through a Jena build that needs Java 21+, while HermiT and Pellet's OWL API loader run on 17.)
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef

from kg.reasoner.errors import ReasonerUnavailable

DEFAULT_JAVA_MEMORY_MB = 1024  # each JVM peaks near 170 MB RSS on the bundled plan; the cap leaves room for corpora
TIMEOUT_S = 600
# A reasoner run is a short, single-threaded job: the serial collector and the quick (C1) JIT
# halve its CPU time compared with the JVM's server defaults (measured on the bundled plan).
JVM_FLAGS = ("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1")


@dataclass(frozen=True)
class Classification:
    """What owlready2 + HermiT derived: the members of each class asked about, and property values."""

    members: dict[URIRef, set[URIRef]]
    relations: dict[URIRef, set[tuple[URIRef, URIRef]]]


def find_java(java: str | None = None) -> str:
    """Return the path of the Java runtime to use.

    Args:
        java: a path or command name; default owlready2.JAVA_EXE (``java``, looked up on PATH).

    Raises:
        ReasonerUnavailable: no such executable.
    """
    import owlready2

    exe = java or owlready2.JAVA_EXE or "java"
    path = exe if os.path.isabs(exe) else shutil.which(exe)
    if not path or not os.path.isfile(path) or not os.access(path, os.X_OK):
        raise ReasonerUnavailable(
            f"no Java runtime found ({exe!r} is not on PATH or not executable): the OWL reasoner "
            "(HermiT, bundled with owlready2) needs Java 11 or later. Install it (Debian/Ubuntu: "
            "apt-get install default-jre-headless) or pass the java executable's path.")
    return path


class ConsistencyCheck:
    """HermiT's consistency check (``-k``, no realisation) running in the background.

    It runs beside classification: the two JVMs are single-threaded, so on two cores the check
    costs no wall time. Call result() to wait for the answer.
    """

    def __init__(self, g: Graph, *, java: str, memory_mb: int = DEFAULT_JAVA_MEMORY_MB) -> None:
        from owlready2.reasoning import _HERMIT_CLASSPATH

        self._tmp = tempfile.TemporaryDirectory(prefix="policykg-reasoner-")
        path = Path(self._tmp.name) / "input.nt"
        g.serialize(destination=str(path), format="nt", encoding="utf-8")
        cmd = [java, f"-Xmx{memory_mb}M", *JVM_FLAGS, "-cp", _HERMIT_CLASSPATH,
               "org.semanticweb.HermiT.cli.CommandLine", "-k", "--ignoreUnsupportedDatatypes", path.as_uri()]
        try:
            self._proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                          encoding="utf-8", errors="replace")
        except OSError as e:
            self._tmp.cleanup()
            raise ReasonerUnavailable(f"cannot start Java ({java}): {e}") from e

    def result(self) -> bool:
        """Return whether the graph is consistent.

        Raises:
            ReasonerUnavailable: the JVM or HermiT failed for a reason other than inconsistency.
        """
        try:
            stdout, stderr = self._proc.communicate(timeout=TIMEOUT_S)
        except subprocess.TimeoutExpired as e:
            self._proc.kill()
            raise ReasonerUnavailable(f"the reasoner did not finish within {TIMEOUT_S} s") from e
        finally:
            self._tmp.cleanup()
        if self._proc.returncode == 0 and "is satisfiable" in stdout:
            return True
        if "InconsistentOntologyException" in stderr or "is not satisfiable" in stdout:
            return False
        raise ReasonerUnavailable(f"HermiT failed: {_java_error(stderr or stdout)}")

    def cancel(self) -> None:
        """Stop the check (when classification failed first) and remove its input file."""
        if self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait()
        self._tmp.cleanup()


def classify(g: Graph, classes: list[URIRef], properties: list[URIRef], *, java: str,
             memory_mb: int = DEFAULT_JAVA_MEMORY_MB) -> Classification | None:
    """Classify ``g`` with owlready2 + HermiT; return class members and property values, or None
    when HermiT finds ``g`` inconsistent.

    Raises:
        ReasonerUnavailable: the JVM or HermiT failed for a reason other than inconsistency.
    """
    import owlready2
    from owlready2 import reasoning

    world = owlready2.World()
    saved = owlready2.JAVA_EXE, reasoning.JAVA_MEMORY
    try:
        with _ntriples(g) as path, path.open("rb") as fh:
            world.get_ontology("https://w3id.org/policykg/reasoning-input").load(fileobj=fh, format="ntriples")
        owlready2.JAVA_EXE, reasoning.JAVA_MEMORY = java, memory_mb
        try:
            with _jvm_flags_through_env():
                reasoning.sync_reasoner_hermit(world, infer_property_values=bool(properties), debug=0,
                                               ignore_unsupported_datatypes=True)
        except owlready2.OwlReadyInconsistentOntologyError:
            return None
        except owlready2.OwlReadyJavaError as e:
            raise ReasonerUnavailable(f"HermiT failed: {_java_error(str(e))}") from e
        except OSError as e:  # the JVM could not be started at all
            raise ReasonerUnavailable(f"cannot start Java ({java}): {e}") from e
        members = {}
        for c in classes:
            entity = world[str(c)]
            members[c] = {URIRef(i.iri) for i in entity.instances(world=world)} if entity is not None else set()
        relations = {}
        for p in properties:
            prop = world[str(p)]
            relations[p] = ({(URIRef(a.iri), URIRef(b.iri)) for a, b in prop.get_relations()
                             if hasattr(a, "iri") and hasattr(b, "iri")} if prop is not None else set())
        return Classification(members, relations)
    finally:
        owlready2.JAVA_EXE, reasoning.JAVA_MEMORY = saved
        world.close()


def explain_inconsistency(g: Graph, *, java: str, memory_mb: int = DEFAULT_JAVA_MEMORY_MB) -> list[str]:
    """Return Pellet's explanation of why ``g`` is inconsistent: one line per axiom or fact.

    Returns an empty list when Pellet gives none (it failed, or found ``g`` consistent).
    """
    from owlready2.reasoning import _PELLET_CLASSPATH

    with _ntriples(g) as path:
        out = _run([java, f"-Xmx{memory_mb}M", *JVM_FLAGS, "-cp", _PELLET_CLASSPATH, "pellet.Pellet", "explain",
                    "--ignore-imports", str(path)])
    text = out.stdout
    if "Explanation(s):" not in text:
        return []
    body = text.split("Explanation(s):", 1)[1]
    lines, axiom = [], ""
    for raw in body.splitlines():
        line = raw.strip()
        if not line:
            if axiom:
                lines.append(axiom)
                axiom = ""
            if lines:
                break
            continue
        if line[:2].rstrip(")").isdigit() and ")" in line[:4]:  # "1)   fact" starts an explanation
            line = line.split(")", 1)[1].strip()
        # Pellet wraps n-ary axioms over several indented lines: join them back into one.
        if axiom and (axiom.count("(") > axiom.count(")")):
            axiom += " " + line
        else:
            if axiom:
                lines.append(axiom)
            axiom = line
    if axiom:
        lines.append(axiom)
    return lines


@contextlib.contextmanager
def _jvm_flags_through_env() -> Iterator[None]:
    """Pass JVM_FLAGS to the JVM owlready2 starts: its command line has no place for them, but
    every JVM reads JAVA_TOOL_OPTIONS. The variable is restored afterwards."""
    old = os.environ.get("JAVA_TOOL_OPTIONS")
    os.environ["JAVA_TOOL_OPTIONS"] = " ".join(filter(None, [old, *JVM_FLAGS]))
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("JAVA_TOOL_OPTIONS", None)
        else:
            os.environ["JAVA_TOOL_OPTIONS"] = old


@contextlib.contextmanager
def _ntriples(g: Graph) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="policykg-reasoner-") as tmp:
        path = Path(tmp) / "input.nt"
        g.serialize(destination=str(path), format="nt", encoding="utf-8")
        yield path


def _run(cmd: list[str]) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8", errors="replace",
                              timeout=TIMEOUT_S, check=False)
    except OSError as e:
        raise ReasonerUnavailable(f"cannot start Java ({cmd[0]}): {e}") from e
    except subprocess.TimeoutExpired as e:
        raise ReasonerUnavailable(f"the reasoner did not finish within {TIMEOUT_S} s") from e


def _java_error(text: str) -> str:
    """The first meaningful line of a Java failure, not the whole stack trace."""
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith(("at ", "Java error message is:", "...")):
            return line[:300]
    return "unknown error"
