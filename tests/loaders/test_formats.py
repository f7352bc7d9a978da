"""Every format gives the same plan: .docx, .pdf and .html made here from the bundled .txt must parse to
the same facts (tasks, units, deadlines …; offsets differ by format, so facts are compared, not spans)."""

from __future__ import annotations

import html
import os
import shutil
import subprocess
import zlib
from pathlib import Path

import pytest

from kg.errors import LoadError
from loaders.evaluation import evaluate_document, load_answers
from loaders.formats import SUFFIXES, expand_inputs, read_document
from loaders.formats.html import extract_main_text
from loaders.policy_doc import load_policy_document
from loaders.records import PolicyDocument

LAYOUTS = Path(__file__).resolve().parents[1] / "data" / "layouts"


def facts(doc: PolicyDocument) -> dict:
    """What an analyst reads off a plan, without offsets."""
    return {
        "header": (doc.title, doc.doc_number, doc.issuer, doc.issued, doc.plan_year),
        "domains": [(d.number, d.label, [u.name for u in d.leads]) for d in doc.domains],
        "tasks": [
            (t.number, t.domain_number, t.title, [u.name for u in t.lead], [u.name for u in t.responsible],
             [(d.phrase, d.date) for d in t.deadlines], [r.label for r in t.references],
             [(x.text, x.value, x.comparator) for x in t.targets], t.follows_higher_deployment,
             [p.label for p in t.preconditions])
            for t in doc.tasks
        ],
    }


@pytest.fixture(scope="module")
def txt_facts(sample_doc: PolicyDocument) -> dict:
    return facts(sample_doc)


def test_docx_gives_the_same_plan(tmp_path: Path, sample_text: str, txt_facts: dict) -> None:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    for line in sample_text.splitlines():
        document.add_paragraph(line)
    path = tmp_path / "plan.docx"
    document.save(str(path))
    doc = load_policy_document(path)
    assert doc.format == "docx"
    assert facts(doc) == txt_facts


def test_html_page_gives_the_same_plan(tmp_path: Path, sample_text: str, txt_facts: dict) -> None:
    paragraphs = "\n".join(f"<p style='text-indent:2em'>{html.escape(line)}</p>" for line in sample_text.splitlines())
    page = f"""<!DOCTYPE html><html><head><meta charset="gb2312"><title>巨野县人民政府</title>
<script>var nav = "首页";</script><style>.nav{{color:red}}</style></head><body>
<div class="top"><a href="/">首页</a> | <a href="/zwgk">政务公开</a> | <a href="/zcwj">政策文件</a></div>
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zcwj">政策文件</a></div>
<table class="xxgk"><tr><td>索引号：11371724MB2858940A/2023-00123</td><td>发布日期：2023-08-30</td></tr></table>
<div id="zoom" class="TRS_Editor">{paragraphs}</div>
<div class="share"><a href="#">分享到微信</a> <a href="#">打印本页</a> <a href="#">关闭窗口</a></div>
<div class="footer">主办单位：巨野县人民政府办公室 网站标识码：3717240001 鲁ICP备05001234号</div>
</body></html>"""
    path = tmp_path / "plan.html"
    path.write_bytes(page.encode("gb18030"))  # many government sites still serve GB2312/GBK pages
    doc = load_policy_document(path)
    assert doc.format == "html" and doc.encoding == "gb18030"
    assert "主办单位" not in doc.text and "政务公开" not in doc.text
    assert facts(doc) == txt_facts


def _minimal_pdf(lines: list[str], *, per_page: int = 48) -> bytes:
    """A PDF with a text layer and no font file: CIDs are Unicode code points, mapped back by a
    ToUnicode CMap. Enough for text extraction (what the loader reads); not meant to be looked at."""
    chars = sorted({c for line in lines for c in line} | {" "})
    bfchar = [f"<{ord(c):04X}> <{ord(c):04X}>" for c in chars if ord(c) <= 0xFFFF]
    cmap_blocks = "".join(
        f"{len(bfchar[i:i + 100])} beginbfchar\n" + "\n".join(bfchar[i : i + 100]) + "\nendbfchar\n"
        for i in range(0, len(bfchar), 100)
    )
    cmap = (
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CIDSystemInfo << /Registry (Adobe) "
        "/Ordering (UCS) /Supplement 0 >> def /CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
        "1 begincodespacerange <0000> <FFFF> endcodespacerange\n" + cmap_blocks + "endcmap CMapName currentdict "
        "/CMap defineresource pop end end"
    ).encode()
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    def stream(data: bytes) -> bytes:
        packed = zlib.compress(data)
        return b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream"

    catalog = add(b"")  # filled below
    pages = add(b"")
    descriptor = add(b"<< /Type /FontDescriptor /FontName /PlanCJK /Flags 4 /FontBBox [0 -120 1000 880] "
                     b"/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >>")
    cid_font = add(b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /PlanCJK /CIDSystemInfo << /Registry (Adobe) "
                   b"/Ordering (Identity) /Supplement 0 >> /FontDescriptor %d 0 R /DW 1000 >>" % descriptor)
    to_unicode = add(stream(cmap))
    font = add(b"<< /Type /Font /Subtype /Type0 /BaseFont /PlanCJK /Encoding /Identity-H "
               b"/DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>" % (cid_font, to_unicode))
    page_ids = []
    for start in range(0, len(lines), per_page):
        ops = ["BT /F1 10 Tf 12 TL 40 800 Td"]
        for line in lines[start : start + per_page]:
            ops.append("<" + "".join(f"{ord(c):04X}" for c in line) + "> Tj T*")
        ops.append("ET")
        content = add(stream("\n".join(ops).encode()))
        page_ids.append(add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 %d 0 R >> >> "
                            b"/Contents %d 0 R >>" % (pages, font, content)))
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages
    objects[pages - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % p for p in page_ids), len(page_ids))
    out, offsets = bytearray(b"%PDF-1.7\n"), []
    for k, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % k + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, catalog, xref)
    return bytes(out)


def _wrapped(text: str, width: int = 38) -> list[str]:
    """The plan laid out as a PDF would be: long lines broken every ``width`` characters, inside words."""
    out = []
    for line in text.splitlines():
        out.extend([line[i : i + width] for i in range(0, len(line), width)] or [""])
    return out


def test_pdf_text_layer_gives_the_same_plan(tmp_path: Path, sample_text: str, txt_facts: dict) -> None:
    pytest.importorskip("pypdf")
    path = tmp_path / "plan.pdf"
    path.write_bytes(_minimal_pdf(_wrapped(sample_text)))
    doc = load_policy_document(path)
    assert doc.format == "pdf"
    assert facts(doc) == txt_facts


def test_pdf_printed_by_chromium_gives_the_same_plan(tmp_path: Path, sample_text: str, txt_facts: dict) -> None:
    """A real PDF: laid out and printed by a browser with a CJK font, read back through its text layer."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    has_cjk_font = shutil.which("fc-list") and subprocess.run(
        ["fc-list", ":lang=zh"], capture_output=True, text=True, check=False).stdout.strip()
    if not (browser and has_cjk_font):
        reason = "needs chromium and a CJK font (Debian: chromium, fonts-wqy-microhei or fonts-noto-cjk)"
        if os.environ.get("POLICYKG_REQUIRE_SYSTEM_DEPS") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    page = tmp_path / "plan.html"
    body = "\n".join(f"<p>{html.escape(line)}</p>" for line in sample_text.splitlines())
    page.write_text(f"<html><head><meta charset='utf-8'><style>body{{font-family:sans-serif;font-size:11pt;width:15cm}}"
                    f"p{{margin:0 0 4pt 0}}</style></head><body>{body}</body></html>", encoding="utf-8")
    out = tmp_path / "plan.pdf"
    subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                    f"--print-to-pdf={out}", page.as_uri()], capture_output=True, timeout=120, check=False)
    if not out.exists():
        pytest.fail("chromium did not write the PDF")
    assert facts(load_policy_document(out)) == txt_facts


def _table_rows() -> list[list[str]]:
    return [
        ["序号", "领域", "重点任务", "牵头单位", "责任单位", "完成时限"],
        ["1", "开办企业", "压缩企业开办时间。企业开办全流程压缩至0.5个工作日内。", "县行政审批服务局", "县市场监管局\n县税务局", "2024年6月底前"],
        ["2", "开办企业", "推广电子营业执照。", "县市场监管局", "县大数据中心", "长期坚持"],
        ["3", "获得信贷", "扩大首贷规模。推动银行机构全年新增首贷户500户。", "县金融服务中心", "人行郓城支行、各银行业金融机构", "2024年12月31日"],
    ]


def test_docx_table_keeps_its_columns(tmp_path: Path) -> None:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_paragraph("郓城县2024年优化营商环境任务清单")
    rows = _table_rows()
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    document.add_paragraph("郓城县人民政府办公室")
    document.add_paragraph("2024年3月1日")
    path = tmp_path / "table.docx"
    document.save(str(path))
    scores = evaluate_document(load_policy_document(path), load_answers(LAYOUTS / "table.answers.json"))
    assert not [s.as_row() for s in scores if s.f1 < 0.95]


def test_html_table_keeps_its_columns() -> None:
    cells = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c).replace(chr(10), '<br>')}</td>" for c in row) + "</tr>" for row in _table_rows()
    )
    page = f"<html><body><ul><li><a href='/'>首页</a></li></ul><div class='article'><p>郓城县2024年优化营商环境任务清单</p><table>{cells}</table><p>郓城县人民政府办公室</p><p>2024年3月1日</p></div></body></html>"
    text = extract_main_text(page)
    assert "1. 压缩企业开办时间。企业开办全流程压缩至0.5个工作日内。（牵头单位：县行政审批服务局；责任单位：" in text
    assert "完成时限：长期坚持）" in text and "首页" not in text


def test_unknown_and_broken_files_say_so(tmp_path: Path) -> None:
    odd = tmp_path / "plan.xls"
    odd.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(LoadError, match="unknown plan file type"):
        read_document(odd)
    broken = tmp_path / "plan.docx"
    broken.write_bytes(b"not a zip")
    with pytest.raises(LoadError, match="not a readable .docx"):
        read_document(broken)
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(_minimal_pdf(["12345"]))
    with pytest.raises(LoadError, match="no Chinese text layer"):
        read_document(scan)


def test_directories_list_every_format(tmp_path: Path) -> None:
    for name in ("a.txt", "b.docx", "c.pdf", "d.html", "e.htm", "f.TEXT", "notes.md", "README"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    assert [p.name for p in expand_inputs([tmp_path])] == ["a.txt", "b.docx", "c.pdf", "d.html", "e.htm", "f.TEXT"]


def test_every_suffix_a_folder_yields_has_a_reader(tmp_path: Path) -> None:
    for suffix in SUFFIXES:
        (tmp_path / f"plan{suffix}").write_text("1. 甲。（牵头单位：县财政局）", encoding="utf-8")
    found = expand_inputs([tmp_path])
    assert {p.suffix for p in found} == set(SUFFIXES)
    assert read_document(tmp_path / "plan.text").format == "txt"
