# SPDX-License-Identifier: GPL-2.0-only
"""Drive an interactive command through a pseudo-terminal, as a person would.

usage: python3 pty_drive.py SCRIPT -- COMMAND ARGS...

SCRIPT holds lines "send TEXT" (TEXT and a newline typed), "sendraw TEXT"
(TEXT with \\x escapes typed as is) and "wait TEXT" (read until TEXT has
appeared in the output since the last wait). Everything the command wrote
goes to stdout. Exit status: 0, or 1 when a wait timed out (60 s of no
match: a bound for a stuck child, not a synchronisation) or the command
failed to start, or 77 when no pseudo-terminal can be opened here.
"""
import os
import pty
import select
import sys
import time


def main():
    sep = sys.argv.index("--")
    script = open(sys.argv[1]).read().splitlines()
    argv = sys.argv[sep + 1:]
    try:
        pid, fd = pty.fork()
    except OSError as e:
        # a chroot or container without /dev/pts: no terminal to drive
        sys.stdout.write("[pty_drive: no pseudo-terminal here: %s]\n" % e)
        return 77
    if pid == 0:
        os.environ["TERM"] = "dumb"
        os.execvp(argv[0], argv)
    out = b""
    seen = 0
    status = 0

    def read_some(deadline):
        nonlocal out
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        r, _, _ = select.select([fd], [], [], left)
        if not r:
            return False
        try:
            data = os.read(fd, 4096)
        except OSError:
            return False
        if not data:
            return False
        out += data
        return True

    for line in script:
        verb, _, arg = line.partition(" ")
        if verb == "send":
            os.write(fd, arg.encode() + b"\n")
        elif verb == "sendraw":
            os.write(fd, arg.encode().decode("unicode_escape").encode("latin-1"))
        elif verb == "wait":
            deadline = time.monotonic() + 60
            while arg.encode() not in out[seen:]:
                if not read_some(deadline):
                    sys.stdout.write(out.decode("utf-8", "replace"))
                    sys.stdout.write("\n[pty_drive: timed out waiting for %r]\n" % arg)
                    return 1
            seen = out.index(arg.encode(), seen) + len(arg)
    deadline = time.monotonic() + 60
    while read_some(deadline):
        pass
    _, st = os.waitpid(pid, 0)
    sys.stdout.write(out.decode("utf-8", "replace"))
    return status


if __name__ == "__main__":
    sys.exit(main())
