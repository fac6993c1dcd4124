"""What a non-editable install ships: every package, the bundled config, the migrations."""

from __future__ import annotations

import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_every_python_package_is_listed_in_pyproject():
    listed = set(pyproject()["tool"]["setuptools"]["packages"])
    on_disk = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for top in ("crawler", "spiders", "pipelines", "storage")
        for init in (ROOT / top).rglob("__init__.py")
    }
    assert on_disk - listed == set(), "add these packages to [tool.setuptools] packages in pyproject.toml"


def test_the_wheel_ships_config_migrations_and_templates(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
                    "-w", str(tmp_path), str(ROOT)], check=True, capture_output=True)
    [wheel] = tmp_path.glob("pantau-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in ("crawler/daemon/service.py", "crawler/demo/site.py", "crawler/bundled_config/sources/kaltim.toml",
                     "crawler/bundled_config/entities/kaltim.yaml", "storage/migrations/env.py",
                     "storage/migrations/script.py.mako", "spiders/news.py", "pipelines/store.py",
                     "crawler/tone/lexicon.yaml", "crawler/tone/model.npz"):
        assert expected in names, f"{expected} is missing from the wheel"
    migrations = {path.name for path in (ROOT / "storage" / "migrations" / "versions").glob("0*.py")}
    assert migrations <= {name.rsplit("/", 1)[-1] for name in names}
    templates = {path.name for path in (ROOT / "crawler" / "reports" / "templates").glob("*")}
    assert templates <= {name.rsplit("/", 1)[-1] for name in names if name.startswith("crawler/reports/")}
    assert not any(name == "schedule.py" for name in names)


def test_schedule_is_a_root_script_not_an_installed_module():
    assert (ROOT / "schedule.py").is_file()
    assert "schedule" not in pyproject()["tool"]["setuptools"]["packages"]


def test_every_third_party_import_is_a_declared_dependency():
    """What the code imports itself is declared (core or an extra), not left to arrive through another package."""
    import ast
    import importlib.metadata
    import re

    project = pyproject()["project"]
    requirements = list(project["dependencies"]) + [
        requirement for extra in project["optional-dependencies"].values() for requirement in extra]
    declared = {re.split(r"[\[<>=!~; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")
                for requirement in requirements}
    distributions = importlib.metadata.packages_distributions()
    ours = {"crawler", "spiders", "pipelines", "storage", "bench", "tests", "schedule"}
    undeclared: dict[str, set[str]] = {}
    for top in ("crawler", "spiders", "pipelines", "storage"):
        for path in (ROOT / top).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    module = name.split(".")[0]
                    if module in ours or module in sys.stdlib_module_names:
                        continue
                    # A namespace package (zope) belongs to several distributions: any declared one will do.
                    owners = {owner.lower().replace("_", "-") for owner in distributions.get(module, [])}
                    if not owners & declared:
                        undeclared.setdefault(module, set()).add(str(path.relative_to(ROOT)))
    assert not undeclared, f"imported but not declared in pyproject.toml: {undeclared}"
