"""Mark facts in place in a document's own text: each fact's passage becomes an element of the page.

Offsets count characters into the original text (``pk:sourceText``), as every ``pk:TextSpan`` does.
Passages may nest (a unit inside a task) or cross (a precondition that ends inside a cited title):
nested ones become nested elements; a crossing one is split at the boundary into pieces that share
its ``data-mark`` key, so the page is always well-formed HTML and its text is exactly the original.
Every piece of text is escaped; marks carry only attributes built here.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field, replace

from viz.pages import esc


@dataclass(frozen=True)
class Mark:
    """One passage to mark: ``text[start:end]`` (a point when ``start == end``).

    Attributes:
        kind: the ``data-fact`` value (task, lead, deadline …); empty for a plain link.
        task: the task number the fact belongs to (``data-task``), if any.
        href: where the mark links (the fact's page).
        title: the tooltip (and the accessible name of a point).
        key: identifies the mark across the pieces of a split (``data-mark``).
        container: the mark holds other marks and its own text is not a link (a whole task).
        attrs: further ``data-*`` attributes, as (name, value) pairs.
        order: among marks of the same extent, the lower order is the outer element.
        element_id: an ``id`` for the first piece (an anchor other pages link to).
    """

    start: int
    end: int
    kind: str = ""
    task: int | None = None
    href: str | None = None
    title: str = ""
    key: str = ""
    container: bool = False
    attrs: tuple[tuple[str, str], ...] = ()
    order: int = 0
    element_id: str = ""


@dataclass
class _Node:
    mark: Mark
    start: int
    end: int
    children: list[_Node] = field(default_factory=list)
    first: bool = True


def render_marked(text: str, marks: list[Mark], *, lo: int = 0, hi: int | None = None) -> str:
    """Return ``text[lo:hi]`` as escaped HTML with every mark in place.

    Example:
        >>> render_marked("甲乙丙", [Mark(0, 3, "task", task=1, container=True), Mark(1, 2, "lead", href="/o")])
        '<span class="pk-m pk-task" data-fact="task" data-task="1">甲<a class="pk-m pk-lead" href="/o" data-fact="lead">乙</a>丙</span>'
    """
    hi = len(text) if hi is None else hi
    root = _Node(Mark(lo, hi, container=True), lo, hi)
    _build(root, sorted(_clip(marks, lo, hi), key=_sort_key))
    return "".join(_render_children(text, root))


def _clip(marks: list[Mark], lo: int, hi: int) -> list[Mark]:
    out = []
    for m in marks:
        if m.start == m.end:
            if lo <= m.start <= hi:
                out.append(m)
        elif m.start < hi and m.end > lo:
            out.append(replace(m, start=max(m.start, lo), end=min(m.end, hi)))
    return out


def _sort_key(m: Mark) -> tuple[int, int, int, str]:
    return (m.start, -m.end, m.order, m.key)


def _build(root: _Node, queue: list[Mark]) -> None:
    """Nest ``queue`` (sorted by start, longest first) under ``root``, splitting crossing marks."""
    stack = [root]
    keys = [_sort_key(m) for m in queue]
    seen: set[str] = set()
    i = 0
    while i < len(queue):
        m = queue[i]
        i += 1
        while len(stack) > 1 and m.start >= stack[-1].end:
            stack.pop()
        top = stack[-1]
        end = m.end
        if end > top.end:  # crosses the end of the enclosing mark: split there
            rest = replace(m, start=top.end)
            at = bisect.bisect(keys, _sort_key(rest), lo=i)
            queue.insert(at, rest)
            keys.insert(at, _sort_key(rest))
            end = top.end
        node = _Node(m, m.start, end, first=not (m.key and m.key in seen))
        if m.key:
            seen.add(m.key)
        top.children.append(node)
        if end > m.start:
            stack.append(node)


def _render_children(text: str, node: _Node) -> list[str]:
    out, pos = [], node.start
    link = node.mark.href if not node.mark.container else None
    for child in node.children:
        if child.start > pos:
            out.append(_text(text[pos:child.start], link))
        out.append(_render(text, child))
        pos = max(pos, child.end)
    if node.end > pos:
        out.append(_text(text[pos:node.end], link))
    return out


def _text(piece: str, href: str | None) -> str:
    return f'<a href="{esc(href)}">{esc(piece)}</a>' if href else esc(piece)


def _render(text: str, node: _Node) -> str:
    m = node.mark
    attrs = _attrs(node)
    if node.start == node.end:  # a point: an empty link named by its title
        if m.href:
            return f'<a class="{_classes(m, "pk-point")}" href="{esc(m.href)}"{attrs} aria-label="{esc(m.title)}"></a>'
        return f'<span class="{_classes(m, "pk-point")}"{attrs} title="{esc(m.title)}"></span>'
    if m.href and not m.container and not node.children:
        return f'<a class="{_classes(m)}" href="{esc(m.href)}"{attrs}>{esc(text[node.start:node.end])}</a>'
    return f'<span class="{_classes(m)}"{attrs}>{"".join(_render_children(text, node))}</span>'


def _classes(m: Mark, *extra: str) -> str:
    return " ".join(["pk-m", *([f"pk-{m.kind}"] if m.kind else []), *extra])


def _attrs(node: _Node) -> str:
    m = node.mark
    parts = []
    if m.element_id and node.first:
        parts.append(("id", m.element_id))
    if m.kind:
        parts.append(("data-fact", m.kind))
    if m.task is not None:
        parts.append(("data-task", str(m.task)))
    if m.key:
        parts.append(("data-mark", m.key))
    parts.extend(m.attrs)
    if m.title and node.start != node.end:
        parts.append(("title", m.title))
    return "".join(f' {k}="{esc(v)}"' for k, v in parts)
