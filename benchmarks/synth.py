"""Synthetic implementation-plan texts for benchmarks: realistic enough to exercise the real loader.

Each plan imitates the bundled one (巨政发〔2023〕5号): a notice header with 文号 and issuer, the plan's
own title, 工作目标/工作原则 (whose （一）… items are *not* domains), 三、重点任务 with （一）… domains and
their 领域牵头部门, numbered tasks ending in a 牵头单位/责任单位 trailer, deadlines (9月底前), targets
(80%以上), 根据省、市统一部署, 《…》 citations, 四、保障措施 and the signature. Like text extracted
from a PDF, some "pages" use half-width punctuation, tasks sometimes run together, and line breaks
fall inside words. Counties are real (benchmarks/data/counties.yaml). A few units lead most tasks
(Zipf-like ranks), as in real plans. Output is a pure function of (index, seed).

Command line::

    python -m benchmarks.synth --n 100 --out /tmp/corpus --seed 0
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

import yaml

DATA_DIR = Path(__file__).resolve().parent / "data"
CN_NUM = "一二三四五六七八九十"
TITLES = [
    "{county}{year}年深化营商环境创新提升行动实施方案",
    "{county}{year}年优化营商环境工作实施方案",
    "{county}{year}年营商环境攻坚突破行动实施方案",
    "{county}{year}年持续优化营商环境重点任务实施方案",
]
YEARS = (2021, 2022, 2023, 2024, 2025)
HALF = str.maketrans({"（": "(", "）": ")", "：": ": ", "，": ", ", "；": "; "})


@dataclass(frozen=True)
class County:
    code: str
    name: str
    short: str
    city: str  # 菏泽 (without 市)
    city_code: str


@dataclass
class SynthTask:
    number: int
    domain_number: int
    title: str
    leads: list[str]  # unit names as written
    responsible: list[str]
    deadlines: int = 0
    follows_higher_deployment: bool = False


@dataclass
class SynthPlan:
    """One generated plan: its text and what a correct parser should read back from it."""

    filename: str
    text: str
    county: County
    year: int
    title: str
    doc_number: str
    issuer: str
    issued: date
    domains: list[tuple[str, list[str]]] = field(default_factory=list)  # (label, domain leads)
    tasks: list[SynthTask] = field(default_factory=list)


@lru_cache(maxsize=1)
def load_counties() -> tuple[list[County], dict]:
    """Return the counties and the raw division data (province, cities) they belong to."""
    raw = yaml.safe_load((DATA_DIR / "counties.yaml").read_text(encoding="utf-8"))
    cities = {c["code"][:4]: c for c in raw["cities"]}
    out = []
    for c in raw["counties"]:
        city = cities[c["code"][:4]]
        out.append(County(c["code"], c["name"], c["short"], city["name"].removesuffix("市"), city["code"]))
    return out, raw


@lru_cache(maxsize=1)
def load_phrases() -> dict:
    return yaml.safe_load((DATA_DIR / "phrases.yaml").read_text(encoding="utf-8"))


def _unit_name(unit: dict, county: County, rng: random.Random, *, alias_p: float = 0.12) -> str:
    names = [unit["name"]]
    if unit.get("aliases") and rng.random() < alias_p:
        names = unit["aliases"]
    return rng.choice(names).format(county=county.name, short=county.short, city=county.city)


class _Writer:
    """Draws the parts of one plan from one random stream."""

    def __init__(self, county: County, year: int, rng: random.Random) -> None:
        self.c, self.year, self.rng = county, year, rng
        self.ph = load_phrases()
        self.units = {u["id"]: u for u in self.ph["units"]}
        ranked = [u["id"] for u in self.ph["units"]]
        self.ranked = ranked
        self.weights = [1.0 / (r + 1) ** 1.1 for r in range(len(ranked))]  # Zipf, s = 1.1

    def name(self, unit_id: str) -> str:
        return _unit_name(self.units[unit_id], self.c, self.rng)

    def zipf_units(self, k: int, exclude: set[str]) -> list[str]:
        out: list[str] = []
        for _ in range(k * 4):
            u = self.rng.choices(self.ranked, self.weights)[0]
            if u not in exclude and u not in out:
                out.append(u)
            if len(out) == k:
                break
        return out

    def count(self, p_more: float, cap: int) -> int:
        n = 1
        while n < cap and self.rng.random() < p_more:
            n += 1
        return n

    def task(self, number: int, dnum: int, dom: dict) -> tuple[str, SynthTask]:
        r, ph = self.rng, self.ph
        obj = r.choice(dom["objects"])
        title = f"{r.choice(ph['verbs'])}{obj}"
        body: list[str] = []
        follows = r.random() < 0.35
        n_dead = 0
        sentences = r.sample(ph["sentences"], r.randint(2, 4))
        for i, s in enumerate(sentences):
            prefix = ""
            if i == 0 and r.random() < 0.06:
                prefix += r.choice(ph["preconditions"])
            if i == 0 and follows:
                prefix += r.choice(ph["deployments"])
            if r.random() < 0.3:
                prefix += self.deadline_phrase() + "，"
                n_dead += 1
            if i == 1 and r.random() < 0.15:
                prefix += r.choice(ph["references"]).format(
                    obj=obj.strip("“”"), city=self.c.city, year=self.year - 1, k=r.randint(1, 30))
            body.append(prefix + s.format(obj=obj))
        if r.random() < 0.2:
            body.append(r.choice(ph["targets"]).format(
                obj=obj, pct=r.choice([80, 85, 90, 95, 98]), n=r.randint(10, 5000),
                days=r.choice([1, 2, 3, 5, 7]), small=r.randint(2, 15)))
        # Leads: the domain's lead most of the time, else any unit by rank; partners likewise.
        lead_ids: list[str] = []
        if r.random() < 0.65:
            lead_ids.append(r.choice(dom["leads"]))
        extra = self.count(0.3, 4) - (1 if lead_ids else 0)
        if extra > 0 or not lead_ids:
            pool = [p for p in dom["partners"] if p not in lead_ids]
            for _ in range(max(extra, 1) if not lead_ids else extra):
                if pool and r.random() < 0.6:
                    lead_ids.append(pool.pop(r.randrange(len(pool))))
                else:
                    lead_ids.extend(self.zipf_units(1, set(lead_ids)))
        leads = [self.name(u) for u in lead_ids]
        resp: list[str] = []
        if r.random() < 0.45:
            resp_ids = [p for p in r.sample(dom["partners"], min(len(dom["partners"]), self.count(0.45, 6)))
                        if p not in lead_ids]
            resp = [self.name(u) for u in resp_ids]
            if r.random() < 0.15 or not resp:
                resp.append(r.choice(ph["collectives"]))
        trailer = f"（{r.choice(['牵头单位', '牵头单位', '牵头单位', '牵头部门'])}：{'、'.join(leads)}"
        if resp:
            trailer += f"；{r.choice(['责任单位', '责任单位', '责任部门'])}：{'、'.join(resp)}"
        trailer += "）"
        sep = r.choice([". ", ". ", ".", "．"])
        text = f"{number}{sep}{title}。{''.join(body)}{trailer}"
        return text, SynthTask(number, dnum, title, leads, resp, n_dead, follows)

    def deadline_phrase(self) -> str:
        r = self.rng
        k = r.random()
        if k < 0.75:
            return f"{r.randint(3, 12)}月底前"
        if k < 0.85:
            return "年底前"
        if k < 0.95:
            m = r.choice([3, 6, 9, 12])
            return f"{m}月{30 if m in (6, 9) else 31}日前"
        return f"{self.year}年{r.randint(6, 12)}月底前"


def generate_plan(county: County, year: int, *, seed: int = 0, variant: int = 0,
                  doc_number: str | None = None, n_tasks: int | None = None) -> SynthPlan:
    """Return one synthetic plan of ``county`` for ``year``; the same arguments give the same text.

    Example:
        >>> c = load_counties()[0][0]
        >>> p = generate_plan(c, 2023, seed=1)
        >>> p.doc_number in p.text and "三、重点任务" in p.text
        True
    """
    rng = random.Random(f"{seed}:{county.code}:{year}:{variant}")
    w = _Writer(county, year, rng)
    ph = w.ph
    title = TITLES[variant % len(TITLES)].format(county=county.name, year=year)
    office = rng.random() < 0.3
    issuer = f"{county.name}人民政府{'办公室' if office else ''}"
    doc_number = doc_number or f"{county.short[0]}政{'办' if office else ''}发〔{year}〕{rng.randint(1, 40)}号"
    issued = date(year, rng.randint(2, 8), rng.randint(1, 28))
    n_tasks = n_tasks or rng.randint(60, 170)
    domains = ph["domains"]
    n_dom = min(len(domains), max(6, n_tasks // 9))
    chosen = sorted(rng.sample(range(len(domains)), n_dom))
    # Spread tasks over domains unevenly (some domains have 2 tasks, some 15).
    cuts = sorted(rng.sample(range(1, n_tasks), n_dom - 1))
    sizes = [b - a for a, b in zip([0, *cuts], [*cuts, n_tasks], strict=True)]

    plan = SynthPlan(filename=f"{county.code}-{year}-{variant:02d}.txt", text="", county=county, year=year,
                     title=title, doc_number=doc_number, issuer=issuer, issued=issued)
    blocks: list[str] = []
    number = 0
    for dnum, (di, size) in enumerate(zip(chosen, sizes, strict=True), start=1):
        dom = domains[di]
        dleads = [w.name(u) for u in dom["leads"][: 1 + (rng.random() < 0.3)]]
        kind = rng.choice(["领域牵头部门", "领域牵头部门", "领域牵头单位"])
        blocks.append(f"（{_cn(dnum)}）{dom['label']}。（{kind}：{'、'.join(dleads)}）")
        plan.domains.append((dom["label"], dleads))
        for _ in range(size):
            number += 1
            text, task = w.task(number, dnum, dom)
            blocks.append(text)
            plan.tasks.append(task)
    plan.text = _header(plan, office) + _layout(blocks, rng) + _footer(plan)
    return plan


def _cn(n: int) -> str:
    """Chinese numeral for 1..99: 一, 十一, 二十三."""
    if n <= 10:
        return CN_NUM[n - 1]
    if n < 20:
        return "十" + CN_NUM[n - 11]
    return CN_NUM[n // 10 - 1] + "十" + (CN_NUM[n % 10 - 1] if n % 10 else "")


def _header(p: SynthPlan, office: bool) -> str:
    d = p.issued
    title_broken = p.title[: len(p.title) // 2] + " " + p.title[len(p.title) // 2:]
    notice = f"{p.issuer}关于印发《{p.title}》的通知"
    who = "各镇人民政府、街道办事处，开发区管委会，县政府有关部门："
    return (
        f"\n{p.issuer} 关于印发《{title_broken}》的通知\n\n"
        f"{notice}{p.doc_number}{who}《{p.title}》已经县政府{'同意' if office else '研究同意'}，"
        f"现印发给你们，请认真贯彻落实。{p.issuer}{d.year}年{d.month}月{d.day}日（此件公开发布）"
        f"{p.title}为贯彻落实国家、省、市关于优化营商环境的决策部署，深化营商环境创新提升行动，"
        f"充分激发市场活力和社会创造力，结合我县实际，制定本方案。一、工作目标以习近平新时代中国特色社会主义"
        f"思想为指导，坚持把优化营商环境作为推动全县经济社会发展的“一号工程”，持续提升市场环境、政务环境、"
        f"法治环境、人文环境。\n\n二、工作原则\n\n（一）坚持对标先进。主动对标全省营商环境评价体系。\n\n"
        f"（二）坚持问题导向。针对市场主体反映的突出问题，有针对性地出台改革举措。\n\n三、重点任务\n\n"
    )


def _footer(p: SynthPlan) -> str:
    d = p.issued
    return (
        "\n\n四、保障措施（一）加强统筹协调。县直各领域牵头单位要切实发挥牵头作用，统筹推进本领域改革任务；"
        "各领域责任单位要按照职责分工和时间节点，配合牵头单位抓好工作落实。（二）强化督导问效。完善台账式管理、"
        f"工程化验收等工作机制。\n\n{p.issuer}\n\n{d.year}年{d.month:02d}月{d.day:02d}日\n"
    )


def _layout(blocks: list[str], rng: random.Random) -> str:
    """Join blocks as a PDF extraction does: mixed separators, half-width pages, broken words."""
    parts = []
    for b in blocks:
        parts.append(b)
        parts.append(rng.choice(["\n\n", "\n\n", "\n\n", "", " "]))
    body = "".join(parts).rstrip()
    pages, i = [], 0
    while i < len(body):
        j = min(len(body), i + rng.randint(600, 1100))
        while 0 < j < len(body) and body[j - 1].isdigit() and (body[j].isdigit() or body[j] in ".．"):
            j += 1  # a PDF breaks lines inside words, not inside a task's number
        page = body[i:j]
        if rng.random() < 0.2:  # this page came out of the PDF with half-width punctuation
            page = page.translate(HALF).replace("\n\n", " ")
        pages.append(page)
        i = j
    return "".join(p + rng.choice(["\n\n", "\n"]) for p in pages[:-1]) + (pages[-1] if pages else "")


def generate_corpus(n: int, *, seed: int = 0) -> Iterator[SynthPlan]:
    """Yield ``n`` plans: every county in turn, then the next year, then another plan variant.

    文号 are made unique across the corpus (real ones can repeat across counties: 东平县, 东阿县 and
    东明县 may all write 东政发), because the loader names documents by 文号.
    """
    counties, _ = load_counties()
    seen: set[str] = set()
    for i in range(n):
        county = counties[i % len(counties)]
        year = YEARS[(i // len(counties)) % len(YEARS)]
        variant = i // (len(counties) * len(YEARS))
        plan = generate_plan(county, year, seed=seed, variant=variant)
        k = 1
        while plan.doc_number in seen:
            plan = generate_plan(county, year, seed=seed, variant=variant,
                                 doc_number=plan.doc_number.rsplit("〕", 1)[0] + f"〕{40 + k}号")
            k += 1
        seen.add(plan.doc_number)
        yield plan


def write_corpus(n: int, out: Path, *, seed: int = 0) -> list[Path]:
    """Write ``n`` plans into ``out`` (created if needed) and return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for plan in generate_corpus(n, seed=seed):
        path = out / plan.filename
        path.write_text(plan.text, encoding="utf-8")
        paths.append(path)
    return paths


def corpus_places() -> dict:
    """The bundled places plus every county, city and province of benchmarks/data/counties.yaml.

    The benchmark corpora name 52 Shandong counties that loaders/data/places.yaml does not list; the
    loader needs a plan's county registered to give its units county-scoped IRIs, so benchmark builds
    pass these places (``policykg build`` reads the registered ones).
    """
    from loaders.organizations import Place, load_places

    places = dict(load_places())
    counties, raw = load_counties()
    prov = raw["province"]
    extra = [Place(prov["code"], prov["name"], prov["name"].removesuffix("省"), "province", None, None,
                   (f"{prov['name']}人民政府",))]
    extra += [Place(c["code"], c["name"], c["name"].removesuffix("市"), "city", prov["code"], None,
                    (f"{c['name']}人民政府",)) for c in raw["cities"]]
    # Two-character county names (曹县, 单县) keep their 县 in the short form: 中国人民银行曹县支行.
    extra += [Place(c.code, c.name, c.name if len(c.name) == 2 else c.name.removesuffix("县"), "county",
                    c.city_code, None, (f"{c.name}人民政府",)) for c in counties]
    for p in extra:
        places.setdefault(p.code, p)
    return places


def places_overlay() -> dict:
    """Return the counties, their cities and Shandong as places data (code, name, level, parent)."""
    counties, raw = load_counties()
    prov = raw["province"]
    places = [{"code": prov["code"], "name": prov["name"], "level": "province"}]
    places += [{"code": c["code"], "name": c["name"], "level": "city", "parent": prov["code"]} for c in raw["cities"]]
    places += [{"code": c.code, "name": c.name, "level": "county", "parent": c.city_code} for c in counties]
    return {"places": places}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.synth", description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=10, help="how many plans")
    ap.add_argument("--out", type=Path, required=True, help="directory to write the .txt plans into")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    paths = write_corpus(args.n, args.out, seed=args.seed)
    size = sum(p.stat().st_size for p in paths)
    print(f"wrote {len(paths)} plans ({size / 1e6:.1f} MB) to {args.out}")  # noqa: T201 - a command
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
