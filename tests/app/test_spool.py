"""The on-disk spool: order, acknowledgement, bounds, restart and crash recovery."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.services.spool import Spool, SpoolBusy


def _items(n: int, start: int = 0) -> list[str]:
    return [f'{{"seq":{i}}}' for i in range(start, start + n)]


def test_items_come_out_in_order_and_stay_until_acknowledged(tmp_path):
    with Spool(tmp_path / "s") as spool:
        assert spool.enqueue(_items(5)) == 5
        first, pos = spool.peek(3)
        assert first == _items(3)
        again, _ = spool.peek(3)
        assert again == first  # not acknowledged: still there
        spool.ack(pos)
        rest, pos2 = spool.peek(10)
        assert rest == _items(2, 3) and spool.pending == 2
        spool.ack(pos2)
        assert spool.pending == 0 and spool.peek(10)[0] == []


def test_unacknowledged_items_survive_a_restart(tmp_path):
    with Spool(tmp_path / "s") as spool:
        spool.enqueue(_items(10))
        _, pos = spool.peek(4)
        spool.ack(pos)
        spool.peek(3)  # read but never acknowledged (the process dies mid-send)
    with Spool(tmp_path / "s") as reopened:
        assert reopened.pending == 6
        assert reopened.peek(100)[0] == _items(6, 4)


def test_segments_roll_over_and_delivered_ones_are_deleted(tmp_path):
    folder = tmp_path / "s"
    with Spool(folder, segment_bytes=100) as spool:
        for i in range(10):
            spool.enqueue(_items(3, i * 3))
        assert len(list(folder.glob("seg-*.jsonl"))) >= 3
        got = []
        while True:
            lines, pos = spool.peek(4)
            if not lines:
                break
            got.extend(lines)
            spool.ack(pos)
        assert got == _items(30)
        assert len(list(folder.glob("seg-*.jsonl"))) == 1  # the newest is kept
        assert spool.last_item() == _items(1, 29)[0]


def test_a_full_spool_accepts_what_fits_and_says_it_is_full(tmp_path):
    with Spool(tmp_path / "s", max_items=5) as spool:
        assert spool.enqueue(_items(8)) == 5
        assert spool.full
        assert spool.enqueue(_items(1, 8)) == 0
        _, pos = spool.peek(2)
        spool.ack(pos)
        assert not spool.full and spool.enqueue(_items(3, 5)) == 2


def test_torn_tail_from_a_crash_is_cut_on_open(tmp_path):
    folder = tmp_path / "s"
    with Spool(folder) as spool:
        spool.enqueue(_items(3))
    seg = next(folder.glob("seg-*.jsonl"))
    with seg.open("ab") as fh:
        fh.write(b'{"seq":3')
    with Spool(folder) as reopened:
        assert reopened.recovered_torn_bytes == 8
        assert reopened.pending == 3
        assert reopened.peek(10)[0] == _items(3)
        assert reopened.last_item() == _items(1, 2)[0]


def test_a_second_owner_is_refused_while_the_first_holds_the_spool(tmp_path):
    with Spool(tmp_path / "s"), pytest.raises(SpoolBusy):
        Spool(tmp_path / "s")


def test_multi_line_items_are_refused(tmp_path):
    with Spool(tmp_path / "s") as spool, pytest.raises(ValueError):
        spool.enqueue(["a\nb"])


_OPS = st.lists(
    st.one_of(
        st.tuples(st.just("enqueue"), st.integers(1, 7)),
        st.tuples(st.just("deliver"), st.integers(1, 5)),
        st.tuples(st.just("crash"), st.booleans()),  # reopen; True = read a batch, never ack it
    ),
    max_size=25,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(_OPS)
def test_any_mix_of_enqueues_deliveries_and_crashes_delivers_everything_in_order(
    tmp_path_factory, ops
):
    folder = tmp_path_factory.mktemp("spool") / "s"
    spool = Spool(folder, segment_bytes=64, fsync=False)
    queued = 0
    out: list[str] = []
    try:
        for op, arg in ops:
            if op == "enqueue":
                queued += spool.enqueue(_items(arg, queued))
            elif op == "deliver":
                lines, pos = spool.peek(arg)
                out.extend(lines)
                spool.ack(pos)
            else:
                if arg:
                    spool.peek(3)
                spool.close()
                spool = Spool(folder, segment_bytes=64, fsync=False)
            assert spool.pending == queued - len(out)
        while True:
            lines, pos = spool.peek(4)
            if not lines:
                break
            out.extend(lines)
            spool.ack(pos)
    finally:
        spool.close()
    assert out == _items(queued)
