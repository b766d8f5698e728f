"""`make run` keeps its data for its user only, makes identity's seed key once, and gives identity its
CPU weight."""

import os
import pathlib
import stat
import subprocess

from tests.faults.processes import _run_script


def mode(path):
    return stat.S_IMODE(path.stat().st_mode)


def test_the_data_folder_and_what_is_made_in_it_are_the_users_alone(tmp_path):
    run = _run_script()
    before = os.umask(0o022)
    try:
        data_dir = tmp_path / "data"
        run.private_data(data_dir)
        env = {}
        run.seed_keys(env, data_dir)
        (data_dir / "identity.db").write_text("a database")
        assert mode(data_dir) == 0o700
        assert mode(data_dir / "totp.key") == 0o600 and mode(data_dir / "identity.db") == 0o600
        assert env["TOTP_KEY_FILE"] == str(data_dir / "totp.key")
        key = (data_dir / "totp.key").read_text()
        run.seed_keys({}, data_dir)  # a second start keeps the key: the seeds sealed with it still open
        assert (data_dir / "totp.key").read_text() == key
        given = {"TOTP_KEYS": "an operator's key"}
        run.seed_keys(given, data_dir)
        assert "TOTP_KEY_FILE" not in given
    finally:
        os.umask(before)


def test_make_run_gives_identity_its_cpu_weight_and_the_others_none():
    run = _run_script()
    weighed, other = (
        subprocess.Popen(["sleep", "30"], start_new_session=True)
        for _ in range(2)  # a session, hence a group, each
    )
    try:
        refused = run.weigh("identity", weighed.pid)
        assert run.weigh("gateway", other.pid) is None
        autogroups = [pathlib.Path(f"/proc/{process.pid}/autogroup") for process in (weighed, other)]
        if refused is None:  # root, or a raised nice limit
            assert os.getpriority(os.PRIO_PROCESS, weighed.pid) == run.CPU_NICE["identity"] == -3
            if autogroups[0].exists():  # a kernel with autogroup
                assert autogroups[0].read_text().split()[-1] == "-3"
        else:
            assert "CAP_SYS_NICE" in refused
        assert os.getpriority(os.PRIO_PROCESS, other.pid) == 0
        if autogroups[1].exists():
            assert autogroups[1].read_text().split()[-1] == "0"
    finally:
        for process in (weighed, other):
            process.kill()
            process.wait()
