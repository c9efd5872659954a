/* http: requests with reuse, pacing, retries and honest errors. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "cfg.h"
#include "http.h"
#include "pace.h"

#define BODY_MAX	(512UL * 1024 * 1024)	/* a runaway answer */
#define WINDOWS		4		/* rate windows told apart */

struct http {
	CURL		*curl;		/* one handle: connections are reused */
	struct http_opts o;		/* as given */
	char		*auth;		/* the Authorization header, or NULL */
	char		*type;		/* the media type (http_set_type) */
	char		*query;		/* o.query, or NULL */
	char		 err[2048];	/* why the last request failed */
	char		 cerr[CURL_ERROR_SIZE];	/* libcurl's own words */
	struct pace	 pace;		/* when the next request may go */
	struct pace	 win[WINDOWS];	/* each window the headers list */
	size_t		 nwin;		/* the windows paced so far */
	long		 h_limit;	/* rate-limit header of this answer */
	long		 h_remain;	/* requests left, from the header */
	long		 h_reset;	/* seconds to the reset, or -1 */
	long		 h_lims[WINDOWS];	/* per window, when listed */
	long		 h_rems[WINDOWS];
	long		 h_resets[WINDOWS];
	size_t		 h_nw;		/* windows the headers listed */
	long		 h_pages;	/* pages, from the header */
	double		 h_retry;	/* Retry-After in seconds, or -1 */
	unsigned long	 count;		/* requests sent */
	unsigned long	 throttled;	/* 429 answers */
	unsigned int	 seed;		/* for jitter */
	void		(*wait)(double, const char *);	/* told of each
					   wait (http_set_wait), or NULL */
};

void
http_opts_init(struct http_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->connect_ms = 10000;
	o->timeout_ms = 120000;
	o->retries = 6;
	o->backoff_ms = 500;
	o->backoff_max_ms = 30000;
}

/* Whether the value of query parameter name[0..n) must not be shown. */
static int
secret_param(const char *name, size_t n)
{
	char	 k[64];

	if (n >= sizeof(k))
		return 0;
	memcpy(k, name, n);
	k[n] = '\0';
	return cfg_secret(k);
}

/*
 * Copy url to out with user information dropped and the values of secret
 * query parameters (consumer_key=..., access_token=...) replaced.
 */
void
http_redact(const char *url, struct buf *out)
{
	const char *p, *at, *slash, *q, *e, *eq;

	out->len = 0;
	p = strstr(url, "://");
	p = p != NULL ? p + 3 : url;
	buf_add(out, url, (size_t)(p - url));
	slash = p + strcspn(p, "/?#");
	if ((at = memchr(p, '@', (size_t)(slash - p))) != NULL)
		p = at + 1;		/* user:password@ */
	if ((q = strchr(p, '?')) == NULL) {
		buf_adds(out, p);
		return;
	}
	buf_add(out, p, (size_t)(q - p) + 1);
	for (q++; *q != '\0'; q = *e != '\0' ? e + 1 : e) {
		e = q + strcspn(q, "&#");
		eq = memchr(q, '=', (size_t)(e - q));
		if (eq != NULL && secret_param(q, (size_t)(eq - q))) {
			buf_add(out, q, (size_t)(eq - q) + 1);
			buf_adds(out, "REDACTED");
		} else
			buf_add(out, q, (size_t)(e - q));
		if (*e != '\0')
			buf_addc(out, *e);
	}
}

int
http_url_ok(const char *url, char *err, size_t errlen)
{
	CURLU	*u;
	struct buf shown;
	struct in_addr a4;
	char	*scheme, *host;
	int	 rc;

	scheme = host = NULL;
	rc = -1;
	if ((u = curl_url()) == NULL)
		xnomem();
	memset(&shown, 0, sizeof(shown));
	http_redact(url, &shown);	/* no password in a message */
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
		snprintf(err, errlen, "'%s' is not a URL", shown.s);
		goto out;
	}
	if (strcmp(scheme, "https") == 0)
		rc = 0;
	else if (strcmp(scheme, "http") != 0)
		snprintf(err, errlen, "%s: only https URLs are allowed",
		    shown.s);
	else if ((inet_pton(AF_INET, host, &a4) == 1 &&
	    (ntohl(a4.s_addr) >> 24) == 127) ||
	    strcasecmp(host, "localhost") == 0 || strcmp(host, "[::1]") == 0)
		rc = 0;
	else
		snprintf(err, errlen, "%s: plain http is allowed only to a "
		    "loopback address (the sandbox); use https", shown.s);
out:
	buf_free(&shown);
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	return rc;
}

void
http_url_normal(const char *url, struct buf *out)
{
	const char *p, *a, *e, *at, *h, *he, *port;
	size_t	 i, nport;
	long	 def;

	if ((p = strstr(url, "://")) == NULL) {
		buf_adds(out, url);
		return;
	}
	for (i = 0; url + i < p; i++)
		buf_addc(out, (char)tolower((unsigned char)url[i]));
	buf_adds(out, "://");
	def = (p - url == 4 && strncasecmp(url, "http", 4) == 0) ? 80 :
	    (p - url == 5 && strncasecmp(url, "https", 5) == 0) ? 443 : -1;
	a = p + 3;
	e = a + strcspn(a, "/?#");
	for (h = a, at = a; at < e; at++)
		if (*at == '@')
			h = at + 1;	/* after the user information */
	buf_add(out, a, (size_t)(h - a));
	if (*h == '[' && (he = memchr(h, ']', (size_t)(e - h))) != NULL)
		he++;		/* an IPv6 literal */
	else if ((he = memchr(h, ':', (size_t)(e - h))) == NULL)
		he = e;
	for (; h < he; h++)
		buf_addc(out, (char)tolower((unsigned char)*h));
	port = he < e && *he == ':' ? he + 1 : e;
	nport = (size_t)(e - port);
	if (nport > 0 && (nport != strspn(port, "0123456789") ||
	    strtol(port, NULL, 10) != def)) {
		buf_addc(out, ':');
		buf_add(out, port, nport);
	}
	buf_adds(out, e);
}

static size_t
body_cb(char *p, size_t size, size_t n, void *arg)
{
	struct buf *b = arg;

	if (b->len + n > BODY_MAX)
		return 0;		/* makes curl fail the transfer */
	buf_add(b, p, size * n);
	return size * n;
}

/*
 * Parse a header value as a number, or -1.  No platform counts or waits
 * past a billion (a Retry-After of 32 years): more, or more than a long
 * holds, is no number, so that a wait taken from it stays in the range
 * of the casts that sleep it and show it (sleep_secs, msg.c).
 */
static long
hnum(const char *v, size_t n)
{
	char	 tmp[32];
	char	*end;
	long	 x;

	while (n > 0 && isspace((unsigned char)v[n - 1]))
		n--;
	while (n > 0 && isspace((unsigned char)*v)) {
		v++;
		n--;
	}
	if (n == 0 || n >= sizeof(tmp))
		return -1;
	memcpy(tmp, v, n);
	tmp[n] = '\0';
	errno = 0;
	x = strtol(tmp, &end, 10);
	return *end != '\0' || x < 0 || errno == ERANGE || x > 1000000000L ?
	    -1 : x;
}

/*
 * A rate-limit header's value v (n bytes): one number into *one, or one
 * per window, '/' between them, into each[] (-1 where it is none).
 */
static void
hwindows(struct http *h, const char *v, size_t n, long *one, long *each)
{
	const char *e, *end;
	size_t	 k;

	if (memchr(v, '/', n) == NULL) {
		*one = hnum(v, n);
		return;
	}
	end = v + n;
	for (k = 0; k < WINDOWS; k++) {
		if ((e = memchr(v, '/', (size_t)(end - v))) == NULL)
			e = end;
		each[k] = hnum(v, (size_t)(e - v));
		if (e == end)
			break;
		v = e + 1;
	}
	if (k == WINDOWS)
		k--;			/* more than are told apart */
	if (k + 1 > h->h_nw)
		h->h_nw = k + 1;
}

/* Take the rate-limit and Retry-After headers of an answer. */
static size_t
header_cb(char *p, size_t size, size_t n, void *arg)
{
	struct http *h = arg;
	const char *colon;
	size_t	 k, len;
	long	 v;
	char	 date[64];
	time_t	 t;

	len = size * n;
	if ((colon = memchr(p, ':', len)) == NULL)
		return len;
	k = (size_t)(colon - p);
	colon++;
	if (h->o.limit_hdr != NULL && k == strlen(h->o.limit_hdr) &&
	    strncasecmp(p, h->o.limit_hdr, k) == 0)
		hwindows(h, colon, len - k - 1, &h->h_limit, h->h_lims);
	else if (h->o.remain_hdr != NULL && k == strlen(h->o.remain_hdr) &&
	    strncasecmp(p, h->o.remain_hdr, k) == 0)
		hwindows(h, colon, len - k - 1, &h->h_remain, h->h_rems);
	else if (h->o.reset_hdr != NULL && k == strlen(h->o.reset_hdr) &&
	    strncasecmp(p, h->o.reset_hdr, k) == 0)
		hwindows(h, colon, len - k - 1, &h->h_reset, h->h_resets);
	else if (h->o.pages_hdr != NULL && k == strlen(h->o.pages_hdr) &&
	    strncasecmp(p, h->o.pages_hdr, k) == 0)
		h->h_pages = hnum(colon, len - k - 1);
	else if (k == 11 && strncasecmp(p, "Retry-After", 11) == 0) {
		if ((v = hnum(colon, len - k - 1)) >= 0)
			h->h_retry = (double)v;
		else if (len - k - 1 < sizeof(date)) {
			/* An HTTP date. */
			memcpy(date, colon, len - k - 1);
			date[len - k - 1] = '\0';
			if ((t = curl_getdate(date, NULL)) != -1)
				h->h_retry = difftime(t, time(NULL));
		}
	}
	return len;
}

struct http *
http_new(const struct http_opts *o)
{
	static int inited;
	struct http *h;
	struct buf b;

	if (!inited) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
			return NULL;
		inited = 1;
	}
	h = xcalloc(1, sizeof(*h));
	h->o = *o;
	if ((h->curl = curl_easy_init()) == NULL) {
		free(h);
		return NULL;
	}
	memset(&b, 0, sizeof(b));
	if (o->bearer != NULL) {
		buf_adds(&b, "Authorization: Bearer ");
		buf_adds(&b, o->bearer);
		h->auth = xstrdup(b.s);
		buf_free(&b);
	} else if (o->auth != NULL)
		h->auth = xstrdup(o->auth);
	h->query = o->query != NULL ? xstrdup(o->query) : NULL;
	curl_easy_setopt(h->curl, CURLOPT_USERAGENT, o->useragent);
	curl_easy_setopt(h->curl, CURLOPT_CONNECTTIMEOUT_MS, o->connect_ms);
	curl_easy_setopt(h->curl, CURLOPT_TIMEOUT_MS, o->timeout_ms);
	curl_easy_setopt(h->curl, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h->curl, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(h->curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h->curl, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h->curl, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(h->curl, CURLOPT_WRITEFUNCTION, body_cb);
	curl_easy_setopt(h->curl, CURLOPT_HEADERFUNCTION, header_cb);
	curl_easy_setopt(h->curl, CURLOPT_HEADERDATA, h);
	curl_easy_setopt(h->curl, CURLOPT_ERRORBUFFER, h->cerr);
	if (o->user != NULL) {
		curl_easy_setopt(h->curl, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
		curl_easy_setopt(h->curl, CURLOPT_USERNAME, o->user);
		curl_easy_setopt(h->curl, CURLOPT_PASSWORD,
		    o->pass != NULL ? o->pass : "");
	}
	pace_init(&h->pace, o->rate_limit, o->rate_window);
	/* Microseconds outgrow an unsigned int in 72 min: wide first. */
	h->seed = (unsigned int)(unsigned long long)(mono_now() * 1e6) ^
	    (unsigned int)(size_t)h;
	return h;
}

/*
 * Whether an attempt that ended so is worth another; once: only when the
 * request cannot have been carried out (a 429 is ignored by the
 * platforms, a connection never made carried nothing).
 */
static int
retryable(CURLcode cc, long status, int once)
{
	if (once)
		return (cc == CURLE_OK && status == 429) ||
		    cc == CURLE_COULDNT_RESOLVE_HOST ||
		    cc == CURLE_COULDNT_CONNECT;
	switch (cc) {
	case CURLE_OK:
		return status == 429 || status == 500 || status == 502 ||
		    status == 503 || status == 504;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_GOT_NOTHING:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_PARTIAL_FILE:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return 1;
	default:
		return 0;
	}
}

/* The wait before retry attempt + 1: exponential, capped, jittered. */
static double
backoff(struct http *h, int attempt)
{
	double	 d;
	int	 i;

	d = (double)h->o.backoff_ms / 1000;
	for (i = 0; i < attempt && d < (double)h->o.backoff_max_ms / 1000;
	    i++)
		d *= 2;
	if (d > (double)h->o.backoff_max_ms / 1000)
		d = (double)h->o.backoff_max_ms / 1000;
	return d / 2 + d / 2 * ((double)rand_r(&h->seed) / RAND_MAX);
}

static void
seterr(struct http *h, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(h->err, sizeof(h->err), fmt, ap);
	va_end(ap);
}

/*
 * Correct the pacing by what the answer that came at now said: the
 * single window's, and each listed window's, whose pace starts with the
 * first answer that gives its limit, as long as its reset says.
 */
static void
learn(struct http *h, double now)
{
	size_t	 k;

	pace_learn(&h->pace, h->h_limit, h->h_remain, now);
	if (h->h_reset >= 0)
		pace_reset(&h->pace, (double)h->h_reset, now);
	for (k = 0; k < h->h_nw; k++) {
		if (k == h->nwin) {
			if (h->h_lims[k] < 1)
				break;
			pace_init(&h->win[k], (double)h->h_lims[k],
			    h->h_resets[k] > 0 ? (double)h->h_resets[k] : 1);
			h->nwin++;
		}
		pace_learn(&h->win[k], h->h_lims[k], h->h_rems[k], now);
		if (h->h_resets[k] >= 0)
			pace_reset(&h->win[k], (double)h->h_resets[k], now);
	}
}

/* The seconds to wait before the next request, its turn taken in each. */
static double
take(struct http *h, double now)
{
	double	 wait, w;
	size_t	 k;

	wait = pace_take(&h->pace, now);
	for (k = 0; k < h->nwin; k++)
		if ((w = pace_take(&h->win[k], now)) > wait)
			wait = w;
	return wait;
}

/* The header lines of a signature, one a line, as a curl list. */
static struct curl_slist *
sign_lines(const char *sig)
{
	struct curl_slist *l;
	struct buf line;
	size_t	 n;

	l = NULL;
	memset(&line, 0, sizeof(line));
	for (; *sig != '\0'; sig += n + (sig[n] == '\n')) {
		if ((n = strcspn(sig, "\n")) == 0)
			continue;
		line.len = 0;
		buf_add(&line, sig, n);
		if ((l = curl_slist_append(l, buf_str(&line))) == NULL)
			xnomem();
	}
	buf_free(&line);
	return l;
}

int
http_request(struct http *h, const char *method, const char *url,
    const char *body, int flags, struct http_resp *r)
{
	struct curl_slist *hdrs, *sent, *l;
	const char *type;
	struct buf shown, sig, full;
	json_error_t jerr;
	CURLcode cc;
	double	 t0, wait;
	size_t	 k;
	int	 attempt, rc;

	memset(r, 0, sizeof(*r));
	memset(&shown, 0, sizeof(shown));
	if (flags & HTTP_BARE) {
		/* A signed URL: its query is its credential. */
		buf_add(&shown, url, strcspn(url, "?"));
		if (strchr(url, '?') != NULL)
			buf_adds(&shown, "?REDACTED");
	} else
		http_redact(url, &shown);
	memset(&sig, 0, sizeof(sig));
	memset(&full, 0, sizeof(full));
	type = h->type != NULL && !(flags & HTTP_PLAIN) ? h->type :
	    "application/json";
	buf_adds(&full, "Accept: ");
	buf_adds(&full, type);
	hdrs = curl_slist_append(NULL, buf_str(&full));
	if (body != NULL && (flags & HTTP_FORM))
		hdrs = curl_slist_append(hdrs,
		    "Content-Type: application/x-www-form-urlencoded");
	else if (body != NULL) {
		full.len = 0;
		buf_adds(&full, "Content-Type: ");
		buf_adds(&full, type);
		hdrs = curl_slist_append(hdrs, buf_str(&full));
	}
	buf_free(&full);
	if (h->auth != NULL && !(flags & HTTP_BARE))
		hdrs = curl_slist_append(hdrs, h->auth);
	if (hdrs == NULL)
		xnomem();
	if ((flags & HTTP_BARE) && h->o.user != NULL) {
		curl_easy_setopt(h->curl, CURLOPT_HTTPAUTH, CURLAUTH_NONE);
		curl_easy_setopt(h->curl, CURLOPT_USERNAME, NULL);
		curl_easy_setopt(h->curl, CURLOPT_PASSWORD, NULL);
	}
	/* The URL sent: url and the keys; shown (redacted): url alone. */
	memset(&full, 0, sizeof(full));
	buf_adds(&full, url);
	if (h->query != NULL && !(flags & HTTP_BARE)) {
		buf_addc(&full, strchr(url, '?') != NULL ? '&' : '?');
		buf_adds(&full, h->query);
	}
	curl_easy_setopt(h->curl, CURLOPT_URL, buf_str(&full));
	curl_easy_setopt(h->curl, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(h->curl, CURLOPT_WRITEDATA, &r->body);
	sent = NULL;
	if (body != NULL) {
		curl_easy_setopt(h->curl, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(h->curl, CURLOPT_POSTFIELDSIZE,
		    (long)strlen(body));
	} else {
		curl_easy_setopt(h->curl, CURLOPT_POSTFIELDS, NULL);
		curl_easy_setopt(h->curl, CURLOPT_HTTPGET,
		    strcmp(method, "GET") == 0 ? 1L : 0L);
	}

	rc = -1;
	for (attempt = 0;; attempt++) {
		if ((wait = take(h, mono_now())) > 0)
			http_pause(h, wait, "for the rate limit");
		if (h->o.sign != NULL && !(flags & HTTP_BARE)) {
			/* A fresh signature (nonce, time) per attempt. */
			curl_slist_free_all(sent);
			sig.len = 0;
			if (h->o.sign(h->o.sign_arg, method, url, body,
			    &sig) == -1) {
				seterr(h, "%s: cannot sign the request",
				    shown.s);
				sent = NULL;
				break;
			}
			sent = sign_lines(buf_str(&sig));
			for (l = hdrs; l != NULL; l = l->next)
				if ((sent = curl_slist_append(sent,
				    l->data)) == NULL)
					xnomem();
			curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, sent);
		}
		r->body.len = 0;
		json_decref(r->json);
		r->json = NULL;
		r->status = 0;
		h->h_limit = h->h_remain = h->h_pages = h->h_reset = -1;
		for (k = 0; k < WINDOWS; k++)
			h->h_lims[k] = h->h_rems[k] = h->h_resets[k] = -1;
		h->h_nw = 0;
		h->h_retry = -1;
		h->cerr[0] = '\0';
		t0 = mono_now();
		cc = curl_easy_perform(h->curl);
		r->ms = (mono_now() - t0) * 1000;
		h->count++;
		if (cc == CURLE_OK)
			curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE,
			    &r->status);
		if (r->status == 429)
			h->throttled++;
		learn(h, mono_now());
		if (h->o.log != NULL)
			h->o.log("%s %s %ld %zu bytes %.0f ms %d retries",
			    method, shown.s, r->status, r->body.len, r->ms,
			    attempt);
		r->retries = attempt;
		r->pages = h->h_pages;

		if (cc == CURLE_OK && r->status >= 200 && r->status < 300) {
			if (!(flags & HTTP_JSON)) {
				rc = 0;
				break;
			}
			r->json = json_loadb(r->body.s != NULL ? r->body.s :
			    "", r->body.len, JSON_DECODE_ANY, &jerr);
			if (r->json != NULL) {
				rc = 0;
				break;
			}
			seterr(h, "%s: %ld, but the answer is not valid JSON "
			    "(%s, at byte %d)", shown.s, r->status, jerr.text,
			    jerr.position);
		} else if (cc != CURLE_OK)
			seterr(h, "%s: %s", shown.s, h->cerr[0] != '\0' ?
			    h->cerr : curl_easy_strerror(cc));
		else
			seterr(h, "%s: %ld", shown.s, r->status);

		if (cc == CURLE_OK && r->status >= 200 && r->status < 300 &&
		    !(flags & HTTP_ONCE))
			;		/* invalid JSON: retry */
		else if (!retryable(cc, r->status, flags & HTTP_ONCE)) {
			rc = cc == CURLE_OK ? 1 : -1;
			break;
		}
		if (attempt >= h->o.retries) {
			size_t	 n;

			rc = cc == CURLE_OK ? 1 : -1;
			n = strlen(h->err);
			if (attempt > 0)
				snprintf(h->err + n, sizeof(h->err) - n,
				    " (after %d retries)", attempt);
			break;
		}
		/* Retry-After if longer than the backoff. */
		wait = backoff(h, attempt);
		if (h->h_retry > wait)
			wait = h->h_retry;
		http_pause(h, wait, r->status == 429 ? "for the rate limit" :
		    "to try again");
	}
	/* The handle must not keep pointers to what is freed here. */
	curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, NULL);
	if ((flags & HTTP_BARE) && h->o.user != NULL) {
		curl_easy_setopt(h->curl, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
		curl_easy_setopt(h->curl, CURLOPT_USERNAME, h->o.user);
		curl_easy_setopt(h->curl, CURLOPT_PASSWORD,
		    h->o.pass != NULL ? h->o.pass : "");
	}
	buf_free(&full);
	curl_slist_free_all(hdrs);
	curl_slist_free_all(sent);
	buf_free(&sig);
	buf_free(&shown);
	return rc;
}

void
http_note(struct http *h, const char *fmt, ...)
{
	va_list	 ap;
	char	 line[1024];

	if (h->o.log == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	h->o.log("%s", line);
}

int
http_retry_wait(struct http *h, int attempt)
{
	if (attempt >= h->o.retries)
		return -1;
	http_pause(h, backoff(h, attempt), "to try again");
	return 0;
}

void
http_set_wait(struct http *h, void (*wait)(double, const char *))
{
	h->wait = wait;
}

/*
 * Sleep secs seconds, telling the wait hook how many are left as each
 * whole second passes (12, 11, ...), and that the wait is over.  What is
 * left is read off the clock, not counted down: a count of float steps
 * could come to 3.0000000000000004, just over a whole second, and sleep
 * the rest at once with the line showing 4 s; a busy machine's late
 * wake-ups would add up.
 */
void
http_pause(struct http *h, double secs, const char *why)
{
	double	 end, left, step;

	if (h->wait == NULL) {
		sleep_secs(secs);
		return;
	}
	end = mono_now() + secs;
	while ((left = end - mono_now()) > 0) {
		h->wait(left, why);
		/* To the next whole second left; just past one, the next. */
		step = left - (ceil(left) - 1);
		if (step < 0.01)
			step += 1;
		sleep_secs(step < left ? step : left);
	}
	h->wait(0, NULL);
}

int
http_refused(const struct http_resp *r)
{
	return r->status >= 400 && r->status < 500 && r->status != 429;
}

void
http_count_throttled(struct http *h)
{
	h->throttled++;
}

void
http_set_auth(struct http *h, const char *line)
{
	free(h->auth);
	h->auth = line != NULL ? xstrdup(line) : NULL;
}

void
http_set_type(struct http *h, const char *type)
{
	free(h->type);
	h->type = type != NULL ? xstrdup(type) : NULL;
}

const char *
http_error(const struct http *h)
{
	return h != NULL ? h->err : "libcurl could not start";
}

unsigned long
http_count(const struct http *h)
{
	return h->count;
}

unsigned long
http_throttled(const struct http *h)
{
	return h->throttled;
}

void
http_resp_free(struct http_resp *r)
{
	buf_free(&r->body);
	json_decref(r->json);
	r->json = NULL;
}

void
http_free(struct http *h)
{
	size_t	 k;

	if (h == NULL)
		return;
	free(h->auth);
	free(h->type);
	free(h->query);
	pace_free(&h->pace);
	for (k = 0; k < h->nwin; k++)
		pace_free(&h->win[k]);
	curl_easy_cleanup(h->curl);
	free(h);
}
