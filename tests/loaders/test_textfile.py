"""read_plan_text: encodings are detected, not assumed; bad inputs fail with one-line LoadErrors."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from kg.errors import LoadError
from loaders.textfile import read_plan_text

SAMPLE = "巨野县人民政府关于印发《方案》的通知\n（一）开办企业。（领域牵头部门：县行政审批服务局）\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (SAMPLE.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + SAMPLE.encode("utf-8"), "utf-8-sig"),
        (SAMPLE.encode("utf-16"), "utf-16"),  # Python writes a BOM
        (codecs.BOM_UTF16_BE + SAMPLE.encode("utf-16-be"), "utf-16"),
        (SAMPLE.encode("gb18030"), "gb18030"),
        (SAMPLE.encode("gbk"), "gb18030"),  # GBK is a subset of GB18030
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-le-bom", "utf-16-be-bom", "gb18030", "gbk"],
)
def test_encodings_are_detected_and_bom_stripped(tmp_path: Path, data: bytes, encoding: str) -> None:
    path = tmp_path / "plan.txt"
    path.write_bytes(data)
    text, found = read_plan_text(path)
    assert text == SAMPLE
    assert found == encoding


def test_line_breaks_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "plan.txt"
    path.write_bytes("县行\r\n\r\n政审批服务局".encode())
    assert read_plan_text(path)[0] == "县行\r\n\r\n政审批服务局"


def _error(path: Path) -> LoadError:
    with pytest.raises(LoadError) as info:
        read_plan_text(path)
    assert "\n" not in str(info.value)
    assert info.value.source == str(path)
    return info.value


def test_missing_file(tmp_path: Path) -> None:
    assert "no such file" in _error(tmp_path / "nope.txt").message


def test_directory(tmp_path: Path) -> None:
    assert "directory" in _error(tmp_path).message


@pytest.mark.parametrize("data", [b"", codecs.BOM_UTF8, b" \n\n\t ", "\u3000\n".encode()])
def test_empty_file(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(data)
    assert "empty" in _error(path).message


@pytest.mark.parametrize(
    "data",
    [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", bytes(range(256)), b"%PDF-1.7\n" + bytes(range(1, 32)) * 20],
    ids=["png", "all-bytes", "control-characters"],
)
def test_binary_file(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(data)
    assert "binary" in _error(path).message


def test_bad_bom(tmp_path: Path) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(codecs.BOM_UTF8 + b"\xff\xfe\xfd")
    assert "BOM" in _error(path).message


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "locked.txt"
    path.write_bytes(SAMPLE.encode())

    def refuse(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", refuse)
    assert _error(path).message == "cannot read: Permission denied"
