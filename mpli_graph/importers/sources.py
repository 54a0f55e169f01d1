"""Read the provider source files: CSV and JSON with clear input errors.

Every reader names the file, the row and the missing or invalid value, so a
user who edits a source file learns what to fix instead of getting a traceback.
"""

from __future__ import annotations

import csv
import json
import logging
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from mpli_graph.errors import InputError

logger = logging.getLogger(__name__)

SOURCE_TABLE = "source_files.csv"
THOUSANDS = re.compile(r"\d{1,3}(,\d{3})+(\.\d+)?")


@dataclass(frozen=True)
class CsvRow:
    """One data row of a CSV file with its 1-based line number (the header is line 1)."""

    file: str
    line: int
    values: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return (self.values.get(column) or "").strip()

    def record(self) -> str:
        """Return the provenance text for this row, such as ``"offerings_normalized.csv row 2"``."""
        return f"{self.file} row {self.line}"

    def decimal(self, column: str) -> Decimal | None:
        """Return the column as a decimal, ``None`` when it is empty.

        Thousands separators (``"1,024"``, as in the Open Telekom Cloud tables)
        are accepted; any other text raises :class:`InputError`.
        """
        text = self[column]
        if not text:
            return None
        if THOUSANDS.fullmatch(text):
            text = text.replace(",", "")
        try:
            return Decimal(text)
        except InvalidOperation:
            raise InputError(
                f"{self.file} line {self.line}: column {column!r} has {text!r}, "
                "which is not a number; correct the value or leave it empty"
            ) from None


@dataclass(frozen=True)
class SourceFile:
    """Origin, licence and attribution of one source file, from ``source_files.csv``."""

    file: str
    copied: bool
    origin: str
    license: str
    license_iri: str
    attribution: str

    @property
    def share_alike(self) -> bool:
        """Return whether the file is under a share-alike licence (CC BY-SA)."""
        return "creativecommons.org/licenses/by-sa/" in self.license_iri


def require_folder(folder: Path) -> Path:
    """Return ``folder`` if it is a directory, else raise :class:`InputError`."""
    if not folder.is_dir():
        raise InputError(
            f"source folder not found: {folder}; pass --source DIR with the provider data "
            "files (the project ships them in examples/data/providers)"
        )
    return folder


def read_csv(folder: Path, name: str, required: list[str]) -> list[CsvRow]:
    """Read ``folder/name`` as CSV and check that it has the ``required`` columns."""
    path = folder / name
    if not path.is_file():
        raise InputError(f"source file not found: {path}; copy it into {folder}")

    try:
        with path.open(encoding="utf-8", newline="") as stream:
            reader = csv.DictReader(stream)
            header = reader.fieldnames or []
            missing = [column for column in required if column not in header]
            if missing:
                raise InputError(
                    f"{path}: missing column(s) {', '.join(missing)}; "
                    f"the file must have the columns {', '.join(required)}"
                )
            rows = [
                CsvRow(file=name, line=reader.line_num, values=dict(values))
                for values in reader
            ]
    except (UnicodeDecodeError, csv.Error) as error:
        raise InputError(f"{path}: not a readable UTF-8 CSV file: {error}") from None

    logger.debug("read %d rows from %s", len(rows), path)
    return rows


def read_json(folder: Path, name: str) -> Any:
    """Read ``folder/name`` as JSON."""
    path = folder / name
    if not path.is_file():
        raise InputError(f"source file not found: {path}; copy it into {folder}")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InputError(f"{path}: invalid JSON: {error}") from None


def member(document: Any, *keys: str | int, file: str) -> Any:
    """Return ``document[keys[0]][keys[1]]...`` or raise :class:`InputError` naming the path."""
    value = document
    for index, key in enumerate(keys):
        try:
            value = value[key]
        except (KeyError, IndexError, TypeError):
            path = "/".join(str(part) for part in keys[: index + 1])
            raise InputError(
                f"{file}: member {path!r} is missing; the importer expects the structure "
                "of the file described in SOURCES.md"
            ) from None
    return value


def read_source_table(folder: Path) -> dict[str, SourceFile]:
    """Read ``source_files.csv``: the origin and licence of every source file."""
    rows = read_csv(
        folder,
        SOURCE_TABLE,
        ["file", "copied", "origin", "license", "license_iri", "attribution"],
    )
    return {
        row["file"]: SourceFile(
            file=row["file"],
            copied=row["copied"] == "yes",
            origin=row["origin"],
            license=row["license"],
            license_iri=row["license_iri"],
            attribution=row["attribution"],
        )
        for row in rows
    }
