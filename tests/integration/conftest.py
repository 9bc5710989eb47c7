"""Fixtures for the integration suite: one `cairn serve` for the whole session, a factory for
extra servers with their own data directories, boto3 clients and throw-away buckets."""

import os

import pytest

import s3util
from cairn_server import CairnServer, start_server

# boto3 runs inside this process: keep the caller's profile, CA bundle and credentials out of it
# just as clean_env keeps them out of the client subprocesses.
for _name in list(os.environ):
    if _name.startswith("AWS_") or _name in ("REQUESTS_CA_BUNDLE", "SSL_CERT_FILE"):
        del os.environ[_name]
os.environ["AWS_CONFIG_FILE"] = os.devnull
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"


@pytest.fixture(scope="session")
def server_factory(tmp_path_factory):
    """Starts extra servers, each with a fresh data directory; all stop at session end."""
    started = []

    def start(name="extra", **kwargs):
        server = start_server(tmp_path_factory.mktemp(f"cairn-{name}"), **kwargs)
        started.append(server)
        return server

    yield start
    for server in reversed(started):
        server.stop()


@pytest.fixture(scope="session")
def server(server_factory):
    return server_factory("main")


@pytest.fixture(scope="session")
def s3(server):
    return s3util.make_client(server)


@pytest.fixture
def bucket(s3):
    name = s3util.unique_bucket()
    s3.create_bucket(Bucket=name)
    yield name
    s3util.empty_and_delete_bucket(s3, name)


@pytest.fixture
def client_home(tmp_path):
    """A private HOME for a client subprocess, so no user config leaks in."""
    home = tmp_path / "home"
    home.mkdir()
    return home


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Attaches what each server the test used logged while it ran to a failed test's report."""
    outcome = yield
    report = outcome.get_result()
    servers = [v for v in getattr(item, "funcargs", {}).values() if isinstance(v, CairnServer)]
    if call.when == "setup":
        item._cairn_log_starts = {id(s): s.log_size() for s in servers}
    elif report.failed:
        starts = getattr(item, "_cairn_log_starts", {})
        for s in servers:
            title = f"cairn serve log ({s.endpoint})"
            if s.proc.poll() is not None:
                title += f" -- the server has EXITED with status {s.proc.returncode}"
            report.sections.append((title, s.log_tail(start=starts.get(id(s), 0))))
