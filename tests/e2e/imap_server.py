"""A real IMAP server for tests: Debian's dovecot, started with a config of its own in a tmp dir.

It listens on 127.0.0.1 on a free port with plaintext sign-in (loopback only), one user from a
passwd-file, mail in a maildir under the same tmp dir. Dovecot refuses to run its login and mail
processes as root, so under root (CI) they run as ``nobody``, who owns the mail folders.
"""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from imapclient import IMAPClient

from tests.services import DOVECOT

START_SECONDS = 20.0
USER, PASSWORD = "support", "imap-test-password"

CONFIG = """\
protocols = imap
listen = 127.0.0.1
base_dir = {tmp}/run
state_dir = {tmp}/state
log_path = {tmp}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain
auth_failure_delay = 0
default_login_user = {user}
default_internal_user = {user}
default_internal_group = {group}
first_valid_uid = {uid}
mail_location = maildir:{tmp}/mail/%u
passdb {{
  driver = passwd-file
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
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
"""


@dataclass(frozen=True)
class ImapServer:
    host: str
    port: int
    user: str
    password: str

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

    def unseen(self) -> int:
        with self.client() as client:
            return len(client.search(["UNSEEN"]))

    def total(self) -> int:
        with self.client() as client:
            return len(client.search(["ALL"]))


@contextmanager
def dovecot(port: int) -> Iterator[ImapServer]:
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
        config = tmp / "dovecot.conf"
        config.write_text(
            CONFIG.format(
                tmp=tmp, port=port, user=account.pw_name, group=grp.getgrgid(account.pw_gid).gr_name,
                uid=account.pw_uid,
            )
        )  # fmt: skip
        process = subprocess.Popen([DOVECOT, "-F", "-c", str(config)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        server = ImapServer("127.0.0.1", port, USER, PASSWORD)
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
