/*
 * conn: sessions, the connector table, the calls the tools make, and
 * what connectors share (connector.h).
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "connector.h"
#include "money.h"
#include "util.h"

static const struct connector *const connectors[] = {
	&conn_picqer,
	&conn_woocommerce,
	&conn_magento,
	&conn_shopify,
	&conn_shopware,
	&conn_lightspeed,
	&conn_ccv,
	&conn_bol
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
	struct buf names;
	const char *platform, *url, *contact;
	double	 d[4], b;
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
	memset(&names, 0, sizeof(names));
	for (i = 0; i < NELEM(connectors); i++) {
		if (strcmp(connectors[i]->name, platform) == 0)
			s->c = connectors[i];
		buf_adds(&names, i > 0 ? ", " : "");
		buf_adds(&names, connectors[i]->name);
	}
	if (s->c == NULL) {
		snprintf(err, errlen, "%s:%lu: platform '%s' is not one "
		    "shopswitch knows (yet): %s", s->cfg->file,
		    cfg_line(s->cfg, "platform"), platform, buf_str(&names));
		buf_free(&names);
		goto bad;
	}
	buf_free(&names);
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
	s->retry_delay = d[3];
	/* What every platform lets the connection change. */
	ho.rate_limit = s->c->rate_limit;
	ho.rate_window = s->c->rate_window > 0 ? s->c->rate_window : 60;
	b = (double)s->c->batch;
	if (cfg_number(s->cfg, "rate_limit", 1, 1e6, &ho.rate_limit, err,
	    errlen) == -1 || cfg_number(s->cfg, "rate_window", 0.01, 86400,
	    &ho.rate_window, err, errlen) == -1 || (s->c->batch > 0 &&
	    cfg_number(s->cfg, "batch", 1, (double)(s->c->batch_max > 0 ?
	    s->c->batch_max : s->c->batch), &b, err, errlen) == -1))
		goto bad;
	s->batch = (size_t)b;
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
	rc = conn_send(s, method, url, text, HTTP_JSON |
	    (strcmp(method, "POST") == 0 ? HTTP_ONCE : 0), r);
	free(text);
	if (rc == 0) {
		*out = json_incref(r->json);
		return 0;
	}
	if (rc == -2)
		return -2;
	return http_refused(r) ? 1 : -1;
}

int
conn_send(struct session *s, const char *method, const char *url,
    const char *text, int flags, struct http_resp *r)
{
	int	 rc, again;

	for (again = 0;; again++) {
		if (s->grant != NULL && conn_grant(s, s->grant) == -1) {
			memset(r, 0, sizeof(*r));
			return -2;
		}
		rc = http_request(s->http, method, url, text, flags |
		    (s->once && strcmp(method, "GET") != 0 ? HTTP_ONCE : 0),
		    r);
		if (rc != 1 || r->status != 401 || s->grant == NULL ||
		    again > 0)
			return rc;
		http_resp_free(r);
		conn_regrant(s->grant);
	}
}

/*
 * Member path of o: "a.b" is member b of member a, and "p|q" is p, or q
 * when p is missing or null.  NULL when there is none; the name of the
 * member found, its path's last, into *name (len bytes) when not NULL.
 */
static json_t *
said_get(json_t *o, const char *path, char *name, size_t len)
{
	json_t	*v;
	char	 key[64];
	size_t	 n;

	for (v = o;; path++) {
		n = strcspn(path, ".|");
		snprintf(key, sizeof(key), "%.*s", (int)n, path);
		v = json_object_get(v, key);	/* NULL of a NULL */
		path += n;
		if (*path == '.')
			continue;
		if (*path == '\0' || (v != NULL && !json_is_null(v)))
			break;
		v = o;			/* '|': the next one, from the top */
	}
	if (name != NULL)
		snprintf(name, len, "%s", key);
	return v;
}

/* What error e said, from its codekey and msgkey, added to b. */
static void
said_one(struct buf *b, json_t *e, const char *codekey, const char *msgkey)
{
	json_t	*code, *msg;
	char	 name[64], n[32];

	code = codekey != NULL ? said_get(e, codekey, name, sizeof(name)) :
	    NULL;
	msg = msgkey != NULL ? said_get(e, msgkey, NULL, 0) : NULL;
	if (!json_is_string(code) && !json_is_integer(code) &&
	    !json_is_string(msg))
		return;
	if (b->len > 0)
		buf_adds(b, "; ");
	if (json_is_string(code)) {	/* a word: says it all */
		buf_adds(b, json_string_value(code));
		buf_adds(b, ": ");
	} else if (json_is_integer(code)) {	/* "error_code 24: " */
		buf_adds(b, name);
		snprintf(n, sizeof(n), " %lld: ",
		    (long long)json_integer_value(code));
		buf_adds(b, n);
	}
	if (json_is_string(msg))
		buf_adds(b, json_string_value(msg));
}

const char *
conn_said(const struct http_resp *r, const char *codekey,
    const char *msgkey, char *out, size_t len)
{
	json_t	*j, *e;
	json_error_t jerr;
	struct buf b;
	const char *k, *list;
	char	 name[64];
	size_t	 i, n;

	out[0] = '\0';
	if (r == NULL || r->body.len == 0 || (codekey == NULL &&
	    msgkey == NULL) || (j = json_loadb(r->body.s, r->body.len, 0,
	    &jerr)) == NULL)
		return out;
	memset(&b, 0, sizeof(b));
	k = codekey != NULL ? codekey : msgkey;
	if ((list = strstr(k, "[].")) == NULL)
		said_one(&b, j, codekey, msgkey);
	else {				/* "errors[].code": each error's */
		n = (size_t)(list - k);
		snprintf(name, sizeof(name), "%.*s", (int)n, k);
		json_array_foreach(said_get(j, name, NULL, 0), i, e)
			said_one(&b, e, codekey != NULL ? codekey + n + 3 :
			    NULL, msgkey != NULL ? msgkey + n + 3 : NULL);
	}
	conn_copy(out, len, buf_str(&b));
	buf_free(&b);
	json_decref(j);
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

json_int_t
conn_count(json_t *o, const char *key)
{
	json_int_t n;

	n = json_integer_value(json_object_get(o, key));
	return n < 0 ? 0 : n > COUNT_MAX ? COUNT_MAX : n;
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

const char *
conn_cannot(struct session *s, enum conn_op op)
{
	switch (op) {
	case OP_PUSH:
		if (s->c->items != NULL && s->c->push != NULL)
			return NULL;
		snprintf(s->err, sizeof(s->err), "%s keeps stock, it does "
		    "not take it: push to a shop", s->c->name);
		return s->err;
	case OP_COMPLETE:
		return s->c->complete != NULL ? NULL : s->c->no_write;
	case OP_CREATE:
		return s->c->create != NULL ? NULL : s->c->no_write;
	case OP_CREATE_NOTIFY:
		return s->c->no_create_notify;
	case OP_SHOPS:
		if (s->c->shops)
			return NULL;
		snprintf(s->err, sizeof(s->err), "--shop: %s has no webshop "
		    "connections: it is a shop (a warehouse system has them)",
		    s->c->name);
		return s->err;
	}
	return "no such operation";
}

/*
 * The calls: each starts with no failure (conn_exit), and hands the
 * connector's answer on.
 */
int
conn_orders(struct session *s, const struct order_query *q, order_cb cb,
    void *arg)
{
	s->ours = 0;
	return s->c->orders(s, q, cb, arg);
}

int
conn_stock(struct session *s, const struct stock_query *q, stock_cb cb,
    void *arg)
{
	s->ours = 0;
	if ((q->nwarehouses > 0 || q->per_warehouse) &&
	    s->c->no_warehouses != NULL)
		return conn_mistake(s, "%s", s->c->no_warehouses);
	return s->c->stock(s, q, cb, arg);
}

int
conn_items(struct session *s, item_cb cb, void *arg)
{
	s->ours = 0;
	return s->c->items(s, cb, arg);
}

/*
 * A write that changes the shop's stock or its orders is sent once: one
 * whose answer was lost may have been carried out, and sent again it
 * would count twice, or set a level over a sale made in between.  The
 * tools look at the shop before they send it again.
 */
int
conn_push(struct session *s, struct push_item *items, size_t n)
{
	int	 rc;

	s->ours = 0;
	s->once = 1;
	rc = s->c->push(s, items, n);
	s->once = 0;
	return rc;
}

int
conn_complete(struct session *s, struct complete_item *it)
{
	int	 rc;

	s->ours = 0;
	s->once = 1;
	rc = s->c->complete(s, it);
	s->once = 0;
	return rc;
}

int
conn_find_skus(struct session *s, const char *const *skus, size_t n,
    item_cb cb, void *arg)
{
	s->ours = 0;
	return s->c->find_skus(s, skus, n, cb, arg);
}

int
conn_find_created(struct session *s, struct create_item *it)
{
	s->ours = 0;
	return s->c->find_created(s, it);
}

int
conn_create(struct session *s, struct create_item *it)
{
	int	 rc;

	s->ours = 0;
	s->once = 1;
	rc = s->c->create(s, it);
	s->once = 0;
	return rc;
}

int
conn_mails(struct session *s, enum mail_op op, struct shop_mail *m,
    size_t n)
{
	s->ours = 0;
	return s->c->mails != NULL ? s->c->mails(s, op, m, n) : 0;
}

int
conn_set_mail(struct session *s, const char *id, int on)
{
	s->ours = 0;
	return s->c->set_mail(s, id, on);
}

const char *
conn_error(const struct session *s)
{
	return s->err;
}

int
conn_exit(const struct session *s)
{
	return s->ours ? EXIT_TROUBLE : EXIT_PLATFORM;
}

const char *
conn_platform(const struct session *s)
{
	return s->c->name;
}

const char *
conn_name(const struct session *s)
{
	return s->cfg->name;
}

size_t
conn_batch(const struct session *s)
{
	return s->batch;
}

int
conn_cas(const struct session *s)
{
	return s->c->cas;
}

double
conn_retry_delay(const struct session *s)
{
	return s->retry_delay;
}

double
conn_search_lag(const struct session *s)
{
	return s->search_lag;
}

unsigned long
conn_requests(const struct session *s)
{
	return http_count(s->http);
}

unsigned long
conn_throttled(const struct session *s)
{
	return http_throttled(s->http);
}

int
conn_mistake(struct session *s, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(s->err, sizeof(s->err), fmt, ap);
	va_end(ap);
	s->ours = 1;
	return -1;
}

int
conn_wanted(const struct order_query *q, unsigned int st)
{
	return q->statuses == 0 || (q->statuses & st) != 0;
}

const char *
conn_utc(json_t *o, const char *key, const char *zone, char out[TZ_LEN])
{
	const char *v;
	char	 local[20], full[64];
	time_t	 t;
	size_t	 n;

	out[0] = '\0';
	if ((v = json_string_value(json_object_get(o, key))) == NULL ||
	    strlen(v) < 19)
		return out;
	/* The seconds' fractions: dropped, as the record keeps none. */
	n = 19;
	if (v[n] == '.')
		for (n++; v[n] >= '0' && v[n] <= '9'; n++)
			continue;
	if (v[n] == '\0') {		/* no offset: zone's local time */
		snprintf(local, sizeof(local), "%.10s %.8s", v, v + 11);
		if ((v[10] != ' ' && v[10] != 'T') ||
		    tz_local_to_utc(zone != NULL ? zone : "UTC", local,
		    out) == -1)
			out[0] = '\0';
		return out;
	}
	snprintf(full, sizeof(full), "%.19s%s", v, v + n);
	if (tz_parse(full, &t) == -1)
		return out;
	tz_format(t, out);
	return out;
}

/*
 * conn_list with the number of pages the answer's header gave (-1:
 * none) into *pages.
 */
static json_t *
list_request(struct session *s, const struct conn_list *l, const char *url,
    json_t *body, json_t **answer, long *pages)
{
	struct http_resp r;
	json_t	*a;
	char	*text;
	int	 rc;

	if (answer != NULL)
		*answer = NULL;
	text = body != NULL ? json_dumps(body, JSON_COMPACT) : NULL;
	json_decref(body);
	rc = conn_send(s, l->method != NULL ? l->method : "GET", url, text,
	    HTTP_JSON, &r);
	free(text);
	if (rc == -2)
		return NULL;
	if (rc != 0) {
		conn_fail(s, &r, l->codekey, l->msgkey);
		http_resp_free(&r);
		return NULL;
	}
	*pages = r.pages;
	a = l->member != NULL ? json_object_get(r.json, l->member) : r.json;
	if (a == NULL && l->absent_empty && json_is_object(r.json))
		a = json_array();
	else
		json_incref(a);
	if (!json_is_array(a)) {
		snprintf(s->err, sizeof(s->err), "%.*s: the answer is not a "
		    "list", (int)strcspn(url, "?"), url);
		json_decref(a);
		http_resp_free(&r);
		return NULL;
	}
	if (answer != NULL)
		*answer = json_incref(r.json);
	http_resp_free(&r);
	return a;
}

json_t *
conn_list(struct session *s, const struct conn_list *l, const char *url,
    json_t *body, json_t **answer)
{
	long	 pages;

	return list_request(s, l, url, body, answer, &pages);
}

void
sess_progress(struct session *s, void (*page)(long),
    void (*wait)(double, const char *))
{
	s->paged = page;
	http_set_wait(s->http, wait);
}

void
conn_paged(struct session *s, long npages)
{
	if (s->paged != NULL)
		s->paged(npages);
}

int
conn_pages(struct session *s, struct conn_pages *p,
    int (*each)(struct session *, json_t *, void *), void *arg)
{
	struct buf url;
	json_t	*body, *prev, *a, *it;
	long	 pages;
	size_t	 i, n;
	int	 rc;

	memset(&url, 0, sizeof(url));
	prev = NULL;
	rc = 0;
	for (p->page = 1, p->offset = 0;; p->page++) {
		url.len = 0;
		body = NULL;
		if (p->next(s, p, prev, &url, &body) == 1) {
			json_decref(body);
			break;
		}
		json_decref(prev);
		if ((a = list_request(s, &p->list, buf_str(&url), body, &prev,
		    &pages)) == NULL) {
			rc = -1;
			break;
		}
		if (s->depth == 0)
			conn_paged(s, pages);
		s->depth++;
		json_array_foreach(a, i, it)
			if ((rc = each(s, it, arg)) != 0)
				break;
		s->depth--;
		n = json_array_size(a);
		json_decref(a);
		p->offset += n;
		if (rc != 0 || (pages >= 0 ? (long)p->page >= pages :
		    p->size > 0 && n < p->size))
			break;
	}
	json_decref(prev);
	buf_free(&url);
	return rc;
}

int
conn_grant(struct session *s, struct conn_grant *g)
{
	struct http_resp r;
	struct buf body, hdr;
	json_t	*j;
	const char *tok;
	unsigned char b64[1024];
	double	 ttl, early;
	size_t	 n;
	int	 rc;

	if (g->renew != 0 && mono_now() < g->renew)
		return 0;
	memset(&body, 0, sizeof(body));
	memset(&hdr, 0, sizeof(hdr));
	buf_adds(&body, "grant_type=client_credentials");
	if (g->how == GRANT_FORM) {
		buf_adds(&body, "&client_id=");
		conn_qescape(&body, g->id);
		buf_adds(&body, "&client_secret=");
		conn_qescape(&body, g->secret);
	} else if (g->how == GRANT_JSON) {
		j = json_pack("{s:s, s:s, s:s}", "grant_type",
		    "client_credentials", "client_id", g->id, "client_secret",
		    g->secret);
		body.len = 0;
		tok = json_dumps(j, JSON_COMPACT);
		buf_adds(&body, tok);
		free((char *)tok);
		json_decref(j);
	} else {
		buf_adds(&hdr, g->id);
		buf_addc(&hdr, ':');
		buf_adds(&hdr, g->secret);
		if (hdr.len > (sizeof(b64) - 1) / 4 * 3) {
			buf_free(&hdr);
			buf_free(&body);
			return conn_mistake(s, "%s:%lu: [%s]: client_id and "
			    "client_secret are too long", s->cfg->file,
			    s->cfg->line, s->cfg->name);
		}
		EVP_EncodeBlock(b64, (const unsigned char *)hdr.s,
		    (int)hdr.len);
		hdr.len = 0;
		buf_adds(&hdr, "Authorization: Basic ");
		buf_adds(&hdr, (const char *)b64);
	}
	/* The token request carries no token, and Basic only when asked. */
	http_set_auth(s->http, hdr.len > 0 ? buf_str(&hdr) : NULL);
	rc = http_request(s->http, "POST", g->url, buf_str(&body), HTTP_JSON |
	    HTTP_PLAIN | (g->how == GRANT_JSON ? 0 : HTTP_FORM), &r);
	buf_free(&body);
	hdr.len = 0;
	if (rc != 0) {
		conn_fail(s, &r, g->codekey, g->msgkey);
		n = strlen(s->err);
		if (r.status == 401 && g->refused != NULL)
			snprintf(s->err + n, sizeof(s->err) - n, ": %s of [%s]",
			    g->refused, s->cfg->name);
		http_resp_free(&r);
		buf_free(&hdr);
		return -1;
	}
	tok = json_string_value(json_object_get(r.json, "access_token"));
	ttl = json_number_value(json_object_get(r.json, "expires_in"));
	if (tok == NULL || *tok == '\0') {
		snprintf(s->err, sizeof(s->err), "%.*s: no access_token in the "
		    "answer", (int)strcspn(g->url, "?"), g->url);
		http_resp_free(&r);
		buf_free(&hdr);
		return -1;
	}
	buf_adds(&hdr, g->header);
	buf_adds(&hdr, tok);
	http_set_auth(s->http, buf_str(&hdr));
	buf_free(&hdr);
	if (ttl <= 0)
		ttl = 3600;	/* none said: RFC 6749 4.4.3 has an hour */
	early = ttl / 10 > 60 ? ttl / 10 : 60;	/* the answer's way */
	if (early > ttl / 3)
		early = ttl / 3;
	g->renew = mono_now() + ttl - early;
	http_resp_free(&r);
	return 0;
}

void
conn_regrant(struct conn_grant *g)
{
	g->renew = 0;
}
