"""The console's web layer stays thin: routes take what they need from deps.py and leave queries to the queue
package (bot/handover), so a page can be served with any part replaced and a query is found where the data is."""
from __future__ import annotations

import ast
import importlib
from pathlib import Path

from bot.storage.models import Base

CONSOLE = Path(__file__).resolve().parents[2] / "bot" / "console"


def _modules():
    for path in sorted(CONSOLE.glob("*.py")):
        yield path, ast.parse(path.read_text(encoding="utf-8"))


def test_only_deps_reads_the_app_state():
    """A route reading app.state would escape app.dependency_overrides (create_app only fills it)."""
    readers = [f"{path.name}:{node.lineno}" for path, tree in _modules() if path.name not in ("deps.py", "app.py")
               for node in ast.walk(tree) if isinstance(node, ast.Attribute) and node.attr == "state"]
    assert not readers, readers


def test_routes_build_no_queries():
    """Neither SQLAlchemy's query builders nor the ORM classes are at hand in the console: reads and writes
    are named functions in bot/handover (queries.py, staff.py, deliveries.py, accounts.py)."""
    found = []
    for path, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found += [f"{path.name}:{node.lineno} {a.name}" for a in node.names if a.name.startswith("sqlalchemy")]
            elif isinstance(node, ast.ImportFrom) and node.module:
                if node.module.startswith("sqlalchemy") and node.module != "sqlalchemy.exc":
                    found.append(f"{path.name}:{node.lineno} {node.module}")
                if node.module.startswith("bot."):
                    module = importlib.import_module(node.module)
                    found += [f"{path.name}:{node.lineno} {a.name}" for a in node.names
                              if isinstance(getattr(module, a.name, None), type)
                              and issubclass(getattr(module, a.name), Base)]
    assert not found, found
