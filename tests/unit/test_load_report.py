"""The load benchmark's CPU table: what each process spent per need + profile update pair."""

from __future__ import annotations

from bench.load_report import cpu_per_pair, cpu_table


def test_each_process_cost_per_pair_and_the_product_total_leaves_out_the_bench_and_mail() -> None:
    before = {
        "matcher": 10.0,
        "notifier": 5.0,
        "postgres": 2.0,
        "kafka": 1.0,
        "mailsink": 0.5,
        "benchmark_client": 3.0,
    }
    after = {
        "matcher": 17.0,
        "notifier": 9.1,
        "postgres": 4.7,
        "kafka": 2.1,
        "mailsink": 1.5,
        "benchmark_client": 9.0,
    }
    table = cpu_per_pair(before, after, pairs=100)
    assert table["matcher"] == 70.0
    assert table["notifier"] == 41.0
    assert table["mailsink"] == 10.0 and table["benchmark_client"] == 60.0  # shown, not summed
    assert table["product"] == 70.0 + 41.0 + 27.0 + 11.0
    text = cpu_table(table)
    assert text.splitlines()[1].split() == ["matcher", "70.0", "ms"]  # biggest first
    assert text.splitlines()[-1].split() == ["product", "149.0", "ms"]


def test_a_process_restarted_during_the_window_is_left_out_not_counted_negative() -> None:
    table = cpu_per_pair({"matcher": 50.0, "notifier": 5.0}, {"matcher": 2.0, "notifier": 6.0}, 10)
    assert "matcher" not in table
    assert table["notifier"] == 100.0 and table["product"] == 100.0


def test_no_pair_gives_no_table() -> None:
    assert cpu_per_pair({"matcher": 1.0}, {"matcher": 2.0}, 0) == {}


def test_the_burst_file_is_read_whole_by_the_intake_as_the_same_needs_the_api_posts() -> None:
    from bench.load_data import burst_csv, need_body
    from services.employer_intake.domain.bulk import parse
    from services.employer_intake.domain.model import NeedInput

    body = burst_csv("0a1b2c3d", first=40, n=25).encode()
    rows = parse(body, kind="csv", max_rows=10_000)
    assert len(rows) == 25
    assert [r.errors for r in rows] == [[]] * 25
    for i, row in enumerate(rows):
        read = NeedInput.model_validate(row.data)
        posted = NeedInput.model_validate(need_body("0a1b2c3d", 40 + i))
        assert read.external_ref == f"burst-0a1b2c3d-{40 + i}"
        assert read.model_dump(exclude={"external_ref"}) == posted.model_dump(
            exclude={"external_ref"}
        )
