#!/usr/bin/env python3
"""sandbox.py: a local emulator of webshop and WMS APIs for shopswitch's tests.

The core: an HTTP/1.1 server on 127.0.0.1 with keep-alive, a fixed-window
rate limiter per API key, injected faults, a request log and the control
endpoints under /_sandbox/.  What a platform's API looks like (routes, auth
scheme, JSON shapes, error bodies, rate-limit headers) lives in one module
per platform beside this file (picqer.py), loaded by --platform NAME.

    python3 tests/sandbox/sandbox.py --platform picqer --data DIR \
        [--port 0] [--ready FILE] [--log FILE] [--api-key KEY] \
        [--rate-limit N] [--rate-window SECONDS] \
        [--generate orders=250,products=120,warehouses=2] [--seed N]

Python 3 standard library only, like curl's test servers.  README.md beside
this file documents the interface and every behaviour chosen.
"""

import argparse
import functools
import importlib
import json
import os
import re
import signal
import socket
import struct
import sys
import threading
import time
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

FAULT_KINDS = ("429", "500", "500after", "502", "503", "reset", "slow",
               "truncate", "badjson", "change")
SLOW_DEFAULT = 5.0          # longer than any client timeout a test sets
MAX_BODY = 16 * 1024 * 1024

REASONS = {
    200: "OK", 201: "Created", 204: "No Content", 206: "Partial Content",
    400: "Bad Request",
    401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
    405: "Method Not Allowed", 411: "Length Required",
    413: "Payload Too Large", 416: "Range Not Satisfiable",
    429: "Too Many Requests",
    500: "Internal Server Error", 502: "Bad Gateway",
    503: "Service Unavailable",
}


class SetupError(Exception):
    """Bad options or bad data files: the sandbox refuses to start."""


# ---------------------------------------------------------------- requests

class Request:
    """One API request as the platform module sees it."""

    def __init__(self, method, target, headers, body):
        self.method = method
        self.target = target
        path, sep, query = target.partition("?")
        self.path = path
        self.query = query if sep else ""
        self.headers = headers          # http.client.HTTPMessage
        self.body = body                # bytes
        self.json = None                # parsed body, when it parses
        self.json_ok = False
        if body:
            try:
                self.json = json.loads(body.decode("utf-8"))
                self.json_ok = True
            except (UnicodeDecodeError, ValueError):
                pass

    def params(self):
        """The query string as a list of (name, value), '+' as space,
        blank values kept, in the order sent."""
        return parse_qsl(self.query, keep_blank_values=True)

    def header(self, name):
        return self.headers.get(name)


class Response:
    def __init__(self, status, body=b"", content_type="application/json",
                 headers=None):
        self.status = status
        self.body = body
        self.content_type = content_type
        self.headers = list(headers or [])



# Query parameters whose values are credentials (WooCommerce accepts its
# keys in the query string): the request log never holds them.
SECRET_PARAMS = ("consumer_key", "consumer_secret", "api_key", "token",
                 "access_token")


def redact_query(query):
    """The query string with the values of SECRET_PARAMS replaced."""
    if not query:
        return query
    out = []
    for part in query.split("&"):
        name, eq, _ = part.partition("=")
        out.append(name + "=REDACTED" if eq and name in SECRET_PARAMS
                   else part)
    return "&".join(out)

def json_bytes(obj):
    """JSON as a PHP back end writes it (json_encode's defaults): compact,
    non-ASCII as \\uXXXX (surrogate pairs beyond the BMP), '/' as '\\/'.
    '/' occurs only inside strings in JSON, so the replacement is safe."""
    text = json.dumps(obj, ensure_ascii=True, separators=(",", ":"))
    return text.replace("/", "\\/").encode("ascii")


def json_response(status, obj, headers=None):
    return Response(status, json_bytes(obj), headers=headers)


def control_json(status, obj):
    """JSON for the control endpoints: plain, readable UTF-8."""
    return Response(status, json.dumps(obj, ensure_ascii=False)
                    .encode("utf-8"))


def load_array(data_dir, name):
    """DIR/NAME as a JSON array of objects; a missing file (or no DIR) is
    an empty array.  Anything else is a SetupError naming the file."""
    if not data_dir:
        return []
    path = os.path.join(data_dir, name)
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except FileNotFoundError:
        return []
    except (OSError, ValueError) as e:
        raise SetupError("%s: %s" % (path, e)) from e
    if not isinstance(data, list):
        raise SetupError("%s: not a JSON array" % path)
    for i, item in enumerate(data):
        if not isinstance(item, dict):
            raise SetupError("%s: item %d is not an object" % (path, i))
    return data


# ------------------------------------------------ what platforms share

class Reject(Exception):
    """A request refused: raised anywhere below a platform's route(), and
    answered with the platform's own error response it carries."""

    def __init__(self, response):
        super().__init__()
        self.response = response


def listing_key(q, *paging):
    """The parameters of listing query q (a dict) but the PAGING ones,
    sorted: with the path, what a platform's memo() of the listing is
    kept under."""
    return tuple(sorted((k, v) for k, v in q.items() if k not in paging))


def is_int(v):
    """Whether v is a JSON integer (True and False are not)."""
    return type(v) is int


def valid_time(text, pattern, fmt):
    """Whether text is a time written exactly as pattern (a compiled
    regular expression, for the zero padding strptime lets go) and fmt
    (for the calendar: no 31 June)."""
    if not isinstance(text, str) or not pattern.match(text):
        return False
    # strptime is a tenth of a millisecond, most of the time a sandbox
    # of 10,000 products takes to start.  The usual shapes, a day and
    # perhaps a time of day, are checked here as strptime would: each
    # day once, hours to 23, minutes and seconds to 59.
    m = _DAY_TIME.match(text)
    if m and fmt.startswith("%Y-%m-%d"):
        rest = fmt[8:]
        if m.group(2) is None and rest == "":
            return _valid_day(m.group(1))
        if m.group(2) is not None and rest[1:9] == "%H:%M:%S" and \
                rest[0] == m.group(2) and "%" not in rest[9:]:
            return (_valid_day(m.group(1)) and m.group(6) == rest[9:] and
                    int(m.group(3)) < 24 and int(m.group(4)) < 60 and
                    int(m.group(5)) < 60)
    try:
        datetime.strptime(text, fmt)
    except ValueError:
        return False
    return True


_DAY_TIME = re.compile(r"\A(\d{4}-\d{2}-\d{2})"
                       r"(?:([ T])(\d{2}):(\d{2}):(\d{2})(.*))?\Z", re.S)


@functools.lru_cache(maxsize=8192)
def _valid_day(day):
    try:
        datetime.strptime(day, "%Y-%m-%d")
    except ValueError:
        return False
    return True


class PlatformBase:
    """The parts of a platform that do not depend on it: handle() answers
    a Reject with its response, writes() the counts in write_counts.
    answer_delay is, while handle() runs, the seconds its answer will be
    held back (a slow fault): the request is still in progress for that
    long as a client sees it."""

    answer_delay = 0
    generation = 0

    def reads(self, req):
        """Whether req only reads the shop: a GET or HEAD, unless a
        platform says more (Shopware's searches are POSTs)."""
        return req.method in ("GET", "HEAD")

    def changed(self):
        """The shop may have changed: forget what memo() kept.  The
        sandbox calls it before every request that is not a read (see
        reads()), every change fault and every reset; a platform whose
        read changes the shop calls it too."""
        self.generation += 1

    def memo(self, key, make):
        """make(), kept under key until changed(): a listing of 10,000
        products is filtered and sorted once, not again for each page
        (the resume tests page through one ten times, a page of 100 at a
        time).  What it returns is shared: not to be modified."""
        m = getattr(self, "_memo", None)
        if m is None or m[0] != self.generation:
            m = self._memo = (self.generation, {})
        if key not in m[1]:
            m[1][key] = make()
        return m[1][key]

    def handle(self, req):
        try:
            return self.route(req)
        except Reject as r:
            return r.response

    def writes(self):
        return dict(sorted(self.write_counts.items()))

    def server_error_for(self, req):
        """The answer to a fault of kind 500 on req: server_error(), unless
        the platform has paths of another host (Shopify's storage URLs)."""
        return self.server_error()

    def count(self, key):
        """Count one write of key (a SKU, or "order 4711 note")."""
        self.write_counts[key] = self.write_counts.get(key, 0) + 1

    def mails(self):
        """The e-mails the shop sent to customers, oldest first: what the
        platform would have mailed ({"to", "template", "order"}).  A
        platform appends to self.mail_log; reset() clears it."""
        return list(getattr(self, "mail_log", []))

    def mail(self, to, template, order):
        """The shop mails a customer: record it."""
        if not hasattr(self, "mail_log"):
            self.mail_log = []
        self.mail_log.append({"to": to, "template": template,
                              "order": order})

    def change(self, c):
        """A fault of kind change (see README.md); a platform that has
        none refuses it loudly."""
        raise NotImplementedError("platform %s emulates no change"
                                  % self.name)

    def check_change(self, c):
        """Raise ValueError when change object c is not one this platform
        can apply: the fault is then refused when it is posted (400),
        not found out while a client's request is being answered."""


# ------------------------------------------------------------ rate limiter

class RateLimiter:
    """A fixed window per API key: the window opens with the key's first
    counted request and lasts `window` seconds; at most `limit` requests
    are answered in it, the rest get the platform's 429 (not counted)."""

    def __init__(self, limit, window):
        self.limit = limit
        self.window = window
        self.lock = threading.Lock()
        self.windows = {}               # key -> [start, count]

    def take(self, key):
        """Count one request; (allowed, remaining).  A limit of None
        (a platform without one, unless --rate-limit is given) counts
        nothing: (True, None)."""
        if self.limit is None:
            return True, None
        now = time.monotonic()
        with self.lock:
            w = self.windows.get(key)
            if w is None or now - w[0] >= self.window:
                w = self.windows[key] = [now, 0]
            if w[1] >= self.limit:
                return False, 0
            w[1] += 1
            return True, self.limit - w[1]

    def reset(self):
        with self.lock:
            self.windows.clear()


# ------------------------------------------------------------------ faults

class Faults:
    """Faults set through POST /_sandbox/faults.  A request meets the first
    fault whose path is a prefix of its path (and whose method, if given,
    is its method, and whose body, if given, is part of its body): the
    fault's first `skip` requests pass, the `times`
    after them get the fault, then the fault is spent and removed."""

    def __init__(self):
        self.lock = threading.Lock()
        self.items = []

    @staticmethod
    def parse(spec):
        if not isinstance(spec, list):
            raise ValueError("expected a JSON array of faults")
        out = []
        for f in spec:
            if not isinstance(f, dict):
                raise ValueError("a fault must be an object")
            unknown = set(f) - {"path", "kind", "times", "skip", "delay",
                                "method", "change", "body"}
            if unknown:
                raise ValueError("unknown fault field(s): %s"
                                 % ", ".join(sorted(unknown)))
            path = f.get("path")
            kind = f.get("kind")
            if not isinstance(path, str) or not path.startswith("/"):
                raise ValueError("fault path must be a string starting /")
            if kind not in FAULT_KINDS:
                raise ValueError("fault kind must be one of %s"
                                 % ", ".join(FAULT_KINDS))
            times = f.get("times", 1)
            skip = f.get("skip", 0)
            delay = f.get("delay", SLOW_DEFAULT)
            method = f.get("method")
            for name, v in (("times", times), ("skip", skip)):
                if type(v) is not int or v < 0:
                    raise ValueError("fault %s must be an integer >= 0"
                                     % name)
            if (type(delay) not in (int, float) or delay < 0):
                raise ValueError("fault delay must be a number >= 0")
            if method is not None and not isinstance(method, str):
                raise ValueError("fault method must be a string")
            body = f.get("body")
            if body is not None and (not isinstance(body, str) or
                                     body == ""):
                raise ValueError("fault body must be a non-empty string")
            change = f.get("change")
            if (kind == "change" and not isinstance(change, dict)) or \
                    (kind not in ("change", "slow") and change is not None) \
                    or (change is not None and not isinstance(change, dict)):
                raise ValueError("a fault of kind change has a change "
                                 "object; one of kind slow may; no other")
            out.append({"path": path, "kind": kind, "times": times,
                        "skip": skip, "delay": delay,
                        "method": method.upper() if method else None,
                        "body": body, "change": change})
        return out

    def add(self, faults):
        with self.lock:
            self.items.extend(f for f in faults if f["times"] > 0)

    def clear(self):
        with self.lock:
            self.items.clear()

    def list(self):
        with self.lock:
            return [dict(f) for f in self.items]

    def take(self, method, path, body=b""):
        """The fault this request gets, or None."""
        with self.lock:
            for f in self.items:
                if not path.startswith(f["path"]):
                    continue
                if f["method"] and f["method"] != method:
                    continue
                if f["body"] and f["body"].encode() not in (body or b""):
                    continue
                if f["skip"] > 0:
                    f["skip"] -= 1
                    return None
                f["times"] -= 1
                if f["times"] <= 0:
                    self.items = [g for g in self.items if g is not f]
                return dict(f)
        return None


# ------------------------------------------------------------- request log

class RequestLog:
    def __init__(self, path):
        self.lock = threading.Lock()
        self.lines = []
        self.file = open(path, "a", encoding="utf-8") if path else None

    def add(self, entry):
        line = json.dumps(entry, ensure_ascii=False, separators=(",", ":"))
        with self.lock:
            self.lines.append(line)
            if self.file:
                self.file.write(line + "\n")
                self.file.flush()

    def text(self):
        with self.lock:
            return "".join(line + "\n" for line in self.lines)

    def clear(self):
        with self.lock:
            self.lines.clear()


# ------------------------------------------------------------------ server

class Sandbox:
    def __init__(self, platform, limiter, log):
        self.platform = platform
        self.limiter = limiter
        self.log = log
        self.faults = Faults()
        self.lock = threading.Lock()        # platform state
        self.stopping = threading.Event()

    def reset(self):
        with self.lock:
            self.platform.reset()
            self.platform.changed()
            self.platform.mail_log = []
        self.faults.clear()
        self.log.clear()
        self.limiter.reset()

    # The API pipeline: fault, auth, rate limit, platform checks, route.
    def api(self, req):
        """(response, fault, auth): `response` is None for a reset."""
        fault = self.faults.take(req.method, req.path, req.body)
        auth, key = self.platform.authenticate(req)
        kind = fault["kind"] if fault else None
        if kind == "reset":
            return None, fault, auth
        if kind == "429":
            return (self.platform.rate_limited(self.limiter.limit),
                    fault, auth)
        if kind == "500":
            return self.platform.server_error_for(req), fault, auth
        if kind in ("502", "503"):
            return gateway_error(int(kind)), fault, auth
        if auth != "ok":
            return self.platform.unauthorized(req, auth), fault, auth
        allowed, remaining = self.limiter.take(key)
        if not allowed:
            return (self.platform.rate_limited(self.limiter.limit),
                    fault, auth)
        resp = self.platform.check(req)
        if resp is None:
            with self.lock:
                if not self.platform.reads(req):
                    self.platform.changed()
                if fault and fault["change"] is not None:
                    # Someone else changes the shop just before this
                    # request: a sale between a client's read and write.
                    self.platform.change(fault["change"])
                    self.platform.changed()
                # A slow answer: the work takes that long to the client,
                # which a platform may show to a request that overtakes
                # it (Shopify's idempotency key in progress).
                self.platform.answer_delay = fault["delay"] \
                    if kind == "slow" else 0
                resp = self.platform.handle(req)
            if kind == "500after":
                # Carried out, then a failure on the way out: the client
                # cannot tell it from one that did nothing.
                resp = self.platform.server_error_for(req)
        resp.headers.extend(
            self.platform.rate_headers(self.limiter.limit, remaining))
        return resp, fault, auth

    def control(self, req):
        """The /_sandbox/ endpoints: no auth, no rate limit, not logged."""
        route = (req.method, req.path.rstrip("/"))
        if route == ("GET", "/_sandbox/log"):
            return Response(200, self.log.text().encode("utf-8"),
                            "application/x-ndjson")
        if route == ("DELETE", "/_sandbox/log"):
            self.log.clear()
            return Response(204)
        if route == ("GET", "/_sandbox/faults"):
            return control_json(200, self.faults.list())
        if route == ("POST", "/_sandbox/faults"):
            try:
                if not req.json_ok:
                    raise ValueError("body is not valid JSON")
                faults = Faults.parse(req.json)
                for f in faults:
                    if f["change"] is not None:
                        self.platform.check_change(f["change"])
            except ValueError as e:
                return control_json(400, {"error": str(e)})
            self.faults.add(faults)
            return control_json(200, self.faults.list())
        if route == ("DELETE", "/_sandbox/faults"):
            self.faults.clear()
            return Response(204)
        if route == ("GET", "/_sandbox/state"):
            with self.lock:
                return control_json(200, self.platform.state())
        if route == ("GET", "/_sandbox/writes"):
            with self.lock:
                return control_json(200, self.platform.writes())
        if route == ("GET", "/_sandbox/mail"):
            with self.lock:
                return control_json(200, self.platform.mails())
        if route == ("POST", "/_sandbox/reset"):
            self.reset()
            return Response(204)
        return control_json(404, {"error": "no such control endpoint: %s %s"
                                   % (req.method, req.path)})


def gateway_error(status):
    """What a load balancer in front of the API sends: HTML, not JSON."""
    reason = REASONS[status]
    body = ("<html>\r\n<head><title>%d %s</title></head>\r\n<body>\r\n"
            "<center><h1>%d %s</h1></center>\r\n<hr><center>nginx</center>\r\n"
            "</body>\r\n</html>\r\n" % (status, reason, status, reason))
    return Response(status, body.encode("ascii"), "text/html")


def bad_json_body(body):
    """A 200 body that does not parse: the first half of the real one."""
    cut = body[:max(1, len(body) // 2)]
    try:
        json.loads(cut.decode("utf-8", "replace"))
    except ValueError:
        return cut
    return cut + b"{"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "shopswitch-sandbox"
    sys_version = ""
    disable_nagle_algorithm = True

    def log_message(self, format, *args):   # quiet: the request log says it
        pass

    def do_request(self):
        sandbox = self.server.sandbox
        body = self.read_body()
        if body is None:
            return
        req = Request(self.command, self.path, self.headers, body)
        if req.path == "/_sandbox" or req.path.startswith("/_sandbox/"):
            self.send(sandbox.control(req))
            return
        resp, fault, auth = sandbox.api(req)
        kind = fault["kind"] if fault else None
        ua = req.header("User-Agent")
        sandbox.log.add({
            "method": req.method, "path": req.path,
            "query": redact_query(req.query),
            "status": resp.status if resp else None, "auth": auth,
            "user_agent": ua, "body": req.json if req.json_ok else None,
            "fault": kind,
        })
        if kind == "reset":
            self.reset_connection()
        elif kind == "slow":
            if sandbox.stopping.wait(fault["delay"]):
                self.close_connection = True
                return
            self.send(resp)
        elif kind == "truncate":
            self.send(resp, truncate=True)
        elif kind == "badjson":
            resp.status = 200
            resp.body = bad_json_body(resp.body)
            self.send(resp)
        else:
            self.send(resp)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = \
        do_OPTIONS = do_request

    def read_body(self):
        """The request body (b"" for none), or None after answering."""
        te = (self.headers.get("Transfer-Encoding") or "").lower()
        if te:
            if te != "chunked":
                self.send_plain(400, "unsupported Transfer-Encoding")
                return None
            return self.read_chunked()
        length = self.headers.get("Content-Length")
        if length is None:
            return b""
        try:
            n = int(length)
            if n < 0:
                raise ValueError
        except ValueError:
            self.send_plain(400, "bad Content-Length")
            return None
        if n > MAX_BODY:
            self.send_plain(413, "body too large")
            return None
        return self.rfile.read(n)

    def read_chunked(self):
        parts = []
        total = 0
        while True:
            line = self.rfile.readline(1024)
            try:
                size = int(line.split(b";")[0].strip(), 16)
            except ValueError:
                self.send_plain(400, "bad chunk")
                return None
            if size == 0:
                while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                    pass
                return b"".join(parts)
            total += size
            if total > MAX_BODY:
                self.send_plain(413, "body too large")
                return None
            parts.append(self.rfile.read(size))
            self.rfile.readline(1024)

    def send_plain(self, status, text):
        self.close_connection = True
        self.send(Response(status, (text + "\n").encode(), "text/plain"))

    def send(self, resp, truncate=False):
        head = ["HTTP/1.1 %d %s" % (resp.status,
                                     REASONS.get(resp.status, "Unknown")),
                "Date: " + self.date_time_string(),
                "Server: " + self.server_version]
        if resp.status != 204:
            head.append("Content-Type: " + resp.content_type)
            head.append("Content-Length: %d" % len(resp.body))
        head.extend("%s: %s" % h for h in resp.headers)
        if self.close_connection or truncate:
            head.append("Connection: close")
        data = ("\r\n".join(head) + "\r\n\r\n").encode("latin-1")
        body = resp.body if self.command != "HEAD" else b""
        if truncate:
            body = body[:len(body) // 2]
            self.close_connection = True
        try:
            self.wfile.write(data + body)
        except OSError:
            self.close_connection = True

    def reset_connection(self):
        """Close with RST: SO_LINGER on, timeout 0, no response."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
            self.rfile.close()          # drop makefile's hold on the fd
            self.connection.close()
        except OSError:
            pass


class Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        # A client that went away (reset, timeout) is not our error.
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, OSError)):
            return
        super().handle_error(request, client_address)


# -------------------------------------------------------------------- main

def parse_generate(text):
    spec = {}
    for part in text.split(","):
        name, sep, value = part.strip().partition("=")
        if not sep or not name or not value.isdigit():
            raise SetupError("--generate: expected NAME=COUNT[,...], got %r"
                             % part)
        spec[name] = int(value)
    return spec


def write_ready(path, port):
    tmp = "%s.tmp.%d" % (path, os.getpid())
    with open(tmp, "w") as f:
        f.write("%d\n" % port)
    os.replace(tmp, path)


def listen(argv=None):
    """The sandbox of these arguments, listening but not yet serving:
    (server, None), or (None, exit status) when it cannot start."""
    ap = argparse.ArgumentParser(
        prog="sandbox.py",
        description="Local emulator of platform APIs for shopswitch tests.")
    ap.add_argument("--platform", required=True,
                    help="platform module beside this file, e.g. picqer")
    ap.add_argument("--data", metavar="DIR",
                    help="directory of seed data files (missing = empty)")
    ap.add_argument("--generate", metavar="SPEC",
                    help="generate data, e.g. orders=250,products=120,"
                         "warehouses=2")
    ap.add_argument("--seed", type=int, default=1,
                    help="seed for --generate (default 1)")
    ap.add_argument("--port", type=int, default=0,
                    help="port on 127.0.0.1 (default 0: a free one)")
    ap.add_argument("--ready", metavar="FILE",
                    help="write the port and a newline here once listening")
    ap.add_argument("--log", metavar="FILE",
                    help="append the request log here (JSON Lines)")
    ap.add_argument("--api-key", default=None,
                    help="default: the platform's (picqer: sandbox-key)")
    ap.add_argument("--api-secret", default=None,
                    help="for platforms with a key pair (woocommerce)")
    ap.add_argument("--rate-limit", type=int, default=None,
                    help="default: the platform's (picqer: 500; "
                         "woocommerce: none)")
    ap.add_argument("--rate-window", type=float, default=60.0)
    ap.add_argument("--set", metavar="NAME=VALUE", action="append",
                    default=[],
                    help="a platform's own setting (its module's SETTINGS), "
                         "e.g. max_items=20; repeatable")
    args = ap.parse_args(argv)

    here = os.path.dirname(os.path.abspath(__file__))
    # No __pycache__ in the source tree, but a cache of its own
    # (PYTHONPYCACHEPREFIX, as tests/run sets it) is kept: else each
    # sandbox compiles what it imports late (_strptime, zoneinfo) anew.
    sys.dont_write_bytecode = sys.pycache_prefix is None
    if not args.platform.isidentifier() or args.platform == "sandbox":
        ap.error("bad --platform %r" % args.platform)
    if (args.rate_limit is not None and args.rate_limit < 1) \
            or args.rate_window <= 0:
        ap.error("--rate-limit must be >= 1 and --rate-window > 0")
    sys.path.insert(0, here)
    # Platform modules import this file as `sandbox`: one copy, not two.
    sys.modules.setdefault("sandbox", sys.modules[__name__])
    try:
        module = importlib.import_module(args.platform)
    except ImportError as e:
        ap.error("no platform %r (%s)" % (args.platform, e))
    # A platform module may set API_KEY, RATE_LIMIT (None: no limit) and
    # API_SECRET (a key pair); picqer sets none and keeps the defaults.
    api_key = args.api_key if args.api_key is not None \
        else getattr(module, "API_KEY", "sandbox-key")
    rate_limit = args.rate_limit if args.rate_limit is not None \
        else getattr(module, "RATE_LIMIT", 500)
    extra = {}
    if hasattr(module, "API_SECRET"):
        extra["api_secret"] = args.api_secret if args.api_secret is not None \
            else module.API_SECRET
    elif args.api_secret is not None:
        ap.error("--api-secret: platform %s has no secret" % args.platform)
    # A platform module may declare SETTINGS, {name: default}; --set
    # overrides them (values are strings: the platform converts them).
    known = getattr(module, "SETTINGS", None)
    if known is not None:
        settings = dict(known)
        for item in args.set:
            name, sep, value = item.partition("=")
            if not sep or name not in known:
                ap.error("--set %s: platform %s knows %s" % (
                    item, args.platform,
                    ", ".join("%s=VALUE" % k for k in sorted(known))
                    or "no settings"))
            settings[name] = value
        extra["settings"] = settings
    elif args.set:
        ap.error("--set: platform %s has no settings" % args.platform)
    try:
        if args.data and not os.path.isdir(args.data):
            raise SetupError("--data %s: no such directory" % args.data)
        generate = parse_generate(args.generate) if args.generate else {}
        platform = module.Platform(data_dir=args.data, generate=generate,
                                   seed=args.seed, api_key=api_key, **extra)
    except SetupError as e:
        print("sandbox: %s" % e, file=sys.stderr)
        return None, 2

    sandbox = Sandbox(platform, RateLimiter(rate_limit, args.rate_window),
                      RequestLog(args.log))
    try:
        httpd = Server(("127.0.0.1", args.port), Handler)
    except OSError as e:
        print("sandbox: cannot listen on 127.0.0.1:%d: %s"
              % (args.port, e), file=sys.stderr)
        return None, 2
    httpd.sandbox = sandbox
    httpd.ready = args.ready
    return httpd, None


def main(argv=None):
    httpd, rc = listen(argv)
    if httpd is None:
        return rc
    sandbox = httpd.sandbox
    stop = threading.Event()

    def on_signal(signum, frame):
        stop.set()
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    thread = threading.Thread(target=httpd.serve_forever,
                              kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    if httpd.ready:
        try:
            write_ready(httpd.ready, httpd.server_address[1])
        except OSError as e:
            print("sandbox: --ready %s: %s" % (httpd.ready, e),
                  file=sys.stderr)
            httpd.shutdown()
            return 2
    while not stop.wait(3600):
        pass
    sandbox.stopping.set()              # wakes slow answers
    httpd.shutdown()
    httpd.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
