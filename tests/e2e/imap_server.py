"""A real IMAP server for tests: Debian's dovecot, started with a config of its own in a tmp dir.

It listens on 127.0.0.1 on a free port with plaintext sign-in (loopback only), one user from a
passwd-file, mail in a maildir under the same tmp dir. Dovecot refuses to run its login and mail
processes as root, so under root (CI) they run as ``nobody``, who owns the mail folders.

Optionally it also speaks TLS (``tls``: STARTTLS on the plain port, IMAPS on ``imaps_port``) with a
certificate from a CA the test made (``make_certificates``, openssl), and accepts OAuth 2.0 access
tokens (SASL XOAUTH2 and OAUTHBEARER) which it checks at ``oauth_introspection_url`` (RFC 7662, as
dovecot's oauth2 passdb does with a real provider).
"""

from __future__ import annotations

import contextlib
import grp
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from imapclient import IMAPClient

from tests.services import DOVECOT, require_openssl

START_SECONDS = 20.0
USER, PASSWORD = "support", "imap-test-password"

CONFIG = """\
protocols = imap
listen = 127.0.0.1
base_dir = {tmp}/run
state_dir = {tmp}/state
log_path = {tmp}/dovecot.log
{ssl}
disable_plaintext_auth = no
auth_mechanisms = {mechanisms}
auth_failure_delay = 0
login_trusted_networks = 127.0.0.0/8
default_login_user = {user}
default_internal_user = {user}
default_internal_group = {group}
first_valid_uid = {uid}
mail_location = maildir:{tmp}/mail/%u
{oauth_passdb}passdb {{
  driver = passwd-file
  mechanisms = plain
  args = scheme=PLAIN username_format=%u {tmp}/passwd
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {tmp}/passwd
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {imaps_port}
  }}
}}
service anvil {{
  chroot =
}}
"""
TLS = """ssl = yes
ssl_cert = <{cert}
ssl_key = <{key}"""
OAUTH_PASSDB = """passdb {{
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = {tmp}/dovecot-oauth2.conf.ext
}}
"""
OAUTH_CONFIG = """introspection_mode = post
introspection_url = {url}
username_attribute = username
active_attribute = active
active_value = true
force_introspection = yes
"""


@dataclass(frozen=True)
class TlsFiles:
    ca: Path  # the test's own CA: trusted only where a test says so
    cert: Path
    key: Path


def make_certificates(directory: Path, host: str = "localhost") -> TlsFiles:
    """A CA and a server certificate it signs for ``host`` (a DNS name in subjectAltName only)."""
    require_openssl()
    ca, ca_key = directory / "ca.pem", directory / "ca.key"
    cert, key, request, extensions = (directory / name for name in ("server.pem", "server.key", "server.csr", "ext"))
    extensions.write_text(
        f"subjectAltName = DNS:{host}\nbasicConstraints = critical, CA:FALSE\nkeyUsage = critical, digitalSignature\n"
        "extendedKeyUsage = serverAuth\nsubjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid:always\n"
    )
    new_key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
    for command in (
        ["req", "-x509", *new_key, "-keyout", ca_key, "-out", ca, "-days", "2", "-subj", "/CN=Help desk test CA",
         "-addext", "basicConstraints = critical, CA:TRUE", "-addext", "keyUsage = critical, keyCertSign, cRLSign"],
        ["req", *new_key, "-keyout", key, "-out", request, "-subj", f"/CN={host}"],
        ["x509", "-req", "-in", request, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial", "-out", cert, "-days", "2",
         "-extfile", extensions],
    ):  # fmt: skip
        subprocess.run(["openssl", *map(str, command)], check=True, capture_output=True)
    key.chmod(0o644)  # read by dovecot's unprivileged processes, in a tmp dir of the test's
    return TlsFiles(ca=ca, cert=cert, key=key)


@dataclass(frozen=True)
class ImapServer:
    host: str
    port: int
    user: str
    password: str
    imaps_port: int = 0  # 0: no TLS
    pid: int = 0  # dovecot's master process
    log: Path | None = None

    def logged(self) -> str:
        """What dovecot logged so far (sign-ins, refusals, TLS handshakes)."""
        return self.log.read_text() if self.log is not None and self.log.exists() else ""

    @contextmanager
    def client(self) -> Iterator[IMAPClient]:
        client = IMAPClient(self.host, port=self.port, ssl=False, timeout=10)
        client.login(self.user, self.password)
        try:
            client.select_folder("INBOX")
            yield client
        finally:
            client.logout()

    def append(self, raw: bytes) -> None:
        """Deliver a message as a mail server would: new and unseen."""
        with self.client() as client:
            client.append("INBOX", raw)

    def append_all(self, raws: Iterable[bytes]) -> None:
        with self.client() as client:
            for raw in raws:
                client.append("INBOX", raw)

    def unseen(self) -> int:
        with self.client() as client:
            return len(client.search(["UNSEEN"]))

    def total(self) -> int:
        with self.client() as client:
            return len(client.search(["ALL"]))

    def sessions(self) -> list[int]:
        """The pids of dovecot's ``imap`` processes: one per signed-in connection."""
        return [pid for pid, parent, command in _processes() if parent == self.pid and command == "imap"]

    def signal_sessions(self, pids: Iterable[int], signum: signal.Signals) -> None:
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):  # already gone
                os.kill(pid, signum)


def _processes() -> Iterator[tuple[int, int, str]]:
    """(pid, parent pid, command) of every process, from /proc."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # it ended while we looked
        command = stat[stat.index("(") + 1 : stat.rindex(")")]
        parent = int(stat[stat.rindex(")") + 2 :].split()[1])
        yield int(entry.name), parent, command


@contextmanager
def dovecot(
    port: int, *, tls: TlsFiles | None = None, imaps_port: int = 0, oauth_introspection_url: str = ""
) -> Iterator[ImapServer]:
    account = pwd.getpwuid(os.getuid()) if os.getuid() else pwd.getpwnam("nobody")
    tmp = Path(tempfile.mkdtemp(prefix="helpdesk-dovecot-"))
    process: subprocess.Popen[bytes] | None = None
    try:
        tmp.chmod(0o755)  # the unprivileged login and mail processes must reach their folders
        for folder in ("mail", "home"):
            (tmp / folder).mkdir()
            os.chown(tmp / folder, account.pw_uid, account.pw_gid)
        (tmp / "passwd").write_text(
            f"{USER}:{{PLAIN}}{PASSWORD}:{account.pw_uid}:{account.pw_gid}::{tmp}/home/{USER}\n"
        )
        if oauth_introspection_url:
            (tmp / "dovecot-oauth2.conf.ext").write_text(OAUTH_CONFIG.format(url=oauth_introspection_url))
        config = tmp / "dovecot.conf"
        config.write_text(
            CONFIG.format(
                tmp=tmp, port=port, user=account.pw_name, group=grp.getgrgid(account.pw_gid).gr_name,
                uid=account.pw_uid, imaps_port=imaps_port if tls else 0,
                ssl=TLS.format(cert=tls.cert, key=tls.key) if tls else "ssl = no",
                mechanisms="plain xoauth2 oauthbearer" if oauth_introspection_url else "plain",
                oauth_passdb=OAUTH_PASSDB.format(tmp=tmp) if oauth_introspection_url else "",
            )
        )  # fmt: skip
        process = subprocess.Popen([DOVECOT, "-F", "-c", str(config)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        server = ImapServer(
            "127.0.0.1", port, USER, PASSWORD, imaps_port=imaps_port if tls else 0, pid=process.pid,
            log=tmp / "dovecot.log",
        )  # fmt: skip
        _wait_until_up(server, process, tmp / "dovecot.log")
        yield server
    finally:
        if process is not None:
            if process.stdout is not None:
                process.stdout.close()
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)


def _wait_until_up(server: ImapServer, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while True:
        try:
            server.total()
            return
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() >= deadline:
            output = process.stdout.read().decode() if process.stdout and process.poll() is not None else ""
            details = log.read_text() if log.exists() else ""
            raise RuntimeError(f"dovecot did not start on port {server.port}:\n{output}\n{details}")
        time.sleep(0.05)
