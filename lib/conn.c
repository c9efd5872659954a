/* conn: sessions, the connector table, shared error handling. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "money.h"
#include "tz.h"
#include "util.h"

static const struct connector *const connectors[] = {
	&conn_picqer,
	&conn_woocommerce,
	&conn_magento,
	&conn_shopify
};

static const char *const stnames[] = {
	"draft", "open", "on_hold", "partially_shipped", "completed",
	"cancelled"
};

unsigned int
conn_status(const char *name)
{
	size_t	 i;

	for (i = 0; i < NELEM(stnames); i++)
		if (strcmp(name, stnames[i]) == 0)
			return 1U << i;
	return 0;
}

const char *
conn_status_name(unsigned int bit)
{
	size_t	 i;

	for (i = 0; i < NELEM(stnames); i++)
		if (bit == 1U << i)
			return stnames[i];
	return "";
}

unsigned int
conn_word_status(const struct conn_word *map, size_t n, const char *word)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (strcmp(map[i].word, word) == 0)
			return map[i].st;
	return 0;
}

json_t *
conn_order(const struct session *s, const struct order_head *h,
    json_t *lines, json_t *shipments, json_t *raw)
{
	json_t	*r;

	r = json_object();
	json_object_set_new(r, "source", json_string(s->c->name));
	json_object_set_new(r, "shop", json_string(s->cfg->name));
	json_object_set_new(r, "id", json_string(h->id));
	json_object_set_new(r, "number", json_string(h->number));
	json_object_set_new(r, "reference", json_string(h->reference));
	json_object_set_new(r, "status", json_string(conn_status_name(
	    h->status)));
	json_object_set_new(r, "platform_status",
	    json_string(h->platform_status));
	json_object_set_new(r, "created_at", json_string(h->created_at));
	json_object_set_new(r, "updated_at", json_string(h->updated_at));
	json_object_set_new(r, "email", json_string(h->email));
	json_object_set_new(r, "name", json_string(h->name));
	json_object_set_new(r, "country", json_string(h->country));
	json_object_set_new(r, "total", json_string(h->total));
	json_object_set_new(r, "currency", json_string(h->currency));
	json_object_set_new(r, "billing_address", h->billing != NULL ?
	    h->billing : json_null());
	json_object_set_new(r, "shipping_address", h->shipping != NULL ?
	    h->shipping : json_null());
	json_object_set_new(r, "lines", lines);
	json_object_set_new(r, "shipments", shipments);
	if (raw != NULL)
		json_object_set(r, "raw", raw);
	return r;
}

json_t *
conn_line(const char *sku, const char *name, json_int_t qty,
    json_t *qty_shipped, const char *total)
{
	json_t	*l;

	l = json_object();
	json_object_set_new(l, "sku", json_string(sku));
	json_object_set_new(l, "name", json_string(name));
	json_object_set_new(l, "qty", json_integer(qty));
	json_object_set_new(l, "qty_shipped", qty_shipped);
	json_object_set_new(l, "total", total != NULL ? json_string(total) :
	    json_null());
	return l;
}

json_t *
conn_shipment(const char *carrier, const char *tracking, const char *url,
    const char *shipped_at)
{
	return json_pack("{s:s, s:s, s:s, s:s}", "carrier", carrier,
	    "tracking", tracking, "url", url, "shipped_at", shipped_at);
}

json_t *
conn_address(const struct conn_addr *a)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
	    "name", a->name ? a->name : "",
	    "company", a->company ? a->company : "",
	    "address1", a->address1 ? a->address1 : "",
	    "address2", a->address2 ? a->address2 : "",
	    "zip", a->zip ? a->zip : "",
	    "city", a->city ? a->city : "",
	    "region", a->region ? a->region : "",
	    "country", a->country ? a->country : "",
	    "phone", a->phone ? a->phone : "");
}

const char *
conn_amount(json_t *v, char *t, size_t len)
{
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v))
		snprintf(t, len, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v) && fabs(json_real_value(v)) < 1e13 &&
	    fabs(json_real_value(v) * 100 - round(json_real_value(v) *
	    100)) < 1e-6)
		/* Cents, as money is written: 56.8 is 56.80. */
		snprintf(t, len, "%.2f", json_real_value(v));
	else if (json_is_real(v))
		/* Fifteen digits give back the decimal written. */
		snprintf(t, len, "%.15g", json_real_value(v));
	else
		t[0] = '\0';
	return t;
}

struct session *
sess_open(const char *config, const char *name,
    void (*log)(const char *, ...), void (*warn)(const char *, ...),
    char *err, size_t errlen)
{
	struct session *s;
	struct http_opts ho;
	const char *platform, *url, *contact;
	double	 d[4];
	char	 ua[512];
	size_t	 i;

	s = xcalloc(1, sizeof(*s));
	s->warn = warn;
	if ((s->cfg = cfg_load(config, name, err, errlen)) == NULL)
		goto bad;
	if ((platform = cfg_get(s->cfg, "platform")) == NULL) {
		snprintf(err, errlen, "%s:%lu: [%s] has no platform",
		    s->cfg->file, s->cfg->line, name);
		goto bad;
	}
	for (i = 0; i < NELEM(connectors); i++)
		if (strcmp(connectors[i]->name, platform) == 0)
			s->c = connectors[i];
	if (s->c == NULL) {
		snprintf(err, errlen, "%s:%lu: platform '%s' is not one "
		    "shopswitch knows (yet): picqer, woocommerce, magento, "
		    "shopify", s->cfg->file, cfg_line(s->cfg, "platform"),
		    platform);
		goto bad;
	}
	if ((url = cfg_get(s->cfg, "url")) == NULL) {
		snprintf(err, errlen, "%s:%lu: [%s] has no url", s->cfg->file,
		    s->cfg->line, name);
		goto bad;
	}
	if (http_url_ok(url, err, errlen) == -1) {
		char	 tmp[1024];

		snprintf(tmp, sizeof(tmp), "%s:%lu: %s", s->cfg->file,
		    cfg_line(s->cfg, "url"), err);
		snprintf(err, errlen, "%s", tmp);
		goto bad;
	}
	s->url = xstrdup(url);
	while (s->url[0] != '\0' && s->url[strlen(s->url) - 1] == '/')
		s->url[strlen(s->url) - 1] = '\0';
	if ((s->tz = cfg_get(s->cfg, "timezone")) != NULL &&
	    !tz_known(s->tz)) {
		snprintf(err, errlen, "%s:%lu: unknown time zone '%s' (a name "
		    "such as Europe/Amsterdam)", s->cfg->file,
		    cfg_line(s->cfg, "timezone"), s->tz);
		goto bad;
	}

	/* Who we are, and whom the platform can write to. */
	if ((contact = cfg_get(s->cfg, "contact")) != NULL &&
	    *contact == '\0')
		contact = NULL;
	if (contact == NULL && s->c->contact_key != NULL) {
		snprintf(err, errlen, "%s:%lu: [%s] needs 'contact = an "
		    "e-mail address or website': %s asks every client for "
		    "one in its User-Agent", s->cfg->file, s->cfg->line, name,
		    platform);
		goto bad;
	}
	snprintf(ua, sizeof(ua), "shopswitch/%s%s%s%s", VERSION,
	    contact != NULL ? " (" : "", contact != NULL ? contact : "",
	    contact != NULL ? ")" : "");
	http_opts_init(&ho);
	ho.useragent = ua;
	ho.log = log;
	d[0] = (double)ho.timeout_ms / 1000;
	d[1] = (double)ho.connect_ms / 1000;
	d[2] = ho.retries;
	d[3] = (double)ho.backoff_ms / 1000;
	if (cfg_number(s->cfg, "timeout", 0.001, 86400, &d[0], err,
	    errlen) == -1 ||
	    cfg_number(s->cfg, "connect_timeout", 0.001, 3600, &d[1], err,
	    errlen) == -1 ||
	    cfg_number(s->cfg, "retries", 0, 20, &d[2], err, errlen) == -1 ||
	    cfg_number(s->cfg, "retry_delay", 0, 600, &d[3], err,
	    errlen) == -1)
		goto bad;
	ho.timeout_ms = (long)(d[0] * 1000);
	ho.connect_ms = (long)(d[1] * 1000);
	ho.retries = (int)d[2];
	ho.backoff_ms = (long)(d[3] * 1000);
	if (s->c->setup(s, &ho) == -1) {
		snprintf(err, errlen, "%s", s->err);
		goto bad;
	}
	if ((s->http = http_new(&ho)) == NULL) {
		snprintf(err, errlen, "libcurl could not start");
		goto bad;
	}
	return s;
bad:
	sess_close(s);
	return NULL;
}

int
conn_call(struct session *s, const char *method, const char *url,
    json_t *body, json_t **out, struct http_resp *r)
{
	char	*text;
	int	 rc;

	*out = NULL;
	text = body != NULL ? json_dumps(body, JSON_COMPACT) : NULL;
	json_decref(body);
	/* PUT sets what it names: resent as a GET is; a POST is not. */
	rc = http_request(s->http, method, url, text, HTTP_JSON |
	    (strcmp(method, "POST") == 0 ? HTTP_ONCE : 0), r);
	free(text);
	if (rc == 0) {
		*out = json_incref(r->json);
		return 0;
	}
	return http_refused(r) ? 1 : -1;
}

const char *
conn_said(const struct http_resp *r, const char *codekey,
    const char *msgkey, char *out, size_t len)
{
	json_t	*j, *code, *msg;
	json_error_t jerr;

	out[0] = '\0';
	if (r != NULL && r->body.len > 0 && codekey != NULL &&
	    (j = json_loadb(r->body.s, r->body.len, 0, &jerr)) != NULL) {
		code = json_object_get(j, codekey);
		msg = msgkey != NULL ? json_object_get(j, msgkey) : NULL;
		if (json_is_string(code))	/* a word: says it all */
			snprintf(out, len, "%s: %s", json_string_value(code),
			    json_is_string(msg) ? json_string_value(msg) : "");
		else if (json_is_integer(code) || json_is_string(msg))
			snprintf(out, len, "%s %lld: %s", codekey,
			    json_is_integer(code) ? json_integer_value(code) :
			    0LL, json_is_string(msg) ? json_string_value(msg) :
			    "");
		json_decref(j);
	}
	return out;
}

int
conn_fail(struct session *s, const struct http_resp *r, const char *codekey,
    const char *msgkey)
{
	char	 said[1024];

	conn_said(r, codekey, msgkey, said, sizeof(said));
	snprintf(s->err, sizeof(s->err), "%s%s%s", http_error(s->http),
	    said[0] != '\0' ? ": " : "", said);
	return -1;
}

void
conn_qescape(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s != '\0'; s++) {
		if ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		    (*s >= '0' && *s <= '9') || strchr("-._~", *s) != NULL)
			buf_addc(b, *s);
		else {
			buf_addc(b, '%');
			buf_addc(b, hex[(unsigned char)*s >> 4]);
			buf_addc(b, hex[(unsigned char)*s & 0xf]);
		}
	}
}

const char *
conn_text(json_t *o, const char *key, char *tmp, size_t len)
{
	json_t	*v;

	v = json_object_get(o, key);
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v)) {
		snprintf(tmp, len, "%lld", (long long)json_integer_value(v));
		return tmp;
	}
	return "";
}

const char *
conn_money(const char *a, long long n, const char *b, char *out)
{
	long long va, vb, prod, sum;
	int	 da, db;

	va = 0;
	da = 2;
	if ((a != NULL && money_parse(a, &va, &da) == -1) ||
	    money_parse(b, &vb, &db) == -1 || money_mul(vb, n, &prod) == -1 ||
	    money_add(va, prod, &sum) == -1)
		return NULL;
	return money_format(sum, da > db ? (da > 2 ? da : 2) : (db > 2 ? db :
	    2), out);
}

int
conn_order_money(json_t *o, long long *line, size_t n,
    struct order_money *m, char *why, size_t len)
{
	json_t	*l;
	const char *t;
	long long sum;
	size_t	 i;
	int	 d;

	m->decimals = 2;
	t = json_string_value(json_object_get(o, "total"));
	if (t == NULL || money_parse(t, &m->total, &d) == -1) {
		snprintf(why, len, "the order's total '%s' is not an amount "
		    "(an export that carries prices is needed)", t != NULL ?
		    t : "");
		return -1;
	}
	if (d > m->decimals)
		m->decimals = d;
	sum = 0;
	m->nlines = json_array_size(json_object_get(o, "lines"));
	if (m->nlines > n) {
		snprintf(why, len, "%zu lines: more than %zu", m->nlines, n);
		return -1;
	}
	json_array_foreach(json_object_get(o, "lines"), i, l) {
		if (json_integer_value(json_object_get(l, "qty")) < 1) {
			snprintf(why, len, "line %zu: qty is not a whole "
			    "number of at least 1", i + 1);
			return -1;
		}
		t = json_string_value(json_object_get(l, "total"));
		if (t == NULL || money_parse(t, &line[i], &d) == -1 ||
		    money_add(sum, line[i], &sum) == -1) {
			snprintf(why, len, "line %zu: its total '%s' is not an "
			    "amount (an export that carries prices is "
			    "needed)", i + 1, t != NULL ? t : "");
			return -1;
		}
		if (d > m->decimals)
			m->decimals = d;
	}
	if (money_add(m->total, -sum, &m->rest) == -1) {
		snprintf(why, len, "the lines' totals do not fit");
		return -1;
	}
	return 0;
}

void
conn_get(json_t *o, const char *key, char *dst, size_t len)
{
	conn_copy(dst, len, conn_text(o, key, dst, len));
}

void
conn_copy(char *dst, size_t len, const char *src)
{
	size_t	 n;

	if (len == 0)
		return;
	n = strlen(src);
	if (n >= len)
		n = len - 1;
	memmove(dst, src, n);		/* src may be dst */
	dst[n] = '\0';
}

void
conn_split_name(const char *name, char *first, size_t flen, char *last,
    size_t llen)
{
	const char *sp;

	while (*name == ' ')
		name++;
	if ((sp = strchr(name, ' ')) == NULL) {
		snprintf(first, flen, "%s", name);
		snprintf(last, llen, "%s", "");
		return;
	}
	snprintf(first, flen, "%.*s", (int)(sp - name), name);
	while (*sp == ' ')
		sp++;
	snprintf(last, llen, "%s", sp);
}

void
sess_close(struct session *s)
{
	if (s == NULL)
		return;
	if (s->c != NULL && s->c->close != NULL)
		s->c->close(s);
	http_free(s->http);
	cfg_free(s->cfg);
	free(s->url);
	free(s);
}
