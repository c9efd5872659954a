/* conn: sessions, the connector table, shared error handling. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conn.h"
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
	json_object_set_new(r, "lines", lines);
	json_object_set_new(r, "shipments", shipments);
	if (raw != NULL)
		json_object_set(r, "raw", raw);
	return r;
}

json_t *
conn_line(const char *sku, const char *name, json_int_t qty,
    json_t *qty_shipped)
{
	json_t	*l;

	l = json_object();
	json_object_set_new(l, "sku", json_string(sku));
	json_object_set_new(l, "name", json_string(name));
	json_object_set_new(l, "qty", json_integer(qty));
	json_object_set_new(l, "qty_shipped", qty_shipped);
	return l;
}

json_t *
conn_shipment(const char *carrier, const char *tracking,
    const char *shipped_at)
{
	return json_pack("{s:s, s:s, s:s}", "carrier", carrier, "tracking",
	    tracking, "shipped_at", shipped_at);
}

struct session *
sess_open(const char *config, const char *name,
    void (*log)(const char *, ...), char *err, size_t errlen)
{
	struct session *s;
	struct http_opts ho;
	const char *platform, *url, *contact;
	double	 d[4];
	char	 ua[512];
	size_t	 i;

	s = xcalloc(1, sizeof(*s));
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
conn_fail(struct session *s, const struct http_resp *r, const char *codekey,
    const char *msgkey)
{
	json_t	*j, *code, *msg;
	json_error_t jerr;
	char	 said[1024];

	said[0] = '\0';
	if (r != NULL && r->body.len > 0 && codekey != NULL &&
	    (j = json_loadb(r->body.s, r->body.len, 0, &jerr)) != NULL) {
		code = json_object_get(j, codekey);
		msg = msgkey != NULL ? json_object_get(j, msgkey) : NULL;
		if (json_is_string(code))	/* a word: says it all */
			snprintf(said, sizeof(said), ": %s: %s",
			    json_string_value(code), json_is_string(msg) ?
			    json_string_value(msg) : "");
		else if (json_is_integer(code) || json_is_string(msg))
			snprintf(said, sizeof(said), ": %s %lld: %s", codekey,
			    json_is_integer(code) ? json_integer_value(code) :
			    0LL, json_is_string(msg) ? json_string_value(msg) :
			    "");
		json_decref(j);
	}
	snprintf(s->err, sizeof(s->err), "%s%s", http_error(s->http), said);
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
