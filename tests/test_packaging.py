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
                     "storage/migrations/script.py.mako", "spiders/news.py", "pipelines/store.py"):
        assert expected in names, f"{expected} is missing from the wheel"
    migrations = {path.name for path in (ROOT / "storage" / "migrations" / "versions").glob("0*.py")}
    assert migrations <= {name.rsplit("/", 1)[-1] for name in names}
    templates = {path.name for path in (ROOT / "crawler" / "reports" / "templates").glob("*")}
    assert templates <= {name.rsplit("/", 1)[-1] for name in names if name.startswith("crawler/reports/")}
    assert not any(name == "schedule.py" for name in names)


def test_schedule_is_a_root_script_not_an_installed_module():
    assert (ROOT / "schedule.py").is_file()
    assert "schedule" not in pyproject()["tool"]["setuptools"]["packages"]
