"""`land-file` checks a large DUO file in pieces: the same verdict as a whole parse, in bounded
memory, with errors naming the line in the whole file."""

from __future__ import annotations

import pytest
from conftest import shared_file

from techpact.sources.duo import parse_duo_file
from techpact.sources.duo_check import FileSummary, check_duo_file, record_pieces
from techpact.sources.errors import SourceFormatError

PIECE = 64 * 1024  # small pieces, so the real files (~1 MB) are cut in many

REAL_FILES = [
    ("duo/onderwijsdata_ckan_2026/ingeschrevenenhbo.csv", "p01hoinges"),
    ("duo/onderwijsdata_ckan_2026/ingeschrevenengeslhbo.csv", "p01hoinges"),
    ("duo/onderwijsdata_ckan_2026/eerstejaarsingeschrevenenhbo.csv", "p02ho1ejrs"),
    ("duo/onderwijsdata_ckan_2026/gediplomeerdenhbo.csv", "p04hogdipl"),
    ("duo/open_onderwijsdata_legacy_2019/hbo_inscriptions_2019.csv", "p01hoinges"),
    ("duo/open_onderwijsdata_legacy_2019/wo_inscriptions_2019.csv", "p01hoinges"),
    ("duo/open_onderwijsdata_legacy_2019/hbo_gediplomeerden_2019.csv", "p04hogdipl"),
]


@pytest.mark.parametrize(("relative", "dataset"), REAL_FILES)
def test_a_real_file_checked_in_pieces_gives_the_summary_of_a_whole_parse(
    relative: str, dataset: str
) -> None:
    path = shared_file(relative)
    data = path.read_bytes()
    whole = FileSummary.of(parse_duo_file(data, path.name, dataset=dataset))

    pieces = check_duo_file(data, path.name, dataset=dataset, piece_bytes=PIECE)

    assert len(data) > 2 * PIECE  # really cut in pieces
    assert pieces == whole


def test_a_bad_count_deep_in_the_file_is_named_by_its_line_in_the_whole_file() -> None:
    path = shared_file("duo/onderwijsdata_ckan_2026/ingeschrevenenhbo.csv")
    lines = path.read_bytes().split(b"\n")
    bad_line = len(lines) * 3 // 4  # 1 is the header; well past the first piece
    fields = lines[bad_line - 1].split(b",")
    lines[bad_line - 1] = b",".join([*fields[:-1], b"veel"])

    with pytest.raises(SourceFormatError) as caught:
        check_duo_file(b"\n".join(lines), path.name, dataset="p01hoinges", piece_bytes=PIECE)

    assert (caught.value.line, caught.value.column) == (bad_line, "AANTAL_INGESCHREVENEN")
    assert "'veel' is not a whole number" in str(caught.value)


def test_a_dataset_the_file_does_not_belong_to_is_refused_as_by_a_whole_parse() -> None:
    path = shared_file("duo/onderwijsdata_ckan_2026/gediplomeerdenhbo.csv")
    data = path.read_bytes()

    with pytest.raises(SourceFormatError) as whole:
        parse_duo_file(data, path.name, dataset="p01hoinges")
    with pytest.raises(SourceFormatError) as pieces:
        check_duo_file(data, path.name, dataset="p01hoinges", piece_bytes=PIECE)

    assert str(pieces.value) == str(whole.value)


def test_pieces_end_at_record_ends_never_inside_a_quoted_line_break() -> None:
    header = b'"A","B"\n'
    record = b'"x","one\nline break"\n'  # one record over two lines
    data = header + record * 10

    pieces = list(record_pieces(data, len(header), piece_bytes=len(record) + 3))  # 2 records each

    assert b"".join(piece for _, piece in pieces) == data[len(header) :]
    assert all(piece.endswith(b'break"\n') for _, piece in pieces)
    assert [line for line, _ in pieces] == [2 + 2 * 2 * i for i in range(len(pieces))]


def test_a_short_rest_joins_the_piece_before_it() -> None:
    header = b'"A"\n'
    data = header + b'"x"\n' * 11  # 44 bytes after the header, records of 4

    sizes = [len(piece) for _, piece in record_pieces(data, len(header), piece_bytes=16)]

    assert sizes == [20, 24]  # 20, 20 and 4 would leave a piece shorter than 16


def real_lines() -> list[bytes]:
    path = shared_file("duo/onderwijsdata_ckan_2026/ingeschrevenenhbo.csv")
    return path.read_bytes().split(b"\n")


def same_verdict(data: bytes) -> None:
    """check_duo_file in small pieces says what a whole parse says: the summary or the error."""
    try:
        whole: object = FileSummary.of(parse_duo_file(data, "f.csv", dataset="p01hoinges"))
    except SourceFormatError as exc:
        whole = str(exc)
    try:
        pieces: object = check_duo_file(data, "f.csv", dataset="p01hoinges", piece_bytes=PIECE)
    except SourceFormatError as exc:
        pieces = str(exc)
    assert pieces == whole


def test_a_long_run_of_empty_lines_at_the_end_is_no_piece_without_rows() -> None:
    same_verdict(b"\n".join(real_lines()) + b"\r\n" * 100_000)


def test_an_error_about_the_whole_file_comes_before_an_error_in_a_row() -> None:
    lines = real_lines()
    fields = lines[3].split(b",")
    lines[3] = b",".join([*fields[:-1], b"veel"])  # a bad count on line 4
    lines[-20] = lines[-20].replace(b"Hogeschool", b"Hoge\x00school", 1)  # and a NUL near the end

    same_verdict(b"\n".join(lines))


def test_a_lone_carriage_return_counts_as_a_line_end_as_in_a_whole_parse() -> None:
    lines = real_lines()
    lines[10] = lines[10].replace(b"Hogeschool", b"Hoge\rschool", 1)
    lines[-20] = lines[-20] + b",1"  # one field too many, far after the lone \r

    same_verdict(b"\n".join(lines))
