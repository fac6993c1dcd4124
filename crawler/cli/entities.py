"""``pantau entities list|show|validate``: read and check the agency dictionary (config/entities/*.yaml).

``show`` lists every surface form Pantau derives for one body (see :mod:`crawler.variants`), so that humas staff
can see why a text matched and what to put in an entry's ``not`` list.
"""

from __future__ import annotations

from pathlib import Path

import click

from crawler.cli import EXIT_BAD_INPUT, AppContext, PantauError, cli
from crawler.cli.db import OutputFormat, output_options, print_rows
from crawler.config import EntityConfig, load_entities
from crawler.variants import derive_variants


class UnknownEntityError(PantauError):
    exit_code = EXIT_BAD_INPUT


def entities_from(app: AppContext, path: Path | None) -> list[EntityConfig]:
    """The dictionary in ``path`` (a file or folder) or else the config folder's ``entities/``."""
    if path is not None:
        if not path.exists():
            raise UnknownEntityError(f"{path}: no such file or folder (give a .yaml file or a folder of them)")
        return load_entities(path=path)
    return load_entities(app.config_dir)


@cli.group("entities")
def entities_group() -> None:
    """Read and check the agency dictionary (config/entities/*.yaml).

    Example: pantau entities show diskominfo-kaltim
    """


@entities_group.command("list")
@click.option("--entities", "path", type=click.Path(path_type=Path), default=None,
              help="A dictionary file or folder instead of the config folder's entities/.")
@output_options
@click.pass_obj
def entities_list(app: AppContext, path: Path | None, output_format: OutputFormat) -> None:
    """List every agency in the dictionary with its kind, level, region, validity and successor.

    Example: pantau entities list --csv > entities.csv
    """
    rows = [(e.id, e.name, e.acronym, e.kind, e.level, e.region, e.parent, e.valid_from, e.valid_to, e.successor)
            for e in entities_from(app, path)]
    print_rows(["id", "name", "acronym", "kind", "level", "region", "parent", "valid_from", "valid_to",
                "successor"], rows, output_format)


@entities_group.command("show")
@click.argument("entity_id")
@click.option("--entities", "path", type=click.Path(path_type=Path), default=None,
              help="A dictionary file or folder instead of the config folder's entities/.")
@output_options
@click.pass_obj
def entities_show(app: AppContext, entity_id: str, path: Path | None, output_format: OutputFormat) -> None:
    """Show one agency and every surface form (variant) it matches.

    Bare forms (no region) count only when the article or the source fixes the body; see docs/entities.md.

    Example: pantau entities show polda-kaltim
    """
    entities = {entity.id: entity for entity in entities_from(app, path)}
    if entity_id not in entities:
        close = [key for key in entities if entity_id.split("-")[0] in key][:5]
        hint = f" (did you mean {', '.join(close)}?)" if close else " (see pantau entities list)"
        raise UnknownEntityError(f"no entity '{entity_id}' in the dictionary{hint}")
    entity = entities[entity_id]
    if output_format == "table":
        click.echo(f"{entity.id}: {entity.name}")
        for label, value in [("acronym", entity.acronym), ("kind", entity.kind), ("level", entity.level),
                             ("region", entity.region), ("parent", entity.parent),
                             ("valid", f"{entity.valid_from or '…'} – {entity.valid_to or '…'}"
                              if entity.valid_from or entity.valid_to else None),
                             ("successor", entity.successor),
                             ("predecessors", ", ".join(e.id for e in entities.values() if e.successor == entity.id)
                              or None)]:
            if value:
                click.echo(f"  {label}: {value}")
    rows = [(variant.surface, variant.resolution, "context" if variant.bare else "named")
            for variant in derive_variants(entity)]
    print_rows(["variant", "kind", "needs"], rows, output_format)


@entities_group.command("validate")
@click.argument("path", type=click.Path(path_type=Path), required=False)
@click.pass_obj
def entities_validate(app: AppContext, path: Path | None) -> None:
    """Check a dictionary file or folder; on the first mistake print one line and exit with code 2.

    Example: pantau entities validate config/entities/kaltim.yaml
    """
    entities = entities_from(app, path)
    variants = sum(len(derive_variants(entity)) for entity in entities)
    click.echo(f"OK: {len(entities)} entities, {variants} variants ({path or app.config_dir / 'entities'})")
