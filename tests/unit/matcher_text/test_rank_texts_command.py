from pathlib import Path

from typer.testing import CliRunner

from services.matcher.__main__ import app


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_rank_texts_prints_query_document_rank_and_score(tmp_path: Path) -> None:
    corpus = write(tmp_path / "c.tsv", "id\ttext\nC1\tmaçon\nC2\tplombier\nC3\tboulanger\n")
    queries = write(tmp_path / "q.tsv", "Q1\tMaçonne\nQ2\tBoulangère\n")
    result = CliRunner().invoke(
        app,
        [
            "rank-texts",
            "--corpus",
            str(corpus),
            "--queries",
            str(queries),
            "--top-k",
            "2",
            "--embedder",
            "fake",
            "--no-rome",
        ],
    )
    assert result.exit_code == 0, result.output
    rows = [line.split("\t") for line in result.stdout.splitlines() if line.startswith("Q")]
    assert [r[:3] for r in rows] == [
        ["Q1", "C1", "1"],
        ["Q1", rows[1][1], "2"],
        ["Q2", "C3", "1"],
        ["Q2", rows[3][1], "2"],
    ]
    assert float(rows[0][3]) >= float(rows[1][3])


def test_a_line_without_a_tab_is_reported_with_its_file_and_line(tmp_path: Path) -> None:
    corpus = write(tmp_path / "c.tsv", "C1\tmaçon\nC2 plombier\n")
    queries = write(tmp_path / "q.tsv", "Q1\tMaçonne\n")
    result = CliRunner().invoke(
        app,
        [
            "rank-texts",
            "--corpus",
            str(corpus),
            "--queries",
            str(queries),
            "--no-rome",
            "--embedder",
            "fake",
        ],
    )
    assert result.exit_code == 2
    assert "c.tsv:2" in result.output
