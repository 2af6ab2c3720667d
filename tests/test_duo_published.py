"""DUO publishes each higher-education dataset in several breakdowns: techpact recognises every
one, reads some, and refuses the others by name (not as a file with a column missing)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import shared_file
from typer.testing import CliRunner

from techpact.cli import app
from techpact.sources.duo import parse_duo_file
from techpact.sources.duo_published import PUBLISHED, recognise_published
from techpact.sources.errors import SourceFormatError

# Headers built from the real files' column names (see ../shared/samples); no real file of
# these breakdowns is at hand, so each is the real header of its dataset with the breakdown's
# own column in place of the programme columns.
_LOCATION = '"PROVINCIENAAM","GEMEENTENUMMER","GEMEENTENAAM","SOORT_INSTELLING"'
_INSTITUTION = '"INSTELLINGSCODE_ACTUEEL","INSTELLINGSNAAM_ACTUEEL","ONDERDEEL","SUBONDERDEEL"'
GRADUATES_BY_SEX = (
    f'"DIPLOMAJAAR",{_LOCATION},{_INSTITUTION},"SOORT_DIPLOMA","GESLACHT","AANTAL_GEDIPLOMEERDEN"'
    '\r\n"2019","Overijssel","0153","Enschede","reguliere inst.","23AH","Saxion Hogeschool",'
    '"TECHNIEK","n.v.t. (techniek)","hbo bachelor","VROUW",12\r\n'
)
FIRST_YEARS_BY_SEX = (
    f'"STUDIEJAAR",{_LOCATION},"TYPE_HOGER_ONDERWIJS",{_INSTITUTION},"GESLACHT",'
    '"AANTAL_EERSTEJAARS_INGESCHREVENEN"\r\n"2020","Overijssel","0153","Enschede",'
    '"reguliere inst.","bachelor","21PH","Universiteit Twente","TECHNIEK","n.v.t. (techniek)",'
    '"MAN",40\r\n'
)
STUDENTS_BY_MODE = (
    f'"STUDIEJAAR",{_LOCATION},"TYPE_HOGER_ONDERWIJS",{_INSTITUTION},"OPLEIDINGSVORM",'
    '"AANTAL_INGESCHREVENEN"\r\n"2020","Overijssel","0153","Enschede","reguliere inst.",'
    '"bachelor","23AH","Saxion Hogeschool","TECHNIEK","n.v.t. (techniek)","voltijd",23\r\n'
)


@pytest.mark.parametrize(
    ("text", "file_name", "message"),
    [
        (
            GRADUATES_BY_SEX,
            "gediplomeerdengeslhbo.csv",
            "this is the by-sex file of p04hogdipl; techpact reads gediplomeerdenhbo.csv",
        ),
        (
            FIRST_YEARS_BY_SEX,
            "eerstejaarsingeschrevenengeslwo.csv",
            "this is the by-sex file of p02ho1ejrs; techpact reads eerstejaarsingeschrevenenwo.csv",
        ),
        (
            STUDENTS_BY_MODE,
            "download.csv",  # a name that says neither hbo nor wo: both files are named
            "this is the by-mode file of p01hoinges; techpact reads ingeschrevenengeslhbo.csv or "
            "ingeschrevenengeslwo.csv and ingeschrevenenhbo.csv or ingeschrevenenwo.csv",
        ),
    ],
)
def test_a_breakdown_techpact_does_not_read_is_refused_by_name(
    text: str, file_name: str, message: str
) -> None:
    with pytest.raises(SourceFormatError) as refused:
        parse_duo_file(text.encode(), file_name)
    assert message in str(refused.value)
    assert "required column missing" not in str(refused.value)


@pytest.mark.parametrize(
    "name",
    [
        "ingeschrevenengeslhbo.csv",
        "ingeschrevenenhbo.csv",
        "eerstejaarsingeschrevenenhbo.csv",
        "gediplomeerdenhbo.csv",
    ],
)
def test_every_real_portal_file_is_recognised_as_the_resource_its_name_says(name: str) -> None:
    path = shared_file(f"duo/onderwijsdata_ckan_2026/{name}")
    header = path.read_text("utf-8").split("\n", 1)[0].strip().replace('"', "").split(",")
    resource = recognise_published(header)
    assert resource is not None and resource.read
    assert resource.file_names[0] == name


def test_every_file_techpact_fetches_is_a_resource_it_reads() -> None:
    from techpact.sources.ckan import load_duo_datasets

    read = {name for r in PUBLISHED if r.read for name in r.file_names}
    fetched = {name for d in load_duo_datasets().dataset for name in d.file_names}
    assert fetched <= read


def test_land_file_refuses_the_by_sex_graduates_file_by_name(tmp_path: Path) -> None:
    path = tmp_path / "gediplomeerdengeslhbo.csv"
    path.write_text(GRADUATES_BY_SEX, encoding="utf-8", newline="")
    result = CliRunner().invoke(
        app,
        ["land-file", str(path), "--dataset", "p04hogdipl", "--data-dir", str(tmp_path / "d")],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 1
    assert "by-sex file of p04hogdipl; techpact reads gediplomeerdenhbo.csv" in " ".join(
        result.output.split()
    )
    assert not (tmp_path / "d" / "landing").exists()
