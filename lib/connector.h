/*
 * connector: the interface every platform's connector fills in, one file
 * each in lib/connectors/, and what connectors share: the session, the
 * record builders, requests and their errors, paging, times.  A new
 * platform is its file, an entry in conn.c's table, its sandbox
 * emulation and its tests.
 *
 * A connector knows one platform's URLs, authentication, pagination and
 * JSON shapes, and nothing about files or options.  The session owns its
 * configuration and HTTP client; sess_close frees them.
 */
#ifndef CONNECTOR_H
#define CONNECTOR_H

#include "cfg.h"
#include "conn.h"
#include "http.h"
#include "tz.h"

struct session {
	const struct connector *c;	/* the platform */
	struct cfg	*cfg;		/* the connection's section */
	struct http	*http;		/* its client */
	char		*url;		/* base URL, no trailing '/' */
	const char	*tz;		/* zone of times without an offset */
	char		 err[2048];	/* why the last call failed */
	int		 ours;		/* the caller's mistake: exit 2
					   (conn_mistake) */
	size_t		 batch;		/* most stock levels in one write:
					   the connector's batch, or the
					   connection's */
	double		 retry_delay;	/* seconds before the first retry
					   (the connection's retry_delay) */
	double		 search_lag;	/* seconds before find_created sees a
					   new order (the shop's index) */
	void		(*warn)(const char *, ...);	/* the tool's warnings:
					   what the connector had to change
					   to go on (NULL: none shown) */
	struct conn_grant *grant;	/* the token every request carries,
					   by conn_send (NULL: none) */
	int		 once;		/* in push, complete and create:
					   conn_send sends every write once
					   (HTTP_ONCE), even a PUT, and the
					   tool looks at the shop before it
					   sends one again */
	void		*priv;		/* the connector's own state */
	void		(*paged)(long);	/* told of each page read
					   (sess_progress), or NULL */
	int		 depth;		/* conn_pages within conn_pages */
};

/* A platform's word for an order's status, and the normalised status. */
struct conn_word {
	const char	*word;		/* the platform's */
	unsigned int	 st;		/* enum ord_status bit */
};

/* The members of an order record before its lines, as text. */
struct order_head {
	const char	*id;		/* the platform's id */
	const char	*number;	/* the number people see */
	const char	*reference;	/* the external reference, or "" */
	unsigned int	 status;	/* enum ord_status bit */
	const char	*platform_status;	/* the platform's word */
	const char	*created_at;	/* RFC 3339, UTC, or "" */
	const char	*updated_at;
	const char	*email;
	const char	*name;
	const char	*country;
	const char	*total;		/* as text, never through a double */
	const char	*currency;
	json_t		*billing;	/* conn_address, stolen; NULL: null */
	json_t		*shipping;	/* the same */
};

struct connector {
	const char	*name;		/* the platform's name in the config */
	const char	*contact_key;	/* config key the User-Agent needs */
	size_t		 batch;		/* levels one push writes, unless the
					   connection's batch says (0: no
					   push, no such setting) */
	size_t		 batch_max;	/* the most batch may say (0: batch) */
	/*
	 * The platform's rate limit, unless the connection's rate_limit and
	 * rate_window say otherwise (0: none but the platform's answers).
	 */
	double		 rate_limit;
	double		 rate_window;	/* seconds (0: 60) */
	/*
	 * Set the HTTP options (auth, rate headers) from the connection,
	 * whose rate_limit, rate_window and batch are read already.  0, or
	 * -1 (s->err).
	 */
	int		(*setup)(struct session *s, struct http_opts *o);
	/* Stream the orders; 0, or -1 (s->err). */
	int		(*orders)(struct session *s,
			    const struct order_query *q, order_cb cb,
			    void *arg);
	/* Hand out the stock rows; 0, or -1 (s->err). */
	int		(*stock)(struct session *s,
			    const struct stock_query *q, stock_cb cb,
			    void *arg);
	/*
	 * Hand out every item of the catalog whose stock can be set, with
	 * its level, in the fewest requests; 0, or -1 (s->err).  NULL: the
	 * platform takes no stock (a WMS).
	 */
	int		(*items)(struct session *s, item_cb cb, void *arg);
	/*
	 * Write n levels (at most s->batch, all of one group) in one
	 * request, as far as the platform allows, and set each item's
	 * result.  0 when the platform answered for every item; -1
	 * (s->err) when it did not: the items it confirmed are PUSH_SET,
	 * and what became of the others is unknown.  Each write is sent
	 * once (HTTP_ONCE): stock-push reads the catalog again before it
	 * writes an unconfirmed level again.
	 */
	int		(*push)(struct session *s, struct push_item *items,
			    size_t n);
	/*
	 * Find order it in the shop and complete it there with its
	 * shipments, adding only what the shop does not have yet (or,
	 * with it->dry, say what would be done), and set it->result.
	 * 0 when the order is settled; -1 (s->err) when the shop could not
	 * be asked or did not answer: what became of it is unknown.
	 * NULL: the platform takes no completions (why in no_write).
	 */
	int		(*complete)(struct session *s,
			    struct complete_item *it);
	/*
	 * The items of n SKUs, each sold as one order line (ref set),
	 * handed to cb, in as few requests as the platform allows; SKUs
	 * not in the shop are not handed out.  0, or -1 (s->err).
	 */
	int		(*find_skus)(struct session *s, const char *const *skus,
			    size_t n, item_cb cb, void *arg);
	/*
	 * Look for an order that carries marker (it->marker) and, if found,
	 * set it->id and it->number.  1 found, 0 not, -1 (s->err).
	 */
	int		(*find_created)(struct session *s,
			    struct create_item *it);
	/*
	 * Enter order it as a new, paid order, mailing no one unless
	 * it->notify (or, with it->dry, check it and say what would be
	 * done), and set it->result.  0 when settled; -1 (s->err) when the
	 * shop did not answer: whether the order exists is unknown.
	 * NULL: orders cannot be entered (why in no_write).
	 */
	int		(*create)(struct session *s, struct create_item *it);
	/*
	 * The customer e-mails the shop sends by itself when op writes,
	 * whatever the request asks (WooCommerce), with their settings:
	 * up to n into m.  The number found, or -1 (s->err).  NULL: none.
	 */
	int		(*mails)(struct session *s, enum mail_op op,
			    struct shop_mail *m, size_t n);
	/* Turn a customer e-mail of mails() on or off.  0, or -1. */
	int		(*set_mail)(struct session *s, const char *id, int on);
	const char	*no_write;	/* why complete or create is NULL */
	/*
	 * Why create cannot mail the customer when asked (it->notify):
	 * orders-push --notify-customer is refused (NULL: it can).
	 */
	const char	*no_create_notify;
	/*
	 * Why stock takes no -w or --per-warehouse: the platform keeps one
	 * level an item (NULL: it has warehouses, or says so itself).
	 */
	const char	*no_warehouses;
	int		 cas;		/* push compares the level read */
	int		 shops;		/* orders come from webshops: --shop */
	void		(*close)(struct session *s);	/* free s->priv */
};

extern const struct connector conn_picqer;
extern const struct connector conn_woocommerce;
extern const struct connector conn_magento;
extern const struct connector conn_shopify;
extern const struct connector conn_shopware;
extern const struct connector conn_bol;
extern const struct connector conn_lightspeed;
extern const struct connector conn_ccv;

/*
 * Fail a connector call: the platform's answer in r (may be NULL) explains
 * it; what the platform said is taken from the JSON members named (NULL
 * for none).  Always returns -1.
 */
int		 conn_fail(struct session *s, const struct http_resp *r,
		    const char *codekey, const char *msgkey);

/*
 * One request of method to url with body (stolen; NULL for none), by
 * conn_send, its JSON answer into *out (the caller decrefs it); a POST,
 * which makes something new, is sent once (HTTP_ONCE), a GET or PUT as
 * often as it takes (but see s->once).  0 on a 2xx; 1 when the platform
 * refused it, -1 when it is unknown what became of it: r then holds the
 * answer, for the connector to read the platform's words from (the
 * caller frees it with http_resp_free in every case).  -2 when no token
 * came (s->err).
 */
int		 conn_call(struct session *s, const char *method,
		    const char *url, json_t *body, json_t **out,
		    struct http_resp *r);

/*
 * http_request with the session's token, s->grant (none when NULL): asked
 * for first when there is none or it is about to expire, and asked anew,
 * the request sent once more, after a 401 (revoked, or the clocks
 * apart).  Returns as http_request does, or -2 when no token came (s->err
 * says why; r is empty).
 */
int		 conn_send(struct session *s, const char *method,
		    const char *url, const char *text, int flags,
		    struct http_resp *r);

/*
 * What the platform said in its error answer r, into out ("" when it
 * said nothing): "code: message" from the JSON members codekey and
 * msgkey name (NULL: none); a code that is a number is written
 * "error_code 24: message".  A name is a path: "error.message" is a
 * member of a member, "detail|title" the second where the first is
 * missing or null, and "errors[].code" that member of each element of
 * an array, their words joined with "; " (both names then start with the
 * same array).
 */
const char	*conn_said(const struct http_resp *r, const char *codekey,
		    const char *msgkey, char *out, size_t len);

/* The status bit of a platform's word in map (n entries), or 0. */
unsigned int	 conn_word_status(const struct conn_word *map, size_t n,
		    const char *word);

/*
 * The order record (shopswitch(7)) of session s: source and shop, h's
 * members (its addresses stolen), lines, shipments (both stolen), and
 * raw (borrowed; NULL for none): the record's members in their one
 * order.
 */
json_t		*conn_order(const struct session *s,
		    const struct order_head *h, json_t *lines,
		    json_t *shipments, json_t *raw);

/*
 * A line of an order record: qty_shipped is stolen (null when unknown);
 * total is what the line cost, tax included, after its discounts, as
 * text (NULL when unknown).
 */
json_t		*conn_line(const char *sku, const char *name, json_int_t qty,
		    json_t *qty_shipped, const char *total);

/* A shipment of an order record; url "" when there is none. */
json_t		*conn_shipment(const char *carrier, const char *tracking,
		    const char *url, const char *shipped_at);

/* The address of an order record; NULL members are written as "". */
struct conn_addr {
	const char	*name;		/* the person */
	const char	*company;
	const char	*address1;	/* street and number */
	const char	*address2;
	const char	*zip;
	const char	*city;
	const char	*region;	/* state or province */
	const char	*country;	/* ISO 3166-1 alpha-2 */
	const char	*phone;
};
json_t		*conn_address(const struct conn_addr *);

/*
 * A JSON amount as text into t (len bytes): a string as is, a number
 * with two decimals when it has cents (56.8 is 56.80), else the decimal
 * it was written as.  "" when it is neither.
 */
const char	*conn_amount(json_t *v, char *t, size_t len);

/*
 * The amount a + n * b (a NULL: 0) written with as many decimals as the
 * more precise of the two, at least two, into out (MONEY_LEN bytes).
 * Returns out, or NULL when either is not an amount.
 */
const char	*conn_money(const char *a, long long n, const char *b,
		    char *out);

/* Member key of o as text (conn_text) into dst, len bytes. */
void		 conn_get(json_t *o, const char *key, char *dst, size_t len);

/* Copy src into dst (len bytes), cut short when it does not fit. */
void		 conn_copy(char *dst, size_t len, const char *src);

/* A person's name split at its first space: given name, and the rest. */
void		 conn_split_name(const char *name, char *first, size_t flen,
		    char *last, size_t llen);

/* Append s to b percent-encoded for a query string. */
void		 conn_qescape(struct buf *b, const char *s);

/*
 * Member key of o as text: a string as is, an integer in decimal, or "";
 * tmp (len bytes) holds a number's digits.  The text is what it returns:
 * tmp is written only for a number.
 */
const char	*conn_text(json_t *o, const char *key, char *tmp, size_t len);

/*
 * Member key of o as a count of things: an integer from 0 to COUNT_MAX,
 * less than none read as none and more than COUNT_MAX as COUNT_MAX, so
 * that counts of a platform's answer add and subtract without overflow
 * and never give a negative quantity; 0 when it is no integer.
 */
#define COUNT_MAX	1000000000LL
json_int_t	 conn_count(json_t *o, const char *key);

/*
 * Fail a connector call for a reason that is the user's to fix (the
 * connection's settings, the input): exit status 2, not 3.  fmt as
 * printf.  Always returns -1.
 */
int		 conn_mistake(struct session *s, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));

/*
 * Whether order query q wants an order of status bit st: q->statuses is
 * 0 (all) or has st.
 */
int		 conn_wanted(const struct order_query *q, unsigned int st);

/*
 * Member key of o, a time, in RFC 3339 UTC into out, or "" when it is
 * none: one with an offset or Z as it says, one without
 * ("2026-11-01 10:00:00", or with a T, fractions of a second ignored)
 * as a local time in zone (NULL: UTC).
 */
const char	*conn_utc(json_t *o, const char *key, const char *zone,
		    char out[TZ_LEN]);

/*
 * One GET (method NULL) or other request of url with body (stolen; NULL
 * for none) whose answer is a list: the answer itself (member NULL) or
 * its member; with absent_empty, an answer without the member is an
 * empty list.  Returns the list (the caller decrefs it), or NULL after
 * conn_fail with the error members codekey and msgkey, or with "URL:
 * the answer is not a list".  *answer, unless NULL, gets the whole answer
 * (the caller decrefs it).
 */
struct conn_list {
	const char	*method;	/* NULL: GET */
	const char	*member;	/* NULL: the answer is the list */
	int		 absent_empty;	/* no member: no items */
	const char	*codekey;	/* the platform's error members */
	const char	*msgkey;
};
json_t		*conn_list(struct session *s, const struct conn_list *l,
		    const char *url, json_t *body, json_t **answer);

/*
 * A list the platform hands out page by page.  conn_pages asks next()
 * for each page's request, hands every item to each, and stops after a
 * page shorter than size, after the number of pages the platform gave
 * (the session's pages header), or when next() says there is no more.
 */
struct conn_pages {
	struct conn_list list;		/* how a page's answer is read */
	size_t		 size;		/* a full page's items (0: next()
					   alone says when it ends) */
	/*
	 * The request of page p->page (from 1; p->offset items before it)
	 * into url (empty) and *body (NULL: none), from the answer to the
	 * page before (NULL for the first).  0, or 1 when there is no
	 * more.
	 */
	int		(*next)(struct session *s, struct conn_pages *p,
			    json_t *prev, struct buf *url, json_t **body);
	void		*arg;		/* next()'s */
	size_t		 page;		/* set by conn_pages */
	size_t		 offset;
};

/*
 * A page of a list was read, of npages in all (-1: unknown): for the
 * tool's progress line (sess_progress).  conn_pages says so itself of
 * the pages of the outermost list (a list read for each item of another
 * is not what the tool counts); a connector that pages by its own loop
 * calls it.
 */
void		 conn_paged(struct session *s, long npages);

/*
 * Call each with every item of the pages of p.  Returns 0, -1 after
 * conn_fail, or the first value other than 0 that each returned.
 */
int		 conn_pages(struct session *s, struct conn_pages *p,
		    int (*each)(struct session *, json_t *, void *),
		    void *arg);

/*
 * A token by OAuth 2's client-credentials grant (RFC 6749, 4.4): a
 * Shopify app's, Shopware's, Bol's.  conn_grant asks for one when there
 * is none or the one held is about to expire (within a tenth of its
 * life, at least a minute, at most a third of it), and puts it in every
 * request after as header followed by the token.  The client is known by
 * its id and secret in the request's body, as a form or as JSON, or by
 * HTTP Basic.  conn_regrant forgets the token (after a 401: it was
 * revoked, or the clocks differ) so that the next conn_grant asks anew.
 */
enum grant_how {
	GRANT_FORM,			/* client_id=...&client_secret=... */
	GRANT_JSON,			/* {"client_id": ...} */
	GRANT_BASIC			/* Authorization: Basic id:secret */
};
struct conn_grant {
	const char	*url;		/* the token endpoint */
	const char	*id;		/* client_id */
	const char	*secret;	/* client_secret */
	enum grant_how	 how;
	const char	*header;	/* "Authorization: Bearer " */
	const char	*codekey;	/* its error members ("error") */
	const char	*msgkey;	/* ("error_description") */
	const char	*refused;	/* what a 401 of the token endpoint
					   means, said with the connection
					   (NULL: its words say it) */
	double		 renew;		/* when to ask again, on mono_now's
					   clock (0: now) */
};
int		 conn_grant(struct session *s, struct conn_grant *g);
void		 conn_regrant(struct conn_grant *g);

#endif /* CONNECTOR_H */
