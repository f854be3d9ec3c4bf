"""The record structure of a delimited text file: where each record starts, and whether it has every field.

Parsers number rows; people and editors number lines. `record_lines` finds the 1-based line on which each
data record starts (a quoted field may span lines; blank lines are records of no fields), so that every
message and every `source_row` names the line a text editor shows. A record with more or fewer fields
than the header is an error naming its line, its field count and the raw line: reading it would shift
or drop values silently.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from scorecard.errors import FileValidationError, ValidationFailure

#: Characters of a raw line shown in a message.
SHOWN_CHARS = 200
#: Bytes scanned at a time by the quote-free scanner (memory stays bounded whatever the file size).
CHUNK_BYTES = 64 << 20

_DELIMITER_NAMES = {"\t": "tab", ",": "comma", ";": "semicolon", "|": "pipe", " ": "space"}


@dataclass(frozen=True)
class Records:
    """Every data record of a file (the header excluded), in order.

    `lines[i]` is the 1-based line where record i starts; `blank[i]` is True for an empty line (a parser
    may still make it a row of nulls).
    """

    lines: np.ndarray
    blank: np.ndarray
    final_newline: bool
    #: With `leave_out=True`: the lines of records whose field count differs from the header's (they are
    #: left out instead of rejecting the file), the header's field count, and the first such record as
    #: (line, fields, raw text).
    ragged: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    fields: int = 0
    first_ragged: tuple[int, int, str] | None = None

    @property
    def simple(self) -> bool:
        """True when record i is on line i + 2: no blank lines and no field spanning lines."""
        n = len(self.lines)
        return not self.blank.any() and (n == 0 or int(self.lines[-1]) == n + 1)


def delimiter_name(delimiter: str) -> str:
    """'tab-separated', 'semicolon-separated', ... for messages."""
    return f"{_DELIMITER_NAMES.get(delimiter, repr(delimiter))}-separated"


def shown(line: str) -> str:
    """A raw line as a message shows it: without its line break, cut at SHOWN_CHARS characters."""
    line = line.rstrip("\r\n")
    return line if len(line) <= SHOWN_CHARS else line[:SHOWN_CHARS] + "…"


def ragged_error(
    path: str, table: str, delimiter: str, expected: int, bad: list[tuple[int, int, str]]
) -> None:
    """Raise the FileValidationError for records whose field count differs from the header's."""
    if not bad:
        return
    kind = delimiter_name(delimiter)
    failures = [
        ValidationFailure(
            line, "(line)", shown(text), f"line {line} has {n} fields, expected {expected} ({kind})"
        )
        for line, n, text in bad
    ]
    raise FileValidationError(
        path=path,
        table=table,
        failures=failures,
        total=len(failures),
        hint=(
            "Each line must have as many fields as the header. Check the `delimiter` and quoting of this "
            "export in vendor.toml, or repair the lines named above (a line cut short often means the file "
            "was cut off or a field holds an unquoted delimiter)."
        ),
    )


def record_lines(
    text: str, delimiter: str, path: str, table: str, quote: str = '"', leave_out: bool = False
) -> Records:
    """Scan decoded text: the start line of each data record; ragged records raise FileValidationError
    (with `leave_out`, they are listed in `Records.ragged` instead)."""
    if quote not in text:
        data = text.encode("utf-8")
        chunks = (data[i : i + CHUNK_BYTES] for i in range(0, len(data), CHUNK_BYTES))
        return _plain(chunks, delimiter, path, table, leave_out)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar=quote, strict=False)
    header = next(reader, None)
    expected = len(header) if header else 0
    lines: list[int] = []
    blank: list[bool] = []
    bad: list[tuple[int, int, str]] = []
    start = reader.line_num + 1
    raw_lines = None
    for record in reader:
        is_blank = not record or (len(record) == 1 and not record[0].strip(" "))
        if not is_blank and len(record) != expected:
            if raw_lines is None:
                raw_lines = text.splitlines()
            bad.append((start, len(record), raw_lines[start - 1] if start - 1 < len(raw_lines) else ""))
        lines.append(start)
        blank.append(is_blank)
        start = reader.line_num + 1
    if not leave_out:
        ragged_error(path, table, delimiter, expected, bad[:1000])
    records = Records(
        np.array(lines, dtype=np.int64),
        np.array(blank, dtype=bool),
        text.endswith(("\n", "\r")),
        np.array([b[0] for b in bad], dtype=np.int64),
        expected,
        bad[0] if bad else None,
    )
    _check_complete(records, text.rsplit("\n", 1)[-1], path, table)
    return records


def file_has_byte(path: Path, needle: bytes) -> bool:
    """True when the file contains `needle` (read in bounded chunks)."""
    tail = b""
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK_BYTES):
            if needle in tail + chunk[: len(needle) - 1] or needle in chunk:
                return True
            tail = chunk[-(len(needle) - 1) :] if len(needle) > 1 else b""
    return False


def scan_file(path: Path, delimiter: str, rel: str, table: str, leave_out: bool = False) -> Records:
    """`record_lines` for a UTF-8 file without quote characters, read from disk in bounded chunks."""

    def chunks() -> Iterator[bytes]:
        with path.open("rb") as fh:
            while chunk := fh.read(CHUNK_BYTES):
                yield chunk

    return _plain(chunks(), delimiter, rel, table, leave_out)


def _aligned(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Re-cut byte chunks so that each one ends with a line break (the last may not)."""
    carry = b""
    for chunk in chunks:
        data = carry + chunk
        cut = data.rfind(b"\n")
        if cut < 0:
            carry = data
            continue
        yield data[: cut + 1]
        carry = data[cut + 1 :]
    if carry:
        yield carry


def _plain(
    chunks: Iterable[bytes], delimiter: str, path: str, table: str, leave_out: bool = False
) -> Records:
    """The quote-free case: one record per line; fields counted by delimiter, chunk by chunk."""
    sep = delimiter.encode("utf-8")
    lines_out: list[np.ndarray] = []
    blank_out: list[np.ndarray] = []
    bad: list[tuple[int, int, str]] = []
    ragged: list[int] = []
    expected = 0
    line_no = 1
    last = b""
    for chunk in _aligned(chunks):
        last = chunk
        if line_no == 1:  # the header line
            head_end = chunk.find(b"\n") + 1 or len(chunk)
            expected = chunk[:head_end].rstrip(b"\r\n").count(sep) + 1
            chunk, line_no = chunk[head_end:], 2
            if not chunk:
                continue
        starts, counts, empty = _count_fields(chunk, sep)
        numbers = np.arange(line_no, line_no + len(starts), dtype=np.int64)
        for i in np.flatnonzero(~empty & (counts != expected)):
            stop = chunk.find(b"\n", int(starts[i]))
            raw = chunk[int(starts[i]) : stop if stop >= 0 else len(chunk)]
            if not raw.strip(b" \r"):  # a line of spaces is blank, as an editor shows it
                empty[i] = True
                continue
            ragged.append(int(numbers[i]))
            if len(bad) < 1000:
                bad.append((int(numbers[i]), int(counts[i]), raw.decode("utf-8", "replace")))
        lines_out.append(numbers)
        blank_out.append(empty)
        line_no += len(starts)
    if not leave_out:
        ragged_error(path, table, delimiter, expected, bad)
    lines = np.concatenate(lines_out) if lines_out else np.zeros(0, dtype=np.int64)
    blanks = np.concatenate(blank_out) if blank_out else np.zeros(0, dtype=bool)
    records = Records(
        lines,
        blanks,
        last.endswith(b"\n") or line_no <= 2,
        np.array(ragged, dtype=np.int64),
        expected,
        bad[0] if bad else None,
    )
    _check_complete(records, last.rsplit(b"\n", 1)[-1].decode("utf-8", "replace"), path, table)
    return records


def _check_complete(records: Records, last_line: str, path: str, table: str) -> None:
    """A file whose last line has no line break may have been cut inside that line (a number cut from
    387 to 3 still parses): refuse it, naming the line. Every exporter ends its lines with a break."""
    if records.final_newline or not len(records.lines) or records.blank[-1]:
        return
    line = int(records.lines[-1])
    raise FileValidationError(
        path=path,
        table=table,
        failures=[
            ValidationFailure(
                line,
                "(line)",
                shown(last_line),
                "the file ends inside this line, without a line break: it may have been cut off "
                "(rule truncated_last_line)",
            )
        ],
        total=1,
        hint="Send the complete file again. If the file is complete, add a line break after its last line.",
    )


def _count_fields(chunk: bytes, sep: bytes) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per line of `chunk`: its start offset, its number of fields, and whether it is empty."""
    arr = np.frombuffer(chunk, dtype=np.uint8)
    newlines = np.flatnonzero(arr == 10)
    ends = newlines if chunk.endswith(b"\n") else np.append(newlines, len(chunk))
    starts = np.concatenate(([0], newlines + 1))[: len(ends)]
    if len(sep) == 1:
        seps = np.flatnonzero(arr == sep[0])
        counts = np.searchsorted(seps, ends) - np.searchsorted(seps, starts) + 1
    else:
        counts = np.array([chunk[s:e].count(sep) + 1 for s, e in zip(starts, ends, strict=True)])
    width = ends - starts
    has_cr = width > 0
    has_cr[has_cr] = arr[ends[has_cr] - 1] == 13
    empty = (width - has_cr) == 0
    return starts, counts, empty
