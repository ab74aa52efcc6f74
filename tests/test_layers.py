"""The package graph points one way: every import, function-level ones too, goes to a lower layer.

The layers (docs/design.md draws them): what starts processes on top, then the web server and the
composition root, the channels and the console, the hand-over queue (which implements the engine's ports),
the engine, then what the engine uses, with storage and settings at the bottom.
"""
from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Higher imports lower, never the reverse; packages on one layer do not import each other.
LAYERS = [
    {"bot.config", "bot.labels", "bot.i18n"},
    {"bot.storage", "bot.privacy"},
    {"bot.index"},
    {"ingest", "bot.triage", "bot.retrieval", "bot.observability", "bot.ops", "bot.config_reference"},
    {"bot.insights"},
    {"bot.engine"},
    {"bot.handover"},
    {"bot.channels", "bot.console"},
    {"bot.runtime"},
    {"bot.server"},
    {"bot.evaluation"},
    {"bot.cli"},
]
RANK = {pkg: i for i, layer in enumerate(LAYERS) for pkg in layer}


def _package(module: str) -> str:
    parts = module.split(".")
    return parts[0] if parts[0] != "bot" else ".".join(parts[:2])


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> list[tuple[str, int]]:
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(a.name, node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            out.append((target, node.lineno))
    return [(t, line) for t, line in out if t.split(".")[0] in ("bot", "ingest")]


def package_graph() -> dict[tuple[str, str], list[str]]:
    edges: dict[tuple[str, str], list[str]] = defaultdict(list)
    for path in sorted([*ROOT.joinpath("bot").rglob("*.py"), *ROOT.joinpath("ingest").rglob("*.py")]):
        src = _package(_module_name(path))
        for target, line in _imports(path):
            dst = _package(target)
            if dst != src:
                edges[(src, dst)].append(f"{path.relative_to(ROOT)}:{line} imports {target}")
    return edges


def test_every_package_has_a_layer():
    packages = {p for edge in package_graph() for p in edge}
    assert not packages - RANK.keys(), f"give these a layer in LAYERS: {sorted(packages - RANK.keys())}"


def test_imports_only_point_down():
    upward = [where for (src, dst), wheres in package_graph().items()
              if src in RANK and dst in RANK and RANK[dst] >= RANK[src] for where in wheres]
    assert not upward, "imports that point up or sideways:\n" + "\n".join(upward)


def test_the_checker_sees_function_level_and_relative_imports(tmp_path):
    """The graph must not be blind to the imports that hid the old loop (inside functions, relative)."""
    probe = ROOT / "bot" / "engine" / "engine.py"
    targets = {t for t, _ in _imports(probe)}
    assert "bot.privacy" in targets  # imported inside Engine.__init__
    assert "bot.engine.compose" in targets  # a relative import, resolved
