"""The layers run one way: app.py -> webapp -> explain -> sentiment. Read from the source, every import
(top-level or inside a function) of each package's modules: none may reach a higher layer."""
import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
# Lowest first: a package may import its own modules and those of the packages before it.
LAYERS = ("sentiment", "explain", "webapp")


def imported_packages(path: Path, own: str) -> set[str]:
    """The top-level names of the project packages a module of the package ``own`` imports, absolute or
    relative."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            found.add(own if node.level else (node.module or "").split(".")[0])
    return found & {*LAYERS, "app"}


@pytest.mark.parametrize("package", LAYERS)
def test_no_module_imports_a_higher_layer(package):
    allowed = set(LAYERS[:LAYERS.index(package) + 1])
    offending = {str(p.relative_to(REPO)): sorted(imported_packages(p, package) - allowed)
                 for p in sorted((REPO / package).rglob("*.py"))}
    assert {k: v for k, v in offending.items() if v} == {}


def test_the_check_sees_relative_and_function_level_imports(tmp_path):
    module = tmp_path / "probe.py"
    module.write_text("import webapp.mistakes\ndef f():\n    from explain import patterns\n    from . import data\n")
    assert imported_packages(module, "sentiment") == {"webapp", "explain", "sentiment"}
