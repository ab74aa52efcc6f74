"""docs/configuration.md is generated from the settings: current, complete, and never showing a secret."""
from __future__ import annotations

import re
import subprocess
import sys

import pytest
from pydantic import Field

from bot.config import DEV_SECRET, Settings
from bot.config_reference import (OTHER_VARIABLES, OUTPUT, MissingDescriptions, default_text, env_name, is_secret,
                                  render, write_or_check)
from tests.conftest import REPO


# Subclasses stand in for "an engineer adds a setting": their source is read like bot/config.py's.
class WithNewSetting(Settings):
    # --- scale-out ----------------------------------------------------------------
    shared_cache_url: str | None = Field(None, description="Shared cache for rate limits across replicas.")


class WithUndocumented(Settings):
    undocumented_knob: int = 3


class WithSecrets(Settings):
    # --- secrets ------------------------------------------------------------------
    backup_password: str = Field("pw-geheim-geheim-geheim", description="Password of the backup target.")
    partner_tokens: dict[str, str] = Field(default_factory=lambda: {"gemeente-a": "tok-3f9a1c77"},
                                           description="Per partner its token.")
    cache_url: str = Field("redis://essbot:hunter2-geheim@cache:6379/0", description="A URL with a password.")


def _section(text: str, title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    assert match, f"no section {title!r}"
    return match.group(1)


def test_committed_reference_equals_the_generated_one():
    assert OUTPUT.read_text(encoding="utf-8") == render(), "docs/configuration.md is stale: run `essbot config-reference`"


def test_a_new_setting_lands_in_its_section_and_makes_the_committed_file_stale():
    text = render(WithNewSetting)
    assert "| `ESSBOT_SHARED_CACHE_URL` | string, optional | unset | Shared cache for rate limits" in \
        _section(text, "Scale-out")
    assert text != OUTPUT.read_text(encoding="utf-8")


def test_every_setting_has_a_description():
    undocumented = [name for name, field in Settings.model_fields.items() if not (field.description or "").strip()]
    assert undocumented == [], f"add description= in bot/config.py for: {undocumented}"
    with pytest.raises(MissingDescriptions) as err:
        render(WithUndocumented)
    assert err.value.names == ["undocumented_knob"]


def test_rows_follow_the_settings_and_their_section_comments():
    text = render()
    for name, field in Settings.model_fields.items():
        assert text.count(f"| `{env_name(Settings, name)}` |") == 1, name
    assert "| `ESSBOT_ENVIRONMENT` | one of `development`, `test`, `production` | `development` |" in \
        _section(text, "General")
    assert "| `ESSBOT_CHROMA_MODE` | one of `embedded`, `http` | `embedded` |" in _section(text, "Vector store")
    assert "| `ESSBOT_DATA_DIR` | path | `./data` |" in _section(text, "Where things live")  # never this machine's path
    assert str(REPO) not in text
    assert "| `ESSBOT_WIDGET_SITES` | JSON object (string → list of string) | empty |" in _section(text, "Channels")


def test_secrets_never_show_their_values():
    text = render()
    secrets = {name: Settings.model_fields[name].get_default(call_default_factory=True)
               for name in Settings.model_fields if is_secret(name, Settings.model_fields[name].annotation)}
    assert {"secret_key", "telegram_token", "telegram_webhook_secret", "llm_api_key", "api_keys"} <= set(secrets)
    for name, value in secrets.items():
        if value:
            assert str(value) not in text, name
    assert DEV_SECRET not in text and "not-needed" not in text
    assert "| `ESSBOT_SECRET_KEY` | string | built-in, not shown |" in text

    text = render(WithSecrets)
    for value in ("pw-geheim-geheim-geheim", "tok-3f9a1c77", "hunter2-geheim"):
        assert value not in text
    rows = _section(text, "Secrets")
    assert "| `ESSBOT_BACKUP_PASSWORD` | string | built-in, not shown |" in rows
    assert "| `ESSBOT_PARTNER_TOKENS` | JSON object (string → string) | built-in, not shown |" in rows
    assert "`redis://essbot:***@cache:6379/0`" in rows
    assert default_text(Settings, "llm_max_tokens") == "`400`"  # a count named "tokens" is no secret


def test_output_ignores_the_environment_and_dotenv(tmp_path, monkeypatch):
    (tmp_path / ".env").write_text("ESSBOT_LLM_API_KEY=sk-from-dotenv-4711\nESSBOT_CHUNK_SIZE=1234\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ESSBOT_SECRET_KEY", "from-the-environment-" + "z" * 32)
    monkeypatch.setenv("ESSBOT_TOP_K", "77")
    text = render()
    assert text == OUTPUT.read_text(encoding="utf-8")
    assert "sk-from-dotenv-4711" not in text and "from-the-environment-" not in text and "`1234`" not in text


def test_check_fails_on_a_stale_file_and_writing_fixes_it(tmp_path, capsys):
    target = tmp_path / "configuration.md"
    assert write_or_check(check=True, path=target) == 1  # missing
    target.write_text(render().replace("`ESSBOT_TOP_K`", "`ESSBOT_TOP_K_OLD`"), encoding="utf-8")
    assert write_or_check(check=True, path=target) == 1
    assert "out of date" in capsys.readouterr().err
    assert write_or_check(path=target) == 0
    assert write_or_check(check=True, path=target) == 0
    assert target.read_text(encoding="utf-8") == render()


def test_cli_check_passes_on_the_committed_file():
    done = subprocess.run([sys.executable, "-m", "bot.cli", "config-reference", "--check"], capture_output=True,
                          text=True, timeout=120, cwd=REPO)
    assert done.returncode == 0, done.stderr
    assert "up to date" in done.stdout


def test_variables_read_outside_the_settings_are_documented():
    pattern = re.compile(r"""(?:environ\.get\(|environ\[|getenv\()\s*["'](ESSBOT_[A-Z0-9_]+)["']""")
    found = {m.group(1) for folder in ("bot", "ingest") for path in (REPO / folder).rglob("*.py")
             for m in pattern.finditer(path.read_text(encoding="utf-8"))}
    settings = {env_name(Settings, name) for name in Settings.model_fields}
    assert found - settings - set(OTHER_VARIABLES) == set(), "document these in OTHER_VARIABLES"
    assert set(OTHER_VARIABLES) <= found, "OTHER_VARIABLES lists a variable nothing reads any more"
