"""Publication contracts with partner media ("kerja sama publikasi") and the office they serve.

``config/partners/*.yaml`` holds an optional ``office:`` mapping (the office's name, time zone and the agencies
its daily and weekly reports follow) and a ``partners:`` list, one entry per contract: the outlet (a source
key), a contract number, the period it runs, and the assigned agencies with a monthly quota of pieces each.
Loading validates every entry like crawler.config does for sources and agencies: the first mistake is a
:class:`~crawler.config.ConfigError` naming the file, line, entry and field. Agencies are checked against the
agency dictionary when one is given. Nothing here touches the database.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from crawler.config import (
    KEY_PATTERN,
    ConfigError,
    TimeZoneName,
    EntityConfig,
    _config_files,
    _first_error,
    default_config_dir,
    line_of_location,
    read_yaml,
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AssignedAgency(_Strict):
    """One agency a partner must cover, with its monthly quota of pieces."""

    agency: str = Field(pattern=KEY_PATTERN, description="an entity id from config/entities")
    quota: int = Field(ge=0, description="pieces a month that name the agency (title, lead, body or quote)")


class ContractPeriod(_Strict):
    start: dt.date
    end: dt.date

    @model_validator(mode="after")
    def _in_order(self) -> ContractPeriod:
        if self.start > self.end:
            raise ValueError(f"start {self.start} is after end {self.end}")
        return self


class PartnerConfig(_Strict):
    """One publication contract with one outlet."""

    outlet: str = Field(pattern=KEY_PATTERN, description="the source key of the outlet")
    contract: str | None = Field(default=None, description="the contract number (nomor PKS)")
    name: str | None = Field(default=None, description="the outlet's name as the contract spells it")
    period: ContractPeriod
    agencies: list[AssignedAgency] = Field(min_length=1)
    notes: str | None = None

    @field_validator("agencies")
    @classmethod
    def _agencies_once(cls, agencies: list[AssignedAgency]) -> list[AssignedAgency]:
        seen: set[str] = set()
        for assigned in agencies:
            if assigned.agency in seen:
                raise ValueError(f"agency '{assigned.agency}' is assigned twice")
            seen.add(assigned.agency)
        return agencies

    @property
    def key(self) -> str:
        return f"{self.outlet}:{self.contract or self.period.start.isoformat()}"

    def runs_in(self, month: Month) -> bool:
        return self.period.start <= month.last_day and self.period.end >= month.first_day


class OfficeConfig(_Strict):
    """The office whose reports these are, and the agencies its daily and weekly reports follow."""

    name: str = Field(min_length=1)
    timezone: TimeZoneName = "Asia/Makassar"
    agencies: list[str] = Field(default_factory=list, description="entity ids; empty means every agency")



@dataclass(frozen=True)
class PartnerBook:
    """Everything in config/partners: the office (None when no file names one) and the contracts."""

    office: OfficeConfig | None
    partners: list[PartnerConfig]
    files: list[Path]

    def in_month(self, month: Month) -> list[PartnerConfig]:
        return [partner for partner in self.partners if partner.runs_in(month)]


@dataclass(frozen=True, order=True)
class Month:
    """A calendar month, parsed from ``YYYY-MM``."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month:
        try:
            parsed = dt.datetime.strptime(text.strip(), "%Y-%m")
        except ValueError:
            raise ValueError(f"'{text}' is not a month; write YYYY-MM, e.g. 2026-10") from None
        return cls(parsed.year, parsed.month)

    @classmethod
    def containing(cls, day: dt.date) -> Month:
        return cls(day.year, day.month)

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def last_day(self) -> dt.date:
        return dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    @property
    def next_first_day(self) -> dt.date:
        return self.last_day + dt.timedelta(days=1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def load_partners(config_dir: Path | None = None, *, path: Path | None = None,
                  entities: Iterable[EntityConfig] | None = None) -> PartnerBook:
    """The office and contracts in ``config_dir/partners/*.yaml`` (or the one file or folder ``path``).

    When ``entities`` is given, every assigned agency and office agency must be one of them. A missing
    partners folder gives an empty book (Pantau works without contracts); raises :class:`ConfigError`.
    """
    if path is not None and path.is_file():
        files = [path]
    else:
        directory = path or (config_dir or default_config_dir()) / "partners"
        if not directory.exists():
            return PartnerBook(office=None, partners=[], files=[])
        files = _config_files(directory, ["*.yaml", "*.yml"])
    known = {entity.id for entity in entities} if entities is not None else None
    office: OfficeConfig | None = None
    office_file: Path | None = None
    partners: list[PartnerConfig] = []
    seen: dict[str, Path] = {}
    for file in files:
        text, document = read_yaml(file)
        lines = text.splitlines()
        if not isinstance(document, dict):
            raise ConfigError(file, "expected a mapping with 'partners:' (and optionally 'office:')")
        unknown = set(document) - {"office", "partners", "__line__"}
        if unknown:
            raise ConfigError(file, f"unknown top-level key '{sorted(unknown)[0]}' (expected office, partners)")
        if document.get("office") is not None:
            raw_office = document["office"]
            if not isinstance(raw_office, dict):
                raise ConfigError(file, "'office' must be a mapping with name, timezone, agencies")
            start = raw_office.pop("__line__", 1)
            if office is not None:
                raise ConfigError(file, f"a second office; {office_file} already names one", line=start,
                                  entry="office")
            office = _validate(OfficeConfig, raw_office, file, lines, start, "office")
            office_file = file
            for agency in office.agencies:
                _check_agency(agency, known, file, lines, start, "office", "agencies")
        raw_partners = document.get("partners") or []
        if not isinstance(raw_partners, list):
            raise ConfigError(file, "'partners' must be a list of contracts")
        for index, raw in enumerate(raw_partners):
            if not isinstance(raw, dict):
                raise ConfigError(file, "each partner must be a mapping with outlet, period, agencies",
                                  entry=f"#{index + 1}")
            start = raw.get("__line__", 1)
            entry = str(raw.get("outlet", f"#{index + 1}"))
            partner = _validate(PartnerConfig, raw, file, lines, start, entry)
            for assigned in partner.agencies:
                _check_agency(assigned.agency, known, file, lines, start, entry, "agencies")
            if partner.key in seen:
                raise ConfigError(file, f"duplicate contract, already defined in {seen[partner.key]}",
                                  line=start, entry=entry, field="contract")
            seen[partner.key] = file
            partners.append(partner)
    return PartnerBook(office=office, partners=partners, files=files)


def _strip_lines(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _strip_lines(item) for key, item in value.items() if key != "__line__"}
    if isinstance(value, list):
        return [_strip_lines(item) for item in value]
    return value


def _validate(model: type[_Strict], raw: dict[str, Any], file: Path, lines: list[str], start: int,
              entry: str) -> Any:
    try:
        return model.model_validate(_strip_lines(raw))
    except ValidationError as error:
        field, message = _first_error(error)
        # The line of the bad value itself, also inside a nested list of agencies (not the entry's first line).
        line = line_of_location(raw, tuple(error.errors()[0]["loc"]), lines, start)
        raise ConfigError(file, message, line=line, entry=entry, field=field) from None


def _check_agency(agency: str, known: set[str] | None, file: Path, lines: list[str], start: int, entry: str,
                  field: str) -> None:
    if known is None or agency in known:
        return
    line = next((number for number in range(start, len(lines) + 1) if agency in lines[number - 1]), start)
    raise ConfigError(file, f"names agency '{agency}', which no entity file defines "
                      "(see pantau entities list)", line=line, entry=entry, field=field)
