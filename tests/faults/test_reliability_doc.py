"""docs/reliability.md holds the fault suite's table: one row per case of the catalogue, in its
order, with what was injected and the outcome expected; and the figures of a run in which every
case held."""

from __future__ import annotations

import re
from dataclasses import fields

from fault_cases import CASES
from fault_record import MEASURED_END, MEASURED_START, RELIABILITY_DOC

from techpact.config import HttpSettings


def measured_rows() -> list[list[str]]:
    text = RELIABILITY_DOC.read_text()
    table = text[text.index(MEASURED_START) : text.index(MEASURED_END)]
    rows = [line for line in table.splitlines() if line.startswith("| ")]
    return [[cell.strip() for cell in re.split(r"(?<!\\)\|", row)[1:-1]] for row in rows[1:]]


def test_the_doc_has_one_row_per_case_in_catalogue_order() -> None:
    rows = measured_rows()
    assert [(r[0], r[1]) for r in rows] == [(c.kind, c.id) for c in CASES], (
        "docs/reliability.md is out of step with tests/faults/fault_cases.py: "
        "run pytest tests/faults --update-reliability-doc"
    )


def test_each_row_says_what_was_injected_and_the_expected_outcome_was_met() -> None:
    for row, case in zip(measured_rows(), CASES, strict=True):
        assert row[2].startswith(case.injected), row
        assert row[3] == case.expected, row
        assert row[4] == {"survives": "survived", "refused": "refused"}[case.expected], row
        assert row[7] in ("unchanged", "published anew"), row
        assert row[8] == "clean", row


def test_the_doc_says_how_many_cases_were_tried() -> None:
    text = RELIABILITY_DOC.read_text()
    assert f"{len(CASES)} of {len(CASES)} fault cases tried" in text
    assert "published file changed: 0; partial files: 0; orphans: 0" in text


def test_every_http_setting_is_in_the_settings_table() -> None:
    doc = RELIABILITY_DOC.read_text(encoding="utf-8")
    for setting in fields(HttpSettings):
        if setting.name != "user_agent":
            assert f"`TECHPACT_HTTP_{setting.name.upper()}`" in doc, setting.name
