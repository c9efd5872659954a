"""selftest_py.py: the one python3 of a sandbox self-test (selftest-lib.sh).

    python3 selftest_py.py ASK ANSWER DIR

A self-test asks hundreds of questions, and starting a python3 or a curl
for each costs tens of milliseconds of processor time.  This process
answers them all, one at a time, through two FIFOs: a line on ASK says
what is asked, its particulars in files in DIR, and the answer ends with
a line on ANSWER that begins with \\036.

    json, lines   py and py_lines: evaluate DIR/py.expr with d = the JSON
                  (or the list of JSON Lines) of DIR/py.json and
                  sys.argv[2] = DIR/py.arg; print it.  The answer: the
                  printed lines, then \\036 and the status (1 when the
                  input is no JSON or the expression fails).
    curl          curl: the request of the arguments in DIR/curl.args
                  (NUL-terminated, the working directory first), made as
                  curl makes it, for the options the self-tests use (see
                  CURL_FLAGS and CURL_VALUED).  The answer, one line:
                  \\036, curl's exit status, and what to print: "i TEXT"
                  (TEXT, which has no line break), "o" (DIR/curl.out),
                  "e" (DIR/curl.err on standard error), "oe", "-"
                  (nothing); or "f": not an emulated call, run the real
                  curl.

The requests go to the sandboxes on 127.0.0.1, which is what the
self-tests check; the real curl stays for what is about the connection
(keep-alive, a range, parallel transfers) and for requests in the
background, which would hold the one process up (selftest-lib.sh).
"""

import base64
import http.client
import json
import os
import socket
import subprocess
import sys
import time
import traceback
from urllib.parse import urlsplit

# The options emulated; anything else runs the real curl.
CURL_FLAGS = set("sSg")
CURL_VALUED = {"-o", "-w", "-X", "-u", "-H", "-A", "-D", "-d", "-m",
               "--data", "--data-binary"}
WRITE_OUT = {"%{http_code}", "%{content_type}"}


class Fallback(Exception):
    """Not a call this emulation makes as curl would."""


class CurlError(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


def curl_agent():
    """curl's own User-Agent, "curl/7.88.1", from the curl on PATH."""
    try:
        out = subprocess.run(["curl", "--version"], capture_output=True,
                             text=True, check=False).stdout
        return "curl/" + out.split()[1]
    except (OSError, IndexError):
        return None


def parse_curl(args):
    """The request of curl's arguments, or Fallback."""
    o = {"silent": False, "show": False, "out": None, "write": None,
         "method": None, "user": None, "headers": [], "agent": None,
         "dump": None, "data": None, "timeout": None, "url": None,
         "glob": True}
    i = 0
    while i < len(args):
        a = args[i]
        if a in CURL_VALUED:
            if i + 1 >= len(args):
                raise Fallback()
            v = args[i + 1]
            i += 2
            if a == "-o":
                if o["out"] is not None:
                    raise Fallback()
                o["out"] = v
            elif a == "-w":
                o["write"] = v
            elif a == "-X":
                o["method"] = v
            elif a == "-u":
                if ":" not in v:
                    raise Fallback()        # curl would ask for it
                o["user"] = v
            elif a == "-H":
                o["headers"].append(v)
            elif a == "-A":
                o["agent"] = v
            elif a == "-D":
                o["dump"] = v
            elif a == "-m":
                o["timeout"] = float(v)
            else:
                binary = a == "--data-binary"
                if v.startswith("@"):
                    with open(v[1:], "rb") as f:
                        v = f.read()
                    if not binary:
                        v = v.replace(b"\r", b"").replace(b"\n", b"")
                else:
                    v = os.fsencode(v)
                o["data"] = v if o["data"] is None else o["data"] + b"&" + v
            continue
        if a.startswith("-") and len(a) > 1 and not a.startswith("--") \
                and set(a[1:]) <= CURL_FLAGS:
            o["silent"] |= "s" in a
            o["show"] |= "S" in a
            if "g" in a:
                o["glob"] = False
            i += 1
            continue
        if a.startswith("-") or o["url"] is not None:
            raise Fallback()
        o["url"] = a
        i += 1
    url = o["url"]
    if url is None or not o["silent"] or not url.startswith("http://") \
            or any(c.isspace() or ord(c) > 126 for c in url) \
            or (o["glob"] and any(c in url for c in "[]{}")):
        raise Fallback()
    if o["write"] is not None:
        rest = o["write"]
        for w in WRITE_OUT:
            rest = rest.replace(w, "")
        if "%" in rest or "\\" in rest.replace("\\n", ""):
            raise Fallback()
    return o


def request_headers(o, host, agent):
    """The header lines as curl sends them: its own first, each replaced
    by a -H of that name, removed by "Name:", sent empty by "Name;"."""
    own = [("Host", host)]
    if o["user"] is not None:
        own.append(("Authorization", "Basic " + base64.b64encode(
            os.fsencode(o["user"])).decode("ascii")))
    own.append(("User-Agent", o["agent"] if o["agent"] is not None
                else agent))
    own.append(("Accept", "*/*"))
    custom = []
    given = set()
    for h in o["headers"]:
        name, sep, value = h.partition(":")
        if not sep:
            if not h.endswith(";"):
                continue
            name, value = h[:-1], None      # sent with no value
        name = name.strip()
        given.add(name.lower())
        own = [(n, v) for n, v in own if n.lower() != name.lower()]
        if value is None:
            custom.append((name, ""))
        elif value.strip():
            custom.append((name, value.lstrip()))   # as given: "Bearer "
    out = own + custom
    if o["data"] is not None:
        out.append(("Content-Length", str(len(o["data"]))))
        if "content-type" not in given:
            out.append(("Content-Type", "application/x-www-form-urlencoded"))
    return out


def curl(o, cwd, agent):
    """(stdout bytes, stderr text, exit status) of the request o (from
    parse_curl), relative file names from cwd."""
    u = urlsplit(o["url"])
    port = u.port or 80
    host = u.netloc
    path = u.path or "/"
    if u.query:
        path += "?" + u.query
    method = o["method"] or ("POST" if o["data"] is not None else "GET")
    t0 = time.monotonic()
    out = bytearray()
    status, ctype, got = 0, "", 0
    code, message = 0, None

    def dest(name):
        return name if os.path.isabs(name) else os.path.join(cwd, name)
    try:
        conn = http.client.HTTPConnection(u.hostname, port,
                                          timeout=o["timeout"])
        try:
            conn.putrequest(method, path, skip_host=True,
                            skip_accept_encoding=True)
            for n, v in request_headers(o, host, agent):
                conn.putheader(n, v)
            conn.endheaders(o["data"])
            resp = conn.getresponse()
            status = resp.status
            ctype = resp.getheader("Content-Type") or ""
            head = "HTTP/%s %d %s\r\n" % (
                "1.1" if resp.version == 11 else "1.0", status, resp.reason)
            head += "".join("%s: %s\r\n" % kv for kv in resp.msg.items())
            head = (head + "\r\n").encode("latin-1")
            if o["dump"] == "-":
                out += head
            elif o["dump"] is not None:
                with open(dest(o["dump"]), "wb") as f:
                    f.write(head)
            try:
                body = resp.read() if method != "HEAD" else b""
            except http.client.IncompleteRead as e:
                body = e.partial
                code, message = 18, ("transfer closed with %d bytes "
                                     "remaining to read" % e.expected)
            got = len(body)
            if o["out"] is None:
                out += body
            else:
                try:
                    with open(dest(o["out"]), "wb") as f:
                        f.write(body)
                except OSError as e:
                    raise CurlError(23, "Failure writing output to "
                                    "destination (%s)" % e) from e
        finally:
            conn.close()
    except CurlError as e:
        code, message = e.code, e.message
    except ConnectionRefusedError:
        code, message = 7, ("Failed to connect to %s port %d after %d ms: "
                            "Couldn't connect to server" % (
                                u.hostname, port,
                                (time.monotonic() - t0) * 1000))
    except socket.timeout:
        code, message = 28, ("Operation timed out after %d milliseconds "
                             "with %d bytes received" % (
                                 (time.monotonic() - t0) * 1000, got))
    except http.client.RemoteDisconnected:
        code, message = 52, "Empty reply from server"
    except ConnectionResetError:
        code, message = 56, "Recv failure: Connection reset by peer"
    except (OSError, http.client.HTTPException) as e:
        code, message = 56, "Recv failure: %s" % e
    if o["write"] is not None:
        w = (o["write"].replace("%{http_code}", "%03d" % status)
             .replace("%{content_type}", ctype).replace("\\n", "\n"))
        out += w.encode("utf-8")
    err = "curl: (%d) %s\n" % (code, message) \
        if message and o["show"] else ""
    return bytes(out), err, code


def answer_curl(d, agent):
    """The answer line to a curl, after its \\036; its output in files.
    Only a call that was not made goes to the real curl: once a request
    is sent, its failure is this curl's exit status."""
    try:
        with open(os.path.join(d, "curl.args"), "rb") as f:
            args = [os.fsdecode(a) for a in f.read().split(b"\0")[:-1]]
        o = parse_curl(args[1:])
    except (Fallback, OSError, ValueError):
        return "f"
    try:
        out, err, rc = curl(o, args[0], agent)
    except Exception as e:      # not curl's fault, but to be seen
        traceback.print_exc()
        out, err, rc = b"", "curl: (2) selftest_py.py: %s\n" % e, 2
    how = ""
    if out and not err and len(out) <= 200 and \
            not any(c in out for c in b"\n\r\0"):
        return "%d i %s" % (rc, out.decode("utf-8", "replace"))
    if out:
        with open(os.path.join(d, "curl.out"), "wb") as f:
            f.write(out)
        how += "o"
    if err:
        with open(os.path.join(d, "curl.err"), "w") as f:
            f.write(err)
        how += "e"
    return "%d %s" % (rc, how or "-")


def answer_py(how, d):
    try:
        with open(os.path.join(d, "py.expr")) as f, \
                open(os.path.join(d, "py.arg")) as g:
            sys.argv = ["-c", f.read(), g.read()]
        with open(os.path.join(d, "py.json")) as f:
            if how == "lines":
                data = [json.loads(line) for line in f]
            else:
                data = json.load(f)
        return "%s\n" % (eval(sys.argv[1], {"d": data, "sys": sys,
                                             "json": json}),), 0
    except Exception:
        traceback.print_exc()
        return "", 1


def main():
    ask, answer, d = sys.argv[1:4]
    agent = None
    with open(ask) as asked, open(answer, "w") as w:
        for how in asked:
            how = how.strip()
            if how == "curl":
                if agent is None:
                    agent = curl_agent()
                a = answer_curl(d, agent) if agent else "f"
                w.write("\036%s\n" % a)
            else:
                out, rc = answer_py(how, d)
                w.write(out + "\036%d\n" % rc)
            w.flush()


if __name__ == "__main__":
    main()
