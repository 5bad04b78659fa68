"""FakeMailServer: a real SMTP server (aiosmtpd) delivering into one mailbox, and a small IMAP4rev1
server reading it, both on 127.0.0.1, for tests only.

Mail sent with smtplib to `smtp_port` lands in the mailbox; imaplib on `imap_port` can LOGIN,
SELECT INBOX, UID SEARCH (ALL / UNSEEN), UID FETCH (BODY.PEEK[] / RFC822 / FLAGS), UID STORE
(+FLAGS \\Seen) and LOGOUT — the subset a poller needs, speaking the protocol's wire format
(tagged replies, untagged data, literals)."""

from __future__ import annotations

import re
import socketserver
import threading
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller

from .smtp import free_port


@dataclass
class Stored:
    uid: int
    raw: bytes
    flags: set[str] = field(default_factory=set)


class _Deliver:
    def __init__(self, server: FakeMailServer) -> None:
        self.server = server

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.server.deliver(envelope.content)
        return "250 OK"


class FakeMailServer:
    def __init__(self, *, user: str = "service@example.com", password: str = "mailbox-secret") -> None:
        self.user = user
        self.password = password
        self.messages: list[Stored] = []
        self.lock = threading.Lock()
        self.logins = 0
        self.smtp_port = free_port()
        self._smtp: Controller | None = None
        self._imap: socketserver.ThreadingTCPServer | None = None

    @property
    def imap_port(self) -> int:
        assert self._imap is not None
        return self._imap.server_address[1]

    def deliver(self, raw: bytes) -> None:
        with self.lock:
            uid = (self.messages[-1].uid if self.messages else 0) + 1
            self.messages.append(Stored(uid, bytes(raw)))

    def start(self) -> FakeMailServer:
        self._smtp = Controller(_Deliver(self), hostname="127.0.0.1", port=self.smtp_port)
        self._smtp.start()
        self._imap = socketserver.ThreadingTCPServer(("127.0.0.1", 0), self._handler())
        self._imap.daemon_threads = True
        threading.Thread(target=self._imap.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._smtp is not None:
            self._smtp.stop()
        if self._imap is not None:
            self._imap.shutdown()
            self._imap.server_close()

    def __enter__(self) -> FakeMailServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def _handler(self):
        fake = self

        class Handler(socketserver.StreamRequestHandler):
            def send(self, text: str | bytes) -> None:
                self.wfile.write(text.encode() if isinstance(text, str) else text)

            def handle(self) -> None:
                self.send("* OK [CAPABILITY IMAP4rev1] FakeMailServer ready\r\n")
                authenticated = selected = False
                while True:
                    line = self.rfile.readline()
                    if not line:
                        return
                    parts = line.decode().rstrip("\r\n").split(" ", 2)
                    tag, command = parts[0], parts[1].upper() if len(parts) > 1 else ""
                    args = parts[2] if len(parts) > 2 else ""
                    if command == "CAPABILITY":
                        self.send(f"* CAPABILITY IMAP4rev1\r\n{tag} OK CAPABILITY completed\r\n")
                    elif command == "NOOP":
                        self.send(f"{tag} OK NOOP completed\r\n")
                    elif command == "LOGOUT":
                        self.send(f"* BYE logging out\r\n{tag} OK LOGOUT completed\r\n")
                        return
                    elif command == "LOGIN":
                        user, password = [p.strip('"') for p in args.split(" ", 1)]
                        if (user, password) == (fake.user, fake.password):
                            authenticated = True
                            fake.logins += 1
                            self.send(f"{tag} OK LOGIN completed\r\n")
                        else:
                            self.send(f"{tag} NO [AUTHENTICATIONFAILED] invalid credentials\r\n")
                    elif not authenticated:
                        self.send(f"{tag} BAD log in first\r\n")
                    elif command == "SELECT":
                        selected = True
                        with fake.lock:
                            count = len(fake.messages)
                        self.send(
                            f"* {count} EXISTS\r\n* 0 RECENT\r\n* OK [UIDVALIDITY 1] UIDs valid\r\n"
                            f"{tag} OK [READ-WRITE] SELECT completed\r\n"
                        )
                    elif command in ("CLOSE", "EXPUNGE"):
                        self.send(f"{tag} OK {command} completed\r\n")
                    elif command == "UID" and selected:
                        self.uid(tag, args)
                    else:
                        self.send(f"{tag} BAD unsupported command\r\n")

            def uid(self, tag: str, args: str) -> None:
                sub, _sep, rest = args.partition(" ")
                sub = sub.upper()
                with fake.lock:
                    messages = list(fake.messages)
                if sub == "SEARCH":
                    wanted = [
                        m.uid for m in messages if "UNSEEN" not in rest.upper() or "\\Seen" not in m.flags
                    ]
                    self.send(
                        f"* SEARCH {' '.join(map(str, wanted))}".rstrip()
                        + f"\r\n{tag} OK SEARCH completed\r\n"
                    )
                    return
                uid_set, _sep, items = rest.partition(" ")
                chosen = [
                    (n, m) for n, m in enumerate(messages, start=1) if m.uid in _uids(uid_set, messages)
                ]
                if sub == "FETCH":
                    for seq, message in chosen:
                        if "RFC822" in items.upper() or "BODY" in items.upper():
                            name = "RFC822" if "RFC822" in items.upper() else "BODY[]"
                            if "PEEK" not in items.upper():
                                message.flags.add("\\Seen")
                            self.send(f"* {seq} FETCH (UID {message.uid} {name} {{{len(message.raw)}}}\r\n")
                            self.send(message.raw)
                            self.send(")\r\n")
                        else:
                            flags = " ".join(sorted(message.flags))
                            self.send(f"* {seq} FETCH (UID {message.uid} FLAGS ({flags}))\r\n")
                    self.send(f"{tag} OK FETCH completed\r\n")
                elif sub == "STORE":
                    for seq, message in chosen:
                        if "+FLAGS" in items.upper():
                            message.flags.update(re.findall(r"\\\w+", items))
                        self.send(
                            f"* {seq} FETCH (UID {message.uid} FLAGS ({' '.join(sorted(message.flags))}))\r\n"
                        )
                    self.send(f"{tag} OK STORE completed\r\n")
                else:
                    self.send(f"{tag} BAD unsupported UID command\r\n")

        return Handler


def _uids(uid_set: str, messages: list[Stored]) -> set[int]:
    last = messages[-1].uid if messages else 0
    found: set[int] = set()
    for part in uid_set.split(","):
        low, _sep, high = part.partition(":")
        start = last if low == "*" else int(low)
        end = start if not high else (last if high == "*" else int(high))
        found.update(range(min(start, end), max(start, end) + 1))
    return found
