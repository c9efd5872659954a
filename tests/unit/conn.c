/*
 * conn: the connections file (permissions, syntax errors with their
 * line, lookup), times between a zone and UTC, the platforms' times in
 * UTC (conn_utc), what a platform said in its error answer (conn_said),
 * URL redaction, the
 * rule that plain http goes only to loopback, and URL normalisation.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cfg.h"
#include "connector.h"
#include "http.h"
#include "tap.h"
#include "tz.h"

static char	 path[] = "/tmp/shopswitch-conn-XXXXXX";

/* Write text to the test file with mode m. */
static void
file(const char *text, mode_t m)
{
	FILE	*fp;

	fp = fopen(path, "w");
	fputs(text, fp);
	fclose(fp);
	chmod(path, m);
}

/* Whether loading name fails with a message containing want. */
static int
fails(const char *name, const char *want)
{
	char	 err[1024];
	struct cfg *c;

	if ((c = cfg_load(path, name, err, sizeof(err))) != NULL) {
		cfg_free(c);
		return 0;
	}
	if (strstr(err, want) == NULL) {
		printf("# got: %s\n", err);
		return 0;
	}
	return 1;
}

/* Whether url normalises to want. */
static int
normal(const char *url, const char *want)
{
	struct buf b;
	int	 same;

	memset(&b, 0, sizeof(b));
	http_url_normal(url, &b);
	same = strcmp(buf_str(&b), want) == 0;
	if (!same)
		printf("# %s -> %s, want %s\n", url, buf_str(&b), want);
	buf_free(&b);
	return same;
}

/* Whether member "t" of {"t": v} is want in UTC, in zone. */
static int
utc(const char *v, const char *zone, const char *want)
{
	json_t	*o;
	char	 out[TZ_LEN];
	int	 same;

	o = json_pack("{s:s}", "t", v);
	conn_utc(o, "t", zone, out);
	json_decref(o);
	same = strcmp(out, want) == 0;
	if (!same)
		printf("# %s in %s -> '%s', want '%s'\n", v, zone != NULL ?
		    zone : "UTC", out, want);
	return same;
}

/* Whether conn_said reads want from the error answer body. */
static int
said(const char *body, const char *code, const char *msg, const char *want)
{
	struct http_resp r;
	char	 out[64];
	int	 same;

	memset(&r, 0, sizeof(r));
	buf_adds(&r.body, body);
	conn_said(&r, code, msg, out, sizeof(out));
	buf_free(&r.body);
	same = strcmp(out, want) == 0;
	if (!same)
		printf("# %s -> '%s', want '%s'\n", body, out, want);
	return same;
}

int
main(void)
{
	struct cfg *c;
	struct buf b;
	char	 err[1024], out[TZ_LEN];
	time_t	 t;
	FILE	*fp;
	int	 fd;

	if ((fd = mkstemp(path)) == -1)
		return 2;
	close(fd);

	file("# shop\n[picqer]\nplatform = picqer\nurl = https://x.picqer.com"
	    "\napi_key = secret1\n\n[old]\nplatform=woocommerce\n", 0600);
	c = cfg_load(path, "picqer", err, sizeof(err));
	ok(c != NULL && strcmp(cfg_get(c, "url"), "https://x.picqer.com") ==
	    0 && cfg_line(c, "api_key") == 5 && cfg_get(c, "nope") == NULL,
	    "a section's keys, trimmed, with their lines");
	cfg_free(c);
	c = cfg_load(path, "old", err, sizeof(err));
	ok(c != NULL && strcmp(cfg_get(c, "platform"), "woocommerce") == 0,
	    "key=value without spaces");
	cfg_free(c);
	ok(fails("new", "no connection [new]"), "a missing connection");
	file("[picqer]\napi_key = x\n", 0644);
	ok(fails("picqer", "group or others have access to it (mode 0644)") &&
	    fails("picqer", "chmod 600"), "a file others may read is refused");
	file("[picqer]\napi_key = x\n", 0640);
	ok(fails("picqer", "(mode 0640)"), "so is one the group may read");
	file("[picqer]\nplatform picqer\n", 0600);
	ok(fails("picqer", ":2: expected 'key = value'"),
	    "a line without '=' is named");
	file("[other]\nbroken line\n[picqer]\nurl = a\n", 0600);
	ok(fails("picqer", ":2: expected"),
	    "a mistake in another section is reported too");
	file("[picqer]\nurl = a\nurl = b\n", 0600);
	ok(fails("picqer", ":3: 'url' is set twice"), "a key set twice");
	file("[picqer]\n[picqer]\n", 0600);
	ok(fails("picqer", ":2: connection 'picqer' is defined twice"),
	    "a section defined twice");
	file("[picqer\n", 0600);
	ok(fails("picqer", ":1: a section is [name]"), "a broken section");
	fp = fopen(path, "w");
	fwrite("[picqer]\napi_key = abc\0def\n", 1, 27, fp);
	fclose(fp);
	ok(fails("picqer", ":2: a NUL byte in the line"),
	    "a NUL byte is refused, not taken for the end of the value");
	unlink(path);
	ok(fails("picqer", "no connections file"), "no file at all");
	ok(cfg_secret("api_key") && cfg_secret("consumer_secret") &&
	    !cfg_secret("url"), "which keys are secrets");

	ok(tz_local_to_utc("Europe/Amsterdam", "2026-07-01 12:00:00", out) ==
	    0 && strcmp(out, "2026-07-01T10:00:00Z") == 0,
	    "summer time in Amsterdam is UTC+2 (%s)", out);
	ok(tz_local_to_utc("Europe/Amsterdam", "2026-01-15 12:00:00", out) ==
	    0 && strcmp(out, "2026-01-15T11:00:00Z") == 0,
	    "winter time is UTC+1 (%s)", out);
	ok(tz_local_to_utc("Europe/Amsterdam", "2026-01-15", out) == -1,
	    "a time without the clock is refused");
	ok(tz_parse("2026-11-01", &t) == 0 && (tz_format(t, out),
	    strcmp(out, "2026-11-01T00:00:00Z") == 0),
	    "a date is midnight UTC");
	ok(tz_parse("2026-11-01T10:00:00+01:00", &t) == 0 &&
	    (tz_format(t, out), strcmp(out, "2026-11-01T09:00:00Z") == 0),
	    "an offset is applied");
	ok(tz_parse("2026-11-01T10:00:00Z", &t) == 0 &&
	    tz_utc_to_local("Europe/Amsterdam", t, out) == 0 &&
	    strcmp(out, "2026-11-01 11:00:00") == 0,
	    "UTC to Amsterdam's clock (%s)", out);
	ok(tz_parse("yesterday", &t) == -1 && tz_parse("2026-11-01T10:00", &t)
	    == -1, "other forms are refused");
	ok(tz_known("Europe/Amsterdam") && !tz_known("Mars/Olympus") &&
	    !tz_known("../etc"), "known zones");

	ok(utc("2026-07-01 12:00:00", "Europe/Amsterdam",
	    "2026-07-01T10:00:00Z") && utc("2026-07-01T12:00:00",
	    "Europe/Amsterdam", "2026-07-01T10:00:00Z"),
	    "a time without an offset is the zone's (Picqer)");
	ok(utc("2026-11-01 10:00:00", NULL, "2026-11-01T10:00:00Z") &&
	    utc("2026-11-01T10:00:00", NULL, "2026-11-01T10:00:00Z"),
	    "or UTC's (Magento, WooCommerce's _gmt)");
	ok(utc("2026-11-01T10:00:00+01:00", "Europe/Amsterdam",
	    "2026-11-01T09:00:00Z") && utc("2026-11-01T10:00:00Z",
	    "America/New_York", "2026-11-01T10:00:00Z"),
	    "an offset or Z says it, whatever the zone");
	ok(utc("2026-11-01T10:00:00.123+00:00", NULL, "2026-11-01T10:00:00Z")
	    && utc("2026-11-01T10:00:00.5", "Europe/Amsterdam",
	    "2026-11-01T09:00:00Z"),
	    "fractions of a second are dropped (Shopware)");
	ok(utc("2026-11-01", NULL, "") && utc("yesterday", NULL, "") &&
	    utc("2026-11-01X10:00:00", NULL, "") &&
	    utc("2026-11-01T10:00:00+1", NULL, ""),
	    "other forms are no time");

	memset(&b, 0, sizeof(b));
	http_redact("https://u:pw@shop.nl/wp-json/wc/v3/orders?page=2&"
	    "consumer_key=ck_1&consumer_secret=cs_2", &b);
	ok(strcmp(b.s, "https://shop.nl/wp-json/wc/v3/orders?page=2&"
	    "consumer_key=REDACTED&consumer_secret=REDACTED") == 0,
	    "secrets leave URLs: %s", b.s);
	buf_free(&b);
	ok(http_url_ok("https://x.picqer.com", err, sizeof(err)) == 0 &&
	    http_url_ok("http://127.0.0.1:8080", err, sizeof(err)) == 0 &&
	    http_url_ok("http://localhost:1", err, sizeof(err)) == 0,
	    "https anywhere, http to loopback");
	ok(http_url_ok("http://shop.example.nl", err, sizeof(err)) == -1 &&
	    strstr(err, "plain http is allowed only to a loopback address") !=
	    NULL,
	    "plain http elsewhere is refused");
	ok(http_url_ok("ftp://x", err, sizeof(err)) == -1 &&
	    http_url_ok("not a url", err, sizeof(err)) == -1,
	    "other schemes and non-URLs are refused");
	ok(http_url_ok("http://127.example.com", err, sizeof(err)) == -1,
	    "a host name that starts with 127. is not loopback");
	ok(http_url_ok("http://u:pw@shop.nl", err, sizeof(err)) == -1 &&
	    strstr(err, "pw") == NULL, "no password in the message: %s", err);
	ok(http_url_ok("http://LOCALHOST:1", err, sizeof(err)) == 0 &&
	    http_url_ok("HTTP://LocalHost:1", err, sizeof(err)) == 0,
	    "localhost in any case is loopback");

	ok(normal("HTTP://Shop.Example.NL:80/rest/Default/V1?a=B",
	    "http://shop.example.nl/rest/Default/V1?a=B"),
	    "scheme and host in lower case, :80 of http left out");
	ok(normal("https://SHOP.nl:443", "https://shop.nl") &&
	    normal("HTTPS://shop.nl:443/x", "https://shop.nl/x"),
	    ":443 of https left out");
	ok(normal("http://shop.nl:443/x", "http://shop.nl:443/x") &&
	    normal("https://shop.nl:80/x", "https://shop.nl:80/x") &&
	    normal("http://127.0.0.1:8080/x", "http://127.0.0.1:8080/x"),
	    "other ports kept");
	ok(normal("http://shop.nl:/x", "http://shop.nl/x") &&
	    normal("http://shop.nl:0080/x", "http://shop.nl/x"),
	    "an empty port, and 80 written 0080, left out");
	ok(normal("http://[::1]:80/x", "http://[::1]/x") &&
	    normal("http://[::1]:8080/x", "http://[::1]:8080/x"),
	    "an IPv6 literal");
	ok(normal("http://U:PW@Shop.NL:80/x", "http://U:PW@shop.nl/x"),
	    "user information kept as written");
	ok(normal("shop.nl/x", "shop.nl/x"), "no scheme: as it is");

	ok(said("{\"code\":\"woocommerce_rest_x\",\"message\":\"No.\"}",
	    "code", "message", "woocommerce_rest_x: No.") &&
	    said("{\"error_code\":24,\"error_message\":\"No.\"}",
	    "error_code", "error_message", "error_code 24: No."),
	    "said: a word, or a number, and the message");
	ok(said("{\"message\":\"No.\"}", "code", "message", "No.") &&
	    said("{\"code\":\"x\"}", "code", "message", "x: ") &&
	    said("{}", "code", "message", "") &&
	    said("not json", "code", "message", "") &&
	    said("", "code", "message", "") &&
	    said("{\"code\":\"x\"}", NULL, NULL, ""),
	    "said: what is missing is left out; nothing, when nothing");
	ok(said("{\"error\":{\"message\":\"No.\"}}", NULL,
	    "error.message", "No.") &&
	    said("{\"error\":\"No.\"}", NULL, "error.message", ""),
	    "said: a member of a member");
	ok(said("{\"errors\":[{\"code\":\"A\",\"detail\":null,"
	    "\"title\":\"T\"},{\"code\":\"B\",\"detail\":\"D\"},"
	    "{\"status\":1},{\"detail\":\"E\"}]}", "errors[].code",
	    "errors[].detail|title", "A: T; B: D; E") &&
	    said("{\"errors\":{}}", "errors[].code", "errors[].detail", ""),
	    "said: each error of a list, the first of two that is there");
	ok(said("{\"a\":{\"b\":[{\"c\":7,\"m\":\"M\"}]}}", "a.b[].x|c",
	    "a.b[].m", "c 7: M"),
	    "said: a number's name is its member's");
	ok(said("{\"m\":\"0123456789012345678901234567890123456789012345"
	    "678901234567890123456789\"}", NULL, "m",
	    "012345678901234567890123456789012345678901234567890123456789012"),
	    "said: cut to the room there is");
	return tap_done();
}
