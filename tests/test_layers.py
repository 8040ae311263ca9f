"""The layers run one way: app.py -> webapp -> explain -> sentiment. Read from the source, every import
(top-level or inside a function) of each package's modules: none may reach a higher layer, and no modules
import each other in a circle."""
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
    module.write_text("import webapp.mistakes_tab\ndef f():\n    from explain import patterns\n"
                      "    from . import data\n")
    assert imported_packages(module, "sentiment") == {"webapp", "explain", "sentiment"}


def module_name(path: Path, root: Path = REPO) -> str:
    """``sentiment.robustness.run`` for sentiment/robustness/run.py, ``explain`` for explain/__init__.py (below
    ``root``)."""
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path, modules: set[str], root: Path = REPO) -> set[str]:
    """The project modules (of ``modules``) that the module at ``path`` (below ``root``) imports anywhere in it:
    ``from X import y`` counts as ``X.y`` where that is a module, else as ``X``."""
    own = module_name(path, root).split(".")
    here = own if path.name == "__init__.py" else own[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = ".".join([*here[:len(here) - node.level + 1], *([node.module] if node.module else [])]
                            if node.level else [node.module or ""])
            names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names]
        else:
            continue
        for name in names:
            while name not in modules and "." in name:
                name = name.rsplit(".", 1)[0]
            found |= {name} & modules
    return found - {module_name(path, root)}


def test_no_modules_import_each_other_in_a_circle():
    paths = [p for package in LAYERS for p in sorted((REPO / package).rglob("*.py"))]
    modules = {module_name(p) for p in paths}
    graph = {module_name(p): imported_modules(p, modules) for p in paths}
    circles, done = [], set()

    def visit(module, trail):
        if module in trail:
            circles.append(trail[trail.index(module):] + [module])
            return
        if module in done:
            return
        for imported in sorted(graph[module]):
            visit(imported, trail + [module])
        done.add(module)

    for module in sorted(graph):
        visit(module, [])
    assert circles == []


def test_the_circle_check_resolves_relative_imports_to_modules(tmp_path):
    package = tmp_path / "sentiment"
    (package / "robustness").mkdir(parents=True)
    run = package / "robustness" / "run.py"
    run.write_text("from ..cad import load_pairs\nfrom . import report\nfrom sentiment import data\n")
    modules = {"sentiment", "sentiment.cad", "sentiment.data", "sentiment.robustness", "sentiment.robustness.report",
               "sentiment.robustness.run"}
    assert imported_modules(run, modules, tmp_path) == {"sentiment.cad", "sentiment.robustness.report", "sentiment.data"}
