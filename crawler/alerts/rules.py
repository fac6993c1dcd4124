"""Alert rule files (``config/alerts/*.yaml``): channels, rules and their defaults, validated like the rest of
the config — the first mistake is a :class:`AlertConfigError` whose message is one line naming the file, the
line, the rule (or channel) and the field.

A file has up to three top-level keys::

    defaults:   {channels: [...], timezone: ..., quiet_hours: "22:00-06:00", digest: daily, include: [...]}
    channels:   {NAME: {type: email | webhook | apprise, ...}}
    rules:      [{id, agency, include, condition, channels, timezone, quiet_hours, digest, enabled}, ...]

String values in a channel may name environment variables, ``${NAME}`` or ``${NAME:-default}``, so that
passwords and addresses stay out of version control; a channel whose variable is unset is not configured (its
alerts are recorded as skipped, with the variable named), not an error. docs/alerts.md describes every field.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator

from crawler.alerts.timing import DigestPeriod, QuietHours
from crawler.config import KEY_PATTERN, ConfigError, EntityConfig, TimeZoneName, _first_error, default_config_dir, \
    read_yaml

DEFAULT_TIMEZONE = "Asia/Jakarta"
_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


class AlertConfigError(ConfigError):
    """A mistake in an alert file: ``path:line: rule 'x': field 'y': problem``."""

    def __init__(self, path: Path | str, problem: str, *, line: int | None = None, rule: str | None = None,
                 field: str | None = None, kind: str = "rule") -> None:
        super().__init__(path, problem, line=line, entry=rule, field=field)
        parts = [f"{path}:{line}" if line else f"{path}"]
        if rule:
            parts.append(f"{kind} '{rule}'")
        if field:
            parts.append(f"field '{field}'")
        self.args = (": ".join(parts) + f": {problem}",)


def _quiet_hours(value: str | None) -> str | None:
    if value is not None:
        QuietHours.parse(value)
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


def _http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"'{value}' is not an absolute http(s) URL")
    return value


def _addresses(value: Any) -> Any:
    # An environment variable may hold several addresses: "a@x.go.id, b@x.go.id".
    if isinstance(value, str):
        value = [value]
    if isinstance(value, list):
        return [part.strip() for item in value for part in str(item).split(",") if part.strip()]
    return value


class EmailChannel(_Strict):
    type: Literal["email"]
    host: str = Field(min_length=1, description="SMTP server")
    port: int = Field(default=25, ge=1, le=65535)
    security: Literal["none", "starttls", "ssl"] = "none"
    username: str | None = None
    password: str | None = None
    sender: str = Field(alias="from", min_length=3)
    to: Annotated[list[str], Field(min_length=1)]
    timeout: float = Field(default=10.0, gt=0, le=60)

    @field_validator("to", mode="before")
    @classmethod
    def _split_addresses(cls, value: Any) -> Any:
        return _addresses(value)

    @field_validator("to")
    @classmethod
    def _looks_like_addresses(cls, values: list[str]) -> list[str]:
        for value in values:
            if "@" not in value:
                raise ValueError(f"'{value}' is not an e-mail address")
        return values


class WebhookChannel(_Strict):
    type: Literal["webhook"]
    url: Annotated[str, AfterValidator(_http_url)]
    headers: dict[str, str] = Field(default_factory=dict)
    timeout: float = Field(default=10.0, gt=0, le=60)


class AppriseChannel(_Strict):
    type: Literal["apprise"]
    urls: Annotated[list[str], Field(min_length=1)]
    timeout: float = Field(default=20.0, gt=0, le=120)

    @field_validator("urls", mode="before")
    @classmethod
    def _one_or_more(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value


CHANNEL_TYPES: dict[str, type[_Strict]] = {"email": EmailChannel, "webhook": WebhookChannel,
                                           "apprise": AppriseChannel}
ChannelSettings = EmailChannel | WebhookChannel | AppriseChannel


@dataclass(frozen=True)
class Channel:
    """A named channel; ``settings`` is None when an environment variable it needs is unset (``missing``)."""

    name: str
    type: str
    settings: ChannelSettings | None
    missing: tuple[str, ...] = ()

    @property
    def configured(self) -> bool:
        return self.settings is not None

    def why_not(self) -> str:
        return f"channel '{self.name}' is not configured: {', '.join(self.missing)} not set in the environment"


class RuleSpec(_Strict):
    id: str = Field(pattern=KEY_PATTERN)
    name: str | None = None
    agency: str | None = None
    include: list[Literal["children", "successor"]] = Field(default_factory=list)
    condition: str | dict[str, Any]
    channels: Annotated[list[str], Field(min_length=1)]
    timezone: TimeZoneName = DEFAULT_TIMEZONE
    quiet_hours: Annotated[str | None, AfterValidator(_quiet_hours)] = None
    digest: DigestPeriod | None = None
    enabled: bool = True


_DEFAULT_KEYS = {"channels", "timezone", "quiet_hours", "digest", "include"}


@dataclass(frozen=True)
class AlertRule:
    """A validated rule, its agency resolved into the set of entity ids it covers (``scope``)."""

    id: str
    condition: str
    params: Any
    channels: tuple[str, ...]
    agency: str | None = None
    agency_name: str | None = None
    include: tuple[str, ...] = ()
    scope: frozenset[str] = frozenset()
    name: str | None = None
    timezone: str = DEFAULT_TIMEZONE
    quiet_hours: QuietHours | None = None
    digest: DigestPeriod | None = None
    enabled: bool = True
    path: Path | None = None
    line: int | None = None


@dataclass
class AlertConfig:
    rules: list[AlertRule] = field(default_factory=list)
    channels: dict[str, Channel] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)

    @property
    def active_rules(self) -> list[AlertRule]:
        return [rule for rule in self.rules if rule.enabled]

    def rule(self, rule_id: str) -> AlertRule | None:
        return next((rule for rule in self.rules if rule.id == rule_id), None)


# --------------------------------------------------------------------------------------------- scope


def resolve_scope(agency: str, include: Iterable[str], entities: Iterable[EntityConfig]) -> frozenset[str]:
    """``agency``, plus its successors (``successor``) and every body below them (``children``, recursively)."""
    entities = list(entities)
    by_id = {entity.id: entity for entity in entities}
    include = set(include)
    scope = {agency}
    if "successor" in include:
        current = by_id.get(agency)
        while current is not None and current.successor and current.successor not in scope:
            scope.add(current.successor)
            current = by_id.get(current.successor)
    if "children" in include:
        children: dict[str, list[str]] = {}
        for entity in entities:
            if entity.parent:
                children.setdefault(entity.parent, []).append(entity.id)
        pending = list(scope)
        while pending:
            for child in children.get(pending.pop(), []):
                if child not in scope:
                    scope.add(child)
                    pending.append(child)
    return frozenset(scope)


# --------------------------------------------------------------------------------------------- loading


def alert_files(config_dir: Path | None = None) -> list[Path]:
    directory = (config_dir or default_config_dir()) / "alerts"
    if not directory.is_dir():
        return []
    return sorted(path for pattern in ("*.yaml", "*.yml") for path in directory.glob(pattern))


def load_alert_config(config_dir: Path | None = None, entities: Iterable[EntityConfig] = (), *,
                      files: list[Path] | None = None, environ: Mapping[str, str] | None = None) -> AlertConfig:
    """Every channel and rule in ``config_dir/alerts/*.yaml`` (or ``files``); raises :class:`AlertConfigError`.

    A missing alerts folder is no error: no rules, no alerts.
    """
    from crawler.alerts.registry import conditions

    registry = conditions()
    environ = os.environ if environ is None else environ
    entities = list(entities)
    names = {entity.id: entity.name for entity in entities}
    config = AlertConfig(files=list(files) if files is not None else alert_files(config_dir))
    raw_rules: list[tuple[Path, list[str], dict[str, Any]]] = []
    channel_origin: dict[str, Path] = {}
    for path in config.files:
        text, document = read_yaml(path)
        lines = text.splitlines()
        if not isinstance(document, dict):
            raise AlertConfigError(path, "expected a mapping with 'rules:' (and optionally 'channels:', 'defaults:')")
        unknown = set(document) - {"rules", "channels", "defaults", "__line__"}
        if unknown:
            raise AlertConfigError(path, f"unknown top-level key '{sorted(unknown)[0]}' (use rules, channels, "
                                         "defaults)", line=_key_line(lines, 1, sorted(unknown)[0]))
        defaults = document.get("defaults") or {}
        if not isinstance(defaults, dict):
            raise AlertConfigError(path, "'defaults' must be a mapping", line=_key_line(lines, 1, "defaults"))
        defaults = _plain(defaults)
        bad = set(defaults) - _DEFAULT_KEYS
        if bad:
            key = sorted(bad)[0]
            raise AlertConfigError(path, f"unknown default '{key}' (allowed: {', '.join(sorted(_DEFAULT_KEYS))})",
                                   line=_key_line(lines, 1, key), field=f"defaults.{key}")
        channels = document.get("channels") or {}
        if not isinstance(channels, dict):
            raise AlertConfigError(path, "'channels' must be a mapping of channel names to settings",
                                   line=_key_line(lines, 1, "channels"))
        for name, raw in channels.items():
            if name == "__line__":
                continue
            line = raw.get("__line__") if isinstance(raw, dict) else None
            if name in channel_origin:
                raise AlertConfigError(path, f"duplicate channel name, already defined in {channel_origin[name]}",
                                       line=line, rule=name, kind="channel")
            if not re.match(KEY_PATTERN, str(name)):
                raise AlertConfigError(path, "channel names are lowercase letters, digits, - and _", line=line,
                                       rule=str(name), kind="channel")
            config.channels[name] = _channel(path, lines, str(name), raw, environ)
            channel_origin[name] = path
        rules = document.get("rules") or []
        if not isinstance(rules, list):
            raise AlertConfigError(path, "'rules' must be a list of rules (- id: …)",
                                   line=_key_line(lines, 1, "rules"))
        for index, raw in enumerate(rules):
            if not isinstance(raw, dict):
                raise AlertConfigError(path, "each rule must be a mapping with id, agency, condition, channels",
                                       rule=f"#{index + 1}")
            raw_rules.append((path, lines, {**defaults, **raw}))
    seen: dict[str, Path] = {}
    for path, lines, raw in raw_rules:
        rule = _rule(path, lines, raw, registry, names, entities, config.channels)
        if rule.id in seen:
            raise AlertConfigError(path, f"duplicate rule id, already defined in {seen[rule.id]}", line=rule.line,
                                   rule=rule.id, field="id")
        seen[rule.id] = path
        config.rules.append(rule)
    return config


def _rule(path: Path, lines: list[str], raw: dict[str, Any], registry: Mapping[str, Any], names: dict[str, str],
          entities: list[EntityConfig], channels: dict[str, Channel]) -> AlertRule:
    start = raw.get("__line__", 1)
    rule_id = str(raw.get("id", "?"))
    clean = _plain(raw)

    def fail(problem: str, field: str | None) -> AlertConfigError:
        return AlertConfigError(path, problem, line=_field_line(lines, start, field), rule=rule_id, field=field)

    try:
        spec = RuleSpec.model_validate(clean)
    except ValidationError as error:
        field_name, message = _first_error(error)
        if field_name and field_name.startswith("condition."):
            field_name = "condition"
        raise fail(message, field_name) from None
    condition = {"type": spec.condition} if isinstance(spec.condition, str) else dict(spec.condition)
    kind = condition.pop("type", None)
    if kind not in registry:
        known = ", ".join(sorted(registry))
        problem = (f"unknown condition '{kind}' (known: {known})" if kind else
                   f"the condition needs a 'type' (one of {known})")
        raise fail(problem, "condition.type" if isinstance(spec.condition, dict) else "condition")
    condition_type = registry[kind]
    try:
        params = condition_type.params.model_validate(condition)
    except ValidationError as error:
        field_name, message = _first_error(error)
        raise fail(message, f"condition.{field_name}" if field_name else "condition") from None
    if spec.agency is None and condition_type.needs_agency:
        raise fail(f"the condition '{kind}' needs an agency (an entity id from config/entities)", "agency")
    if spec.agency is not None and spec.agency not in names:
        raise fail(f"names '{spec.agency}', which no entity file defines (see `pantau entities list`)", "agency")
    for name in spec.channels:
        if name not in channels:
            known = ", ".join(sorted(channels)) or "none defined"
            raise fail(f"unknown channel '{name}' (channels: {known})", "channels")
    scope = resolve_scope(spec.agency, spec.include, entities) if spec.agency else frozenset()
    return AlertRule(
        id=spec.id, condition=kind, params=params, channels=tuple(dict.fromkeys(spec.channels)), agency=spec.agency,
        agency_name=names.get(spec.agency) if spec.agency else None, include=tuple(spec.include), scope=scope,
        name=spec.name, timezone=spec.timezone,
        quiet_hours=QuietHours.parse(spec.quiet_hours) if spec.quiet_hours else None, digest=spec.digest,
        enabled=spec.enabled, path=path, line=start)


def _channel(path: Path, lines: list[str], name: str, raw: Any, environ: Mapping[str, str]) -> Channel:
    start = raw.get("__line__") if isinstance(raw, dict) else _key_line(lines, 1, name)

    def fail(problem: str, field: str | None) -> AlertConfigError:
        return AlertConfigError(path, problem, line=_field_line(lines, start or 1, field), rule=name, field=field,
                                kind="channel")

    if not isinstance(raw, dict):
        raise fail("a channel is a mapping with a type (email, webhook or apprise) and its settings", None)
    clean = _plain(raw)
    kind = clean.get("type")
    if kind not in CHANNEL_TYPES:
        raise fail(f"unknown channel type '{kind}' (use email, webhook or apprise)" if kind else
                   "the channel needs a type: email, webhook or apprise", "type")
    model = CHANNEL_TYPES[kind]
    missing: list[str] = []
    expanded = _expand(clean, environ, missing)
    if missing:
        # Only the shape can be checked without the values: every key must be one the channel type knows.
        known = {field.alias or name_ for name_, field in model.model_fields.items()} | set(model.model_fields)
        for key in clean:
            if key not in known:
                raise fail("unknown field (check the spelling; see docs/alerts.md)", key)
        return Channel(name, kind, None, tuple(dict.fromkeys(missing)))
    try:
        settings = model.model_validate(expanded)
    except ValidationError as error:
        field_name, message = _first_error(error)
        raise fail(message, field_name) from None
    return Channel(name, kind, settings)  # type: ignore[arg-type]


def _expand(value: Any, environ: Mapping[str, str], missing: list[str]) -> Any:
    if isinstance(value, str):
        def replace(match: re.Match[str]) -> str:
            name, default = match.group(1), match.group(2)
            if environ.get(name):
                return environ[name]
            if default is not None:
                return default
            missing.append(name)
            return ""
        return _ENV.sub(replace, value)
    if isinstance(value, list):
        return [_expand(item, environ, missing) for item in value]
    if isinstance(value, dict):
        return {key: _expand(item, environ, missing) for key, item in value.items()}
    return value


def _plain(value: Any) -> Any:
    """The YAML value without the loader's ``__line__`` keys."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items() if key != "__line__"}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def _key_line(lines: list[str], start: int, key: str) -> int | None:
    for number in range(max(start, 1), len(lines) + 1):
        if re.match(rf"^\s*-?\s*{re.escape(str(key))}\s*:", lines[number - 1]):
            return number
    return None


def _field_line(lines: list[str], start: int, field: str | None) -> int:
    """The line of ``field`` (dotted for nested keys) inside the mapping whose first key is on line ``start``;
    ``start`` itself when the field is not written there (a missing value, or one taken from ``defaults``)."""
    if not field or not 0 < start <= len(lines):
        return start
    column = len(re.match(r"^(\s*(?:-\s+)?)", lines[start - 1]).group(1))  # type: ignore[union-attr]
    line = start
    for part in (part for part in field.split(".") if not part.isdigit()):
        pattern = re.compile(rf"(^\s*(?:-\s+)?|[{{,]\s*){re.escape(part)}\s*:")
        for number in range(line, len(lines) + 1):
            text = lines[number - 1]
            if number > start and text.strip() and not text.lstrip().startswith("#") \
                    and len(text) - len(text.lstrip(" ")) < column:
                return line  # past the end of this mapping
            if pattern.search(text):
                line = number
                break
        else:
            return line
    return line
