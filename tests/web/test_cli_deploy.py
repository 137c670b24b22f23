"""`senapas deploy`: every bundle of processes/, one bundle folder, its zip, one of its BPMN files; refusals named."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from engine.config import PROJECT_DIR
from engine.definitions import bundles
from web.cli import main

PROCESSES = PROJECT_DIR / "processes"


def test_deploy_takes_processes_a_bundle_folder_its_zip_and_a_draft_with_a_note(tmp_path: Path):
    env = {"SENAPAS_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"}
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"], env=env).exit_code == 0
    every = runner.invoke(main, ["deploy", str(PROCESSES)], env=env)
    assert every.exit_code == 0, every.output
    deployed = [line.split(" (")[0] for line in every.stdout.splitlines() if not line.startswith(" ")]
    assert deployed == ["kitapun_senapas versi 1 baru", "pengaduan versi 1 baru"]  # warnings are indented
    folder = runner.invoke(main, ["deploy", str(PROCESSES / "pengaduan")], env=env)
    assert folder.stdout.startswith("pengaduan versi 1 sudah ada")
    bundle = bundles.from_folder(PROCESSES / "pengaduan")
    bundle["pengaduan.bpmn"] = bundle["pengaduan.bpmn"].replace(b"Telaah pengaduan", b"Telaah awal pengaduan", 1)
    (tmp_path / "pengaduan.zip").write_bytes(bundles.to_zip(bundle))
    draft = runner.invoke(main, ["deploy", str(tmp_path / "pengaduan.zip"), "--draft", "--note", "uji"], env=env)
    assert draft.exit_code == 0, draft.output
    assert draft.stdout.startswith("pengaduan versi 2 baru") and "draft)" in draft.stdout
    main_file = runner.invoke(main, ["deploy", str(PROCESSES / "kitapun_senapas" / "kitapun_senapas.bpmn")], env=env)
    assert main_file.stdout.startswith("kitapun_senapas versi 1 sudah ada")


def test_deploy_refuses_a_called_process_file_with_its_reason(tmp_path: Path):
    env = {"SENAPAS_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"}
    runner = CliRunner()
    runner.invoke(main, ["db", "upgrade"], env=env)
    track = str(PROCESSES / "kitapun_senapas" / "monev_perpustakaan.bpmn")
    for _deployed_before in (False, True):
        refused = runner.invoke(main, ["deploy", track], env=env)
        assert refused.exit_code != 0
        assert "dipanggil oleh kitapun_senapas" in refused.stderr
        runner.invoke(main, ["deploy", str(PROCESSES)], env=env)
