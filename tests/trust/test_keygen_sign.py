"""``mpli credential keygen -o`` file safety and ``mpli manifest sign`` input checks."""

from __future__ import annotations

import json
import stat

from mpli_graph.cli import main


def test_keygen_writes_owner_only_file_and_prints_the_key_id(tmp_path, capsys):
    key_file = tmp_path / "key.json"

    assert main(["credential", "keygen", "-o", str(key_file)]) == 0

    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key_id = json.loads(key_file.read_text())["id"]
    captured = capsys.readouterr()
    assert key_id in captured.err + captured.out
    assert "secretKeyMultibase" not in captured.err + captured.out


def test_keygen_refuses_an_existing_file(tmp_path, capsys):
    key_file = tmp_path / "key.json"
    key_file.write_text("keep me", encoding="utf-8")

    assert main(["credential", "keygen", "-o", str(key_file)]) == 2

    assert key_file.read_text() == "keep me"
    assert "--force" in capsys.readouterr().err


def test_keygen_force_replaces_the_file_with_mode_0600(tmp_path):
    key_file = tmp_path / "key.json"
    key_file.write_text("old", encoding="utf-8")
    key_file.chmod(0o644)

    assert main(["credential", "keygen", "-o", str(key_file), "--force"]) == 0

    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert json.loads(key_file.read_text())["type"] == "Multikey"
