"""Run Virtuoso 7 on 127.0.0.1 as a peer of the federation benchmark.

Needs Debian's ``virtuoso-opensource`` package (``apt-get install -y
--no-install-recommends virtuoso-opensource``). ``VirtuosoServer`` copies the
package's ``virtuoso.ini`` into a temporary folder, points the database files
there, binds both ports to free loopback ports, starts ``virtuoso-t`` in the
foreground and grants the ``SPARQL`` user the rights that SERVICE needs. The
federated query is then sent to Virtuoso's own SPARQL endpoint, which
evaluates the SERVICE clauses.
"""

from __future__ import annotations

import http.client
import re
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import pyoxigraph as ox

SERVER = "virtuoso-t"
ISQL = "isql-vt"
PACKAGE_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
PACKAGE_DATABASE_FOLDER = "/var/lib/virtuoso-opensource-7/db"
SERVICE_GRANTS = (
    'grant select on "DB.DBA.SPARQL_SINV_2" to "SPARQL";'
    ' grant execute on "DB.DBA.SPARQL_SINV_IMP" to "SPARQL";'
)
START_TIMEOUT = 60.0


def virtuoso_installed() -> bool:
    """Return whether the Virtuoso server, its isql client and the package's ini file are present."""
    return bool(shutil.which(SERVER) and shutil.which(ISQL) and PACKAGE_INI.exists())


def virtuoso_version() -> str:
    """Return the version that ``virtuoso-t`` reports, such as ``7.2.5.3229-pthreads``."""
    output = subprocess.run([SERVER, "-?"], capture_output=True, text=True).stderr
    match = re.search(r"Version (\S+)", output)
    return match.group(1) if match else "unknown"


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free at the moment of the call."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def configure(ini_text: str, folder: Path, sql_port: int, http_port: int) -> str:
    """Return the package's ini text with the database in ``folder`` and both servers on loopback ports."""
    text = ini_text.replace(PACKAGE_DATABASE_FOLDER, str(folder))
    section = ""
    lines = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("["):
            section = stripped
        if re.match(r"ServerPort\s*=", stripped):
            if section == "[Parameters]":
                line = f"ServerPort = 127.0.0.1:{sql_port}"
            elif section == "[HTTPServer]":
                line = f"ServerPort = 127.0.0.1:{http_port}"
        lines.append(line)
    return "\n".join(lines) + "\n"


class VirtuosoServer:
    """One ``virtuoso-t`` process with its database in a temporary folder."""

    def __init__(self) -> None:
        if not virtuoso_installed():
            raise SystemExit(
                "Virtuoso is not installed: run apt-get install -y --no-install-recommends virtuoso-opensource, "
                "or pass --no-virtuoso"
            )

        self.folder = Path(tempfile.mkdtemp(prefix="mpli-virtuoso-"))
        self.sql_port = free_port()
        self.http_port = free_port()
        ini = self.folder / "virtuoso.ini"
        ini.write_text(
            configure(PACKAGE_INI.read_text(encoding="utf-8"), self.folder, self.sql_port, self.http_port),
            encoding="utf-8",
        )

        started = time.perf_counter()
        self.process = subprocess.Popen(
            [SERVER, "+foreground", "+configfile", str(ini)],
            cwd=self.folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.wait_until_ready()
        self.start_seconds = time.perf_counter() - started
        self.grant_service()

    def wait_until_ready(self) -> None:
        """Wait until the SPARQL endpoint responds, or stop with the end of Virtuoso's log."""
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=2)
                connection.request("GET", "/sparql?" + urlencode({"query": "ASK {}"}))
                status = connection.getresponse().status
                connection.close()
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)

        log = self.folder / "virtuoso.log"
        tail = log.read_text(encoding="utf-8", errors="replace")[-2000:] if log.exists() else "(no log)"
        self.close()
        raise SystemExit(f"Virtuoso did not start within {START_TIMEOUT:.0f} s; end of its log:\n{tail}")

    def grant_service(self) -> None:
        """Grant the anonymous ``SPARQL`` user the two procedures that SERVICE calls.

        A new database does not grant them, so SERVICE would fail without this.
        """
        completed = subprocess.run(
            [ISQL, str(self.sql_port), "dba", "dba", f"exec={SERVICE_GRANTS}"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        if completed.returncode != 0 or "Error" in completed.stdout:
            self.close()
            raise SystemExit(f"granting SERVICE rights in Virtuoso failed: {completed.stdout}{completed.stderr}")

    def query(self, query: str, variables: list[str]) -> tuple[list[tuple], float]:
        """Send a query to Virtuoso's SPARQL endpoint and return its rows of term text and the seconds it took.

        The time runs from connecting until the last byte of the response
        arrived, so parsing the results in Python does not count. Each query
        opens a new connection, because Virtuoso closed kept-alive connections
        between queries; a loopback connect is small next to its query times.
        """
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=120)
        try:
            connection.request(
                "POST",
                "/sparql",
                body=urlencode({"query": query}),
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Accept": "application/sparql-results+json",
                },
            )
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        seconds = time.perf_counter() - started
        if response.status != 200:
            raise SystemExit(f"Virtuoso failed on the benchmark query (HTTP {response.status}): {data[:2000]!r}")
        solutions = ox.parse_query_results(data, ox.QueryResultsFormat.JSON)
        rows = [tuple(str(row[name]) if row[name] is not None else None for name in variables) for row in solutions]
        return rows, seconds

    def close(self) -> None:
        """Stop the Virtuoso process started here and delete its database folder."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        shutil.rmtree(self.folder, ignore_errors=True)
