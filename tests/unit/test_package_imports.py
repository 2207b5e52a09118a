"""The package ships only the product: what the modules under podwatch/ import, read
from their source with `ast` (every import, also inside functions and TYPE_CHECKING).

- Only the command line (cli.py, __main__.py) imports podwatch.cli: the rest of the
  package does not depend on argument parsing, exit codes or the process's streams.
- Nothing in podwatch/ imports the checkout's tests/, scripts/ or bench/: the wheel
  does not contain them.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "podwatch"
COMMAND_LINE = {"podwatch.cli", "podwatch.__main__"}
NOT_SHIPPED = {"tests", "scripts", "bench"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(source: str, module: str, is_package: bool = False) -> set[str]:
    """Every module `source` (the text of `module`) imports, by absolute name. `from x
    import y` counts as x and as x.y, since y may be a module; a literal name passed to
    importlib.import_module or __import__ counts too."""
    package = module if is_package else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - (node.level - 1)]
                base = ".".join([*parts, *([node.module] if node.module else [])])
            else:
                base = node.module or ""
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
        elif (
            isinstance(node, ast.Call)
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
            and (
                (isinstance(node.func, ast.Name) and node.func.id == "__import__")
                or (isinstance(node.func, ast.Attribute) and node.func.attr == "import_module")
            )
        ):
            found.add(node.args[0].value)
    return found


def package_imports() -> dict[str, set[str]]:
    return {
        module_name(path): imports(
            path.read_text(encoding="utf-8"), module_name(path), path.name == "__init__.py"
        )
        for path in sorted(PACKAGE.rglob("*.py"))
    }


def is_or_under(name: str, module: str) -> bool:
    return name == module or name.startswith(module + ".")


def test_the_walk_sees_the_package():
    found = package_imports()
    assert {"podwatch", "podwatch.cli", "podwatch.ui.app", "podwatch.model.store"} <= set(found)
    assert "podwatch.model.store" in found["podwatch.kube.source"]


def test_only_the_command_line_imports_podwatch_cli():
    offenders = sorted(
        f"{module} imports {name}"
        for module, names in package_imports().items()
        if module not in COMMAND_LINE
        for name in names
        if is_or_under(name, "podwatch.cli")
    )
    assert offenders == []


def test_the_package_imports_nothing_from_the_checkout():
    offenders = sorted(
        f"{module} imports {name}"
        for module, names in package_imports().items()
        for name in names
        if name.split(".")[0] in NOT_SHIPPED
    )
    assert offenders == []


@pytest.mark.parametrize(
    ("source", "module", "is_package", "expected"),
    [
        ("import podwatch.cli", "podwatch.render", False, "podwatch.cli"),
        ("from podwatch import cli", "podwatch.render", False, "podwatch.cli"),
        ("from . import cli", "podwatch.render", False, "podwatch.cli"),
        ("from .. import cli", "podwatch.ui.app", False, "podwatch.cli"),
        ("from ..cli import main", "podwatch.ui.app", False, "podwatch.cli"),
        ("from .cli import main", "podwatch", True, "podwatch.cli"),
        ("def f():\n    from podwatch.cli import main", "podwatch.safe", False, "podwatch.cli"),
        ("importlib.import_module('podwatch.cli')", "podwatch.x", False, "podwatch.cli"),
        ("__import__('podwatch.cli')", "podwatch.x", False, "podwatch.cli"),
        ("from tests.scenes import SCENES", "podwatch.ui.app", False, "tests.scenes"),
        ("import scripts.demo.story", "podwatch.recording", False, "scripts.demo.story"),
    ],
)
def test_the_walk_resolves_every_form_of_import(source, module, is_package, expected):
    assert expected in imports(source, module, is_package)
