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
 * one).  log gets the -v lines of the HTTP client.  Returns the session,
 * or NULL with a message in err.
 */
struct session	*sess_open(const char *config, const char *name,
		    void (*log)(const char *, ...), char *err, size_t errlen);
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

/* The status bit of a platform's word in map (n entries), or 0. */
unsigned int	 conn_word_status(const struct conn_word *map, size_t n,
		    const char *word);

/*
 * The order record (shopswitch(7)) of session s: source and shop, h's
 * members, lines, shipments (both stolen), and raw (borrowed; NULL for
 * none): the record's members in their one order.
 */
json_t		*conn_order(const struct session *s,
		    const struct order_head *h, json_t *lines,
		    json_t *shipments, json_t *raw);

/* A line of an order record; qty_shipped is stolen (null when unknown). */
json_t		*conn_line(const char *sku, const char *name, json_int_t qty,
		    json_t *qty_shipped);

/* A shipment of an order record. */
json_t		*conn_shipment(const char *carrier, const char *tracking,
		    const char *shipped_at);

/* Append s to b percent-encoded for a query string. */
void		 conn_qescape(struct buf *b, const char *s);

/*
 * Member key of o as text: a string as is, an integer in decimal, or "";
 * tmp (len bytes) holds a number's digits.
 */
const char	*conn_text(json_t *o, const char *key, char *tmp, size_t len);

#endif /* CONN_H */
