#!/usr/bin/env python3
"""The dev stack's mail sink: a small SMTP server that delivers nothing and keeps every message.

Keycloak (sign-up verification, password reset) and the backend (notices) send to it; each message is written,
as received, to <maildir>/new/<time>-<n>.eml (mode 600: the mails carry verification links, which are credentials),
first into <maildir>/tmp and then renamed, so a reader never sees half a message. dev/mail lists and prints them.

Only the part of SMTP (RFC 5321) that mail clients need to hand over a message: HELO/EHLO, MAIL, RCPT, DATA, RSET,
NOOP, QUIT. No relaying, no authentication, no TLS: it listens on the loopback address only. Standard library only
(smtpd is gone from Python 3.12).

    mail-sink.py --listen 127.0.0.1:11025 --maildir .dev/mail
"""
import argparse
import itertools
import os
import socketserver
import sys
import time

MAX_MESSAGE = 10 * 1024 * 1024
MAX_LINE = 8192
MAX_RECIPIENTS = 100
TIMEOUT = 60
counter = itertools.count(1)


def address(arg, prefix):
    """The address of 'FROM:<a@b> SIZE=1' or 'TO:<a@b>'; None if the argument is malformed."""
    if not arg.upper().startswith(prefix):
        return None
    rest = arg[len(prefix):].strip()
    if not rest.startswith("<") or ">" not in rest:
        return None
    addr = rest[1:rest.index(">")]
    # Header injection: the address goes into the stored file's first lines.
    if any(c in addr for c in "\r\n\0"):
        return None
    return addr


class Session(socketserver.StreamRequestHandler):
    timeout = TIMEOUT

    def reply(self, line):
        self.wfile.write((line + "\r\n").encode("ascii"))

    def readline(self):
        line = self.rfile.readline(MAX_LINE + 1)
        if not line:
            raise EOFError
        if len(line) > MAX_LINE:
            raise ValueError("line too long")
        return line

    def handle(self):
        self.reset()
        self.reply("220 berth-mail-sink ESMTP ready (dev only: nothing is delivered)")
        try:
            while True:
                line = self.readline().decode("ascii", "replace").rstrip("\r\n")
                verb, _, arg = line.partition(" ")
                verb = verb.upper()
                if verb == "EHLO":
                    self.reset()
                    self.reply("250-berth-mail-sink")
                    self.reply("250-8BITMIME")
                    self.reply("250 SIZE %d" % MAX_MESSAGE)
                elif verb == "HELO":
                    self.reset()
                    self.reply("250 berth-mail-sink")
                elif verb == "MAIL":
                    sender = address(arg, "FROM:")
                    if sender is None:
                        self.reply("501 syntax: MAIL FROM:<address>")
                    else:
                        self.reset()
                        self.sender = sender
                        self.reply("250 OK")
                elif verb == "RCPT":
                    rcpt = address(arg, "TO:")
                    if self.sender is None:
                        self.reply("503 MAIL first")
                    elif rcpt is None or not rcpt:
                        self.reply("501 syntax: RCPT TO:<address>")
                    elif len(self.recipients) >= MAX_RECIPIENTS:
                        self.reply("452 too many recipients")
                    else:
                        self.recipients.append(rcpt)
                        self.reply("250 OK")
                elif verb == "DATA":
                    if not self.recipients:
                        self.reply("503 RCPT first")
                        continue
                    self.reply("354 end with <CRLF>.<CRLF>")
                    body = self.data()
                    if body is None:
                        self.reply("552 message exceeds %d bytes" % MAX_MESSAGE)
                    else:
                        name = self.store(body)
                        self.reply("250 OK stored as " + name)
                    self.reset()
                elif verb == "RSET":
                    self.reset()
                    self.reply("250 OK")
                elif verb == "NOOP":
                    self.reply("250 OK")
                elif verb == "VRFY":
                    self.reply("252 cannot verify")
                elif verb == "QUIT":
                    self.reply("221 bye")
                    return
                else:
                    self.reply("502 command not implemented")
        except (EOFError, ConnectionError, TimeoutError, ValueError, OSError):
            return

    def reset(self):
        self.sender = None
        self.recipients = []

    def data(self):
        """The message up to the lone dot, dot-unstuffed; None (after reading it all) if it is too large."""
        chunks, size, too_large = [], 0, False
        while True:
            line = self.readline()
            if line in (b".\r\n", b".\n"):
                return None if too_large else b"".join(chunks)
            if line.startswith(b"."):
                line = line[1:]
            size += len(line)
            if size > MAX_MESSAGE:
                too_large = True
                chunks = []
            elif not too_large:
                chunks.append(line)

    def store(self, body):
        maildir = self.server.maildir
        name = "%s-%06d.eml" % (time.strftime("%Y%m%dT%H%M%S", time.gmtime()), next(counter))
        envelope = "Return-Path: <%s>\r\n" % self.sender + "".join(
            "Delivered-To: %s\r\n" % r for r in self.recipients)
        tmp = os.path.join(maildir, "tmp", name)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(envelope.encode("utf-8") + body)
        os.rename(tmp, os.path.join(maildir, "new", name))
        print("stored %s from <%s> to %s" % (name, self.sender, ", ".join(self.recipients)), flush=True)
        return name


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--listen", required=True, help="host:port, e.g. 127.0.0.1:11025")
    parser.add_argument("--maildir", required=True)
    args = parser.parse_args()
    host, _, port = args.listen.rpartition(":")
    for sub in ("tmp", "new"):
        os.makedirs(os.path.join(args.maildir, sub), mode=0o700, exist_ok=True)
    os.chmod(args.maildir, 0o700)
    server = Server((host, int(port)), Session)
    server.maildir = args.maildir
    print("mail sink listening on %s, messages in %s/new" % (args.listen, args.maildir), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
