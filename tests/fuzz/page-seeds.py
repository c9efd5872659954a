#!/usr/bin/env python3
"""page-seeds: seeds for tests/fuzz/page, captured from the sandbox.

For each platform, start the sandbox (tests/sandbox) on its test data, put
a recording proxy in front of it, and run orders-export and
stock-snapshot (built) through the proxy.  Each run's answers, in the
order they came, become one input of the form tests/fuzz/page.c reads:
the answers parted by "\\n--\\n", each "HTTP NNN" and the headers a
connector reads before its body, and the last byte picking the platform
and the call.  Lists in the answers are cut to one item and the JSON is
written compactly, so that an input fits libFuzzer's -max_len.

Usage: tests/fuzz/page-seeds.py OUTDIR   (from the top of the tree)
"""
import http.client
import http.server
import json
import os
import subprocess
import sys
import tempfile
import threading
import time

PLATFORMS = ["picqer", "woocommerce", "magento", "shopify", "shopware",
             "lightspeed", "ccv", "bol"]
KEYS = {
    "picqer": "api_key = sandbox-key\ncontact = test@shopswitch.invalid\n",
    "woocommerce": "key = ck_sandbox\nsecret = cs_sandbox\n",
    "shopify": "token = shpat_sandbox\n",
    "magento": "consumer_key = sandbox-consumer-key\n"
               "consumer_secret = sandbox-consumer-secret\n"
               "access_token = sandbox-token\n"
               "access_token_secret = sandbox-token-secret\n",
    "shopware": "client_id = SWIASANDBOXCLIENT0000000001\n"
                "client_secret = sandbox-secret\n",
    "bol": "client_id = sandbox-client\nclient_secret = sandbox-secret\n"
           "token_url = %(url)s/token\n",
    "lightspeed": "key = sandboxkeysandboxkeysandboxkey00\n"
                  "secret = sandboxsecretsandboxsecretsandbo\n",
    "ccv": "public_key = ccv_public\nsecret = ccv_secret\n",
}
# The headers a connector or the HTTP client reads.
HEADERS = ["x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset",
           "x-wp-totalpages", "retry-after"]
# The runs: tool arguments, and the selector's bits beside the platform.
RUNS = [
    (["orders-export", "-o", "jsonl"], 0, "orders"),
    (["orders-export", "-o", "jsonl", "--shipments", "--raw"], 16 | 32,
     "orders-ship"),
    (["stock-snapshot"], 8, "stock"),
]


def trim(v):
    """v with every list cut to its first item."""
    if isinstance(v, list):
        return [trim(x) for x in v[:1]]
    if isinstance(v, dict):
        return {k: trim(x) for k, x in v.items()}
    return v


class Proxy(http.server.BaseHTTPRequestHandler):
    """Forward to the sandbox; keep each answer."""
    upstream = None
    answers = []

    def log_message(self, *args):
        pass

    def relay(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else None
        c = http.client.HTTPConnection("127.0.0.1", self.upstream)
        hdrs = {k: v for k, v in self.headers.items()
                if k.lower() not in ("connection", "accept-encoding")}
        c.request(self.command, self.path, body=body, headers=hdrs)
        r = c.getresponse()
        data = r.read()
        head = "HTTP %d\n" % r.status
        for k, v in r.getheaders():
            if k.lower() in HEADERS:
                head += "%s: %s\n" % (k, v)
        try:
            data = json.dumps(trim(json.loads(data)),
                              separators=(",", ":"),
                              ensure_ascii=False).encode()
        except ValueError:
            pass
        Proxy.answers.append(head.encode() + b"\n" + data)
        self.send_response(r.status)
        for k, v in r.getheaders():
            if k.lower() not in ("transfer-encoding", "connection",
                                 "content-length", "content-encoding"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = relay


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    top = os.getcwd()
    tmp = tempfile.mkdtemp(prefix="page-seeds.")
    for i, p in enumerate(PLATFORMS):
        ready = os.path.join(tmp, p + ".ready")
        sb = subprocess.Popen([sys.executable, "tests/sandbox/sandbox.py",
                               "--platform", p, "--data",
                               "tests/sandbox/data/" + p, "--port", "0",
                               "--ready", ready],
                              stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
        try:
            while not os.path.exists(ready):
                time.sleep(0.05)
            Proxy.upstream = int(open(ready).read())
            srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
            threading.Thread(target=srv.serve_forever, daemon=True).start()
            url = "http://127.0.0.1:%d" % srv.server_address[1]
            conf = os.path.join(tmp, p + ".conf")
            with open(conf, "w") as f:
                f.write("[%s]\nplatform = %s\nurl = %s\nretry_delay = 0.01"
                        "\n" % (p, p, url))
                f.write(KEYS[p] % {"url": url})
            os.chmod(conf, 0o600)
            env = dict(os.environ, SHOPSWITCH_CONFIG=conf)
            for args, bits, name in RUNS:
                Proxy.answers = []
                rc = subprocess.call([os.path.join(top, "tools", args[0]),
                                      "--from", p] + args[1:], env=env,
                                     stdout=subprocess.DEVNULL)
                seed = b"\n--\n".join(Proxy.answers) + bytes([i | bits])
                with open(os.path.join(out, "%s-%s" % (p, name)),
                          "wb") as f:
                    f.write(seed)
                print("%s %s: exit %d, %d answers, %d bytes" %
                      (p, name, rc, len(Proxy.answers), len(seed)))
            srv.shutdown()
        finally:
            sb.terminate()
            sb.wait()


if __name__ == "__main__":
    main()
