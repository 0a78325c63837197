"""The executor seam: chunks, runs on any executor, parts on disk, resume."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from coherence.bulk import (
    BulkError,
    Chunk,
    InlineExecutor,
    PartStore,
    chunks_of,
    csv_text,
    executor_for,
    output_format,
    run_chunks,
)
from coherence.errors import InputError

SCHEMA = (("name", "str"), ("n", "int"), ("x", "float"), ("ok", "bool"))


def test_chunks_keep_input_order_and_sizes():
    cs = chunks_of([str(i) for i in range(7)], 3)
    assert [c.index for c in cs] == [0, 1, 2]
    assert [len(c.keys) for c in cs] == [3, 3, 1]
    assert [k for c in cs for k in c.keys] == [str(i) for i in range(7)]
    assert cs[0].digest != Chunk(0, ("0", "1", "3")).digest
    with pytest.raises(InputError):
        chunks_of(["a"], 0)


@pytest.mark.parametrize("make", [lambda: None, InlineExecutor, lambda: ThreadPoolExecutor(2)])
def test_results_do_not_depend_on_the_executor(make):
    chunks = chunks_of([f"k{i}" for i in range(25)], 4)
    ex = make()
    got = run_chunks(lambda keys: [k[::-1] for k in keys], chunks, lambda c: (c.keys,),
                     executor=ex, window=3)
    assert got == {c.index: [k[::-1] for k in c.keys] for c in chunks}


def test_a_failing_task_is_submitted_again_then_named():
    lock = threading.Lock()
    calls: dict[int, int] = {}

    def flaky(index: int) -> int:
        with lock:
            calls[index] = calls.get(index, 0) + 1
            first = calls[index] == 1
        if first and index % 2:
            raise ConnectionError("worker lost")
        return index * 10

    chunks = chunks_of([str(i) for i in range(6)], 1)
    with ThreadPoolExecutor(2) as ex:
        got = run_chunks(flaky, chunks, lambda c: (c.index,), executor=ex)
    assert got == {i: 10 * i for i in range(6)}
    assert calls == {0: 1, 1: 2, 2: 1, 3: 2, 4: 1, 5: 2}

    def broken(index: int) -> int:
        raise ConnectionError("every worker lost")

    with pytest.raises(BulkError, match=r"chunk 0 .* failed 3 times"):
        run_chunks(broken, chunks, lambda c: (c.index,), retries=2)


def test_parts_merge_in_chunk_order_and_read_back(tmp_path: Path):
    out = tmp_path / "out.csv"
    chunks = chunks_of(["a", "b", "c"], 1)
    rows = {0: [["a", 1, 0.1, True]], 1: [["b,c", None, 1e-300, False]], 2: [["c", 3, None, None]]}
    store = PartStore(out, SCHEMA, fingerprint="f1")
    for c in reversed(chunks):  # arrival order is not chunk order
        store.write(c, rows[c.index])
    assert store.finished(chunks) == {0, 1, 2}
    assert store.read(chunks[1]) == rows[1]
    store.merge(chunks)
    expected = csv_text([c for c, _ in SCHEMA], [r for i in range(3) for r in rows[i]])
    assert out.read_text() == expected
    assert not store.parts.exists()


def test_resume_takes_only_parts_of_the_same_run(tmp_path: Path):
    out = tmp_path / "out.csv"
    chunks = chunks_of(["a", "b"], 1)
    store = PartStore(out, SCHEMA, fingerprint="f1")
    store.write(chunks[0], [["a", 1, 0.5, True]])
    again = PartStore(out, SCHEMA, fingerprint="f1", resume=True)
    assert again.finished(chunks) == {0}
    # other keys under the same index are another chunk
    assert again.finished([Chunk(0, ("z",))]) == set()
    with pytest.raises(InputError, match="other input or settings"):
        PartStore(out, SCHEMA, fingerprint="f2", resume=True)
    fresh = PartStore(out, SCHEMA, fingerprint="f2")  # without resume: start again
    assert fresh.finished(chunks) == set()


def test_parquet_parts(tmp_path: Path):
    pq = pytest.importorskip("pyarrow.parquet")
    out = tmp_path / "out.parquet"
    chunks = chunks_of(["a", "b"], 1)
    store = PartStore(out, SCHEMA, fingerprint="f")
    store.write(chunks[1], [["b", None, 2.5, False]])
    store.write(chunks[0], [["a", 1, None, True]])
    assert store.read(chunks[1]) == [["b", None, 2.5, False]]
    store.merge(chunks)
    table = pq.read_table(out)
    assert table.column_names == [c for c, _ in SCHEMA]
    assert table.to_pylist() == [{"name": "a", "n": 1, "x": None, "ok": True},
                                 {"name": "b", "n": None, "x": 2.5, "ok": False}]


def test_bad_outputs_and_options(tmp_path: Path):
    with pytest.raises(InputError, match=r"\.csv or \.parquet"):
        output_format("x.txt")
    with pytest.raises(InputError, match="does not exist"):
        PartStore(tmp_path / "no" / "out.csv", SCHEMA, fingerprint="f")
    with pytest.raises(InputError, match="not both"), executor_for(2, "tcp://127.0.0.1:1"):
        pass
    with executor_for() as ex:
        assert ex is None


def test_an_unreachable_scheduler_is_bad_input():
    pytest.importorskip("distributed")
    from coherence.bulk import connect

    with pytest.raises(InputError, match="cannot reach the Dask scheduler"), \
            connect("tcp://127.0.0.1:9", timeout=1):
        pass


def test_a_peer_that_accepts_but_never_answers_is_bad_input_in_bounded_time():
    pytest.importorskip("distributed")
    import socket
    import time

    from coherence.bulk import connect

    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        t0 = time.monotonic()
        with pytest.raises(InputError, match="Dask scheduler"), \
                connect(f"tcp://127.0.0.1:{port}", timeout=1):
            pass
        assert time.monotonic() - t0 < 10



def test_a_damaged_part_is_written_again(tmp_path: Path):
    out = tmp_path / "out.csv"
    chunks = chunks_of(["a", "b", "c"], 1)
    store = PartStore(out, SCHEMA, fingerprint="f")
    for c in chunks:
        store.write(c, [[c.keys[0], 1, 0.5, True]])
    parts = sorted(store.parts.glob("part-*.csv"))
    parts[0].write_bytes(b"")  # emptied
    parts[1].write_bytes(parts[1].read_bytes()[:-4])  # cut
    again = PartStore(out, SCHEMA, fingerprint="f", resume=True)
    assert again.finished(chunks) == {2}
    with pytest.raises(InputError, match="missing or damaged"):
        again.merge(chunks)
    assert again.parts.exists()  # nothing lost


def test_the_output_cannot_be_a_folder(tmp_path: Path):
    (tmp_path / "d.csv").mkdir()
    with pytest.raises(InputError, match="is a folder"):
        PartStore(tmp_path / "d.csv", SCHEMA, fingerprint="f")
    (tmp_path / "e.csv.parts").write_text("")
    with pytest.raises(InputError, match="in the way"):
        PartStore(tmp_path / "e.csv", SCHEMA, fingerprint="f")


def test_executors_that_cannot_run_chunks_are_named():
    chunks = chunks_of(["a", "b"], 1)
    with pytest.raises(InputError, match="Executor"):
        run_chunks(len, chunks, lambda c: (c.keys,), executor=object())
    with pytest.raises(InputError, match="window"):
        run_chunks(len, chunks, lambda c: (c.keys,), window=0)
    pool = ThreadPoolExecutor(1)
    pool.shutdown()
    with pytest.raises(BulkError, match="refused chunk 0"):
        run_chunks(len, chunks, lambda c: (c.keys,), executor=pool)
