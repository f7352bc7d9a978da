"""The persistent store: an on-disk Oxigraph database kept in generations, so that a build or a
change never touches the data that readers have open.

    build/store/
      current -> gen-T…     the generation readers open (a symlink, switched by one rename)
      gen-T…/oxigraph/      its Oxigraph (RocksDB) files: written once, then only read
      gen-T…/refs/          which shared triples each plan states (read by add and remove only)
      gen-T…/meta.json      what it holds: documents, their sources, counts
      gen-T….readers        every process that has the generation open holds a shared lock on it
      writer.lock           one writer at a time (policykg build, add, remove)

Inside a generation, each plan has a named graph, nodes plans share are in the shared graph, the
ontology and the derived counts in graphs of their own; queries read their union, which holds
every triple once (:mod:`kg.store_update`).

A writer makes a new generation beside the current one, either empty (build) or as a checkpoint of
it (add, remove: RocksDB hard-links its immutable files, so no data is copied), changes
it, and switches ``current`` to it with one atomic rename. Killed at any point before that rename,
it leaves ``current`` as it was; the half-made generation is removed by the next writer. A
generation no longer current is removed once no reader holds its lock, so a server that opened it
keeps answering from it until it closes.
"""

from __future__ import annotations

import fcntl
import gc
import json
import os
import shutil
import time
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from rdflib import Dataset

from kg.errors import GraphNotFound, KGError
from kg.graph import atomic_write, bind_prefixes
from kg.vocab import rdf_format_for

CURRENT = "current"
DATA = "oxigraph"
REFS = "refs"
META = "meta.json"
_PREFIX = "gen-"
_KEPT_MAX = 4096  # answers an OpenStore keeps (see OpenStore.kept)
_KEPT_LARGE_MAX = 32  # of which lists of up to thousands of rows (a few MB each)



class StoreBusy(KGError):
    """Another policykg command is writing the same store."""


@dataclass
class OpenStore:
    """A generation opened read-only, with its reader lock held until :meth:`close`.

    Attributes:
        path: the generation directory (or a plain Oxigraph directory).
        store: the pyoxigraph Store, read-only.
        meta: the generation's meta.json (empty for a plain Oxigraph directory).
    """

    path: Path
    store: Any
    meta: dict[str, Any] = field(default_factory=dict)
    _lock: IO[str] | None = None
    _kept: dict[Hashable, Any] = field(default_factory=dict, repr=False)
    _kept_large: dict[Hashable, Any] = field(default_factory=dict, repr=False)

    def kept(self, key: Hashable, compute: Callable[[], Any], *, large: bool = False) -> Any:
        """Return ``compute()``, computed once per ``key`` for as long as this generation is open.

        A generation opened read-only never changes (add and build write a new one), so an answer
        read from it stays true: what every request of a server needs first (the plans' sizes in
        文号 order, at 1,000 plans a sort of a thousand strings) is read once. Two threads asking at
        once may both compute; they get equal answers. Callers must not change what comes back.
        ``large`` answers (a short list's order, thousands of rows) are kept fewer at a time.
        """
        kept, most = (self._kept_large, _KEPT_LARGE_MAX) if large else (self._kept, _KEPT_MAX)
        try:
            return kept[key]
        except KeyError:
            pass
        value = compute()
        if len(kept) >= most:  # distinct places and plans asked for: bounded by the corpus
            kept.clear()
        kept[key] = value
        return value

    def graph(self) -> Dataset:
        """Return an rdflib view of the store: the union of its graphs (see :func:`store_graph`).

        The view keeps this OpenStore (and so its reader lock) for as long as it is used.
        """
        view = store_graph(self.store)
        view.policykg_store = self  # type: ignore[attr-defined]
        return view

    def close(self) -> None:
        self.store = None
        self._kept.clear()
        self._kept_large.clear()
        if self._lock is not None:
            self._lock.close()  # releases the shared lock
            self._lock = None

    def __enter__(self) -> OpenStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def kept(source: Any, key: Hashable, read: Callable[[], Any], *, large: bool = False) -> Any:
    """Return ``read()``, kept for as long as ``source`` is a view of a generation open read-only
    (:meth:`OpenStore.graph`: it never changes); read again on every call for anything that may change
    (a graph in memory, a remote store)."""
    opened = getattr(source, "policykg_store", None)
    return opened.kept(key, read, large=large) if isinstance(opened, OpenStore) else read()


def keeps(source: Any) -> bool:
    """True when ``source`` keeps what is read from it (:func:`kept`): a store generation open read-only."""
    return isinstance(getattr(source, "policykg_store", None), OpenStore)


def store_graph(store: Any) -> Dataset:
    """Return an rdflib view of a pyoxigraph ``store`` whose default graph is the union of its graphs.

    What routes and library functions query: ``g.query``, ``g.triples``, ``g.value`` see every plan,
    and SPARQL ``GRAPH ?g`` still tells the plans apart.

    Example:
        >>> import pyoxigraph as ox
        >>> s = ox.Store()
        >>> s.add(ox.Quad(ox.NamedNode("urn:a"), ox.NamedNode("urn:p"), ox.Literal("1"), ox.NamedNode("urn:g")))
        >>> len(store_graph(s))
        1
    """
    from oxrdflib import OxigraphStore

    return bind_prefixes(Dataset(store=OxigraphStore(store=store), default_union=True))


def is_store(path: str | Path) -> bool:
    """True when ``path`` is a policykg store (with a current generation) or a generation of one."""
    p = Path(path)
    return (p / CURRENT).exists() or (p / DATA).is_dir()


def current_generation(root: str | Path) -> Path | None:
    """Return the generation directory ``root/current`` points to, or None if there is none."""
    link = Path(root) / CURRENT
    if not link.exists():
        return None
    return link.resolve()


def open_store(path: str | Path) -> OpenStore:
    """Open a store read-only: its current generation, a generation directory, or a plain Oxigraph one.

    Many processes may open the same generation at once; each holds a shared lock on it, so no
    writer removes it while it is open.

    Raises:
        GraphNotFound: ``path`` holds no store.
    """
    import pyoxigraph as ox

    p = Path(path)
    for _ in range(5):  # a writer may remove an old generation between resolving and locking it
        gen = current_generation(p) if (p / CURRENT).exists() else p
        if gen is not None and (gen / DATA).is_dir():
            lock = _reader_lock(gen)
            if not (gen / DATA).is_dir():
                lock.close()
                continue
            meta = _read_meta(gen)
            return OpenStore(gen, _open_read_only(ox, gen / DATA), meta, lock)
        if (p / "CURRENT").is_file() and not (p / CURRENT).exists():  # RocksDB's own CURRENT: a plain Oxigraph store
            return OpenStore(p, _open_read_only(ox, p))
        break
    raise GraphNotFound(f"{p}: no policykg store here (run `policykg build --store {p}` first)")


def _open_read_only(ox: Any, path: Path) -> Any:
    try:
        return ox.Store.read_only(str(path))
    except OSError as e:
        raise GraphNotFound(f"{path}: cannot open the Oxigraph store: {e}") from None


def _reader_lock(gen: Path) -> IO[str]:
    fh = open(gen.with_name(gen.name + ".readers"), "a+")  # noqa: SIM115 - held open while reading
    fcntl.flock(fh, fcntl.LOCK_SH)
    return fh


def _read_meta(gen: Path) -> dict[str, Any]:
    try:
        return json.loads((gen / META).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}


@dataclass
class Generation:
    """A generation being written: its directory, its read-write stores (data and references), its meta."""

    path: Path
    store: Any
    refs: Any
    meta: dict[str, Any]


class Writer:
    """The one writer of a store directory (see :func:`writing`)."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()  # generations are compared with what ``current`` resolves to

    def new_generation(self, *, from_current: bool) -> Generation:
        """Make the next generation: empty, or a checkpoint of the current one (hard links)."""
        import pyoxigraph as ox

        path = self.root / _new_name()
        path.mkdir()
        meta: dict[str, Any] = {}
        if from_current:
            current = current_generation(self.root)
            if current is None:
                shutil.rmtree(path)
                raise GraphNotFound(f"{self.root}: no store to change (run `policykg build --store {self.root}` first)")
            with open_store(current) as old:
                old.store.backup(str(path / DATA))
                ox.Store.read_only(str(current / REFS)).backup(str(path / REFS))
                meta = json.loads(json.dumps(old.meta))  # a deep copy
        return Generation(path, ox.Store(str(path / DATA)), ox.Store(str(path / REFS)), meta)

    def publish(self, gen: Generation) -> Path:
        """Make ``gen`` the current generation (one atomic rename), then remove unused old ones."""
        import pyoxigraph as ox

        gen.store.flush()
        gen.refs.flush()
        gen.store = gen.refs = None
        # pyoxigraph closes the database when its last reference goes; rdflib views of it (kept in
        # reference cycles) must go too, before readers open the files or a checkpoint links them.
        # Opening it again proves it closed: RocksDB refuses a second writer, in this process too.
        gc.collect()
        try:
            probe = ox.Store(str(gen.path / DATA))
        except OSError as e:
            raise KGError(f"{gen.path}: the new generation is still open ({e}); nothing was switched") from None
        del probe
        with atomic_write(gen.path / META) as fh:
            fh.write(json.dumps(gen.meta, ensure_ascii=False, indent=1).encode("utf-8"))
        _fsync_tree(gen.path)
        tmp = self.root / f".{CURRENT}.{os.getpid()}"
        tmp.unlink(missing_ok=True)
        os.symlink(gen.path.name, tmp)
        os.replace(tmp, self.root / CURRENT)
        _fsync_dir(self.root)
        self.collect_garbage()
        return gen.path

    def discard(self, gen: Generation) -> None:
        gen.store = gen.refs = None
        gc.collect()
        shutil.rmtree(gen.path, ignore_errors=True)

    def collect_garbage(self) -> list[Path]:
        """Remove every generation that is not current and that no reader holds; return them."""
        current = current_generation(self.root)
        removed = []
        for path in sorted(self.root.glob(f"{_PREFIX}*")):
            if not path.is_dir() or path == current:
                continue
            lock_path = path.with_name(path.name + ".readers")
            with open(lock_path, "a+") as fh:
                try:
                    fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue  # a reader still has it open
                shutil.rmtree(path, ignore_errors=True)
                lock_path.unlink(missing_ok=True)
            removed.append(path)
        for stale in self.root.glob(f"{_PREFIX}*.readers"):
            if not stale.with_suffix("").is_dir():
                stale.unlink(missing_ok=True)
        for tmp in self.root.glob(f".{CURRENT}.*"):
            tmp.unlink(missing_ok=True)
        return removed


@contextmanager
def writing(root: str | Path) -> Iterator[Writer]:
    """Hold the store's writer lock for the block; a second writer fails at once.

    Half-made generations of an earlier, killed writer are removed first.

    Raises:
        StoreBusy: another policykg command is writing this store.
    """
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    with open(root / "writer.lock", "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StoreBusy(f"{root}: another policykg build, add or remove is writing this store") from None
        writer = Writer(root)
        writer.collect_garbage()
        yield writer


def _new_name() -> str:
    """A generation's name: when it was made, never reused (a reader may still know an old name)."""
    now = time.time_ns()
    return f"{_PREFIX}{time.strftime('%Y%m%dT%H%M%S', time.localtime(now // 10**9))}.{now % 10**9:09d}"


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(path: Path) -> None:
    """Flush a generation's new files and its directories to disk before it becomes current.

    Files hard-linked from the generation it was copied from are on disk already.
    """
    for folder, _, files in os.walk(path):
        for name in files:
            file = os.path.join(folder, name)
            if os.stat(file).st_nlink > 1:
                continue
            fd = os.open(file, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        _fsync_dir(Path(folder))


def export_nquads(source: str | Path, path: str | Path) -> Path:
    """Write the N-Quads file ``source`` to ``path`` atomically, in the syntax its extension names.

    TriG and N-Quads keep the named graphs (one per plan, the shared, derived and ontology graphs);
    triple syntaxes (.ttl, .nt, .jsonld, .rdf) merge them, each triple once (the graphs hold
    different triples).

    Raises:
        LoadError: the extension is not an RDF syntax policykg writes.
    """
    import pyoxigraph as ox

    from kg.graph import PREFIXES

    path = Path(path)
    fmt = rdf_format_for(path)
    with atomic_write(path) as fh:
        if fmt.name == "nquads":
            with open(source, "rb") as src:
                shutil.copyfileobj(src, fh, 1 << 20)
            return path
        quads = ox.parse(path=str(source), format=ox.RdfFormat.N_QUADS)
        ox.serialize(quads if fmt.quads else (q.triple for q in quads), fh, fmt.ox,
                     prefixes=PREFIXES if fmt.name in {"turtle", "trig"} else None)
    return path
