/*
 * gen: write deterministic catalogs and order exports for the benchmark.
 *
 *	gen catalog [--sorted] N DIR	DIR/old.csv, DIR/new.csv, catalog.expect
 *	gen orders N DIR		DIR/orders.jsonl, DIR/orders.expect
 *
 * N may end in k or M.  The same arguments give byte-identical files on
 * any machine: the only source of randomness is splitmix64 with a fixed
 * seed, all arithmetic is on unsigned integers, and nothing depends on
 * the locale, the time zone or the C library's rand(3) or qsort(3)
 * stability.  Plain C11, no dependency beyond libc; DIR must exist.
 *
 * The .expect files hold the right answer as key=value lines, counted
 * from what was written, not estimated from the percentages.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum exit_status {
	EXIT_OK = 0,			/* files written */
	EXIT_TROUBLE = 2		/* usage, memory, a failed write */
};

#define SEED		0x5340505357495443ULL	/* "SHOPSWITC" */
#define OUTBUF		(1 << 20)		/* stdio buffer per file */
#define SKULEN		24			/* longest SKU, with NUL */
#define EPOCH2025	1735689600LL		/* 2025-01-01T00:00:00Z */

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

struct rng {
	uint64_t	 s;		/* splitmix64 state */
};

struct buf {
	char		*s;		/* bytes, not NUL-terminated */
	size_t		 len;		/* bytes in use */
	size_t		 cap;		/* bytes allocated */
};

enum size_kind {
	SZ_NONE,			/* one size */
	SZ_CLOTH,			/* XS .. XXL */
	SZ_SHOE,			/* 36 .. 46 */
	SZ_VOLUME,			/* 250 ml .. */
	SZ_INCH				/* 8" .. 14": a quote in the name */
};

struct product {
	const char	*noun;		/* what it is, capitalised */
	const char	*code;		/* SKU prefix */
	enum size_kind	 sizes;		/* which size list applies */
};

struct colour {
	const char	*word;		/* in the name, may be UTF-8 */
	const char	*code;		/* in the SKU */
};

struct choice {
	const struct product *p;	/* product type */
	const struct colour *c;		/* colour */
	const char	*size;		/* size as named, NULL if none */
	const char	*sizecode;	/* size as in the SKU */
};

/* What happens to a catalog item between the old and the new shop. */
enum role {
	R_SAME,				/* on both sides, same price */
	R_CHANGED,			/* on both sides, new price */
	R_DUPOLD,			/* on both sides, twice in old */
	R_DUPNEW,			/* on both sides, twice in new */
	R_REMOVED,			/* old only */
	R_ADDED,			/* new only */
	R_NEAR,				/* new spells the SKU differently */
	R_NROLES
};

struct item {
	char		 sku[SKULEN];	/* canonical spelling, upper case */
	char		 alt[SKULEN];	/* new side's spelling for R_NEAR */
	size_t		 name;		/* offset in the name pool */
	size_t		 dupname;	/* name of the duplicate row */
	uint32_t	 price_old;	/* cents */
	uint32_t	 price_new;	/* cents */
	uint32_t	 qty_old;	/* stock in the old shop */
	uint32_t	 qty_new;	/* stock in the new shop */
	uint32_t	 dupqty;	/* stock of the duplicate row */
	char		 ean[14];	/* EAN-13 */
	char		 dupean[14];	/* EAN-13 of the duplicate row */
	enum role	 role;		/* see above */
};

struct row {
	const char	*sku;		/* key as written */
	size_t		 name;		/* offset in the name pool */
	const char	*ean;		/* barcode */
	uint32_t	 price;		/* cents */
	uint32_t	 qty;		/* stock */
	uint32_t	 seq;		/* generation order, breaks key ties */
};

/* One platform as it appears in an order export. */
struct platform {
	const char	*source;	/* platform */
	const char	*shop;		/* connection name */
	unsigned	 weight;	/* share of orders, per mille */
	const char	*pstatus[6];	/* platform's word, by enum status */
};

enum status {
	ST_DRAFT, ST_OPEN, ST_ON_HOLD, ST_PARTIAL, ST_COMPLETED, ST_CANCELLED
};

struct person {
	const char	*name;		/* as written, UTF-8 */
	const char	*ascii;		/* for the e-mail address */
};

struct country {
	const char	*code;		/* ISO 3166 */
	const char	*currency;	/* ISO 4217 */
	unsigned	 weight;	/* share, per mille */
};

static const struct product products[] = {
	{ "T-shirt",		"TSH",	SZ_CLOTH },
	{ "Hoodie",		"HOD",	SZ_CLOTH },
	{ "Raincoat",		"RNC",	SZ_CLOTH },
	{ "Polo shirt",		"POL",	SZ_CLOTH },
	{ "Socks",		"SCK",	SZ_SHOE },
	{ "Sneaker",		"SNK",	SZ_SHOE },
	{ "Slipper",		"SLP",	SZ_SHOE },
	{ "Mug",		"MUG",	SZ_VOLUME },
	{ "Water bottle",	"BTL",	SZ_VOLUME },
	{ "Plate",		"PLT",	SZ_INCH },
	{ "Frame",		"FRM",	SZ_INCH },
	{ "Poster",		"PST",	SZ_INCH },
	{ "Candle",		"CND",	SZ_NONE },
	{ "Cushion cover",	"CSH",	SZ_NONE },
	{ "Tea towel",		"TWL",	SZ_NONE },
	{ "Backpack",		"BPK",	SZ_NONE },
	{ "Phone case",		"PHC",	SZ_NONE },
	{ "Beanie",		"BNE",	SZ_NONE },
	{ "Notebook",		"NTB",	SZ_NONE },
	{ "Vase",		"VAS",	SZ_NONE },
	{ "Apron",		"APR",	SZ_NONE }
};

static const struct colour colours[] = {
	{ "red",		"RED" },
	{ "blue",		"BLU" },
	{ "navy",		"NVY" },
	{ "black",		"BLK" },
	{ "white",		"WHT" },
	{ "olive",		"OLV" },
	{ "crème",		"CRM" },
	{ "grün",		"GRN" },
	{ "bordeaux",		"BDX" },
	{ "café au lait",	"CAL" },
	{ "sand",		"SND" },
	{ "grey",		"GRY" }
};

static const char *const cloth[] = { "XS", "S", "M", "L", "XL", "XXL" };
static const char *const shoe[] = {
	"36", "37", "38", "39", "40", "41", "42", "43", "44", "45", "46"
};
static const char *const volume[] = { "250 ml", "350 ml", "500 ml", "750 ml" };
static const char *const volcode[] = { "250", "350", "500", "750" };
static const char *const inch[] = { "8\"", "10\"", "12\"", "14\"" };
static const char *const inchcode[] = { "8IN", "10IN", "12IN", "14IN" };

static const char *const brands[] = {
	"Zoë’s", "Müller & Söhne", "Bäckerei Süß", "Déjà Vu", "Smørrebrød",
	"Łódź Design", "Straßenkind", "Kids’", "Naïve", "Crème de la crème",
	"Ålesund", "Señorita", "Noord", "Hema-ish", "Weekend"
};
static const char *const models[] = {
	"Classic", "Café Amsterdam", "Zürich", "Weekend", "Noord", "Ålesund",
	"Señorita", "Big Apple", "Oma’s"
};
static const char *const emoji[] = { " 🎁", " 🎄", " ☕", " ⭐" };
static const char *const eanprefix[] = {
	"87", "87", "87", "40", "41", "42", "43", "54", "50", "76", "80", "30"
};

static const struct platform platforms[] = {
	{ "woocommerce", "old", 300, { "checkout-draft", "processing",
	    "on-hold", "processing", "completed", "cancelled" } },
	{ "shopify", "new", 200, { "pending", "unfulfilled", "on_hold",
	    "partially_fulfilled", "fulfilled", "cancelled" } },
	{ "picqer", "picqer", 200, { "concept", "processing", "paused",
	    "processing", "completed", "cancelled" } },
	{ "bol", "bol", 80, { "OPEN", "OPEN", "OPEN", "PARTIALLY_SHIPPED",
	    "SHIPPED", "CANCELLED" } },
	{ "magento2", "magento", 70, { "pending", "processing", "holded",
	    "processing", "complete", "canceled" } },
	{ "lightspeed", "lightspeed", 50, { "pending",
	    "processing_awaiting_shipment", "on_hold",
	    "processing_awaiting_shipment", "completed_shipped",
	    "cancelled" } },
	{ "shopware6", "shopware", 50, { "open", "in_progress", "open",
	    "partially_shipped", "completed", "cancelled" } },
	{ "ccvshop", "ccv", 50, { "Nieuw", "In behandeling",
	    "Wacht op betaling", "Deels verzonden", "Verzonden",
	    "Geannuleerd" } }
};

static const char *const statusword[] = {
	"draft", "open", "on_hold", "partially_shipped", "completed",
	"cancelled"
};

static const struct person firsts[] = {
	{ "Jan", "jan" }, { "Emma", "emma" }, { "Zoë", "zoe" },
	{ "Jürgen", "juergen" }, { "Anaïs", "anais" }, { "Seán", "sean" },
	{ "Łukasz", "lukasz" }, { "Ana María", "anamaria" },
	{ "Sanne", "sanne" }, { "Daan", "daan" }, { "Fleur", "fleur" },
	{ "Björn", "bjorn" }, { "Noémie", "noemie" },
	{ "Mohammed", "mohammed" },
	{ "Lotte", "lotte" }, { "Thijs", "thijs" }, { "Inès", "ines" },
	{ "Kees", "kees" }, { "Saskia", "saskia" }, { "François", "francois" }
};
static const struct person lasts[] = {
	{ "Jansen", "jansen" }, { "de Vries", "devries" },
	{ "van den Berg", "vandenberg" }, { "Müller", "mueller" },
	{ "O’Brien", "obrien" }, { "Kowalski", "kowalski" },
	{ "Dubois", "dubois" }, { "Peeters", "peeters" },
	{ "Bakker", "bakker" }, { "Schröder", "schroeder" },
	{ "García", "garcia" }, { "Visser", "visser" },
	{ "Smit", "smit" }, { "de Jong", "dejong" }, { "Çelik", "celik" },
	{ "Hendriks", "hendriks" }, { "Lefèvre", "lefevre" },
	{ "Wouters", "wouters" }, { "Nguyễn", "nguyen" }, { "Meijer", "meijer" }
};
static const char *const nicks[] = { "Pietje", "Bob", "Mies", "Sjaak" };
static const char *const domains[] = {
	"gmail.com", "hotmail.nl", "ziggo.nl", "outlook.com", "web.de",
	"telenet.be", "kpnmail.nl", "gmx.de", "example.nl", "icloud.com"
};
static const struct country countries[] = {
	{ "NL", "EUR", 550 }, { "BE", "EUR", 150 }, { "DE", "EUR", 150 },
	{ "FR", "EUR", 50 }, { "GB", "GBP", 40 }, { "PL", "PLN", 30 },
	{ "AT", "EUR", 30 }
};
static const char *const carriers[] = {
	"postnl", "postnl", "postnl", "dhl", "dhl", "dpd", "ups", "gls",
	"bpost"
};

static _Noreturn void
nomem(void)
{
	fputs("gen: out of memory\n", stderr);
	exit(EXIT_TROUBLE);
}

static void *
xreallocarray(void *p, size_t nmemb, size_t size)
{
	if (size != 0 && nmemb > SIZE_MAX / size)
		nomem();
	if ((p = realloc(p, nmemb * size != 0 ? nmemb * size : 1)) == NULL)
		nomem();
	return p;
}

static uint64_t
rng_next(struct rng *r)
{
	uint64_t	 z;

	z = (r->s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A number in [0, n), by multiply and shift: no division, no floats. */
static uint32_t
rng_below(struct rng *r, uint32_t n)
{
	return (uint32_t)(((rng_next(r) >> 32) * n) >> 32);
}

/* True with probability pm per mille. */
static int
rng_pm(struct rng *r, unsigned pm)
{
	return rng_below(r, 1000) < pm;
}

static void
rng_seed(struct rng *r, uint64_t seed)
{
	r->s = seed;
	(void)rng_next(r);
}

static void
buf_grow(struct buf *b, size_t n)
{
	if (b->cap - b->len >= n)
		return;
	while (b->cap - b->len < n)
		b->cap = b->cap ? b->cap * 2 : 4096;
	b->s = xreallocarray(b->s, b->cap, 1);
}

static void
buf_add(struct buf *b, const char *s, size_t n)
{
	buf_grow(b, n);
	memcpy(b->s + b->len, s, n);
	b->len += n;
}

static void
buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

static void
buf_addc(struct buf *b, char c)
{
	buf_grow(b, 1);
	b->s[b->len++] = c;
}

/* Append an unsigned number in decimal, zero-padded to width. */
static void
buf_addu(struct buf *b, uint64_t v, int width)
{
	char	 tmp[24];
	int	 n;

	n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	while (n < width)
		tmp[n++] = '0';
	buf_grow(b, (size_t)n);
	while (n > 0)
		b->s[b->len++] = tmp[--n];
}

/* Append cents as euros: 2495 is "24.95". */
static void
buf_addmoney(struct buf *b, uint64_t cents)
{
	buf_addu(b, cents / 100, 0);
	buf_addc(b, '.');
	buf_addu(b, cents % 100, 2);
}

/* Append a NUL-terminated string, returning its offset in the pool. */
static size_t
pool_add(struct buf *pool, const char *s, size_t n)
{
	size_t	 off;

	off = pool->len;
	buf_add(pool, s, n);
	buf_addc(pool, '\0');
	return off;
}

/* Pick the product, colour and size a name and a SKU are made from. */
static void
choose(struct rng *r, struct choice *ch)
{
	uint32_t	 i;

	ch->p = &products[rng_below(r, NELEM(products))];
	ch->c = &colours[rng_below(r, NELEM(colours))];
	ch->size = ch->sizecode = NULL;
	switch (ch->p->sizes) {
	case SZ_CLOTH:
		ch->size = ch->sizecode = cloth[rng_below(r, NELEM(cloth))];
		break;
	case SZ_SHOE:
		ch->size = ch->sizecode = shoe[rng_below(r, NELEM(shoe))];
		break;
	case SZ_VOLUME:
		i = rng_below(r, NELEM(volume));
		ch->size = volume[i];
		ch->sizecode = volcode[i];
		break;
	case SZ_INCH:
		i = rng_below(r, NELEM(inch));
		ch->size = inch[i];
		ch->sizecode = inchcode[i];
		break;
	case SZ_NONE:
		break;
	}
}

/* The noun with its first letter lowered, for use after a brand. */
static void
buf_addnoun(struct buf *b, const char *noun, int lower)
{
	buf_addc(b, lower && noun[0] >= 'A' && noun[0] <= 'Z' ?
	    (char)(noun[0] - 'A' + 'a') : noun[0]);
	buf_adds(b, noun + 1);
}

/*
 * Make a product name the way shop owners type them: plain, with commas
 * ("Shirt, red, XL"), with inch marks (12" plate), with a quoted model
 * name, with brands in UTF-8, and now and then an emoji.
 */
static void
make_name(struct rng *r, const struct choice *ch, struct buf *b)
{
	uint32_t	 pat;

	b->len = 0;
	pat = rng_below(r, 100);
	if (pat < 35) {				/* T-shirt navy XL */
		buf_addnoun(b, ch->p->noun, 0);
		buf_addc(b, ' ');
		buf_adds(b, ch->c->word);
		if (ch->size != NULL) {
			buf_addc(b, ' ');
			buf_adds(b, ch->size);
		}
	} else if (pat < 60) {			/* Shirt, red, XL */
		buf_addnoun(b, ch->p->noun, 0);
		buf_adds(b, ", ");
		buf_adds(b, ch->c->word);
		if (ch->size != NULL) {
			buf_adds(b, ", ");
			buf_adds(b, ch->size);
		}
	} else if (pat < 68) {			/* 12" plate white */
		if (ch->size != NULL) {
			buf_adds(b, ch->size);
			buf_addc(b, ' ');
			buf_addnoun(b, ch->p->noun, 1);
		} else
			buf_addnoun(b, ch->p->noun, 0);
		buf_addc(b, ' ');
		buf_adds(b, ch->c->word);
	} else if (pat < 76) {			/* Mug "Zürich" red */
		buf_addnoun(b, ch->p->noun, 0);
		buf_adds(b, " \"");
		buf_adds(b, models[rng_below(r, NELEM(models))]);
		buf_adds(b, "\" ");
		buf_adds(b, ch->c->word);
		if (ch->size != NULL) {
			buf_addc(b, ' ');
			buf_adds(b, ch->size);
		}
	} else if (pat < 88) {			/* Kids’ raincoat red M */
		buf_adds(b, brands[rng_below(r, NELEM(brands))]);
		buf_addc(b, ' ');
		buf_addnoun(b, ch->p->noun, 1);
		buf_addc(b, ' ');
		buf_adds(b, ch->c->word);
		if (ch->size != NULL) {
			buf_addc(b, ' ');
			buf_adds(b, ch->size);
		}
	} else {			/* Naïve mug, crème, size 350 ml */
		buf_adds(b, brands[rng_below(r, NELEM(brands))]);
		buf_addc(b, ' ');
		buf_addnoun(b, ch->p->noun, 1);
		buf_adds(b, ", ");
		buf_adds(b, ch->c->word);
		if (ch->size != NULL) {
			buf_adds(b, ", size ");
			buf_adds(b, ch->size);
		}
	}
	if (rng_pm(r, 10))
		buf_adds(b, emoji[rng_below(r, NELEM(emoji))]);
}

/*
 * Make a SKU that contains the unique id, so that no two items share
 * one, in one of three shapes: TSH-NVY-XL-004711, AB004711, 00004711.
 * Every SKU is upper case without spaces, so no two can be near matches
 * by accident.  Returns 1 when the SKU holds letters.
 */
static int
make_sku(struct rng *r, const struct choice *ch, uint32_t id, char *dst)
{
	struct buf	 b = { NULL, 0, 0 };
	uint32_t	 shape;
	int		 letters;

	shape = rng_below(r, 100);
	letters = 1;
	if (shape < 65) {
		buf_adds(&b, ch->p->code);
		buf_addc(&b, '-');
		buf_adds(&b, ch->c->code);
		buf_addc(&b, '-');
		if (ch->sizecode != NULL) {
			buf_adds(&b, ch->sizecode);
			buf_addc(&b, '-');
		}
		buf_addu(&b, id, 6);
	} else if (shape < 85) {
		buf_addc(&b, (char)('A' + rng_below(r, 26)));
		buf_addc(&b, (char)('A' + rng_below(r, 26)));
		buf_addu(&b, id, 6);
	} else {
		buf_addu(&b, id, 8);
		letters = 0;
	}
	if (b.len >= SKULEN) {
		fputs("gen: SKU too long\n", stderr);
		exit(EXIT_TROUBLE);
	}
	memcpy(dst, b.s, b.len);
	dst[b.len] = '\0';
	free(b.s);
	return letters;
}

/* Twelve digits with a GS1 country prefix and the EAN-13 check digit. */
static void
make_ean(struct rng *r, char *dst)
{
	const char	*pre;
	unsigned	 sum;
	int		 i;

	pre = eanprefix[rng_below(r, NELEM(eanprefix))];
	dst[0] = pre[0];
	dst[1] = pre[1];
	for (i = 2; i < 12; i++)
		dst[i] = (char)('0' + rng_below(r, 10));
	sum = 0;
	for (i = 0; i < 12; i++)
		sum += (unsigned)(dst[i] - '0') * (i % 2 ? 3 : 1);
	dst[12] = (char)('0' + (10 - sum % 10) % 10);
	dst[13] = '\0';
}

/* A shop price in cents: mostly .95 and .99, some round. */
static uint32_t
make_price(struct rng *r)
{
	static const uint32_t ends[] = { 95, 95, 99, 99, 50, 0, 49 };
	uint32_t	 band, euros;

	band = rng_below(r, 100);
	if (band < 40)
		euros = 2 + rng_below(r, 18);
	else if (band < 85)
		euros = 20 + rng_below(r, 60);
	else
		euros = 80 + rng_below(r, 320);
	return euros * 100 + ends[rng_below(r, NELEM(ends))];
}

/* A new price for a changed item: up 5-25 % or down a little, never equal. */
static uint32_t
change_price(struct rng *r, uint32_t old)
{
	uint32_t	 p;

	if (rng_below(r, 4) == 0)
		p = old > 400 ? old - 100 * (1 + rng_below(r, 3)) : old + 100;
	else
		p = (old * (105 + rng_below(r, 21)) / 100) / 100 * 100 + 95;
	if (p == old)
		p += 100;
	return p;
}

static uint32_t
make_qty(struct rng *r)
{
	if (rng_pm(r, 100))
		return 0;
	return 1 + rng_below(r, rng_pm(r, 200) ? 1000 : 60);
}

static FILE *
xfopen(const char *dir, const char *name, char **pathp)
{
	FILE	*fp;
	size_t	 n;

	n = strlen(dir) + strlen(name) + 2;
	if ((*pathp = malloc(n)) == NULL)
		nomem();
	snprintf(*pathp, n, "%s/%s", dir, name);
	if ((fp = fopen(*pathp, "w")) == NULL) {
		fprintf(stderr, "gen: %s: %s\n", *pathp, strerror(errno));
		exit(EXIT_TROUBLE);
	}
	setvbuf(fp, NULL, _IOFBF, OUTBUF);
	return fp;
}

static void
xfclose(FILE *fp, char *path)
{
	if (ferror(fp) || fclose(fp) == EOF) {
		fprintf(stderr, "gen: %s: write error\n", path);
		exit(EXIT_TROUBLE);
	}
	free(path);
}

/* Write one CSV field, quoted only when it holds , " CR or LF. */
static void
csv_put(struct buf *b, const char *s)
{
	if (strpbrk(s, ",\"\r\n") == NULL) {
		buf_adds(b, s);
		return;
	}
	buf_addc(b, '"');
	for (; *s != '\0'; s++) {
		if (*s == '"')
			buf_addc(b, '"');
		buf_addc(b, *s);
	}
	buf_addc(b, '"');
}

static void
write_rows(const char *dir, const char *file, const struct row *rows,
    size_t n, const struct buf *pool)
{
	struct buf	 b = { NULL, 0, 0 };
	FILE		*fp;
	char		*path;
	size_t		 i;

	fp = xfopen(dir, file, &path);
	fputs("sku,name,price,qty,barcode\n", fp);
	for (i = 0; i < n; i++) {
		b.len = 0;
		csv_put(&b, rows[i].sku);
		buf_addc(&b, ',');
		csv_put(&b, pool->s + rows[i].name);
		buf_addc(&b, ',');
		buf_addmoney(&b, rows[i].price);
		buf_addc(&b, ',');
		buf_addu(&b, rows[i].qty, 0);
		buf_addc(&b, ',');
		buf_adds(&b, rows[i].ean);
		buf_addc(&b, '\n');
		fwrite(b.s, 1, b.len, fp);
	}
	free(b.s);
	xfclose(fp, path);
}

static void
shuffle_rows(struct rng *r, struct row *rows, size_t n)
{
	struct row	 t;
	size_t		 i, j;

	for (i = n; i > 1; i--) {
		j = rng_below(r, (uint32_t)i);
		t = rows[i - 1];
		rows[i - 1] = rows[j];
		rows[j] = t;
	}
}

/* Byte order of the key, then generation order: a total order. */
static int
rowcmp(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	int		 c;

	if ((c = strcmp(x->sku, y->sku)) != 0)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void
add_row(struct row *rows, size_t *n, const char *sku, size_t name,
    uint32_t price, uint32_t qty, const char *ean)
{
	struct row	*w;

	w = &rows[*n];
	w->sku = sku;
	w->name = name;
	w->price = price;
	w->qty = qty;
	w->ean = ean;
	w->seq = (uint32_t)*n;
	(*n)++;
}

/* Round n * num / den to the nearest whole number. */
static size_t
share(size_t n, size_t num, size_t den)
{
	return (n * num + den / 2) / den;
}

static int
gen_catalog(size_t n, const char *dir, int sorted)
{
	struct rng	 r;
	struct choice	 ch;
	struct buf	 pool = { NULL, 0, 0 }, name = { NULL, 0, 0 };
	struct item	*items, *it;
	struct row	*old, *new;
	size_t		 want[R_NROLES], got[R_NROLES];
	size_t		 nitems, nold, nnew, i, j, k, commas;
	enum role	*roles, t;
	FILE		*fp;
	char		*path;

	/*
	 * Of n rows a side: 1 % removed, 1 % added, 2 % price changed,
	 * 0.2 % near matches and 0.1 % SKUs twice on each side.  The rest
	 * pair up unchanged; old and new both get exactly n rows.
	 */
	memset(want, 0, sizeof(want));
	want[R_REMOVED] = share(n, 1, 100);
	want[R_ADDED] = want[R_REMOVED];
	want[R_CHANGED] = share(n, 2, 100);
	want[R_NEAR] = share(n, 2, 1000);
	want[R_DUPOLD] = share(n, 1, 1000);
	want[R_DUPNEW] = want[R_DUPOLD];
	if (n < want[R_REMOVED] + want[R_NEAR] + want[R_DUPOLD] +
	    want[R_CHANGED] + want[R_DUPOLD] + want[R_DUPNEW]) {
		fputs("gen: N too small\n", stderr);
		return EXIT_TROUBLE;
	}
	want[R_SAME] = n - want[R_REMOVED] - want[R_NEAR] - want[R_DUPOLD] -
	    want[R_CHANGED] - want[R_DUPOLD] - want[R_DUPNEW];
	nitems = 0;
	for (t = 0; t < R_NROLES; t++)
		nitems += want[t];
	if (nitems > UINT32_MAX / 2) {
		fputs("gen: N too large\n", stderr);
		return EXIT_TROUBLE;
	}

	rng_seed(&r, SEED ^ 0xca7a109);
	roles = xreallocarray(NULL, nitems, sizeof(*roles));
	for (k = 0, t = 0; t < R_NROLES; t++)
		for (i = 0; i < want[t]; i++)
			roles[k++] = t;
	for (i = nitems; i > 1; i--) {
		j = rng_below(&r, (uint32_t)i);
		t = roles[i - 1];
		roles[i - 1] = roles[j];
		roles[j] = t;
	}

	items = xreallocarray(NULL, nitems, sizeof(*items));
	old = xreallocarray(NULL, nitems * 2, sizeof(*old));
	new = xreallocarray(NULL, nitems * 2, sizeof(*new));
	memset(got, 0, sizeof(got));
	nold = nnew = commas = 0;
	for (i = 0; i < nitems; i++) {
		it = &items[i];
		it->role = roles[i];
		choose(&r, &ch);
		make_name(&r, &ch, &name);
		it->name = pool_add(&pool, name.s, name.len);
		if (make_sku(&r, &ch, (uint32_t)i + 1, it->sku) &&
		    rng_below(&r, 2)) {
			/* lower case: ts-red-xl-004711 */
			for (k = 0; it->sku[k] != '\0'; k++)
				it->alt[k] = (char)(it->sku[k] >= 'A' &&
				    it->sku[k] <= 'Z' ? it->sku[k] - 'A' + 'a' :
				    it->sku[k]);
			it->alt[k] = '\0';
		} else {
			/* trailing space: "00004711 " */
			k = strlen(it->sku);
			memcpy(it->alt, it->sku, k);
			it->alt[k] = ' ';
			it->alt[k + 1] = '\0';
		}
		it->price_old = it->price_new = make_price(&r);
		it->qty_old = it->qty_new = make_qty(&r);
		if (rng_pm(&r, 300))
			it->qty_new = make_qty(&r);
		make_ean(&r, it->ean);
		/* the second row of a duplicate: another variant, same price */
		choose(&r, &ch);
		make_name(&r, &ch, &name);
		it->dupname = pool_add(&pool, name.s, name.len);
		it->dupqty = make_qty(&r);
		make_ean(&r, it->dupean);
		if (it->role == R_CHANGED) {
			it->price_new = change_price(&r, it->price_old);
			if (strchr(pool.s + it->name, ',') != NULL)
				commas++;
		}

		if (it->role != R_ADDED)
			add_row(old, &nold, it->sku, it->name, it->price_old,
			    it->qty_old, it->ean);
		if (it->role == R_DUPOLD)
			add_row(old, &nold, it->sku, it->dupname,
			    it->price_old, it->dupqty, it->dupean);
		if (it->role == R_NEAR)
			add_row(new, &nnew, it->alt, it->name, it->price_new,
			    it->qty_new, it->ean);
		else if (it->role != R_REMOVED)
			add_row(new, &nnew, it->sku, it->name, it->price_new,
			    it->qty_new, it->ean);
		if (it->role == R_DUPNEW)
			add_row(new, &nnew, it->sku, it->dupname,
			    it->price_new, it->dupqty, it->dupean);
		got[it->role]++;
	}
	free(roles);
	free(name.s);

	shuffle_rows(&r, old, nold);
	shuffle_rows(&r, new, nnew);
	write_rows(dir, "old.csv", old, nold, &pool);
	write_rows(dir, "new.csv", new, nnew, &pool);
	if (sorted) {
		qsort(old, nold, sizeof(*old), rowcmp);
		qsort(new, nnew, sizeof(*new), rowcmp);
		write_rows(dir, "old.sorted.csv", old, nold, &pool);
		write_rows(dir, "new.sorted.csv", new, nnew, &pool);
	}

	fp = xfopen(dir, "catalog.expect", &path);
	fprintf(fp,
	    "# bench/gen catalog %zu: the right answer of\n"
	    "# sku-diff --compare price old.csv new.csv\n"
	    "rows_old=%zu\n"
	    "rows_new=%zu\n"
	    "paired=%zu\n"
	    "removed=%zu\n"
	    "added=%zu\n"
	    "changed=%zu\n"
	    "near_match=%zu\n"
	    "duplicate_old=%zu\n"
	    "duplicate_new=%zu\n"
	    "duplicate_count=2\n"
	    "empty_key=0\n"
	    "mangled=0\n"
	    "# what an exact-key join sees: near matches unpaired on both\n"
	    "# sides, each duplicate SKU joined twice\n"
	    "unpaired_old=%zu\n"
	    "unpaired_new=%zu\n"
	    "join_rows=%zu\n"
	    "# changed SKUs whose name holds a comma (quoted in the CSV)\n"
	    "changed_name_comma=%zu\n",
	    n, nold, nnew,
	    got[R_SAME] + got[R_CHANGED] + got[R_DUPOLD] + got[R_DUPNEW],
	    got[R_REMOVED], got[R_ADDED], got[R_CHANGED], got[R_NEAR],
	    got[R_DUPOLD], got[R_DUPNEW],
	    got[R_REMOVED] + got[R_NEAR], got[R_ADDED] + got[R_NEAR],
	    got[R_SAME] + got[R_CHANGED] + 2 * got[R_DUPOLD] +
	    2 * got[R_DUPNEW], commas);
	xfclose(fp, path);

	free(items);
	free(old);
	free(new);
	free(pool.s);
	return EXIT_OK;
}

/* Append a JSON string: quotes, backslashes and controls escaped. */
static void
json_str(struct buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char	 c;
	size_t		 i;

	buf_addc(b, '"');
	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			buf_addc(b, '\\');
			buf_addc(b, (char)c);
		} else if (c == '\n')
			buf_adds(b, "\\n");
		else if (c < 0x20 || c == 0x7f) {
			buf_adds(b, "\\u00");
			buf_addc(b, hex[c >> 4]);
			buf_addc(b, hex[c & 15]);
		} else
			buf_addc(b, (char)c);
	}
	buf_addc(b, '"');
}

/* Append ,"key": with the comma unless first. */
static void
json_key(struct buf *b, const char *key, int first)
{
	if (!first)
		buf_addc(b, ',');
	buf_addc(b, '"');
	buf_adds(b, key);
	buf_adds(b, "\":");
}

static void
json_kv(struct buf *b, const char *key, const char *val, int first)
{
	json_key(b, key, first);
	json_str(b, val, strlen(val));
}

static void
json_kbuf(struct buf *b, const char *key, const struct buf *val, int first)
{
	json_key(b, key, first);
	json_str(b, val->s, val->len);
}

/* Append ,"key":"time" in RFC 3339 UTC, by Hinnant's civil_from_days. */
static void
json_time(struct buf *b, const char *key, int64_t t)
{
	struct buf	 s = { NULL, 0, 0 };
	int64_t		 days, secs, z, era, doe, yoe, y, doy, mp, d, m;

	days = t / 86400;
	secs = t % 86400;
	z = days + 719468;
	era = z / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	buf_addu(&s, (uint64_t)y, 4);
	buf_addc(&s, '-');
	buf_addu(&s, (uint64_t)m, 2);
	buf_addc(&s, '-');
	buf_addu(&s, (uint64_t)d, 2);
	buf_addc(&s, 'T');
	buf_addu(&s, (uint64_t)(secs / 3600), 2);
	buf_addc(&s, ':');
	buf_addu(&s, (uint64_t)(secs / 60 % 60), 2);
	buf_addc(&s, ':');
	buf_addu(&s, (uint64_t)(secs % 60), 2);
	buf_addc(&s, 'Z');
	json_kbuf(b, key, &s, 0);
	free(s.s);
}

static uint32_t
pick_weighted(struct rng *r, const unsigned *w, size_t n)
{
	uint32_t	 x;
	size_t		 i;

	x = rng_below(r, 1000);
	for (i = 0; i + 1 < n; i++) {
		if (x < w[i])
			return (uint32_t)i;
		x -= w[i];
	}
	return (uint32_t)i;
}

/* Append a tracking code in the carrier's own shape. */
static void
make_tracking(struct rng *r, const char *carrier, struct buf *t)
{
	static const char up[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
	static const char alnum[] = "0123456789ABCDEFGHJKLMNPRSTVWXYZ";
	int		 i;

	t->len = 0;
	if (strcmp(carrier, "postnl") == 0) {
		buf_adds(t, "3S");
		for (i = 0; i < 4; i++)
			buf_addc(t, up[rng_below(r, 26)]);
		buf_addu(t, rng_below(r, 1000000000), 9);
	} else if (strcmp(carrier, "dhl") == 0) {
		buf_adds(t, "JVGL");
		buf_addu(t, rng_below(r, 100000000), 8);
		buf_addu(t, rng_below(r, 1000000000), 9);
	} else if (strcmp(carrier, "ups") == 0) {
		buf_adds(t, "1Z");
		for (i = 0; i < 16; i++)
			buf_addc(t, alnum[rng_below(r, 32)]);
	} else {
		buf_addu(t, rng_below(r, 100000000), 8);
		buf_addu(t, rng_below(r, 1000000), 6);
	}
}

/*
 * Write order u as one line of JSON.  Everything comes from a generator
 * seeded with u, so the order can be written again, byte for byte, when
 * it repeats.  A changed repeat (the order exported again after it moved
 * on) has a later updated_at and, unless it had finished, a new status.
 * The key (source, shop, number) depends on u alone.
 */
static void
gen_order(uint32_t u, int changed, struct buf *b)
{
	static unsigned	 pw[NELEM(platforms)], cw[NELEM(countries)];
	static const unsigned sw[] = { 40, 200, 50, 80, 550, 80 };
	struct rng	 r;
	struct choice	 ch;
	struct buf	 s = { NULL, 0, 0 }, nm = { NULL, 0, 0 };
	const struct platform *pf;
	const struct country *co;
	const struct person *fi, *la;
	const char	*carrier;
	uint32_t	 nlines, nship, qty[3], price[3], i, cents;
	int64_t		 created, updated, shipped;
	enum status	 st;

	for (i = 0; i < NELEM(platforms); i++)
		pw[i] = platforms[i].weight;
	for (i = 0; i < NELEM(countries); i++)
		cw[i] = countries[i].weight;
	rng_seed(&r, SEED ^ 0x0dde5 ^ ((uint64_t)u << 20));
	pf = &platforms[pick_weighted(&r, pw, NELEM(platforms))];
	co = &countries[pick_weighted(&r, cw, NELEM(countries))];
	st = (enum status)pick_weighted(&r, sw, NELEM(sw));
	fi = &firsts[rng_below(&r, NELEM(firsts))];
	la = &lasts[rng_below(&r, NELEM(lasts))];
	created = EPOCH2025 + (int64_t)u * 29 + rng_below(&r, 600);
	updated = created + 60 + rng_below(&r, 3 * 86400);
	if (changed) {
		updated += 3600 + rng_below(&r, 2 * 86400);
		if (st == ST_DRAFT || st == ST_ON_HOLD)
			st = ST_OPEN;
		else if (st == ST_OPEN || st == ST_PARTIAL)
			st = ST_COMPLETED;
	}

	b->len = 0;
	buf_addc(b, '{');
	json_kv(b, "source", pf->source, 1);
	json_kv(b, "shop", pf->shop, 0);

	/* id and number in the platform's own shape, unique by u */
	s.len = 0;
	if (strcmp(pf->source, "shopify") == 0)
		buf_addu(&s, 5600000000000ULL + (uint64_t)u * 7, 0);
	else if (strcmp(pf->source, "shopware6") == 0)
		for (i = 0; i < 32; i++)
			buf_addc(&s, "0123456789abcdef"[rng_below(&r, 16)]);
	else
		buf_addu(&s, 100000 + (uint64_t)u, 0);
	json_kbuf(b, "id", &s, 0);
	s.len = 0;
	if (strcmp(pf->source, "shopify") == 0) {
		buf_addc(&s, '#');
		buf_addu(&s, 1001 + (uint64_t)u, 0);
	} else if (strcmp(pf->source, "magento2") == 0)
		buf_addu(&s, 1 + (uint64_t)u, 9);
	else if (strcmp(pf->source, "bol") == 0)
		buf_addu(&s, 1040000000 + (uint64_t)u * 3, 0);
	else if (strcmp(pf->source, "picqer") == 0) {
		buf_adds(&s, "O2025-");
		buf_addu(&s, u, 7);
	} else
		buf_addu(&s, 100000 + (uint64_t)u, 0);
	json_kbuf(b, "number", &s, 0);
	s.len = 0;
	if (strcmp(pf->source, "picqer") == 0) {
		buf_addc(&s, '#');
		buf_addu(&s, 1000 + rng_below(&r, 2000000), 0);
	} else if (strcmp(pf->source, "bol") == 0)
		buf_addu(&s, 1040000000 + (uint64_t)u * 3, 0);
	json_kbuf(b, "reference", &s, 0);

	json_kv(b, "status", statusword[st], 0);
	json_kv(b, "platform_status", pf->pstatus[st], 0);
	json_time(b, "created_at", created);
	json_time(b, "updated_at", updated);

	s.len = 0;
	buf_adds(&s, fi->ascii);
	buf_addc(&s, '.');
	buf_adds(&s, la->ascii);
	if (rng_below(&r, 3) == 0)
		buf_addu(&s, rng_below(&r, 100), 0);
	buf_addc(&s, '@');
	buf_adds(&s, domains[rng_below(&r, NELEM(domains))]);
	json_kbuf(b, "email", &s, 0);
	s.len = 0;
	buf_adds(&s, fi->name);
	if (rng_pm(&r, 20)) {
		buf_adds(&s, " \"");
		buf_adds(&s, nicks[rng_below(&r, NELEM(nicks))]);
		buf_addc(&s, '"');
	}
	buf_addc(&s, ' ');
	buf_adds(&s, la->name);
	json_kbuf(b, "name", &s, 0);
	json_kv(b, "country", co->code, 0);

	i = rng_below(&r, 100);			/* 80 % one line, 5 % three */
	nlines = 1 + (i >= 80) + (i >= 95);
	cents = rng_below(&r, 2) ? 495 : 0;	/* shipping */
	for (i = 0; i < nlines; i++) {
		qty[i] = rng_pm(&r, 750) ? 1 : 2 + rng_below(&r, 3);
		price[i] = make_price(&r) / 2;
		price[i] = price[i] / 100 * 100 + 95;
		cents += qty[i] * price[i];
	}
	s.len = 0;
	buf_addmoney(&s, cents);
	json_kbuf(b, "total", &s, 0);
	json_kv(b, "currency", co->currency, 0);

	json_key(b, "lines", 0);
	buf_addc(b, '[');
	for (i = 0; i < nlines; i++) {
		if (i > 0)
			buf_addc(b, ',');
		buf_addc(b, '{');
		choose(&r, &ch);
		make_name(&r, &ch, &nm);
		s.len = 0;
		buf_grow(&s, SKULEN);
		(void)make_sku(&r, &ch, 1 + rng_below(&r, 1000000), s.s);
		s.len = strlen(s.s);
		json_kbuf(b, "sku", &s, 1);
		json_kbuf(b, "name", &nm, 0);
		json_key(b, "qty", 0);
		buf_addu(b, qty[i], 0);
		json_key(b, "qty_shipped", 0);
		buf_addu(b, st == ST_COMPLETED || (st == ST_PARTIAL &&
		    i == 0) ? qty[i] : 0, 0);
		buf_addc(b, '}');
	}
	buf_addc(b, ']');

	json_key(b, "shipments", 0);
	buf_addc(b, '[');
	nship = 0;
	if (st == ST_COMPLETED || st == ST_PARTIAL)
		nship = 1 + (nlines > 1 && rng_pm(&r, 150));
	shipped = created + (updated - created) / 2;
	for (i = 0; i < nship; i++) {
		if (i > 0)
			buf_addc(b, ',');
		carrier = carriers[rng_below(&r, NELEM(carriers))];
		buf_addc(b, '{');
		json_kv(b, "carrier", carrier, 1);
		make_tracking(&r, carrier, &s);
		json_kbuf(b, "tracking", &s, 0);
		json_time(b, "shipped_at", shipped + i * 3600);
		buf_addc(b, '}');
	}
	buf_adds(b, "]}\n");
	free(s.s);
	free(nm.s);
}

/*
 * Of n lines, 5 % repeat an earlier order byte for byte (an overlapping
 * export) and 1 % repeat one with a later status; the rest are distinct
 * orders.  A repeat comes after its original, up to 50000 orders later.
 */
static int
gen_orders(size_t n, const char *dir)
{
	struct rng	 r;
	struct buf	 b = { NULL, 0, 0 };
	uint32_t	*src, *at, *start, *order;
	unsigned char	*chg;
	size_t		 nrep, nsame, nuniq, i, k, lines, bytes;
	FILE		*fp;
	char		*path;

	nsame = share(n, 5, 100);
	nrep = nsame + share(n, 1, 100);
	if (n == 0 || nrep >= n || n > UINT32_MAX / 2) {
		fputs("gen: N out of range\n", stderr);
		return EXIT_TROUBLE;
	}
	nuniq = n - nrep;

	/* pick the repeats and bucket them by the order they follow */
	rng_seed(&r, SEED ^ 0x0dde5);
	src = xreallocarray(NULL, nrep, sizeof(*src));
	at = xreallocarray(NULL, nrep, sizeof(*at));
	chg = xreallocarray(NULL, nrep, 1);
	start = xreallocarray(NULL, nuniq + 1, sizeof(*start));
	order = xreallocarray(NULL, nrep, sizeof(*order));
	memset(start, 0, (nuniq + 1) * sizeof(*start));
	for (k = 0; k < nrep; k++) {
		src[k] = rng_below(&r, (uint32_t)nuniq);
		at[k] = src[k] + rng_below(&r, 50000);
		if (at[k] >= nuniq)
			at[k] = (uint32_t)nuniq - 1;
		chg[k] = k >= nsame;
		start[at[k] + 1]++;
	}
	for (i = 0; i < nuniq; i++)
		start[i + 1] += start[i];
	for (k = 0; k < nrep; k++)
		order[start[at[k]]++] = (uint32_t)k;
	for (i = nuniq; i > 0; i--)		/* undo the increments */
		start[i] = start[i - 1];
	start[0] = 0;

	fp = xfopen(dir, "orders.jsonl", &path);
	lines = bytes = 0;
	for (i = 0; i < nuniq; i++) {
		gen_order((uint32_t)i, 0, &b);
		fwrite(b.s, 1, b.len, fp);
		lines++;
		bytes += b.len;
		for (k = start[i]; k < start[i + 1]; k++) {
			gen_order(src[order[k]], chg[order[k]], &b);
			fwrite(b.s, 1, b.len, fp);
			lines++;
			bytes += b.len;
		}
	}
	xfclose(fp, path);

	fp = xfopen(dir, "orders.expect", &path);
	fprintf(fp,
	    "# bench/gen orders %zu: the right answer of order-dedupe\n"
	    "# (key source,shop,number; the first occurrence is kept)\n"
	    "lines=%zu\n"
	    "unique=%zu\n"
	    "repeated_same=%zu\n"
	    "repeated_changed=%zu\n"
	    "bytes=%zu\n",
	    n, lines, nuniq, nsame, nrep - nsame, bytes);
	xfclose(fp, path);

	free(b.s);
	free(src);
	free(at);
	free(chg);
	free(start);
	free(order);
	return EXIT_OK;
}

/* A count such as 1000, 100k or 1M. */
static int
parse_count(const char *s, size_t *n)
{
	unsigned long long v;
	char		*end;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || end == s || s[0] == '-')
		return -1;
	if (*end == 'k' || *end == 'K') {
		v *= 1000;
		end++;
	} else if (*end == 'M') {
		v *= 1000000;
		end++;
	}
	if (*end != '\0' || v > UINT32_MAX / 2)
		return -1;
	*n = (size_t)v;
	return 0;
}

static _Noreturn void
usage(void)
{
	fputs("usage: gen catalog [--sorted] N DIR\n"
	    "       gen orders N DIR\n", stderr);
	exit(EXIT_TROUBLE);
}

int
main(int argc, char *argv[])
{
	size_t	 n;
	int	 sorted;

	if (argc < 2)
		usage();
	sorted = 0;
	if (strcmp(argv[1], "catalog") == 0) {
		argv++;
		argc--;
		if (argc > 1 && strcmp(argv[1], "--sorted") == 0) {
			sorted = 1;
			argv++;
			argc--;
		}
		if (argc != 3 || parse_count(argv[1], &n) == -1)
			usage();
		return gen_catalog(n, argv[2], sorted);
	}
	if (strcmp(argv[1], "orders") == 0) {
		if (argc != 4 || parse_count(argv[2], &n) == -1)
			usage();
		return gen_orders(n, argv[3]);
	}
	usage();
	/* NOTREACHED */
	return EXIT_TROUBLE;
}
