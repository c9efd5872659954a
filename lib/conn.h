/*
 * conn: a connection in use (a session), and the interface every
 * platform's connector fills in, one file each in lib/connectors/.
 *
 * A connector knows one platform's URLs, authentication, pagination and
 * JSON shapes, and nothing about files or options.  It hands records to
 * the tool through callbacks, page by page, holding no more than a page.
 *
 * conn_* functions borrow their arguments.  The session owns its
 * configuration and HTTP client; sess_close frees them.  Records passed
 * to a callback are borrowed for the call.
 */
#ifndef CONN_H
#define CONN_H

#include <jansson.h>

#include "cfg.h"
#include "http.h"

enum ord_status {			/* the normalised statuses */
	ST_DRAFT = 1 << 0,
	ST_OPEN = 1 << 1,
	ST_ON_HOLD = 1 << 2,
	ST_PARTIAL = 1 << 3,
	ST_COMPLETED = 1 << 4,
	ST_CANCELLED = 1 << 5
};

struct session {
	const struct connector *c;	/* the platform */
	struct cfg	*cfg;		/* the connection's section */
	struct http	*http;		/* its client */
	char		*url;		/* base URL, no trailing '/' */
	const char	*tz;		/* zone of times without an offset */
	char		 err[2048];	/* why the last call failed */
	int		 ours;		/* the caller's mistake: exit 2 */
	size_t		 batch;		/* most stock levels in one write */
	double		 search_lag;	/* seconds before find_created sees a
					   new order (the shop's index) */
	void		(*warn)(const char *, ...);	/* the tool's warnings:
					   what the connector had to change
					   to go on (NULL: none shown) */
	void		*priv;		/* the connector's own state */
};

struct order_query {
	unsigned int	 statuses;	/* enum ord_status bits; 0: all */
	int		 since_set;	/* since is given */
	time_t		 since;		/* --since */
	int		 until_set;	/* until is given */
	time_t		 until;		/* --until */
	const char	*shop;		/* --shop: a webshop connection id */
	int		 raw;		/* --raw: add the platform's object */
	int		 shipments;	/* --shipments: at a request's cost */
	/*
	 * An order that cannot be a record (a status nobody mapped): its
	 * platform object and why, for --rejects; NULL: the export stops.
	 * 0 to go on, -1 to stop.
	 */
	int		(*reject)(void *arg, json_t *obj, const char *why);
	void		*reject_arg;
};

struct stock_query {
	char		**warehouses;	/* --warehouse ids; none: the default */
	size_t		 nwarehouses;	/* how many */
	int		 per_warehouse;	/* a row per SKU and warehouse */
	int		 inactive;	/* include inactive products */
};

struct stock_row {
	const char	*sku;		/* the SKU */
	long long	 qty;		/* free quantity to offer for sale */
	const char	*warehouse;	/* the warehouse, or "" when summed */
	long long	 reserved;	/* reserved quantity */
	const char	*name;		/* product name */
	const char	*barcode;	/* EAN or the like */
};

/*
 * An item whose stock a shop keeps, as stock-push sees it: the platform's
 * handle for it (opaque to the tool), the group of items that one request
 * can write together ("" when any can), and its level now.
 */
struct shop_item {
	const char	*sku;		/* the SKU, "" when it has none */
	const char	*id;		/* the platform's handle */
	const char	*group;		/* written together with its group */
	long long	 qty;		/* the level now */
	int		 tracked;	/* the shop counts this item's stock */
	const char	*why;		/* if not, why not (NULL: untracked) */
	int		 fraction;	/* qty was rounded down */
	const char	*ref;		/* what an order line names: a
					   variant's or product's id */
};

enum push_result {
	PUSH_SET = 1,			/* the shop took the new level */
	PUSH_CONFLICT,			/* changed since it was read */
	PUSH_FAILED			/* the shop refused this item */
};

/* One level to write; the connector fills in result and reason. */
struct push_item {
	const char	*sku;		/* for messages */
	const char	*id;		/* shop_item.id */
	const char	*group;		/* shop_item.group, one per call */
	long long	 from;		/* the level read: compared, if the
					   platform can compare-and-set */
	long long	 to;		/* the level to set */
	enum push_result result;	/* what became of it */
	char		 reason[256];	/* why not set, in the shop's words */
};

/* What became of an order that a tool completes in or enters into a shop. */
enum order_result {
	OR_DONE = 1,			/* completed, or created */
	OR_ALREADY,			/* already completed, or exists */
	OR_NOT_FOUND,			/* no such order in the shop */
	OR_CANCELLED,			/* the shop has it cancelled */
	OR_FAILED,			/* the shop refused it, or we cannot */
	OR_WOULD			/* --dry-run: it would be done */
};

/* A shipment to pass on to a shop: its track and trace. */
struct ship {
	const char	*carrier;	/* "postnl", or the carrier's name */
	const char	*tracking;	/* the tracking code */
	const char	*url;		/* where to follow it, or "" */
};

/* An order for orders-complete to complete in a shop. */
struct complete_item {
	const char	*key;		/* the shop's id, or its number */
	int		 by_number;	/* key is the number people see */
	const struct ship *ships;	/* its shipments, to pass on */
	size_t		 nships;
	int		 dry;		/* look and plan; write nothing */
	int		 notify;	/* --notify-customer */
	enum order_result result;	/* set by the connector */
	char		 id[64];	/* the shop's id, once found */
	char		 number[64];	/* the shop's number, once found */
	char		 reason[1024];	/* the plan, or why not done */
};

/*
 * An order for orders-push to enter into a shop.  The record is the
 * old shop's order record; refs[i] is the shop's handle of its line i
 * (shop_item.ref of the line's SKU).
 */
struct create_item {
	json_t		*order;		/* the order record, borrowed */
	const char	*marker;	/* the old order's mark on the new */
	const char	*note;		/* the old number, said for people */
	const char *const *refs;	/* each line's handle in the shop */
	int		 dry;		/* check and plan; write nothing */
	int		 notify;	/* --notify-customer */
	enum order_result result;	/* set by the connector */
	char		 id[64];	/* the new order's id */
	char		 number[64];	/* and number */
	char		 reason[1024];	/* the plan, or why not done */
};

/* A customer e-mail that a shop sends by itself, and its setting. */
struct shop_mail {
	char		 id[64];	/* the shop's name for the setting */
	char		 title[128];	/* the e-mail's name in the admin */
	int		 enabled;	/* the shop sends it now */
};

enum mail_op {				/* what a tool does, for mails() */
	MAIL_COMPLETE,			/* orders-complete */
	MAIL_CREATE			/* orders-push */
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

/* Each order record (a JSON object); return -1 to stop. */
typedef int	(*order_cb)(void *arg, json_t *order);
/* Each stock row; return -1 to stop. */
typedef int	(*stock_cb)(void *arg, const struct stock_row *row);
/* Each item of a shop's catalog; return -1 to stop. */
typedef int	(*item_cb)(void *arg, const struct shop_item *it);

struct connector {
	const char	*name;		/* the platform's name in the config */
	const char	*contact_key;	/* config key the User-Agent needs */
	/* Set the HTTP options: auth, rate limit.  0, or -1 (s->err). */
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
	 * and what became of the others is unknown.
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
	int		 cas;		/* push compares the level read */
	int		 shops;		/* orders come from webshops: --shop */
	void		(*close)(struct session *s);	/* free s->priv */
};

extern const struct connector conn_picqer;
extern const struct connector conn_woocommerce;
extern const struct connector conn_magento;
extern const struct connector conn_shopify;

/*
 * Open connection name of the connections file config (NULL: the default
 * one).  log gets the -v lines of the HTTP client, warn the connector's
 * warnings (s->warn).  Returns the session, or NULL with a message in err.
 */
struct session	*sess_open(const char *config, const char *name,
		    void (*log)(const char *, ...),
		    void (*warn)(const char *, ...), char *err, size_t errlen);
void		 sess_close(struct session *);

/* Parse a normalised status name into its bit, or 0. */
unsigned int	 conn_status(const char *name);
const char	*conn_status_name(unsigned int bit);

/*
 * Fail a connector call: the platform's answer in r (may be NULL) explains
 * it; what the platform said is taken from the JSON members named (NULL
 * for none).  Always returns -1.
 */
int		 conn_fail(struct session *s, const struct http_resp *r,
		    const char *codekey, const char *msgkey);

/*
 * One request of method to url with body (stolen; NULL for none), its
 * JSON answer into *out (the caller decrefs it); a POST, which makes
 * something new, is sent once (HTTP_ONCE), a GET or PUT as often as it
 * takes.  0 on a 2xx; 1 when the platform refused it,
 * -1 when it is unknown what became of it: r then holds the answer, for
 * the connector to read the platform's words from (the caller frees it
 * with http_resp_free in every case).
 */
int		 conn_call(struct session *s, const char *method,
		    const char *url, json_t *body, json_t **out,
		    struct http_resp *r);

/*
 * What the platform said in its error answer r: "code: message" from the
 * JSON members named (NULL: none), into out; "" when it said nothing.
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

/*
 * The money of order record o, for entering it in another shop: each
 * line's total (line[i], at most n lines), the order's total, and the
 * rest: what the order cost beyond its lines (shipping and fees), or a
 * discount when negative.  decimals is how many to write (at least 2).
 * 0, or -1 with the reason in why.
 */
struct order_money {
	long long	 total;		/* the order's total */
	long long	 rest;		/* total less the lines' totals */
	size_t		 nlines;	/* lines */
	int		 decimals;	/* to write amounts with */
};
int		 conn_order_money(json_t *o, long long *line, size_t n,
		    struct order_money *m, char *why, size_t len);

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
 * tmp (len bytes) holds a number's digits.
 */
const char	*conn_text(json_t *o, const char *key, char *tmp, size_t len);

#endif /* CONN_H */
