"""Unit statements written without labels: the suffix style and bare unit lists.

Two layouts name a task's units with no 牵头单位：/责任单位： label:

* the suffix style, in parentheses or as the task's last sentence — ``（A、B牵头，C配合）``,
  ``（A牵头负责）``, ``A牵头，市级各有关部门按职责分工负责。``: each clause ends in a role verb; a clause
  with no verb continues the list of the next one (``（A牵头，B等部门，C、D配合）``: B, C and D support);
  in parentheses only, a statement may name no lead at all (``（A、B等按职责分工负责）``) and the
  plan's lead convention then decides;
* a bare list in parentheses at the end of a task — ``（市税务局、市财政局，各县市、区政府）`` —, often
  with the convention stated inside the first one (``列第一位的为牵头单位，下同``). Every piece must
  read as an organisation name, so an ordinary remark in parentheses is never taken for one.

Everything works on normalized text (full-width ``（）：；``), in normalized offsets; fields are
:class:`loaders.unit_trailer.Field` objects with ``suffix_role`` set.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from loaders.records import Role
from loaders.unit_lists import looks_like_unit, split_unit_list

LEAD_VERBS = ("牵头负责", "牵头落实", "牵头推进", "牵头实施", "牵头")
SUPPORT_VERBS = ("按职责分工负责", "按职责分工落实", "按职责负责", "分工负责", "共同负责", "配合", "参与", "协同",
                 "协助", "共同推进", "负责")
# Verbs that make every listed unit jointly responsible: a statement of these alone (no lead clause)
# is read only inside parentheses, where nothing but units can precede them. 负责 alone is not one:
# （由县财政局负责） is too often a remark about one step.
_JOINT_VERBS = ("按职责分工负责", "按职责分工落实", "按职责负责", "分工负责", "共同负责")
SUFFIX_RE = re.compile(r"牵头(?:负责|落实|推进|实施)?(?=[，；。）〕]|$)|(?:" + "|".join(_JOINT_VERBS) + r")(?=[）〕]|$)")
# A person: a name followed by a leader's title (王某某副省长, 李某某同志), never a unit.
PERSON_RE = re.compile(r"(?:副?(?:省长|市长|县长|区长|州长|主席|书记|秘书长)|同志)$")
# Remarks a bare list may carry after its units: the lead convention, "the same below".
_LIST_NOTE = re.compile(r"(?:(?:列|排|位列|排名)?(?:第一位?|首位)(?:责任单位)?的?(?:单位)?为牵头单位|下同|以下同|排名不分先后)")
_VALUE_EDGE = "：；，、。 "
_MAX_NAMES = 120


@dataclass(frozen=True)
class SuffixField:
    """A value range and the role its units play (converted to a Field by the caller)."""

    verb: str
    start: int
    end: int
    role: Role


def trim(text: str, start: int, stop: int, chars: str = _VALUE_EDGE) -> tuple[int, int]:
    """``(start, stop)`` without ``chars`` (separators, by default) at either end."""
    while stop > start and text[stop - 1] in chars:
        stop -= 1
    while start < stop and text[start] in chars:
        start += 1
    return start, stop


def suffix_fields(text: str, lo: int, hi: int, *, unled: bool = False) -> list[SuffixField]:
    """Read a suffix-style statement ``A、B牵头，C配合`` in ``text[lo:hi]``; [] when it is not one.

    Each clause ends in a role verb: 牵头 / 牵头负责 (lead) or 配合 / 参与 / 按职责分工负责 …
    (responsible); a clause without a verb joins the next clause's list. A clause whose units are
    people (王某某副省长) makes the whole statement not a unit statement. ``unled`` allows a statement
    of joint responsibility with no lead clause (parentheses only).

    Example:
        >>> t = "区发展改革局牵头，区财政局等部门，各街道办事处配合"
        >>> [(f.role.value, t[f.start:f.end]) for f in suffix_fields(t, 0, len(t))]
        [('lead', '区发展改革局'), ('responsible', '区财政局等部门，各街道办事处')]
    """
    s, e = trim(text, lo, hi)
    if not SUFFIX_RE.search(text, s, e):
        return []
    fields: list[SuffixField] = []
    pending: int | None = None  # start of verbless clauses waiting for the next verb
    clause_start = s
    for k in range(s, e + 1):
        if k < e and text[k] not in "，；":
            continue
        c0, c1 = trim(text, clause_start, k)
        clause_start = k + 1
        if c0 >= c1:
            continue
        clause = text[c0:c1]
        verb = next((v for v in LEAD_VERBS if clause.endswith(v)), None)
        role = Role.LEAD
        if verb is None:
            verb, role = next((v for v in SUPPORT_VERBS if clause.endswith(v)), None), Role.RESPONSIBLE
        if verb is None:
            if not looks_like_unit(clause.removesuffix("等部门").removesuffix("等单位").removesuffix("等")):
                return []
            pending = c0 if pending is None else pending
            continue
        if role is Role.RESPONSIBLE and not fields and not (unled and verb in _JOINT_VERBS):
            return []  # a support clause only after a lead clause, unless joint responsibility in ()
        units_start = pending if pending is not None else c0
        units_start += 1 if text[units_start] == "由" else 0  # 由A牵头
        units_end = c1 - len(verb)
        names = text[units_start:units_end]
        if not names.strip(_VALUE_EDGE) or PERSON_RE.search(names) or len(names) > _MAX_NAMES:
            return []
        fields.append(SuffixField(verb, units_start, units_end, role))
        pending = None
    if pending is not None:
        return []
    return fields if any(f.role is Role.LEAD for f in fields) or unled else []


def unit_list_fields(text: str, open_paren: int, close: int) -> list[SuffixField]:
    """Read a bare unit list in parentheses ``（A、B，C，列第一位的为牵头单位，下同）``; [] when it is not one.

    Every piece before the remarks must look like an organisation name; the units are returned as
    one responsible field (the plan's lead convention later names the lead).

    Example:
        >>> t = "（市税务局、市财政局，各县市、区政府，列第一位的为牵头单位，下同）"
        >>> [(f.role.value, t[f.start:f.end]) for f in unit_list_fields(t, 0, len(t))]
        [('responsible', '市税务局、市财政局，各县市、区政府')]
    """
    lo, hi = trim(text, open_paren + 1, close - 1)
    end = hi
    while True:  # remarks come last: peel them off clause by clause
        cut = max(text.rfind("，", lo, end), text.rfind("；", lo, end))
        if cut < 0 or not _LIST_NOTE.fullmatch(text, cut + 1, end):
            break
        end = cut
    lo, end = trim(text, lo, end)
    raw = text[lo:end]
    if not raw or len(raw) > _MAX_NAMES or "：" in raw or "。" in raw:
        return []
    names = [raw[s:e] for s, e in split_unit_list(raw)]
    if not names or not all(looks_like_unit(n) for n in names):
        return []
    return [SuffixField("列举", lo, end, Role.RESPONSIBLE)]
