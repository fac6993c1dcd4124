"""Pantau's configuration files: the source catalogue and the agency dictionary.

Sources live in ``config/sources/*.toml`` (``[[sources]]`` tables), agencies in ``config/entities/*.yaml``
(a top-level ``entities:`` list). Humas staff edit these files by hand, so loading validates every entry and
turns the first mistake into a :class:`ConfigError` whose message is one line naming the file, the line, the
entry and the field, and saying what to do. Nothing here touches the database: storage mirrors the validated
objects into the ``source``, ``entity`` and ``entity_alias`` tables.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tomllib
import zoneinfo
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from crawler.freshness import DEFAULT_REFETCH, parse_schedule

CONFIG_ENV = "PANTAU_CONFIG"

EntityKind = Literal[
    "ministry", "agency", "pemda", "dinas", "badan", "sekretariat", "dprd", "police", "military",
    "court", "other",
]
EntityLevel = Literal["nasional", "provinsi", "kota", "kabupaten"]

KEY_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"


class ConfigError(Exception):
    """A configuration file has a mistake; ``str(error)`` is the one-line message for the user."""

    def __init__(self, path: Path | str, problem: str, *, line: int | None = None, entry: str | None = None,
                 field: str | None = None) -> None:
        self.path, self.problem, self.line, self.entry, self.field = Path(path), problem, line, entry, field
        where = f"{path}:{line}" if line else f"{path}"
        parts = [where]
        if entry:
            parts.append(f"entry '{entry}'")
        if field:
            parts.append(f"field '{field}'")
        super().__init__(": ".join(parts) + f": {problem}")


def default_config_dir() -> Path:
    """The config directory in force: ``$PANTAU_CONFIG`` or the catalogue bundled with Pantau."""
    if os.environ.get(CONFIG_ENV):
        return Path(os.environ[CONFIG_ENV])
    checkout = Path(__file__).resolve().parent.parent / "config"
    if checkout.is_dir():
        return checkout
    # A non-editable install ships the same files as the package ``crawler.bundled_config``.
    return Path(__file__).resolve().parent / "bundled_config"


def known_time_zone(value: str) -> str:
    """Pydantic check for an IANA time zone name (config fields named ``timezone``)."""
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone '{value}' (use an IANA name such as Asia/Makassar)") from None
    return value


TimeZoneName = Annotated[str, AfterValidator(known_time_zone)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SourceConfig(_Strict):
    """One news outlet to crawl."""

    key: str = Field(pattern=KEY_PATTERN, description="stable identifier, used on the command line and in SQL")
    name: str = Field(min_length=1)
    home_url: str
    allowed_domains: list[str] = Field(default_factory=list, description="defaults to the home URL's host")
    sitemaps: list[str] = Field(default_factory=list)
    feeds: list[str] = Field(default_factory=list)
    listing_pages: list[str] = Field(default_factory=list)
    article_url_pattern: str | None = Field(default=None, description="regex searched in article URLs")
    language: str = "id"
    timezone: TimeZoneName = "Asia/Jakarta"
    region: str | None = Field(default=None, description="home region of a regional outlet, e.g. Kalimantan Timur")
    scope: Literal["regional", "national"] = "regional"
    interval_minutes: int = Field(default=60, ge=1)
    cron: str | None = Field(default=None, description="crontab expression; overrides interval_minutes")
    enabled: bool = True
    refetch: list[str] = Field(default_factory=lambda: list(DEFAULT_REFETCH),
                               description="re-fetch a stored story this long after publication, e.g. 1h, 6h")
    wordpress_api: Literal["auto", "off"] = Field(
        default="auto", description="discover through /wp-json/wp/v2/posts when the site answers it")
    kind: Literal["news", "press-office"] = Field(
        default="news", description="press-office: the office's own release pages; its articles are releases")
    agency: str | None = Field(default=None, pattern=KEY_PATTERN,
                               description="press-office only: the entity id of the office issuing the releases")

    @model_validator(mode="after")
    def _agency_for_press_office(self) -> SourceConfig:
        if self.agency is not None and self.kind != "press-office":
            raise ValueError("'agency' is only for sources with kind = \"press-office\"")
        return self

    @field_validator("home_url")
    @classmethod
    def _absolute_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"'{value}' is not an absolute http(s) URL")
        return value

    @field_validator("sitemaps", "feeds", "listing_pages")
    @classmethod
    def _absolute_urls(cls, values: list[str]) -> list[str]:
        return [cls._absolute_url(value) for value in values]

    @field_validator("article_url_pattern")
    @classmethod
    def _valid_regex(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as error:
                raise ValueError(f"not a valid regular expression ({error})") from None
        return value


    @field_validator("refetch")
    @classmethod
    def _valid_schedule(cls, values: list[str]) -> list[str]:
        parse_schedule(values)
        return values

    @property
    def refetch_schedule(self) -> tuple[dt.timedelta, ...]:
        return parse_schedule(self.refetch)

    @model_validator(mode="after")
    def _default_domains(self) -> SourceConfig:
        if not self.allowed_domains:
            host = urlsplit(self.home_url).hostname or ""
            object.__setattr__(self, "allowed_domains", [host.removeprefix("www.")])
        return self

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)


class EntityConfig(_Strict):
    """One agency (a government body) whose mentions Pantau counts."""

    id: str = Field(pattern=KEY_PATTERN)
    name: str = Field(min_length=1, description="official full name")
    acronym: str | None = None
    aliases: list[str] = Field(default_factory=list, description="extra surface forms, matched as written")
    not_: list[str] = Field(default_factory=list, alias="not", description="derived variants to drop")
    kind: EntityKind
    level: EntityLevel
    region: str | None = None
    parent: str | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    successor: str | None = None

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _period_in_order(self) -> EntityConfig:
        if self.valid_from and self.valid_to and self.valid_from > self.valid_to:
            raise ValueError(f"valid_from {self.valid_from} is after valid_to {self.valid_to}")
        return self


# --------------------------------------------------------------------------------------------- loading


def _first_error(error: ValidationError) -> tuple[str | None, str]:
    first = error.errors()[0]
    field = ".".join(str(part) for part in first["loc"]) or None
    message = first["msg"].removeprefix("Value error, ")
    if first["type"] == "extra_forbidden":
        message = "unknown field (check the spelling; see docs/config.md)"
    elif first["type"] == "missing":
        message = "required value is missing"
    return field, message


def _line_of(text_lines: list[str], start: int, field: str | None) -> int:
    """Best-effort 1-based line of ``field`` in the entry that starts at ``start`` (1-based)."""
    if field:
        name = field.split(".")[0]
        for number in range(start, len(text_lines) + 1):
            stripped = text_lines[number - 1].strip().lstrip("- ")
            if re.match(rf"{re.escape(name)}\s*[=:]", stripped):
                return number
            if number > start and re.match(r"^\s*(\[\[|- id\s*:)", text_lines[number - 1]):
                break
    return start


def _toml_entry_lines(text: str) -> list[int]:
    return [number for number, line in enumerate(text.splitlines(), 1) if line.strip().startswith("[[sources]]")]


def _config_files(directory: Path, patterns: Iterable[str]) -> list[Path]:
    if not directory.is_dir():
        raise ConfigError(directory, "directory not found (set --config or PANTAU_CONFIG to a config folder)")
    return sorted(path for pattern in patterns for path in directory.glob(pattern))


def load_sources(config_dir: Path | None = None) -> list[SourceConfig]:
    """Every source in ``config_dir/sources/*.toml``, validated; raises :class:`ConfigError`."""
    directory = (config_dir or default_config_dir()) / "sources"
    sources: list[SourceConfig] = []
    seen: dict[str, Path] = {}
    for path in _config_files(directory, ["*.toml"]):
        text = path.read_text(encoding="utf-8")
        for source in parse_sources_toml(text, path):
            if source.key in seen:
                line = next((number for number, row in enumerate(text.splitlines(), 1)
                             if re.match(rf"\s*key\s*=\s*[\"']{re.escape(source.key)}[\"']", row)), None)
                raise ConfigError(path, f"duplicate key, already defined in {seen[source.key]}", line=line,
                                  entry=source.key, field="key")
            seen[source.key] = path
            sources.append(source)
    return sources


def parse_sources_toml(text: str, path: Path | str = "<sources>") -> list[SourceConfig]:
    """The sources in one TOML document (``[[sources]]`` tables); ``path`` names it in errors."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line = getattr(error, "lineno", None)
        raise ConfigError(path, f"not valid TOML ({error})", line=line) from None
    unknown = set(document) - {"sources"}
    if unknown:
        raise ConfigError(path, f"unknown top-level key '{sorted(unknown)[0]}' (write [[sources]] tables)")
    starts = _toml_entry_lines(text)
    lines = text.splitlines()
    sources: list[SourceConfig] = []
    keys: set[str] = set()
    for index, raw in enumerate(document.get("sources", [])):
        start = starts[index] if index < len(starts) else 1
        entry = str(raw.get("key", f"#{index + 1}"))
        try:
            source = SourceConfig.model_validate(raw)
        except ValidationError as error:
            field, message = _first_error(error)
            raise ConfigError(path, message, line=_line_of(lines, start, field), entry=entry,
                              field=field) from None
        if source.key in keys:
            raise ConfigError(path, "duplicate key in this file", line=_line_of(lines, start, "key"),
                              entry=source.key, field="key")
        keys.add(source.key)
        sources.append(source)
    return sources


class _LineLoader(yaml.SafeLoader):
    """A YAML loader that remembers the line on which each mapping starts (under ``__line__``)."""


def _construct_mapping_with_line(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


def _construct_checked_timestamp(loader: _LineLoader, node: yaml.ScalarNode) -> Any:
    # PyYAML raises a bare ValueError, without the line, for a date such as 2026-02-31.
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError as error:
        raise yaml.constructor.ConstructorError(None, None, f"'{node.value}' is not a valid date ({error})",
                                                node.start_mark) from None


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping_with_line)
_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_checked_timestamp)

if getattr(yaml, "CSafeLoader", None) is not None:
    class _FastLineLoader(yaml.CSafeLoader):
        """:class:`_LineLoader` on libyaml's parser (the same documents, the same lines; a tenth of the time the
        agency dictionary takes to read at every start). Errors are reported by the pure-Python one, whose
        messages the config errors quote."""

    _FastLineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping_with_line)
    _FastLineLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_checked_timestamp)
else:  # PyYAML built without libyaml
    _FastLineLoader = _LineLoader  # type: ignore[misc,assignment]


def line_of_location(raw: Any, location: tuple[str | int, ...], text_lines: list[str], start: int) -> int:
    """The 1-based line of the value at ``location`` (a pydantic error's ``loc``) inside ``raw``, a mapping
    read by :func:`read_yaml`: the innermost mapping on the path gives its line, then the key or list item."""
    line, current = start, raw
    last_key: str | None = None
    index: int | None = None
    for part in location:
        if isinstance(current, dict) and isinstance(part, str) and part in current:
            line, last_key, index = current.get("__line__", line), part, None
            current = current[part]
        elif isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current):
            index = part
            current = current[part]
            if isinstance(current, dict):
                line, last_key, index = current.get("__line__", line), None, None
        else:
            break
    if last_key is not None:
        line = _line_of(text_lines, line, last_key)
    if index is not None:  # an item of a list of plain values: count the "- " lines after the key
        items = [number for number in range(line + 1, len(text_lines) + 1)
                 if text_lines[number - 1].strip().startswith("- ")]
        if index < len(items):
            line = items[index]
    return line


def read_yaml(file: Path) -> tuple[str, Any]:
    """A config file's text and its YAML document, whose mappings carry their line under ``__line__``."""
    text = file.read_text(encoding="utf-8")
    if not yaml.reader.Reader.NON_PRINTABLE.search(text):  # characters PyYAML refuses and libyaml may not
        try:
            return text, yaml.load(text, Loader=_FastLineLoader) or {}
        except yaml.YAMLError:
            pass  # read it again with the pure-Python parser, for its error message
    try:
        return text, yaml.load(text, Loader=_LineLoader) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise ConfigError(file, f"not valid YAML ({getattr(error, 'problem', error)})",
                          line=mark.line + 1 if mark else None) from None


def load_entities(config_dir: Path | None = None, *, path: Path | None = None) -> list[EntityConfig]:
    """Every agency in ``config_dir/entities/*.yaml`` (or in the one file or folder ``path``), validated."""
    if path is not None and path.is_file():
        files = [path]
    else:
        files = _config_files(path or (config_dir or default_config_dir()) / "entities", ["*.yaml", "*.yml"])
    entities: list[EntityConfig] = []
    origin: dict[str, tuple[Path, int]] = {}
    for file in files:
        text, document = read_yaml(file)
        if not isinstance(document, dict) or not isinstance(document.get("entities", []), list):
            raise ConfigError(file, "expected a top-level 'entities:' list")
        unknown = set(document) - {"entities", "__line__"}
        if unknown:
            raise ConfigError(file, f"unknown top-level key '{sorted(unknown)[0]}'")
        lines = text.splitlines()
        for index, raw in enumerate(document.get("entities") or []):
            if not isinstance(raw, dict):
                raise ConfigError(file, "each entity must be a mapping with id, name, kind, level …",
                                  entry=f"#{index + 1}")
            start = raw.pop("__line__", 1)
            entry = str(raw.get("id", f"#{index + 1}"))
            try:
                entity = EntityConfig.model_validate(raw)
            except ValidationError as error:
                field, message = _first_error(error)
                if field == "not_":
                    field = "not"
                raise ConfigError(file, message, line=_line_of(lines, start, field), entry=entry,
                                  field=field) from None
            if entity.id in origin:
                raise ConfigError(file, f"duplicate id, already defined in {origin[entity.id][0]}", line=start,
                                  entry=entity.id, field="id")
            origin[entity.id] = (file, start)
            entities.append(entity)
    for entity in entities:
        for field in ("parent", "successor"):
            target = getattr(entity, field)
            if target is not None and target not in origin:
                file, start = origin[entity.id]
                raise ConfigError(file, f"names '{target}', which no entity file defines",
                                  line=_line_of(file.read_text(encoding="utf-8").splitlines(), start, field),
                                  entry=entity.id, field=field)
    return entities
