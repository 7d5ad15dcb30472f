from datetime import UTC, datetime
from pathlib import Path

from gp.devcluster.certs import Pki
from gp.devcluster.engine_logs import append_log, command_line, cri_line, kwok_log_args, logs_object


def test_lines_are_in_the_cri_format_kwok_reads():
    at = datetime(2025, 1, 2, 3, 4, 5, 123456, tzinfo=UTC)
    assert cri_line(at, "hello") == "2025-01-02T03:04:05.123456Z stdout F hello\n"


def test_a_pods_log_file_and_the_logs_object_naming_it(tmp_path):
    at = datetime(2025, 1, 1, tzinfo=UTC)
    path = append_log(tmp_path, "ns", "pod-1", ["a"], at)
    append_log(tmp_path, "ns", "pod-1", ["b"], at)
    assert path == tmp_path / "ns" / "pod-1.log"
    assert [ln.split(" ", 3)[3] for ln in path.read_text().splitlines()] == ["a", "b"]
    obj = logs_object("ns", "pod-1", path)
    assert obj["metadata"] == {"name": "pod-1", "namespace": "ns"}
    assert obj["spec"]["logs"] == [{"containers": ["main"], "logsFile": str(path), "follow": False}]


def test_the_simulated_first_line_is_the_command():
    tmpl = {
        "container": {
            "image": "geo/sen2cor:2.9.0",
            "command": ["L2A_Process"],
            "args": ["--resolution", "10"],
        }
    }
    assert (
        command_line(tmpl, "sen2cor-290") == "sen2cor-290: L2A_Process --resolution 10 (simulated)"
    )


def test_kwok_serves_on_loopback_with_tls_and_reads_logs_objects():
    pki = Pki(
        *(
            Path(f"/pki/{n}")
            for n in ("ca.crt", "ca.key", "srv.crt", "srv.key", "a.crt", "a.key", "sa", "sa.pub")
        )
    )
    assert kwok_log_args(31000, pki) == [
        "--node-port=31000",
        "--server-address=127.0.0.1:31000",
        "--tls-cert-file=/pki/srv.crt",
        "--tls-private-key-file=/pki/srv.key",
        "--enable-crds=Logs",
    ]
