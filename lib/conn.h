/*
 * conn: a connection in use (a session), as the tools see it: what they
 * ask of a platform, and what it hands back.  How each platform does it
 * is its connector's business (connector.h, one file each in
 * lib/connectors/); the session is opaque, as a reader is.
 *
 * A connector hands records to the tool through callbacks, page by page,
 * holding no more than a page.  conn_* functions borrow their arguments;
 * records passed to a callback are borrowed for the call.  A call that
 * fails returns -1; conn_error() says why and conn_exit() which exit
 * status it earns: 2 when it is the user's to fix (the connection, the
 * input), 3 when the platform failed.
 */
#ifndef CONN_H
#define CONN_H

#include <stddef.h>
#include <time.h>

#include <jansson.h>

enum ord_status {			/* the normalised statuses */
	ST_DRAFT = 1 << 0,
	ST_OPEN = 1 << 1,
	ST_ON_HOLD = 1 << 2,
	ST_PARTIAL = 1 << 3,
	ST_COMPLETED = 1 << 4,
	ST_CANCELLED = 1 << 5
};

struct session;			/* a connection in use: opaque */

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

/* Each order record (a JSON object); return -1 to stop. */
typedef int	(*order_cb)(void *arg, json_t *order);
/* Each stock row; return -1 to stop. */
typedef int	(*stock_cb)(void *arg, const struct stock_row *row);
/* Each item of a shop's catalog; return -1 to stop. */
typedef int	(*item_cb)(void *arg, const struct shop_item *it);

/*
 * Open connection name of the connections file config (NULL: the default
 * one).  log gets the -v lines of the HTTP client, warn the connector's
 * warnings: what it had to change to go on.  Returns the session, or
 * NULL with a message in err.
 */
struct session	*sess_open(const char *config, const char *name,
		    void (*log)(const char *, ...),
		    void (*warn)(const char *, ...), char *err, size_t errlen);
void		 sess_close(struct session *);

/*
 * Tell the tool's progress line (msg.h) of the session's work: page of
 * each page of a list read, with the number of pages in all where the
 * platform said it (-1: not), and wait of each wait before a request
 * (http_set_wait).  Either NULL: not told.
 */
void		 sess_progress(struct session *, void (*page)(long npages),
		    void (*wait)(double secs, const char *why));

/* What a tool asks of a platform that not every platform does. */
enum conn_op {
	OP_PUSH,			/* take stock levels: stock-push */
	OP_COMPLETE,			/* complete orders: orders-complete */
	OP_CREATE,			/* enter orders: orders-push */
	OP_CREATE_NOTIFY,		/* and mail their customers:
					   orders-push --notify-customer */
	OP_SHOPS			/* tell webshops apart: --shop */
};

/* NULL when the session's platform does op; else why not. */
const char	*conn_cannot(struct session *, enum conn_op op);

/*
 * The calls, as connector.h describes them: 0, or -1 (conn_error).
 * conn_find_created returns 1 when found, 0 when not; conn_mails the
 * number of e-mails found (0 for a platform that mails by itself only
 * what it is asked to).
 */
int		 conn_orders(struct session *, const struct order_query *,
		    order_cb cb, void *arg);
int		 conn_stock(struct session *, const struct stock_query *,
		    stock_cb cb, void *arg);
int		 conn_items(struct session *, item_cb cb, void *arg);
int		 conn_push(struct session *, struct push_item *items,
		    size_t n);
int		 conn_complete(struct session *, struct complete_item *it);
int		 conn_find_skus(struct session *, const char *const *skus,
		    size_t n, item_cb cb, void *arg);
int		 conn_find_created(struct session *, struct create_item *it);
int		 conn_create(struct session *, struct create_item *it);
int		 conn_mails(struct session *, enum mail_op op,
		    struct shop_mail *m, size_t n);
int		 conn_set_mail(struct session *, const char *id, int on);

/* Why the last call failed, and the exit status that earns (2 or 3). */
const char	*conn_error(const struct session *);
int		 conn_exit(const struct session *);

const char	*conn_platform(const struct session *);	/* "shopify" */
const char	*conn_name(const struct session *);	/* the connection */
size_t		 conn_batch(const struct session *);	/* levels a write */
int		 conn_cas(const struct session *);	/* compare-and-set */
double		 conn_retry_delay(const struct session *);	/* seconds
						   before the first retry,
						   doubled after */
double		 conn_search_lag(const struct session *);	/* seconds
						   before a new order is
						   found by its marker */
unsigned long	 conn_requests(const struct session *);	/* HTTP requests */
unsigned long	 conn_throttled(const struct session *);	/* 429s */

/* Parse a normalised status name into its bit, or 0. */
unsigned int	 conn_status(const char *name);
const char	*conn_status_name(unsigned int bit);

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

#endif /* CONN_H */
