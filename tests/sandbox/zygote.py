#!/usr/bin/env python3
"""zygote: start sandboxes by forking a process that has imported them.

A sandbox start is mostly Python importing sandbox.py, its platform's
module and http.server: a fifth of a second of processor time, and the
suite starts some 1,500 sandboxes.  tests/run starts one zygote a run,
which imports every platform module once and warms them (warm(), below),
and the tests ask it for their sandboxes: a fork is a few milliseconds.

    zygote.py FIFO

makes FIFO and reads requests from it, one a line, tab-separated:

    CWD <tab> ERRFILE <tab> PIDFILE <tab> ARG...

For each it forks a child that changes to CWD, sends its standard output
and error to ERRFILE, writes its process id to PIDFILE (whole, by rename)
and runs sandbox.main(ARGS) as `python3 sandbox.py ARGS` would.  The test
then waits for the --ready file and ends the sandbox by that process id,
as it would one it had started itself.  A line longer than PIPE_BUF could
be torn by another writer: the client starts such a sandbox itself.

The zygote also runs the tests' own python3 scripts (setup.bash's py):
a python3 start and its imports are some 50 ms of processor time, and
the suites run hundreds of them; a fork of this process is a few.  It
listens on 127.0.0.1 (the port and a random token in FIFO.port, mode
0600, written before FIFO is made); a connection sends, each field
ended by a NUL:

    TOKEN, N, CWD, STDIN, STDOUT, STDERR, then N arguments: "-c CODE
    ARG...", "- ARG..." (the program on STDIN) or "FILE ARG..."

and the child it is given to runs them as python3 would, in CWD, with
those files as its standard input, output and error, then sends back
the exit status and a newline.  The client waits for that line.  A
connection without the token (another user's: any can connect to
127.0.0.1) is closed unanswered, nothing run.

The children are the zygote's, reaped by the kernel (SIGCHLD ignored).
The zygote ends on SIGTERM, and by itself when the process that started
it is gone.
"""
import builtins
import csv  # noqa: F401  (imported here once, for the scripts: py)
import gc
import glob
import hmac
import http.client
import io
import os
import runpy
import select
import signal
import socket
import sys
import threading
import traceback

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
import sandbox  # noqa: E402  (after the path)

# The platform modules beside this file, each imported once (not
# selftest_py.py: the self-tests' helper, not a platform).
PLATFORMS = [n for n in (os.path.basename(p)[:-3] for p in
                         sorted(glob.glob(os.path.join(here, "*.py"))))
             if n not in ("sandbox", "zygote", "selftest_py")]
for name in PLATFORMS:
    __import__(name)


def warm():
    """Start each platform's sandbox once, on its seed data, and ask it
    twice (its control endpoint, then its API): what a process pays the
    first time (lazy imports such as _strptime, compiled patterns, the
    server's first request) is then paid once here, not in every child,
    which halves a child's start.  Then gc.freeze(): a child's
    collections leave the zygote's objects, and the pages they are on,
    alone, instead of copying them."""
    for name in PLATFORMS:
        args = ["--platform", name, "--port", "0"]
        data = os.path.join(here, "data", name)
        if os.path.isdir(data):
            args += ["--data", data]
        try:
            httpd, _ = sandbox.listen(args)
        except SystemExit:
            httpd = None
        if httpd is None:
            print("zygote: no sandbox for %s to warm" % name,
                  file=sys.stderr)
            continue
        t = threading.Thread(target=httpd.serve_forever,
                             kwargs={"poll_interval": 0.05})
        t.start()
        try:
            for target in ("/_sandbox/state", "/"):
                c = http.client.HTTPConnection("127.0.0.1",
                                               httpd.server_address[1])
                c.request("GET", target)
                c.getresponse().read()
                c.close()
        except OSError as e:
            print("zygote: warming %s: %s" % (name, e), file=sys.stderr)
        httpd.shutdown()
        httpd.server_close()
        t.join()
    gc.collect()
    gc.freeze()


def child(cwd, errfile, pidfile, args):
    """In the forked child: become the sandbox; never returns."""
    rc = 2
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.chdir(cwd)
        fd = os.open(errfile, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        os.close(fd)
        os.close(null)
        tmp = "%s.tmp.%d" % (pidfile, os.getpid())
        with open(tmp, "w") as f:
            f.write("%d\n" % os.getpid())
        os.replace(tmp, pidfile)
        sys.argv = ["sandbox.py"] + args
        rc = sandbox.main(args)
    except SystemExit as e:     # argparse's errors
        rc = e.code if isinstance(e.code, int) else 2
    except BaseException as e:  # said where the test looks: ERRFILE
        print("zygote: %s: %s" % (type(e).__name__, e), file=sys.stderr)
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(rc if isinstance(rc, int) else 0)


def script(args):
    """Run ARGS as python3 ARGS would; its exit status."""
    g = {"__name__": "__main__", "__builtins__": builtins}
    try:
        if args[0] == "-c" and len(args) > 1:
            sys.argv = ["-c"] + args[2:]
            sys.path[0] = ""
            exec(compile(args[1], "<string>", "exec"), g)
        elif args[0] == "-":
            sys.argv = args[:]
            sys.path[0] = ""
            exec(compile(sys.stdin.read(), "<stdin>", "exec"), g)
        else:
            sys.argv = args[:]
            sys.path[0] = os.path.dirname(os.path.abspath(args[0]))
            runpy.run_path(args[0], run_name="__main__")
    except SystemExit as e:
        if e.code is None:
            return 0
        if isinstance(e.code, int):
            return e.code & 0xff
        print(e.code, file=sys.stderr)
        return 1
    except BaseException as e:
        # The traceback from the script on, as python3 prints it.
        traceback.print_exception(type(e), e, e.__traceback__.tb_next)
        return 1
    return 0


def pyrun(conn, token):
    """In the forked child: run the script that CONN asks for, answer its
    exit status; never returns."""
    rc = 2
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        buf = b""
        while True:
            parts = buf.split(b"\0")
            if len(parts) > 1 and not hmac.compare_digest(parts[0], token):
                os._exit(2)
            if len(parts) > 2 and len(parts) - 2 >= 5 + int(parts[1]):
                break
            chunk = conn.recv(65536)
            if not chunk:
                os._exit(2)
            buf += chunk
        fields = [os.fsdecode(p) for p in parts[2:6 + int(parts[1])]]
        cwd, fin, fout, ferr = fields[:4]
        os.chdir(cwd)
        for fd, path in ((0, fin), (1, fout), (2, ferr)):
            if fd == 0:
                flags = os.O_RDONLY
            elif path.startswith("/proc/"):
                flags = os.O_WRONLY     # the caller's pipe or device
            else:
                flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
            try:
                f = os.open(path, flags, 0o644)
            except OSError:
                f = os.open(os.devnull, flags & ~os.O_TRUNC)
            os.dup2(f, fd)
            os.close(f)
        # Standard input and output as python3 has them under LC_ALL=C
        # (the C locale taken as UTF-8, undecodable bytes kept).
        sys.stdin = io.TextIOWrapper(io.open(0, "rb", closefd=False),
                                     encoding="utf-8",
                                     errors="surrogateescape")
        sys.stdout = io.TextIOWrapper(io.open(1, "wb", closefd=False),
                                      encoding="utf-8",
                                      errors="surrogateescape")
        sys.stderr = io.TextIOWrapper(io.open(2, "wb", closefd=False),
                                      encoding="utf-8",
                                      errors="backslashreplace",
                                      line_buffering=True)
        rc = script(fields[4:]) if len(fields) > 4 else 2
    except BaseException as e:  # said where the caller looks
        print("zygote: %s: %s" % (type(e).__name__, e), file=sys.stderr)
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except OSError:
            rc = rc or 120
        try:
            conn.sendall(b"%d\n" % rc)
        except OSError:
            pass
        os._exit(0)


def main():
    if len(sys.argv) != 2:
        print("usage: zygote.py FIFO", file=sys.stderr)
        return 2
    fifo = sys.argv[1]
    parent = os.getppid()
    warm()
    lsock = socket.socket()
    lsock.bind(("127.0.0.1", 0))
    lsock.listen(64)
    token = os.urandom(16).hex().encode()
    tmp = fifo + ".port.tmp"
    with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC,
                           0o600), "w") as f:
        f.write("%d %s\n" % (lsock.getsockname()[1], token.decode()))
    os.replace(tmp, fifo + ".port")
    os.mkfifo(fifo, 0o600)
    # Read and write: the zygote is a writer itself, so the FIFO never
    # reads as ended between two clients.
    fd = os.open(fifo, os.O_RDWR)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda s, f: sys.exit(0))
    pending = b""
    while os.getppid() == parent:
        ready = select.select([fd, lsock], [], [], 1.0)[0]
        if lsock in ready:
            try:
                conn, _ = lsock.accept()
            except OSError:
                continue
            if os.fork() == 0:
                os.close(fd)
                lsock.close()
                pyrun(conn, token)
            conn.close()
        if fd not in ready:
            continue
        pending += os.read(fd, 65536)
        while b"\n" in pending:
            line, pending = pending.split(b"\n", 1)
            fields = line.decode("utf-8", "replace").split("\t")
            if len(fields) < 3:
                continue
            if os.fork() == 0:
                os.close(fd)
                child(fields[0], fields[1], fields[2], fields[3:])
    return 0


if __name__ == "__main__":
    sys.exit(main())
