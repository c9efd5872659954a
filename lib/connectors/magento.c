/*
 * magento: Magento 2 (Adobe Commerce) REST, V1.
 *
 * A Bearer token (an integration's access token, where the store allows
 * it as a bearer), or each request signed with OAuth 1.0a, HMAC-SHA256;
 * lists by searchCriteria pages that stop on total_count (a page past the
 * end repeats the last one), 300 a page unless the connection says
 * otherwise, halved while the store answers "Maximum SearchCriteria
 * pageSize"; stock as MSI source items of the
 * connection's source; writes in POST /V1/inventory/source-items, 20 a
 * request by default (the input limit many stores enforce), split
 * smaller when the store says "Maximum items".  See
 * developer.adobe.com/commerce/webapi/rest.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "../connector.h"
#include "../money.h"
#include "../tz.h"
#include "../util.h"

#define PAGE	300			/* the most a limited store lists by
					   default (maximum_page_size) */
#define PAGE_MAX 10000			/* the most page_size may ask */
#define BATCH	20			/* the default input limit */

/* Magento's order states and the normalised statuses. */
static const struct conn_word statmap[] = {
	{ "pending_payment",	ST_DRAFT },
	{ "new",		ST_OPEN },
	{ "processing",		ST_OPEN },	/* or partially shipped */
	{ "holded",		ST_ON_HOLD },
	{ "payment_review",	ST_ON_HOLD },
	{ "complete",		ST_COMPLETED },
	{ "closed",		ST_CANCELLED },	/* refunded */
	{ "canceled",		ST_CANCELLED }
};

struct magento {
	char		*base;		/* url/rest/store/V1 */
	const char	*source;	/* the MSI source */
	const char	*ckey, *csecret;	/* OAuth consumer */
	const char	*token, *tsecret;	/* OAuth access token */
	long		 page;		/* items a search page asks for */
	json_t		*sep;		/* bundle product id: true when it
					   ships separately (the catalog's
					   shipment_type) */
	long		 refused;	/* the last page size refused, or 0
					   once the warning is given */
	char		 said[256];	/* the store's words for it */
};

/* RFC 3986 unreserved characters pass, the rest is %XX: OAuth's rule. */
static void
pct(struct buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t	 i;

	for (i = 0; i < n; i++) {
		if ((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' &&
		    s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		    strchr("-._~", s[i]) != NULL)
			buf_addc(b, s[i]);
		else {
			buf_addc(b, '%');
			buf_addc(b, hex[(unsigned char)s[i] >> 4]);
			buf_addc(b, hex[(unsigned char)s[i] & 0xf]);
		}
	}
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Undo the %XX and '+' of n bytes of a query string. */
static char *
unpct(const char *s, size_t n)
{
	char	*out, *o;
	size_t	 i;
	int	 hi, lo;

	o = out = xmalloc(n + 1);
	for (i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n && (hi = hexval(s[i + 1])) >= 0 &&
		    (lo = hexval(s[i + 2])) >= 0) {
			*o++ = (char)(hi << 4 | lo);
			i += 2;
		} else
			*o++ = s[i] == '+' ? ' ' : s[i];
	}
	*o = '\0';
	return out;
}

/* Add name=value, both percent-encoded, to the list to sort. */
static void
param(char ***list, size_t *n, const char *k, size_t kl, const char *v,
    size_t vl)
{
	struct buf p;

	memset(&p, 0, sizeof(p));
	pct(&p, k, kl);
	buf_addc(&p, '=');
	pct(&p, v, vl);
	*list = xreallocarray(*list, *n + 1, sizeof(**list));
	(*list)[(*n)++] = xstrdup(buf_str(&p));
	buf_free(&p);
}

static int
strpcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Sign a request as RFC 5849 says, with HMAC-SHA256: the base string is
 * the method, the URL without its query, and every query parameter and
 * oauth_ parameter, each name and value percent-encoded, sorted, joined.
 * The URL is normalised first, as Magento normalises the one it rebuilds
 * from the request (Helper/Signature/Hmac::normaliseBaseSignatureUrl):
 * scheme and host in lower case, a default port left out.  The JSON body
 * is not signed (it is not a form).
 */
static int
sign(void *arg, const char *method, const char *url, const char *body,
    struct buf *out)
{
	struct magento *m = arg;
	struct buf base, key, p, u;
	unsigned char nb[16], mac[EVP_MAX_MD_SIZE];
	unsigned int maclen;
	char	 nonce[33], ts[32], **params, *k, *v, *sigb64;
	const char *q, *amp, *eq;
	size_t	 np, i, n;
	int	 len;

	(void)body;		/* JSON: not in OAuth 1.0a's base string */
	if (RAND_bytes(nb, sizeof(nb)) != 1)
		return -1;
	for (i = 0; i < sizeof(nb); i++)
		snprintf(nonce + 2 * i, 3, "%02x", nb[i]);
	snprintf(ts, sizeof(ts), "%lld", (long long)time(NULL));

	/* name=value pairs, both encoded, to sort. */
	params = NULL;
	np = 0;
	param(&params, &np, "oauth_consumer_key", 18, m->ckey,
	    strlen(m->ckey));
	param(&params, &np, "oauth_nonce", 11, nonce, strlen(nonce));
	param(&params, &np, "oauth_signature_method", 22, "HMAC-SHA256", 11);
	param(&params, &np, "oauth_timestamp", 15, ts, strlen(ts));
	param(&params, &np, "oauth_token", 11, m->token, strlen(m->token));
	param(&params, &np, "oauth_version", 13, "1.0", 3);
	if ((q = strchr(url, '?')) != NULL) {
		for (q++; *q != '\0'; q = *amp != '\0' ? amp + 1 : amp) {
			amp = q + strcspn(q, "&");
			if (amp == q)
				continue;
			eq = memchr(q, '=', (size_t)(amp - q));
			k = unpct(q, eq != NULL ? (size_t)(eq - q) :
			    (size_t)(amp - q));
			v = unpct(eq != NULL ? eq + 1 : amp, eq != NULL ?
			    (size_t)(amp - eq - 1) : 0);
			param(&params, &np, k, strlen(k), v, strlen(v));
			free(k);
			free(v);
		}
	}
	qsort(params, np, sizeof(*params), strpcmp);

	memset(&p, 0, sizeof(p));
	memset(&u, 0, sizeof(u));
	memset(&base, 0, sizeof(base));
	buf_adds(&base, method);
	buf_addc(&base, '&');
	http_url_normal(url, &u);
	n = (q = strchr(buf_str(&u), '?')) != NULL ? (size_t)(q - u.s) :
	    u.len;
	pct(&base, buf_str(&u), n);
	buf_free(&u);
	buf_addc(&base, '&');
	p.len = 0;
	for (i = 0; i < np; i++) {
		if (i > 0)
			buf_addc(&p, '&');
		buf_adds(&p, params[i]);
		free(params[i]);
	}
	free(params);
	pct(&base, buf_str(&p), p.len);

	memset(&key, 0, sizeof(key));
	pct(&key, m->csecret, strlen(m->csecret));
	buf_addc(&key, '&');
	pct(&key, m->tsecret, strlen(m->tsecret));
	HMAC(EVP_sha256(), key.s, (int)key.len, (unsigned char *)base.s,
	    base.len, mac, &maclen);
	sigb64 = xmalloc(4 * ((maclen + 2) / 3) + 1);
	len = EVP_EncodeBlock((unsigned char *)sigb64, mac, (int)maclen);
	sigb64[len] = '\0';

	buf_adds(out, "Authorization: OAuth oauth_consumer_key=\"");
	pct(out, m->ckey, strlen(m->ckey));
	buf_adds(out, "\", oauth_token=\"");
	pct(out, m->token, strlen(m->token));
	buf_adds(out, "\", oauth_signature_method=\"HMAC-SHA256\", "
	    "oauth_timestamp=\"");
	buf_adds(out, ts);
	buf_adds(out, "\", oauth_nonce=\"");
	buf_adds(out, nonce);
	buf_adds(out, "\", oauth_version=\"1.0\", oauth_signature=\"");
	pct(out, sigb64, strlen(sigb64));
	buf_adds(out, "\"");
	free(sigb64);
	buf_free(&base);
	buf_free(&key);
	buf_free(&p);
	return 0;
}

static int
setup(struct session *s, struct http_opts *o)
{
	struct magento *m;
	struct buf u;
	const char *token, *store;
	double	 pg;

	m = xcalloc(1, sizeof(*m));
	s->priv = m;
	m->sep = json_object();
	/*
	 * Requests go to the URL normalised as it is signed, so that the
	 * Host header is what the signature says whether the store
	 * normalises the URL it rebuilds from that header (laminas-oauth,
	 * and Magento's Hmac that overrode it) or takes it as sent (the
	 * Hmac that replaced laminas-oauth).
	 */
	memset(&u, 0, sizeof(u));
	http_url_normal(s->url, &u);
	buf_adds(&u, "/rest/");
	store = cfg_get(s->cfg, "store");
	buf_adds(&u, store != NULL ? store : "default");
	buf_adds(&u, "/V1");
	m->base = xstrdup(buf_str(&u));
	buf_free(&u);
	m->source = cfg_get(s->cfg, "source");
	if (m->source == NULL)
		m->source = "default";
	token = cfg_get(s->cfg, "token");
	m->ckey = cfg_get(s->cfg, "consumer_key");
	m->csecret = cfg_get(s->cfg, "consumer_secret");
	m->token = cfg_get(s->cfg, "access_token");
	m->tsecret = cfg_get(s->cfg, "access_token_secret");
	if (m->ckey != NULL || m->csecret != NULL || m->token != NULL ||
	    m->tsecret != NULL) {
		if (m->ckey == NULL || m->csecret == NULL || m->token == NULL ||
		    m->tsecret == NULL || token != NULL) {
			snprintf(s->err, sizeof(s->err), "%s:%lu: [%s] signs "
			    "with OAuth: it needs consumer_key, "
			    "consumer_secret, access_token and "
			    "access_token_secret, and no token",
			    s->cfg->file, s->cfg->line, s->cfg->name);
			return -1;
		}
		o->sign = sign;
		o->sign_arg = m;
	} else if (token != NULL)
		o->bearer = token;
	else {
		snprintf(s->err, sizeof(s->err), "%s:%lu: [%s] needs token (an "
		    "integration's access token, where the store takes it as "
		    "a bearer), or the four OAuth keys (Magento: System, "
		    "Integrations)", s->cfg->file, s->cfg->line,
		    s->cfg->name);
		return -1;
	}
	pg = PAGE;
	if (cfg_number(s->cfg, "page_size", 1, PAGE_MAX, &pg, s->err,
	    sizeof(s->err)) == -1 || pg != floor(pg)) {
		snprintf(s->err, sizeof(s->err), "%s:%lu: page_size takes a "
		    "whole number from 1 to %d, not '%s'", s->cfg->file,
		    cfg_line(s->cfg, "page_size"), PAGE_MAX,
		    cfg_get(s->cfg, "page_size"));
		return -1;
	}
	m->page = (long)pg;
	return 0;
}

static void
close_priv(struct session *s)
{
	struct magento *m = s->priv;

	if (m != NULL) {
		free(m->base);
		json_decref(m->sep);
	}
	free(m);
	s->priv = NULL;
}

/*
 * What Magento said in the error answer r, its %1 or %name placeholders
 * filled in from the parameters, into b.  0, or -1 when it said nothing.
 */
static int
message(const struct http_resp *r, struct buf *b)
{
	json_error_t jerr;
	json_t	*j, *msg, *params, *v;
	const char *p, *e;
	char	 name[64], t[32];
	size_t	 n;

	if (r->body.len == 0 || (j = json_loadb(r->body.s, r->body.len, 0,
	    &jerr)) == NULL)
		return -1;
	if (!json_is_string(msg = json_object_get(j, "message"))) {
		json_decref(j);
		return -1;
	}
	params = json_object_get(j, "parameters");
	for (p = json_string_value(msg); *p != '\0'; p++) {
		for (e = p + 1; *p == '%' && ((*e >= 'a' && *e <= 'z') ||
		    (*e >= '0' && *e <= '9') || *e == '_'); e++)
			;
		n = (size_t)(e - p - 1);
		if (*p != '%' || n == 0 || n >= sizeof(name)) {
			buf_addc(b, *p);
			continue;
		}
		memcpy(name, p + 1, n);
		name[n] = '\0';
		v = json_is_array(params) ? json_array_get(params,
		    (size_t)atoi(name) - 1) : json_object_get(params, name);
		if (json_is_string(v))
			buf_adds(b, json_string_value(v));
		else if (json_is_integer(v)) {
			snprintf(t, sizeof(t), "%lld",
			    (long long)json_integer_value(v));
			buf_adds(b, t);
		} else {
			buf_addc(b, '%');
			buf_adds(b, name);
		}
		p = e - 1;
	}
	json_decref(j);
	return 0;
}

/* Fail with what Magento said. */
static int
fail(struct session *s, const struct http_resp *r)
{
	struct buf b;

	memset(&b, 0, sizeof(b));
	if (message(r, &b) == -1)
		return conn_fail(s, r, NULL, NULL);
	snprintf(s->err, sizeof(s->err), "%s: %s", http_error(s->http),
	    buf_str(&b));
	buf_free(&b);
	return -1;
}

/*
 * Whether r is the store's refusal of the page size asked (its input
 * limits: "Maximum SearchCriteria pageSize is %max"); its words go to
 * m->said.
 */
static int
too_large(struct magento *m, const struct http_resp *r)
{
	struct buf b;
	int	 yes;

	if (r->status != 400)
		return 0;
	memset(&b, 0, sizeof(b));
	yes = message(r, &b) == 0 && strncmp(buf_str(&b),
	    "Maximum SearchCriteria pageSize", 31) == 0;
	if (yes)
		snprintf(m->said, sizeof(m->said), "%s", buf_str(&b));
	buf_free(&b);
	return yes;
}

/*
 * Call each with every item of the search at path (query: its filters,
 * escaped, or ""), m->page a page, by entity order, page after page until
 * total_count is reached: Magento answers a page past the end with the
 * last page again.  A page size the store refuses is halved, for this
 * search and the ones after it, and the page is asked again: currentPage
 * is worked out from the items handed out so far, and those of the new
 * page that were handed out already are left out, so that none is
 * skipped or handed out twice however the size changed.  each gets the
 * page's new items (an array) and returns 0 or not; returns 0, -1
 * (s->err) or what each returned.
 */
static int
search(struct session *s, const char *path, const char *query,
    int (*each)(struct session *, json_t *, void *), void *arg)
{
	struct magento *m = s->priv;
	struct http_resp r;
	struct buf url;
	json_t	*items, *fresh;
	json_int_t total, done;
	size_t	 skip, i;
	char	 t[128];
	int	 rc;

	memset(&url, 0, sizeof(url));
	rc = 0;
	for (done = 0;;) {
		url.len = 0;
		buf_adds(&url, m->base);
		buf_adds(&url, path);
		buf_adds(&url, "?");
		if (query[0] != '\0') {
			buf_adds(&url, query);
			buf_addc(&url, '&');
		}
		snprintf(t, sizeof(t), "searchCriteria%%5BpageSize%%5D=%ld&"
		    "searchCriteria%%5BcurrentPage%%5D=%lld", m->page,
		    (long long)(done / m->page + 1));
		buf_adds(&url, t);
		skip = (size_t)(done % m->page);
		if (http_request(s->http, "GET", buf_str(&url), NULL,
		    HTTP_JSON, &r) != 0) {
			if (m->page > 1 && too_large(m, &r)) {
				m->refused = m->page;
				m->page /= 2;
				http_resp_free(&r);
				continue;
			}
			rc = fail(s, &r);
			http_resp_free(&r);
			break;
		}
		items = json_object_get(r.json, "items");
		if (!json_is_array(items) || !json_is_integer(
		    json_object_get(r.json, "total_count"))) {
			snprintf(s->err, sizeof(s->err), "%s: the answer is "
			    "not a search result", buf_str(&url));
			http_resp_free(&r);
			rc = -1;
			break;
		}
		if (m->refused > 0 && s->warn != NULL)
			s->warn("%s:%lu: [%s]: the store refused %ld a page "
			    "(%s); %ld a page from now on: put page_size = %ld "
			    "in the connection", s->cfg->file, s->cfg->line,
			    s->cfg->name, m->refused, m->said, m->page,
			    m->page);
		m->refused = 0;
		total = json_integer_value(json_object_get(r.json,
		    "total_count"));
		if (skip >= json_array_size(items)) {
			http_resp_free(&r);
			break;		/* nothing new: the end */
		}
		conn_paged(s, -1);	/* no total: searches nest */
		fresh = json_array();
		for (i = skip; i < json_array_size(items); i++)
			json_array_append(fresh, json_array_get(items, i));
		done += (json_int_t)json_array_size(fresh);
		rc = each(s, fresh, arg);
		json_decref(fresh);
		http_resp_free(&r);
		if (rc != 0 || done >= total)
			break;
	}
	buf_free(&url);
	return rc;
}

/* Add searchCriteria filter (group g, filter f) field cond value. */
static void
filter(struct buf *q, int g, int f, const char *field, const char *cond,
    const char *value)
{
	char	 t[128];

	snprintf(t, sizeof(t), "%ssearchCriteria%%5Bfilter_groups%%5D%%5B%d"
	    "%%5D%%5Bfilters%%5D%%5B%d%%5D%%5B", q->len ? "&" : "", g, f);
	buf_adds(q, t);
	buf_adds(q, "field%5D=");
	conn_qescape(q, field);
	buf_addc(q, '&');
	buf_adds(q, t + (t[0] == '&'));
	buf_adds(q, "value%5D=");
	conn_qescape(q, value);
	buf_addc(q, '&');
	buf_adds(q, t + (t[0] == '&'));
	buf_adds(q, "condition_type%5D=");
	conn_qescape(q, cond);
}

/*
 * A quantity Magento gives as a number (12, 12.0, or 12.5 where a product
 * is sold by decimals): rounded down, what can be offered whole; a count
 * as conn_count reads one, from 0 to COUNT_MAX.
 */
static json_int_t
qty(json_t *o, const char *key)
{
	json_t	*v;
	double	 d;

	v = json_object_get(o, key);
	if (json_is_integer(v))
		return conn_count(o, key);
	if (json_is_real(v))
		d = floor(json_real_value(v));
	else if (json_is_string(v))
		d = (double)strtoll(json_string_value(v), NULL, 10);
	else
		return 0;
	if (!(d > 0))			/* NaN too */
		return 0;
	return d > (double)COUNT_MAX ? COUNT_MAX : (json_int_t)d;
}

/* An amount of o as text into t (len bytes): Magento writes a number. */
static const char *
amount(json_t *o, const char *key, char *t, size_t len)
{
	return conn_amount(json_object_get(o, key), t, len);
}

/* Member key of o, a string, or "". */
static const char *
str(json_t *o, const char *key)
{
	const char *v;

	v = json_string_value(json_object_get(o, key));
	return v != NULL ? v : "";
}

/* One page of bundle products: how each ships. */
static int
bundle_page(struct session *s, json_t *items, void *arg)
{
	struct magento *m = s->priv;
	json_t	*p, *a, *attrs;
	char	 id[32], v[32];
	size_t	 i, k;
	int	 sep;

	(void)arg;
	json_array_foreach(items, i, p) {
		sep = 0;
		attrs = json_object_get(p, "custom_attributes");
		json_array_foreach(attrs, k, a)
			if (strcmp(str(a, "attribute_code"),
			    "shipment_type") == 0)
				sep = strcmp(conn_text(a, "value", v,
				    sizeof(v)), "1") == 0;
		json_object_set_new(m->sep, conn_text(p, "id", id,
		    sizeof(id)), json_boolean(sep));
	}
	return 0;
}

/*
 * Learn how the bundles in orders (an array of Magento orders) ship,
 * those not known yet, in one search of /V1/products.  An order row has
 * no word of it (its product_options are not in the REST answer); the
 * bundle product's shipment_type is: 1 separately, 0 together.  A
 * product the catalog no longer has ships together, Magento's default.
 * 0, or -1 (s->err).
 */
static int
bundles(struct session *s, json_t *orders)
{
	struct magento *m = s->priv;
	struct buf ids, q;
	json_t	*o, *it, *want;
	const char *id;
	char	 t[32];
	size_t	 i, k;
	int	 rc;

	want = json_object();
	json_array_foreach(orders, i, o)
		json_array_foreach(json_object_get(o, "items"), k, it) {
			id = conn_text(it, "product_id", t, sizeof(t));
			if (strcmp(str(it, "product_type"), "bundle") == 0 &&
			    *id != '\0' && json_object_get(m->sep, id) ==
			    NULL)
				json_object_set_new(want, id, json_true());
		}
	rc = 0;
	if (json_object_size(want) > 0) {
		memset(&ids, 0, sizeof(ids));
		memset(&q, 0, sizeof(q));
		json_object_foreach(want, id, it) {
			if (ids.len > 0)
				buf_addc(&ids, ',');
			buf_adds(&ids, id);
		}
		filter(&q, 0, 0, "entity_id", "in", buf_str(&ids));
		rc = search(s, "/products", buf_str(&q), bundle_page, NULL);
		json_object_foreach(want, id, it)
			if (rc == 0 && json_object_get(m->sep, id) == NULL)
				json_object_set_new(m->sep, id, json_false());
		buf_free(&ids);
		buf_free(&q);
	}
	json_decref(want);
	return rc;
}

/* Whether order row it is a bundle that ships separately. */
static int
separately(struct magento *m, json_t *it)
{
	char	 t[32];

	return it != NULL && strcmp(str(it, "product_type"), "bundle") == 0 &&
	    json_is_true(json_object_get(m->sep, conn_text(it, "product_id",
	    t, sizeof(t))));
}

/* The row of rows whose item_id is id, or NULL. */
static json_t *
row(json_t *rows, json_t *id)
{
	json_t	*r;
	size_t	 i;

	json_array_foreach(rows, i, r)
		if (json_equal(json_object_get(r, "item_id"), id))
			return r;
	return NULL;
}

/* The parent_item_id of it, or NULL for a row without a parent. */
static json_t *
parent_id(json_t *it)
{
	json_t	*pid;

	pid = json_object_get(it, "parent_item_id");
	return pid != NULL && !json_is_null(pid) ? pid : NULL;
}

/*
 * Whether order row it of rows is a line: a row that carries the
 * quantities shipped, that is, no dummy (Order\Item::isDummy(true)).  A
 * configurable's parent row is (it has the child's SKU), its child's
 * not; a bundle shipped together is, its parts not; the parts of a
 * bundle shipped separately are, the bundle row not (Magento adds 1 to
 * its qty_shipped for every shipment of a part).
 */
static int
is_line(struct magento *m, json_t *rows, json_t *it)
{
	json_t	*pid;

	if ((pid = parent_id(it)) == NULL)
		return !separately(m, it);
	return separately(m, row(rows, pid));
}

/*
 * What row it cost, tax included, less its discount, into *v; *decimals
 * is raised to the most its amounts have.  0, or -1 when they are not
 * amounts.
 */
static int
row_money(json_t *it, long long *v, int *decimals)
{
	long long total, disc;
	char	 t[2][64];
	int	 d[2];

	if (money_parse(amount(it, "row_total_incl_tax", t[0],
	    sizeof(t[0])), &total, &d[0]) == -1 || money_parse(amount(it,
	    "discount_amount", t[1], sizeof(t[1])), &disc, &d[1]) == -1 ||
	    money_add(total, -disc, v) == -1)
		return -1;
	if (d[0] > *decimals)
		*decimals = d[0];
	if (d[1] > *decimals)
		*decimals = d[1];
	return 0;
}

/*
 * What the rows of rows whose parent is row id cost; how many there are
 * goes to *n.  -1 when one has no amounts.
 */
static int
parts_money(json_t *rows, json_t *id, long long *sum, int *decimals,
    size_t *n)
{
	json_t	*r;
	long long v;
	size_t	 i;

	*sum = 0;
	*n = 0;
	json_array_foreach(rows, i, r) {
		if (!json_equal(parent_id(r), id))
			continue;
		if (row_money(r, &v, decimals) == -1 ||
		    money_add(*sum, v, sum) == -1)
			return -1;
		(*n)++;
	}
	return 0;
}

/*
 * What line it of rows cost into out (MONEY_LEN bytes), or NULL when
 * Magento gave no amounts.  A group (a configurable or bundle and its
 * parts) costs what the costlier side says: the parent row (a fixed
 * price) or its parts together (a dynamic price), and the group's lines
 * add up to that: a parent that is a line gets what its parts cost
 * beyond it, and the first part of a bundle shipped separately what the
 * bundle row costs beyond its parts.
 */
static const char *
line_total(json_t *rows, json_t *it, char *out)
{
	json_t	*pid, *parent, *r, *first;
	long long own, grp, parts;
	size_t	 i, n;
	int	 d;

	d = 2;
	if (row_money(it, &own, &d) == -1)
		return NULL;
	if ((pid = parent_id(it)) == NULL) {
		if (parts_money(rows, json_object_get(it, "item_id"), &parts,
		    &d, &n) == -1)
			return NULL;
		if (n > 0 && parts > own)
			own = parts;
	} else if ((parent = row(rows, pid)) != NULL) {
		first = NULL;
		json_array_foreach(rows, i, r)
			if (json_equal(parent_id(r), pid)) {
				first = r;
				break;
			}
		if (first == it) {	/* the first part */
			if (row_money(parent, &grp, &d) == -1 ||
			    parts_money(rows, pid, &parts, &d, &n) == -1)
				return NULL;
			if (grp > parts && money_add(own, grp - parts,
			    &own) == -1)
				return NULL;
		}
	}
	return money_format(own, d, out);
}

/* An order address of Magento's (a JSON object), or NULL. */
static json_t *
address(json_t *a)
{
	struct conn_addr ca;
	json_t	*street;
	char	 name[512];

	if (!json_is_object(a))
		return NULL;
	snprintf(name, sizeof(name), "%s%s%s", str(a, "firstname"),
	    *str(a, "firstname") && *str(a, "lastname") ? " " : "",
	    str(a, "lastname"));
	street = json_object_get(a, "street");
	ca.name = name;
	ca.company = str(a, "company");
	ca.address1 = json_string_value(json_array_get(street, 0));
	ca.address2 = json_string_value(json_array_get(street, 1));
	ca.zip = str(a, "postcode");
	ca.city = str(a, "city");
	ca.region = str(a, "region");
	ca.country = str(a, "country_id");
	ca.phone = str(a, "telephone");
	return conn_address(&ca);
}

/*
 * The order record of a Magento order, with its shipments (borrowed, or
 * NULL for none); *st gets its status bit.
 */
static json_t *
record(struct session *s, json_t *o, int raw, json_t *ships,
    unsigned int *st)
{
	struct magento *m = s->priv;
	struct order_head h;
	json_t	*lines, *it, *bill, *rows;
	const char *state, *first, *last;
	char	 t[6][64], name[512], created[TZ_LEN], updated[TZ_LEN];
	char	 total[MONEY_LEN];
	json_int_t q, shipped, anyship;
	size_t	 i;

	state = json_string_value(json_object_get(o, "state"));
	if (state == NULL)
		state = "";
	if ((*st = conn_word_status(statmap, NELEM(statmap), state)) == 0) {
		snprintf(s->err, sizeof(s->err), "order %s: state '%s' is not "
		    "one Magento defines", conn_text(o, "increment_id", t[0],
		    sizeof(t[0])), state);
		return NULL;
	}
	bill = json_object_get(o, "billing_address");
	first = json_string_value(json_object_get(bill, "firstname"));
	last = json_string_value(json_object_get(bill, "lastname"));
	if (first == NULL)
		first = "";
	if (last == NULL)
		last = "";
	snprintf(name, sizeof(name), "%s%s%s", first, *first && *last ?
	    " " : "", last);

	lines = json_array();
	anyship = 0;
	rows = json_object_get(o, "items");
	json_array_foreach(rows, i, it) {
		if (!is_line(m, rows, it))
			continue;	/* a dummy: another row says */
		q = qty(it, "qty_ordered") - qty(it, "qty_canceled");
		if (q < 0)		/* more cancelled than ordered */
			q = 0;
		shipped = qty(it, "qty_shipped");
		anyship += shipped;
		json_array_append_new(lines, conn_line(conn_text(it, "sku",
		    t[0], sizeof(t[0])), conn_text(it, "name", t[1],
		    sizeof(t[1])), q, json_integer(shipped), line_total(rows,
		    it, total)));
	}
	/* Processing with something shipped: a partial shipment. */
	if (strcmp(state, "processing") == 0 && anyship > 0)
		*st = ST_PARTIAL;

	h.id = conn_text(o, "entity_id", t[0], sizeof(t[0]));
	h.number = conn_text(o, "increment_id", t[1], sizeof(t[1]));
	h.reference = "";
	h.status = *st;
	h.platform_status = state;
	h.created_at = conn_utc(o, "created_at", NULL, created);
	h.updated_at = conn_utc(o, "updated_at", NULL, updated);
	h.email = conn_text(o, "customer_email", t[2], sizeof(t[2]));
	h.name = name;
	h.country = conn_text(bill, "country_id", t[3], sizeof(t[3]));
	h.total = amount(o, "grand_total", t[4], sizeof(t[4]));
	h.currency = conn_text(o, "order_currency_code", t[5], sizeof(t[5]));
	h.billing = address(bill);
	h.shipping = address(json_object_get(json_object_get(json_array_get(
	    json_object_get(json_object_get(o, "extension_attributes"),
	    "shipping_assignments"), 0), "shipping"), "address"));
	return conn_order(s, &h, lines, ships != NULL ? json_incref(ships) :
	    json_array(), raw ? o : NULL);
}

struct orderq {
	const struct order_query *q;	/* what is asked for */
	order_cb	 cb;		/* the tool's callback */
	void		*arg;		/* and its argument */
	json_t		*tracks;	/* order id -> [shipment] */
};

/* One page of shipments: their tracks, by order. */
static int
ship_page(struct session *s, json_t *items, void *arg)
{
	struct orderq *oq = arg;
	json_t	*sh, *tr, *list;
	const char *carrier, *id;
	char	 t[32], num[32], at[TZ_LEN];
	size_t	 i, k;

	(void)s;
	json_array_foreach(items, i, sh) {
		id = conn_text(sh, "order_id", t, sizeof(t));
		if ((list = json_object_get(oq->tracks, id)) == NULL) {
			list = json_array();
			json_object_set_new(oq->tracks, id, list);
		}
		json_array_foreach(json_object_get(sh, "tracks"), k, tr) {
			carrier = json_string_value(json_object_get(tr,
			    "carrier_code"));
			if (carrier == NULL || *carrier == '\0')
				carrier = json_string_value(json_object_get(tr,
				    "title"));
			json_array_append_new(list, conn_shipment(carrier !=
			    NULL ? carrier : "", conn_text(tr, "track_number",
			    num, sizeof(num)), "", conn_utc(sh, "created_at",
			    NULL, at)));
		}
	}
	return 0;
}

/*
 * One page of orders: the track and trace of those shipped, in one more
 * search of /V1/shipments, then the records.
 */
static int
order_page(struct session *s, json_t *items, void *arg)
{
	struct orderq *oq = arg;
	struct buf ids, q;
	json_t	*o, *r, *t, *it;
	unsigned int st;
	char	 id[32];
	size_t	 i, k;
	int	 rc;

	memset(&ids, 0, sizeof(ids));
	json_array_foreach(items, i, o) {
		json_array_foreach(json_object_get(o, "items"), k, it)
			if (qty(it, "qty_shipped") > 0)
				break;
		if (k == json_array_size(json_object_get(o, "items")))
			continue;	/* nothing shipped: no tracks */
		if (ids.len > 0)
			buf_addc(&ids, ',');
		buf_adds(&ids, conn_text(o, "entity_id", id, sizeof(id)));
	}
	oq->tracks = json_object();
	rc = bundles(s, items);
	if (rc == 0 && ids.len > 0) {
		memset(&q, 0, sizeof(q));
		filter(&q, 0, 0, "order_id", "in", buf_str(&ids));
		rc = search(s, "/shipments", buf_str(&q), ship_page, oq);
		buf_free(&q);
	}
	buf_free(&ids);
	json_array_foreach(items, i, o) {
		if (rc != 0)
			break;
		t = json_object_get(oq->tracks, conn_text(o, "entity_id", id,
		    sizeof(id)));
		if ((r = record(s, o, oq->q->raw, t, &st)) == NULL) {
			rc = -1;
			break;
		}
		if (conn_wanted(oq->q, st))
			rc = oq->cb(oq->arg, r);
		json_decref(r);
	}
	json_decref(oq->tracks);
	return rc;
}

/*
 * Orders by entity id; --status as a filter on the states that can give
 * it, --since/--until on updated_at (UTC), both inclusive.
 */
static int
orders(struct session *s, const struct order_query *q, order_cb cb,
    void *arg)
{
	struct orderq oq;
	struct buf query, states;
	char	 t[TZ_LEN];
	size_t	 i;
	int	 g, rc;

	memset(&query, 0, sizeof(query));
	memset(&states, 0, sizeof(states));
	buf_adds(&query, "searchCriteria%5BsortOrders%5D%5B0%5D%5Bfield%5D="
	    "entity_id&searchCriteria%5BsortOrders%5D%5B0%5D%5Bdirection%5D="
	    "ASC");
	g = 0;
	if (q->statuses != 0) {
		for (i = 0; i < NELEM(statmap); i++) {
			if (!(q->statuses & (statmap[i].st |
			    (statmap[i].st == ST_OPEN ? ST_PARTIAL : 0))))
				continue;
			if (states.len > 0)
				buf_addc(&states, ',');
			buf_adds(&states, statmap[i].word);
		}
		filter(&query, g++, 0, "state", "in", buf_str(&states));
	}
	if (q->since_set) {
		tz_format(q->since, t);
		t[10] = ' ';
		t[19] = '\0';
		filter(&query, g++, 0, "updated_at", "gteq", t);
	}
	if (q->until_set) {
		tz_format(q->until, t);
		t[10] = ' ';
		t[19] = '\0';
		filter(&query, g++, 0, "updated_at", "lteq", t);
	}
	oq.q = q;
	oq.cb = cb;
	oq.arg = arg;
	rc = search(s, "/orders", buf_str(&query), order_page, &oq);
	buf_free(&query);
	buf_free(&states);
	return rc;
}

struct srcq {
	stock_cb	 scb;		/* for stock */
	item_cb		 icb;		/* or for items */
	void		*arg;		/* the tool's argument */
};

static int
source_page(struct session *s, json_t *items, void *arg)
{
	struct srcq *sq = arg;
	struct stock_row row;
	struct shop_item it;
	json_t	*si, *v;
	char	 t1[32], t2[32];
	size_t	 i;
	int	 rc;

	(void)s;
	rc = 0;
	json_array_foreach(items, i, si) {
		if (sq->scb != NULL) {
			row.sku = conn_text(si, "sku", t1, sizeof(t1));
			row.qty = qty(si, "quantity");
			row.warehouse = conn_text(si, "source_code", t2,
			    sizeof(t2));
			row.reserved = 0;
			row.name = "";
			row.barcode = "";
			rc = sq->scb(sq->arg, &row);
		} else {
			it.sku = conn_text(si, "sku", t1, sizeof(t1));
			it.id = it.sku;
			it.group = "";
			it.qty = qty(si, "quantity");
			it.tracked = 1;
			it.why = NULL;
			v = json_object_get(si, "quantity");
			it.fraction = json_is_real(v) &&
			    floor(json_real_value(v)) != json_real_value(v);
			it.ref = NULL;
			rc = sq->icb(sq->arg, &it);
		}
		if (rc != 0)
			break;
	}
	return rc;
}

/* The source items of the connection's source, a page at a time. */
static int
source_items(struct session *s, struct srcq *sq)
{
	struct magento *m = s->priv;
	struct buf q;
	int	 rc;

	memset(&q, 0, sizeof(q));
	filter(&q, 0, 0, "source_code", "eq", m->source);
	buf_adds(&q, "&searchCriteria%5BsortOrders%5D%5B0%5D%5Bfield%5D=sku"
	    "&searchCriteria%5BsortOrders%5D%5B0%5D%5Bdirection%5D=ASC");
	rc = search(s, "/inventory/source-items", buf_str(&q), source_page,
	    sq);
	buf_free(&q);
	return rc;
}

static int
stock(struct session *s, const struct stock_query *q, stock_cb cb,
    void *arg)
{
	struct srcq sq;

	if (q->nwarehouses > 0 || q->per_warehouse || q->inactive) {
		conn_mistake(s, "Magento: the connection's "
		    "source is counted (source = ...); -w, --per-warehouse "
		    "and --inactive do not apply");
		return -1;
	}
	sq.scb = cb;
	sq.icb = NULL;
	sq.arg = arg;
	return source_items(s, &sq);
}

static int
items(struct session *s, item_cb cb, void *arg)
{
	struct srcq sq;

	sq.scb = NULL;
	sq.icb = cb;
	sq.arg = arg;
	return source_items(s, &sq);
}

/*
 * Write n source items in one request.  Magento validates them all and
 * saves them together, answering [] or one error for the request: a
 * store's input limit ("Maximum items of type ... is N") shrinks the
 * batch and the items go again in parts; any other refusal of several
 * items is narrowed down item by item, so that one bad SKU fails alone.
 */
static int
push(struct session *s, struct push_item *pi, size_t n)
{
	struct magento *m = s->priv;
	struct http_resp r;
	struct buf url;
	json_error_t jerr;
	json_t	*body, *arr, *maxv;
	const char *msg;
	char	*text;
	size_t	 i, k;
	int	 rc;

	body = json_object();
	arr = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(arr, json_pack("{s:s, s:s, s:I, s:i}",
		    "sku", pi[i].id, "source_code", m->source, "quantity",
		    (json_int_t)pi[i].to, "status", pi[i].to > 0 ? 1 : 0));
	json_object_set_new(body, "sourceItems", arr);
	text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	memset(&url, 0, sizeof(url));
	buf_adds(&url, m->base);
	buf_adds(&url, "/inventory/source-items");
	rc = http_request(s->http, "POST", buf_str(&url), text, HTTP_JSON |
	    HTTP_ONCE, &r);
	free(text);
	buf_free(&url);
	if (rc == 0) {
		for (i = 0; i < n; i++)
			pi[i].result = PUSH_SET;
		http_resp_free(&r);
		return 0;
	}
	if (rc == -1 || r.status != 400) {
		fail(s, &r);
		http_resp_free(&r);
		return -1;
	}
	/* 400: the store refused the request as a whole. */
	msg = NULL;
	if (r.body.len > 0 && (r.json = json_loadb(r.body.s, r.body.len, 0,
	    &jerr)) != NULL)
		msg = json_string_value(json_object_get(r.json, "message"));
	maxv = json_object_get(json_object_get(r.json, "parameters"), "max");
	if (msg != NULL && strncmp(msg, "Maximum items of type", 21) == 0 &&
	    json_is_integer(maxv) && json_integer_value(maxv) > 0 &&
	    (size_t)json_integer_value(maxv) < n) {
		s->batch = (size_t)json_integer_value(maxv);
		http_resp_free(&r);
		for (i = 0; i < n; i += k) {
			k = n - i < s->batch ? n - i : s->batch;
			if (push(s, pi + i, k) == -1)
				return -1;
		}
		return 0;
	}
	if (n == 1) {
		memset(&url, 0, sizeof(url));
		if (message(&r, &url) == -1)
			buf_adds(&url, "refused (400)");
		pi[0].result = PUSH_FAILED;
		snprintf(pi[0].reason, sizeof(pi[0].reason), "%s",
		    buf_str(&url));
		buf_free(&url);
		http_resp_free(&r);
		return 0;
	}
	http_resp_free(&r);
	for (i = 0; i < n; i++)
		if (push(s, pi + i, 1) == -1)
			return -1;
	return 0;
}

/*
 * One request to path under the store's V1 with body (stolen; NULL for
 * none), the answer into *out (the caller decrefs it).  Writes are sent
 * once (HTTP_ONCE).  0 on a 2xx; 1 when Magento refused it (*status,
 * said: its message); -1 when it is unknown what became of it (s->err).
 */
static int
call(struct session *s, const char *method, const char *path, json_t *body,
    json_t **out, long *status, struct buf *said)
{
	struct magento *m = s->priv;
	struct http_resp r;
	struct buf url;
	int	 rc;

	memset(&url, 0, sizeof(url));
	buf_adds(&url, m->base);
	buf_adds(&url, path);
	rc = conn_call(s, method, buf_str(&url), body, out, &r);
	buf_free(&url);
	*status = r.status;
	said->len = 0;
	if (rc != 0) {
		fail(s, &r);
		if (message(&r, said) == -1)
			buf_adds(said, http_error(s->http));
	}
	http_resp_free(&r);
	return rc;
}

struct findq {
	json_t		*found;		/* the orders with the number */
	json_t		*tracks;	/* or the track numbers */
};

static int
find_page(struct session *s, json_t *items, void *arg)
{
	struct findq *fq = arg;
	json_t	*it, *tr;
	size_t	 i, k;

	(void)s;
	json_array_foreach(items, i, it) {
		if (fq->found != NULL)
			json_array_append(fq->found, it);
		json_array_foreach(json_object_get(it, "tracks"), k, tr)
			if (fq->tracks != NULL && json_is_string(
			    json_object_get(tr, "track_number")))
				json_array_append(fq->tracks, json_object_get(
				    tr, "track_number"));
	}
	return 0;
}

/* Whether some item of order o is left to ship. */
static int
to_ship(struct magento *m, json_t *o)
{
	json_t	*it, *rows;
	size_t	 i;

	rows = json_object_get(o, "items");
	json_array_foreach(rows, i, it) {
		if (!is_line(m, rows, it))
			continue;	/* a dummy: another row says */
		/* is_virtual is 0 or 1 (true, in some versions). */
		if (json_is_true(json_object_get(it, "is_virtual")) ||
		    json_integer_value(json_object_get(it, "is_virtual")) != 0)
			continue;
		if (qty(it, "qty_ordered") - qty(it, "qty_shipped") -
		    qty(it, "qty_refunded") - qty(it, "qty_canceled") > 0)
			return 1;
	}
	return 0;
}

/* Magento's carrier codes; any other carrier goes as "custom". */
static const char *
carrier_code(const char *carrier)
{
	static const char *const codes[] = { "dhl", "fedex", "ups", "usps" };
	size_t	 i;

	for (i = 0; i < NELEM(codes); i++)
		if (strcasecmp(carrier, codes[i]) == 0)
			return codes[i];
	return "custom";
}

/*
 * Complete an order as Magento takes it: one shipment of whatever is
 * left to ship (an empty item list ships it all; Magento knows its
 * configurables and bundles), with a track for each tracking code the
 * order's shipments do not hold yet, and notify only when asked.  The
 * order then moves on as Magento decides: complete once it is shipped
 * and invoiced.
 */
static int
complete(struct session *s, struct complete_item *it)
{
	struct magento *m = s->priv;
	struct findq fq;
	struct buf q, said, path;
	json_t	*o, *tracks, *t, *ans, *one;
	const char *state;
	long	 status;
	size_t	 i, k, nnew;
	int	 rc;

	memset(&q, 0, sizeof(q));
	memset(&said, 0, sizeof(said));
	memset(&path, 0, sizeof(path));
	o = tracks = NULL;
	if (it->by_number) {
		filter(&q, 0, 0, "increment_id", "eq", it->key);
		fq.found = json_array();
		fq.tracks = NULL;
		rc = search(s, "/orders", buf_str(&q), find_page, &fq);
		if (rc == 0 && json_array_size(fq.found) > 0)
			o = json_incref(json_array_get(fq.found, 0));
		json_decref(fq.found);
	} else {
		buf_adds(&path, "/orders/");
		conn_qescape(&path, it->key);
		rc = call(s, "GET", buf_str(&path), NULL, &o, &status, &said);
		if (rc == 1 && status == 404)
			rc = 0;
	}
	if (rc != 0) {
		rc = -1;
		goto out;
	}
	if (o == NULL) {
		it->result = OR_NOT_FOUND;
		goto out;
	}
	conn_get(o, "entity_id", it->id, sizeof(it->id));
	conn_get(o, "increment_id", it->number, sizeof(it->number));
	state = json_string_value(json_object_get(o, "state"));
	if (state == NULL)
		state = "";
	if (strcmp(state, "canceled") == 0 || strcmp(state, "closed") == 0) {
		it->result = OR_CANCELLED;
		snprintf(it->reason, sizeof(it->reason), "%s in Magento",
		    state);
		goto out;
	}
	one = json_pack("[O]", o);
	rc = bundles(s, one);
	json_decref(one);
	if (rc != 0)
		goto out;
	if (strcmp(state, "complete") == 0 || !to_ship(m, o)) {
		it->result = OR_ALREADY;
		if (strcmp(state, "complete") != 0)
			snprintf(it->reason, sizeof(it->reason), "all shipped; "
			    "Magento keeps it %s until it is invoiced", state);
		goto out;
	}
	if (strcmp(state, "holded") == 0 || strcmp(state,
	    "payment_review") == 0) {
		it->result = OR_FAILED;
		snprintf(it->reason, sizeof(it->reason), "%s in Magento: it "
		    "cannot be shipped until it is released", state);
		goto out;
	}

	/* The tracks its shipments hold already. */
	q.len = 0;
	filter(&q, 0, 0, "order_id", "eq", it->id);
	fq.found = NULL;
	fq.tracks = json_array();
	if (search(s, "/shipments", buf_str(&q), find_page, &fq) != 0) {
		json_decref(fq.tracks);
		rc = -1;
		goto out;
	}
	tracks = json_array();
	for (i = nnew = 0; i < it->nships; i++) {
		json_array_foreach(fq.tracks, k, t)
			if (strcmp(json_string_value(t), it->ships[i].tracking)
			    == 0)
				break;
		if (k < json_array_size(fq.tracks))
			continue;
		json_array_append_new(tracks, json_pack("{s:s, s:s, s:s}",
		    "track_number", it->ships[i].tracking, "title",
		    it->ships[i].carrier, "carrier_code", carrier_code(
		    it->ships[i].carrier)));
		nnew++;
	}
	json_decref(fq.tracks);
	snprintf(it->reason, sizeof(it->reason), "a shipment of what is left "
	    "to ship, %zu track%s", nnew, nnew == 1 ? "" : "s");
	if (it->dry) {
		it->result = OR_WOULD;
		goto out;
	}
	path.len = 0;
	buf_adds(&path, "/order/");
	buf_adds(&path, it->id);
	buf_adds(&path, "/ship");
	rc = call(s, "POST", buf_str(&path), json_pack("{s:[], s:b, s:b, "
	    "s:O}", "items", "notify", it->notify, "appendComment", 0,
	    "tracks", tracks), &ans, &status, &said);
	json_decref(ans);
	if (rc == 0) {
		it->result = OR_DONE;
		it->reason[0] = '\0';
	} else if (rc == 1) {
		it->result = OR_FAILED;
		snprintf(it->reason, sizeof(it->reason), "%s", buf_str(&said));
		rc = 0;
	}
out:
	json_decref(o);
	json_decref(tracks);
	buf_free(&q);
	buf_free(&said);
	buf_free(&path);
	return rc;
}

const struct connector conn_magento = {
	.name = "magento",
	.batch = BATCH,
	.batch_max = 5000,
	/* No rate limit in Magento itself; a host may have one. */
	.setup = setup,
	.orders = orders,
	.stock = stock,
	.items = items,
	.push = push,
	.complete = complete,
	.no_write = "Magento 2's REST API has no way to enter an order as it "
	    "was: an order is placed through a cart (POST /V1/carts/mine, "
	    "then .../order), at the catalog's prices and the store's "
	    "shipping rates, and Magento mails the order confirmation when "
	    "it is placed unless the store turned that e-mail off, which "
	    "REST cannot see; POST /V1/orders saves an order without "
	    "reserving stock or checking it.  Enter missed orders in the "
	    "Magento admin (shopswitch(7))",
	.close = close_priv
};
