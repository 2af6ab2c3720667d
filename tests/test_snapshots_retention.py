"""Retention: keep the newest N, the published one, and the last published version of a period."""

from __future__ import annotations

import pytest

from techpact.warehouse.publications import PublicationEvent
from techpact.warehouse.retention import plan_retention

OLD, MID, NEW, NEWEST = "s1", "s2", "s3", "s4"
HBO = "hbo_enrolment_technology"
PERIODS = {
    OLD: {(HBO, "2019/20"), (HBO, "2020/21")},
    MID: {(HBO, "2020/21"), (HBO, "2021/22")},
    NEW: {(HBO, "2021/22"), (HBO, "2022/23")},
    NEWEST: {(HBO, "2022/23"), (HBO, "2023/24")},
}


def events(*published: str) -> list[PublicationEvent]:
    return [
        PublicationEvent(n, "publish", snapshot_id, None, f"t{n}")
        for n, snapshot_id in enumerate(published, start=1)
    ]


def plan(published: list[str], keep_last: int, ids: list[str] | None = None):
    return plan_retention(
        ids or [OLD, MID, NEW, NEWEST],
        events(*published),
        published_id=published[-1] if published else None,
        keep_last=keep_last,
        periods_of=PERIODS.__getitem__,
    )


def test_nothing_published_keeps_only_the_newest() -> None:
    result = plan([], keep_last=2)
    assert result.delete == (OLD, MID)
    assert result.keep == {NEW: ("one of the 2 newest",), NEWEST: ("one of the 2 newest",)}


def test_the_last_published_version_of_a_period_is_kept_when_later_publications_drop_it() -> None:
    result = plan([OLD, MID, NEW], keep_last=0)
    # 2019/20 was last published in OLD, 2020/21 in MID, 2021/22 and 2022/23 in NEW.
    assert result.delete == (NEWEST,)  # never published, not among the newest 0
    assert result.keep[OLD] == ("last published version of 2019/20",)
    assert result.keep[MID] == ("last published version of 2020/21",)
    assert result.keep[NEW] == ("published", "last published version of 2021/22, 2022/23")


def test_a_publication_replaced_for_all_its_periods_may_go() -> None:
    periods = {OLD: {(HBO, "2020/21")}, MID: {(HBO, "2020/21")}, NEW: {(HBO, "2020/21")}}
    result = plan_retention(
        [OLD, MID, NEW],
        events(OLD, MID),
        published_id=MID,
        keep_last=0,
        periods_of=periods.__getitem__,
    )
    assert result.delete == (OLD, NEW)
    assert set(result.keep) == {MID}


def test_a_rollback_makes_the_rolled_back_snapshot_the_last_published_version() -> None:
    periods = {OLD: {(HBO, "2020/21")}, MID: {(HBO, "2020/21")}}
    result = plan_retention(
        [OLD, MID],
        events(OLD, MID, OLD),
        published_id=OLD,
        keep_last=0,
        periods_of=periods.__getitem__,
    )
    assert result.delete == (MID,)


def test_periods_are_tracked_per_indicator() -> None:
    share = "hbo_enrolment_technology_share"
    periods = {OLD: {(share, "2020/21"), (HBO, "2020/21")}, MID: {(HBO, "2020/21")}}
    result = plan_retention(
        [OLD, MID],
        events(OLD, MID),
        published_id=MID,
        keep_last=0,
        periods_of=periods.__getitem__,
    )
    assert result.delete == ()  # OLD holds the last published share for 2020/21


def test_the_published_snapshot_is_kept_with_keep_last_zero_even_when_deleted_snapshots_exist() -> (
    None
):
    result = plan([NEWEST], keep_last=0, ids=[OLD, NEWEST])
    assert result.delete == (OLD,)
    assert result.keep[NEWEST][0] == "published"


def test_keep_last_must_not_be_negative() -> None:
    with pytest.raises(ValueError, match="0 or more"):
        plan([], keep_last=-1)
