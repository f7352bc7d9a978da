"""Facts marked in a plan's text: whatever the passages (nested, crossing, empty, hostile text), the
page is well-formed, its text is exactly the original, and each mark covers exactly its passage."""

from __future__ import annotations

from html.parser import HTMLParser

from hypothesis import given
from hypothesis import strategies as st

from viz.marks import Mark, render_marked

VOID = {"br", "img", "input", "meta", "link", "hr"}


class _Reader(HTMLParser):
    """Reads the rendered HTML back: the text, and for each character the marks around it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str | None]] = []
        self.text: list[str] = []
        self.cover: list[frozenset[str]] = []
        self.points: list[tuple[int, str]] = []
        self.ids: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.append(a["id"])
        if "pk-point" in (a.get("class") or ""):
            self.points.append((len(self.text), a.get("data-mark") or ""))
        self.stack.append((tag, a.get("data-mark")))

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1][0] == tag, f"</{tag}> closes {self.stack[-1:]}"
        self.stack.pop()

    def handle_data(self, data):
        keys = frozenset(k for _, k in self.stack if k)
        for ch in data:
            self.text.append(ch)
            self.cover.append(keys)


def read(html: str) -> _Reader:
    r = _Reader()
    r.feed(html)
    r.close()
    assert r.stack == [], f"unclosed: {r.stack}"
    return r


@st.composite
def marked_texts(draw):
    text = draw(st.text(alphabet=st.sampled_from("甲乙丙丁<>&\"'\n 。（）"), min_size=0, max_size=40))
    n = len(text)
    marks = []
    for i in range(draw(st.integers(0, 8))):
        a = draw(st.integers(0, n))
        b = draw(st.integers(a, n))
        kind = draw(st.sampled_from(["task", "lead", "deadline", "review", ""]))
        marks.append(Mark(a, b, kind, task=draw(st.none() | st.integers(1, 170)), key=f"m{i}",
                          href=draw(st.none() | st.just(f"/id/x/{i}\"<")), container=kind == "task",
                          title="t<i>", element_id=f"e{i}", order=draw(st.integers(0, 2))))
    lo = draw(st.integers(0, n))
    hi = draw(st.integers(lo, n))
    return text, marks, lo, hi


@given(marked_texts())
def test_marks_nest_or_split_cleanly_and_keep_the_text(case):
    text, marks, lo, hi = case
    r = read(render_marked(text, marks, lo=lo, hi=hi))
    assert "".join(r.text) == text[lo:hi]
    assert len(r.ids) == len(set(r.ids)), "an id repeated on a split's later piece"
    for m in marks:
        a, b = max(m.start, lo), min(m.end, hi)
        covered = {i + lo for i, keys in enumerate(r.cover) if m.key in keys}
        if m.start < m.end:
            assert covered == set(range(a, b)) if a < b else not covered
        else:
            assert covered == set()
            if lo <= m.start <= hi:
                assert (m.start - lo, m.key) in r.points


def test_hostile_text_in_a_mark_stays_text():
    text = "<script>alert(1)</script>县财政局"
    html = render_marked(text, [Mark(8, 20, "lead", href="/id/o/x\" onclick=\"y", title="\"><img>")])
    assert "<script>" not in html and "<img>" not in html and 'onclick="y' not in html
    assert "".join(read(html).text) == text
