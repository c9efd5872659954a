/*
 * sku-diff: compare two catalogs by SKU, diff(1)-style exit status.
 *
 * Hash mode holds the smaller catalog and streams the other; --sorted
 * merges two key-sorted inputs holding only the SKUs that have no partner.
 * Both end in the same place: the unpaired SKUs are paired where they are
 * near matches or spreadsheet-mangled, and what is left is removed or
 * added.  Output order is fixed: first duplicate and changed rows in SKU
 * order, then the unpaired findings in SKU order, then empty keys.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "htab.h"
#include "key.h"
#include "msg.h"
#include "opts.h"
#include "rd.h"
#include "util.h"
#include "wr.h"

enum {
	OPT_NEWKEY = OPT_TOOL,
	OPT_OLDKEY,
	OPT_SORTED,
	OPT_SUMMARY
};

static const struct option longopts[] = {	/* sorted by long name */
	{ "compare",		required_argument,	NULL,	'c' },
	{ "key",		required_argument,	NULL,	'k' },
	{ "long",		no_argument,		NULL,	'l' },
	{ "new-key",		required_argument,	NULL,	OPT_NEWKEY },
	{ "old-key",		required_argument,	NULL,	OPT_OLDKEY },
	{ "sorted",		no_argument,		NULL,	OPT_SORTED },
	{ "summary",		optional_argument,	NULL,	OPT_SUMMARY },
	OPTS_LONG,
	{ NULL,			0,			NULL,	0 }
};

enum change {				/* in output order within one SKU */
	CH_DUPLICATE,
	CH_CHANGED,
	CH_NEAR,
	CH_MANGLED,
	CH_REMOVED,
	CH_ADDED,
	CH_EMPTY,
	CH_MAX
};

static const char *const chname[CH_MAX] = {
	"duplicate", "changed", "near_match", "mangled", "removed", "added",
	"empty_key"
};

enum { OLD, NEW };

#define BATCH	32		/* hash mode: records looked up together */

static const char *const sidename[2] = { "old", "new" };

struct val {
	const char	*s;		/* value, in the arena */
	size_t		 len;		/* its length */
};

struct item {				/* one SKU of one side */
	const char	*key;		/* the SKU as written */
	size_t		 klen;		/* its length */
	struct val	*v;		/* compared values, first occurrence */
	unsigned long	 n;		/* occurrences */
	int		 used;		/* paired in the end phase */
};

struct row {				/* hash mode: one SKU, both sides */
	struct item	 it[2];		/* per side; it[s].n == 0 if absent */
	int		 changed;	/* first occurrences differ */
};

struct side {
	const char	*path;		/* as named on the command line */
	const char	*keycol;	/* the key column */
	struct reader	*rd;		/* its records */
	int		 keyid;		/* rd_want id of the key */
	int		*cmpid;		/* rd_want ids of compared columns */
	unsigned long	 empty;		/* records without a key */
	unsigned long	 rows;		/* records read */
	struct item	*un;		/* unpaired SKUs */
	size_t		 nun;		/* how many */
	size_t		 uncap;		/* allocated */
};

static struct opts	 o;		/* shared options */
static struct side	 sd[2];		/* OLD and NEW */
static char		**cmpold;	/* compared columns, OLD names */
static char		**cmpnew;	/* compared columns, NEW names */
static char		**cmplabel;	/* as given: "price" or "a=b" */
static size_t		 ncmp;		/* how many */
static int		 lflag;		/* --long */
static int		 sortflag;	/* --sorted */
static int		 summary;	/* 1 text, 2 json */
static struct arena	 arena;		/* held keys and values */
static struct writer	*wr;		/* output */
static unsigned long	 count[CH_MAX];	/* findings per change */
static int		 trouble;	/* a write failed */

static void	 help(void) __attribute__((noreturn));
static void	 usage(void) __attribute__((noreturn));

/* Split "a,b=c" into the compared columns. */
static void
parse_compare(const char *spec)
{
	char	*dup, *tok, *eq, *save;

	dup = xstrdup(spec);
	for (tok = strtok_r(dup, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		cmpold = xreallocarray(cmpold, ncmp + 1, sizeof(*cmpold));
		cmpnew = xreallocarray(cmpnew, ncmp + 1, sizeof(*cmpnew));
		cmplabel = xreallocarray(cmplabel, ncmp + 1,
		    sizeof(*cmplabel));
		cmplabel[ncmp] = xstrdup(tok);
		if ((eq = strchr(tok, '=')) != NULL) {
			*eq = '\0';
			cmpnew[ncmp] = xstrdup(eq + 1);
		} else
			cmpnew[ncmp] = xstrdup(tok);
		cmpold[ncmp] = xstrdup(tok);
		ncmp++;
	}
	free(dup);
}

/* Copy ncmp compared values into the arena. */
static struct val *
copy_values(const struct val *src)
{
	struct val *v;
	size_t	 i;

	if (ncmp == 0)
		return NULL;
	v = arena_alloc(&arena, ncmp * sizeof(*v));
	for (i = 0; i < ncmp; i++) {
		v[i].s = arena_strndup(&arena, src[i].s, src[i].len);
		v[i].len = src[i].len;
	}
	return v;
}

/* Whether compared column i differs between a and b. */
static int
differs(const struct val *a, const struct val *b, size_t i)
{
	return a[i].len != b[i].len || memcmp(a[i].s, b[i].s, a[i].len) != 0;
}

/* The next record with a key, counting those without.  NULL at the end. */
static struct record *
next_keyed(struct side *s, const struct field **key)
{
	struct record *r;

	while ((r = rd_next(s->rd)) != NULL) {
		msg_progress(rd_name(s->rd), ++s->rows);
		*key = rec_get(r, s->keyid);
		if (*key != NULL && (*key)->len > 0)
			return r;
		s->empty++;
	}
	if (rd_failed(s->rd)) {
		msg_err("%s", rd_error(s->rd));
		exit(EXIT_TROUBLE);
	}
	return NULL;
}

static void
add_unpaired(struct side *s, const struct item *it)
{
	if (s->nun == s->uncap) {
		s->uncap = s->uncap ? s->uncap * 2 : 256;
		s->un = xreallocarray(s->un, s->uncap, sizeof(*s->un));
	}
	s->un[s->nun] = *it;
	s->un[s->nun].used = 0;
	s->nun++;
}

/* Write one finding in the wide form or the long form. */
static void
emit(enum change ch, const struct item *a, const struct item *b, int side,
    unsigned long n)
{
	struct field *f;
	char	 num[32];
	struct buf fl;
	size_t	 i, k, nf;

	count[ch]++;
	if (wr_sheet(wr, chname[ch], NULL, 0) == -1)	/* -o xlsx */
		trouble = 1;
	memset(&fl, 0, sizeof(fl));
	snprintf(num, sizeof(num), "%lu", n);
	nf = lflag ? 5 : 6 + 2 * ncmp;
	f = xcalloc(nf, sizeof(*f));
	for (i = 0; i < nf; i++) {
		f[i].s = "";
		f[i].kind = FLD_TEXT;
	}
#define SET(i, str, l)	do { f[i].s = (str); f[i].len = (l); } while (0)
	SET(0, chname[ch], strlen(chname[ch]));
	if (a != NULL)
		SET(1, a->key, a->klen);
	else if (b != NULL && ch != CH_NEAR && ch != CH_MANGLED)
		SET(1, b->key, b->klen);

	if (lflag) {
		switch (ch) {
		case CH_CHANGED:
			for (i = 0; i < ncmp; i++) {
				if (!differs(a->v, b->v, i))
					continue;
				SET(2, cmplabel[i], strlen(cmplabel[i]));
				SET(3, a->v[i].s, a->v[i].len);
				SET(4, b->v[i].s, b->v[i].len);
				if (wr_row(wr, f, nf) == -1)
					trouble = 1;
			}
			goto out;
		case CH_MANGLED:
			if (n > 1) {
				/* Several candidates: how many, and where. */
				if (a == NULL)
					SET(1, b->key, b->klen);
				SET(2, "candidates", 10);
				SET(side == OLD ? 3 : 4, num, strlen(num));
				break;
			}
			/* FALLTHROUGH */
		case CH_NEAR:
			SET(2, "sku", 3);
			if (a != NULL)
				SET(3, a->key, a->klen);
			if (b != NULL)
				SET(4, b->key, b->klen);
			break;
		case CH_DUPLICATE:
		case CH_EMPTY:
			SET(2, "count", 5);
			SET(side == OLD ? 3 : 4, num, strlen(num));
			break;
		default:
			break;
		}
		if (wr_row(wr, f, nf) == -1)
			trouble = 1;
		goto out;
	}

	if ((ch == CH_NEAR || ch == CH_MANGLED) && b != NULL)
		SET(2, b->key, b->klen);
	if (side >= 0)
		SET(3, sidename[side], 3);
	/* In JSON Lines a count is a number, or null when there is none. */
	if (ch == CH_DUPLICATE || ch == CH_EMPTY ||
	    (ch == CH_MANGLED && n > 1)) {
		SET(4, num, strlen(num));
		f[4].kind = o.ofmt == FMT_JSONL ? FLD_JSON : FLD_TEXT;
	} else if (o.ofmt == FMT_JSONL)
		f[4].kind = FLD_NULL;
	if (a != NULL && b != NULL && a->v != NULL && b->v != NULL) {
		for (i = 0; i < ncmp; i++) {
			if (!differs(a->v, b->v, i))
				continue;
			if (fl.len > 0)
				buf_addc(&fl, ';');
			buf_adds(&fl, cmplabel[i]);
		}
		if (fl.len > 0)
			SET(5, fl.s, fl.len);
	}
	for (i = 0, k = 6; i < ncmp; i++, k += 2) {
		if (a != NULL && a->v != NULL)
			SET(k, a->v[i].s, a->v[i].len);
		if (b != NULL && b->v != NULL)
			SET(k + 1, b->v[i].s, b->v[i].len);
	}
	if (wr_row(wr, f, nf) == -1)
		trouble = 1;
out:
#undef SET
	free(f);
	buf_free(&fl);
}

/* Write the rows of one SKU present in the keyed section. */
static void
emit_keyed(const struct item *a, const struct item *b, int changed)
{
	if (a != NULL && a->n > 1)
		emit(CH_DUPLICATE, a, NULL, OLD, a->n);
	if (b != NULL && b->n > 1)
		emit(CH_DUPLICATE, NULL, b, NEW, b->n);
	if (changed)
		emit(CH_CHANGED, a, b, -1, 0);
}

static int
item_cmp(const void *x, const void *y)
{
	const struct item *a = x, *b = y;

	return key_cmp(a->key, a->klen, b->key, b->klen);
}

/* --- the end phase, shared by both modes -------------------------------- */

struct finding {
	enum change	 ch;		/* what */
	const struct item *a;		/* OLD item, or NULL */
	const struct item *b;		/* NEW item, or NULL */
	int		 side;		/* which side is damaged (mangled) */
	unsigned long	 n;		/* candidates (mangled) */
};

struct findings {
	struct finding	*f;		/* the list */
	size_t		 n;		/* in use */
	size_t		 cap;		/* allocated */
};

static void
add_finding(struct findings *fs, enum change ch, const struct item *a,
    const struct item *b, int side, unsigned long n)
{
	if (fs->n == fs->cap) {
		fs->cap = fs->cap ? fs->cap * 2 : 256;
		fs->f = xreallocarray(fs->f, fs->cap, sizeof(*fs->f));
	}
	fs->f[fs->n].ch = ch;
	fs->f[fs->n].a = a;
	fs->f[fs->n].b = b;
	fs->f[fs->n].side = side;
	fs->f[fs->n].n = n;
	fs->n++;
}

static const struct item *
finding_item(const struct finding *f)
{
	return f->a != NULL ? f->a : f->b;
}

static int
finding_cmp(const void *x, const void *y)
{
	const struct finding *a = x, *b = y;
	const struct item *ia, *ib;
	int	 c;

	ia = finding_item(a);
	ib = finding_item(b);
	if ((c = key_cmp(ia->key, ia->klen, ib->key, ib->klen)) != 0)
		return c;
	return (int)a->ch - (int)b->ch;
}

/* Pair unpaired SKUs that are equal once trimmed, NFC'd and case-folded. */
static void
pair_near(struct findings *fs)
{
	struct htab ht;
	struct ht_entry *e;
	struct buf nb;
	size_t	*next, i, j;
	int	 isnew;

	memset(&nb, 0, sizeof(nb));
	ht_init(&ht, 0);
	/* Chain the NEW items of each normalised key, in SKU order. */
	next = xreallocarray(NULL, sd[NEW].nun + 1, sizeof(*next));
	for (i = sd[NEW].nun; i-- > 0;) {
		(void)key_norm(sd[NEW].un[i].key, sd[NEW].un[i].klen, &nb);
		e = ht_lookup(&ht, nb.s, nb.len, 1, &isnew);
		next[i] = isnew ? SIZE_MAX : (size_t)e->val;
		e->val = i;
	}
	for (i = 0; i < sd[OLD].nun; i++) {
		(void)key_norm(sd[OLD].un[i].key, sd[OLD].un[i].klen, &nb);
		if ((e = ht_lookup(&ht, nb.s, nb.len, 0, &isnew)) == NULL)
			continue;
		for (j = (size_t)e->val; j != SIZE_MAX &&
		    sd[NEW].un[j].used; j = next[j])
			;
		if (j == SIZE_MAX)
			continue;
		sd[OLD].un[i].used = sd[NEW].un[j].used = 1;
		add_finding(fs, CH_NEAR, &sd[OLD].un[i], &sd[NEW].un[j], -1,
		    0);
	}
	free(next);
	buf_free(&nb);
	ht_free(&ht);
}

static int
all_digits(const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return n > 0;
}

/*
 * Read a SKU a spreadsheet wrote in scientific notation ("8.71235E+12")
 * into its significant digits (no dot) and the length of the number it
 * stood for.  Returns 0, or -1 when key is not of that form.
 */
static int
sci_parse(const char *s, size_t n, char *mant, size_t msz, size_t *ndig,
    size_t *len)
{
	size_t	 i, k;
	unsigned long e;

	k = 0;
	if (n < 4 || s[0] < '1' || s[0] > '9')
		return -1;
	mant[k++] = s[0];
	i = 1;
	if (s[i] == '.' || s[i] == ',') {
		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
			if (k + 1 >= msz)
				return -1;
			mant[k++] = s[i];
		}
	}
	if (i >= n || (s[i] != 'E' && s[i] != 'e'))
		return -1;
	i++;
	if (i < n && s[i] == '+')
		i++;
	if (i >= n || !all_digits(s + i, n - i) || n - i > 3)
		return -1;
	e = strtoul(s + i, NULL, 10);
	mant[k] = '\0';
	if (e + 1 < k)
		return -1;		/* not an integer: not an id */
	*ndig = k;
	*len = e + 1;
	return 0;
}

/*
 * Whether the digit string d (len digits) shows as mantissa m (k digits)
 * once rounded to k significant digits.
 */
static int
rounds_to(const char *d, size_t len, const char *m, size_t k)
{
	char	 up[32];
	size_t	 i;

	if (len < k)
		return 0;
	if (len == k || d[k] < '5')
		return memcmp(d, m, k) == 0;
	/* Rounds up: d's first k digits plus one must equal m. */
	memcpy(up, d, k);
	for (i = k; i-- > 0;) {
		if (up[i] != '9') {
			up[i]++;
			break;
		}
		up[i] = '0';
		if (i == 0)
			return 0;	/* 999.. rounds to a longer number */
	}
	return memcmp(up, m, k) == 0;
}

/*
 * Pair SKUs damaged by a spreadsheet: scientific notation on one side
 * where the other has the digits, and digit SKUs that lost leading zeros.
 */
static void
pair_mangled(struct findings *fs)
{
	char	 mant[32];
	size_t	 ndig, len, i, j, cand, ncand;
	int	 s, t;
	struct item *it, *c;
	struct htab ht;
	struct ht_entry *e;
	const char *z;
	size_t	 zl;
	int	 isnew;

	for (s = OLD; s <= NEW; s++) {
		t = !s;
		for (i = 0; i < sd[s].nun; i++) {
			it = &sd[s].un[i];
			if (it->used || sci_parse(it->key, it->klen, mant,
			    sizeof(mant), &ndig, &len) == -1)
				continue;
			ncand = 0;
			cand = 0;
			for (j = 0; j < sd[t].nun; j++) {
				c = &sd[t].un[j];
				if (c->used || c->klen != len ||
				    !all_digits(c->key, c->klen) ||
				    !rounds_to(c->key, c->klen, mant, ndig))
					continue;
				if (ncand++ == 0)
					cand = j;
			}
			if (ncand == 0)
				continue;
			it->used = 1;
			if (ncand == 1) {
				c = &sd[t].un[cand];
				c->used = 1;
				add_finding(fs, CH_MANGLED, s == OLD ? it : c,
				    s == OLD ? c : it, s, 1);
			} else
				add_finding(fs, CH_MANGLED,
				    s == OLD ? it : NULL,
				    s == OLD ? NULL : it, s, ncand);
		}
	}

	/* Lost leading zeros: digit SKUs equal once the zeros are gone. */
	ht_init(&ht, 0);
	for (i = 0; i < sd[NEW].nun; i++) {
		it = &sd[NEW].un[i];
		if (it->used || !all_digits(it->key, it->klen))
			continue;
		for (z = it->key, zl = it->klen; zl > 1 && *z == '0'; z++)
			zl--;
		e = ht_lookup(&ht, z, zl, 1, &isnew);
		if (isnew)
			e->val = i;	/* the first in SKU order */
	}
	for (i = 0; i < sd[OLD].nun; i++) {
		it = &sd[OLD].un[i];
		if (it->used || !all_digits(it->key, it->klen))
			continue;
		for (z = it->key, zl = it->klen; zl > 1 && *z == '0'; z++)
			zl--;
		if ((e = ht_lookup(&ht, z, zl, 0, &isnew)) == NULL)
			continue;
		c = &sd[NEW].un[e->val];
		if (c->used)
			continue;
		it->used = c->used = 1;
		add_finding(fs, CH_MANGLED, it, c,
		    c->klen < it->klen ? NEW : OLD, 1);
	}
	ht_free(&ht);
}

/* Pair what can be paired, report the rest, in SKU order. */
static void
finish(void)
{
	struct findings fs;
	struct finding *f;
	size_t	 i;
	int	 s;

	memset(&fs, 0, sizeof(fs));
	pair_near(&fs);
	pair_mangled(&fs);
	for (s = OLD; s <= NEW; s++)
		for (i = 0; i < sd[s].nun; i++)
			if (!sd[s].un[i].used)
				add_finding(&fs, s == OLD ? CH_REMOVED :
				    CH_ADDED, s == OLD ? &sd[s].un[i] : NULL,
				    s == OLD ? NULL : &sd[s].un[i], -1, 0);
	if (fs.n > 1)
		qsort(fs.f, fs.n, sizeof(*fs.f), finding_cmp);
	for (i = 0; i < fs.n; i++) {
		f = &fs.f[i];
		emit(f->ch, f->a, f->b, f->side, f->n);
	}
	free(fs.f);
	for (s = OLD; s <= NEW; s++)
		if (sd[s].empty > 0)
			emit(CH_EMPTY, NULL, NULL, s, sd[s].empty);
}

/* A SKU and its compared values in reusable buffers. */
struct slot {
	struct buf	 key;		/* the SKU */
	struct buf	 bytes;		/* the compared values, end to end */
	struct val	*v;		/* ncmp values pointing into bytes */
	unsigned long	 line;		/* where it was read */
};

/* Fill sl from record r with SKU k. */
static void
fill_slot(struct side *s, struct slot *sl, struct record *r,
    const struct field *k)
{
	const struct field *f;
	size_t	 i, off;

	sl->key.len = 0;
	buf_add(&sl->key, k->s, k->len);
	sl->bytes.len = 0;
	for (i = 0; i < ncmp; i++) {
		f = rec_get(r, s->cmpid[i]);
		sl->v[i].len = f != NULL ? f->len : 0;
		if (f != NULL)
			buf_add(&sl->bytes, f->s, f->len);
		buf_addc(&sl->bytes, '\0');
	}
	for (i = 0, off = 0; i < ncmp; i++) {
		sl->v[i].s = sl->bytes.s + off;
		off += sl->v[i].len + 1;
	}
	sl->line = r->line;
}

/* --- hash mode ------------------------------------------------------------ */

static int
row_cmp(const void *x, const void *y)
{
	const struct row *const *a = x, *const *b = y;
	const struct item *ia, *ib;

	ia = (*a)->it[OLD].n ? &(*a)->it[OLD] : &(*a)->it[NEW];
	ib = (*b)->it[OLD].n ? &(*b)->it[OLD] : &(*b)->it[NEW];
	return key_cmp(ia->key, ia->klen, ib->key, ib->klen);
}

/*
 * Hold side h in a hash table, stream the other side through it, then
 * report keyed findings in SKU order and hand the unpaired to finish().
 */
static void
hash_mode(int h)
{
	struct htab ht;
	struct ht_entry *e;
	struct record *r;
	const struct field *k;
	struct slot b[BATCH];
	uint64_t hv[BATCH];
	struct row *rw, **keyed;
	size_t	 nkeyed, i, j, n;
	int	 s, pass, isnew;

	memset(b, 0, sizeof(b));
	for (j = 0; j < BATCH; j++)
		b[j].v = xreallocarray(NULL, ncmp + 1, sizeof(*b[j].v));
	/* Each SKU's row travels with its hash entry: one miss, not two. */
	ht_init(&ht, sizeof(struct row));
	for (pass = 0; pass < 2; pass++) {
		s = pass == 0 ? h : !h;
		do {
			/*
			 * A batch: read it, hash it, prefetch its slots, then
			 * its entries, so that the misses overlap.
			 */
			for (n = 0; n < BATCH &&
			    (r = next_keyed(&sd[s], &k)) != NULL; n++)
				fill_slot(&sd[s], &b[n], r, k);
			for (j = 0; j < n; j++) {
				hv[j] = ht_hash(b[j].key.s, b[j].key.len,
				    ht.seed);
				ht_prefetch_slot(&ht, hv[j]);
			}
			for (j = 0; j < n; j++)
				ht_prefetch_entry(&ht, hv[j]);
			/* And the held values a paired record compares to. */
			for (j = 0; ncmp > 0 && pass == 1 && j < n; j++)
				if ((e = ht_peek(&ht, hv[j])) != NULL &&
				    (rw = ht_data(e))->it[h].v != NULL)
					__builtin_prefetch(rw->it[h].v);
			for (j = 0; j < n; j++) {
				e = ht_lookup_hashed(&ht, b[j].key.s,
				    b[j].key.len, hv[j], 1, &isnew);
				rw = ht_data(e);
				if (rw->it[s].n++ > 0)
					continue;	/* a duplicate */
				rw->it[s].key = e->key;
				rw->it[s].klen = e->len;
				if (isnew) {
					rw->it[s].v = copy_values(b[j].v);
					continue;
				}
				/*
				 * First of this SKU on the streamed side.  Its
				 * values are kept only when they differ; equal
				 * ones share the held side's copy.
				 */
				for (i = 0; i < ncmp; i++)
					if (differs(rw->it[!s].v, b[j].v, i))
						rw->changed = 1;
				rw->it[s].v = rw->changed ?
				    copy_values(b[j].v) : rw->it[!s].v;
			}
		} while (n == BATCH);
	}
	for (j = 0; j < BATCH; j++) {
		buf_free(&b[j].key);
		buf_free(&b[j].bytes);
		free(b[j].v);
	}

	keyed = xreallocarray(NULL, ht.n + 1, sizeof(*keyed));
	nkeyed = 0;
	for (i = 0; i < ht.n; i++) {
		rw = ht_data(ht.ent[i]);
		if (rw->it[OLD].n > 1 || rw->it[NEW].n > 1 || rw->changed)
			keyed[nkeyed++] = rw;
		if (rw->it[OLD].n == 0)
			add_unpaired(&sd[NEW], &rw->it[NEW]);
		else if (rw->it[NEW].n == 0)
			add_unpaired(&sd[OLD], &rw->it[OLD]);
	}
	qsort(keyed, nkeyed, sizeof(*keyed), row_cmp);
	for (i = 0; i < nkeyed; i++) {
		rw = keyed[i];
		emit_keyed(rw->it[OLD].n ? &rw->it[OLD] : NULL,
		    rw->it[NEW].n ? &rw->it[NEW] : NULL, rw->changed);
	}
	free(keyed);
	for (s = OLD; s <= NEW; s++)
		if (sd[s].nun > 1)
			qsort(sd[s].un, sd[s].nun, sizeof(*sd[s].un),
			    item_cmp);
	finish();
	ht_free(&ht);
}

/* --- sorted mode ---------------------------------------------------------- */

/*
 * Read the next group of equal SKUs of side s into *g, whose strings stay
 * in sl[0] until the next call.  sl[1] holds the record after the group.
 * Returns 0, or -1 at the end.  The first key out of order stops the run.
 */
static int
next_group(struct side *s, struct slot sl[2], int *havelook, struct item *g)
{
	struct record *r;
	const struct field *k;
	struct slot tmp;
	int	 c;

	if (!*havelook)
		return -1;
	tmp = sl[0];
	sl[0] = sl[1];
	sl[1] = tmp;
	g->key = sl[0].key.s;
	g->klen = sl[0].key.len;
	g->v = sl[0].v;
	g->n = 1;
	for (;;) {
		if ((r = next_keyed(s, &k)) == NULL) {
			*havelook = 0;
			return 0;
		}
		c = key_cmp(k->s, k->len, g->key, g->klen);
		if (c > 0)
			break;
		if (c < 0) {
			msg_err("%s:%lu: '%.*s' sorts before '%.*s' (line %lu):"
			    " the input is not sorted by %s in byte order "
			    "(sort it with LC_ALL=C sort, or leave out "
			    "--sorted)", r->file, r->line, (int)k->len, k->s,
			    (int)g->klen, g->key, sl[0].line, s->keycol);
			exit(EXIT_TROUBLE);
		}
		g->n++;
	}
	fill_slot(s, &sl[1], r, k);
	return 0;
}

/* Keep an unpaired group: its key and values move into the arena. */
static void
keep_unpaired(struct side *s, const struct item *g)
{
	struct item it;

	it = *g;
	it.key = arena_strndup(&arena, g->key, g->klen);
	it.v = copy_values(g->v);
	add_unpaired(s, &it);
}

/*
 * Merge two key-sorted inputs.  Memory holds the unpaired SKUs and two
 * records per side, whatever the size of the catalogs.
 */
static void
sorted_mode(void)
{
	struct slot sl[2][2];
	struct item g[2];
	const struct field *k;
	struct record *r;
	int	 have[2], look[2], c, s, i, changed;
	size_t	 j;

	memset(sl, 0, sizeof(sl));
	for (s = OLD; s <= NEW; s++) {
		for (i = 0; i < 2; i++)
			sl[s][i].v = xreallocarray(NULL, ncmp + 1,
			    sizeof(struct val));
		look[s] = (r = next_keyed(&sd[s], &k)) != NULL;
		if (look[s])
			fill_slot(&sd[s], &sl[s][1], r, k);
		have[s] = next_group(&sd[s], sl[s], &look[s], &g[s]) == 0;
	}
	while (have[OLD] || have[NEW]) {
		if (have[OLD] && have[NEW])
			c = key_cmp(g[OLD].key, g[OLD].klen, g[NEW].key,
			    g[NEW].klen);
		else
			c = have[OLD] ? -1 : 1;
		if (c == 0) {
			changed = 0;
			for (j = 0; j < ncmp; j++)
				if (differs(g[OLD].v, g[NEW].v, j))
					changed = 1;
			emit_keyed(&g[OLD], &g[NEW], changed);
			for (s = OLD; s <= NEW; s++)
				have[s] = next_group(&sd[s], sl[s], &look[s],
				    &g[s]) == 0;
			continue;
		}
		s = c < 0 ? OLD : NEW;
		emit_keyed(s == OLD ? &g[s] : NULL, s == NEW ? &g[s] : NULL,
		    0);
		keep_unpaired(&sd[s], &g[s]);
		have[s] = next_group(&sd[s], sl[s], &look[s], &g[s]) == 0;
	}
	finish();
	for (s = OLD; s <= NEW; s++)
		for (i = 0; i < 2; i++) {
			buf_free(&sl[s][i].key);
			buf_free(&sl[s][i].bytes);
			free(sl[s][i].v);
		}
}

/* Hold the side whose file is smaller; OLD when that cannot be told. */
static int
held_side(void)
{
	struct stat st[2];

	if (strcmp(sd[OLD].path, "-") == 0 || strcmp(sd[NEW].path, "-") == 0)
		return strcmp(sd[OLD].path, "-") == 0 ? OLD : NEW;
	if (stat(sd[OLD].path, &st[OLD]) == -1 ||
	    stat(sd[NEW].path, &st[NEW]) == -1 ||
	    !S_ISREG(st[OLD].st_mode) || !S_ISREG(st[NEW].st_mode))
		return OLD;
	return st[NEW].st_size < st[OLD].st_size ? NEW : OLD;
}

/* -o xlsx: the counts of --summary=json, on the first sheet. */
static void
sheet_summary(void)
{
	struct field f[2];
	char	 num[32];
	int	 c;

	if (wr_sheet(wr, "summary", NULL, 0) == -1)
		trouble = 1;
	f[0] = wr_text("old_rows");
	snprintf(num, sizeof(num), "%lu", sd[OLD].rows);
	f[1] = wr_text(num);
	if (wr_row(wr, f, 2) == -1)
		trouble = 1;
	f[0] = wr_text("new_rows");
	snprintf(num, sizeof(num), "%lu", sd[NEW].rows);
	f[1] = wr_text(num);
	if (wr_row(wr, f, 2) == -1)
		trouble = 1;
	for (c = 0; c < CH_MAX; c++) {
		f[0] = wr_text(chname[c]);
		snprintf(num, sizeof(num), "%lu", count[c]);
		f[1] = wr_text(num);
		if (wr_row(wr, f, 2) == -1)
			trouble = 1;
	}
	f[0] = wr_text("rejected");
	snprintf(num, sizeof(num), "%lu",
	    rd_rejected(sd[OLD].rd) + rd_rejected(sd[NEW].rd));
	f[1] = wr_text(num);
	if (wr_row(wr, f, 2) == -1)
		trouble = 1;
}

static void
print_summary(void)
{
	int	 c;

	if (summary == 2) {
		fprintf(stderr, "{\"old_rows\":%lu,\"new_rows\":%lu",
		    sd[OLD].rows, sd[NEW].rows);
		for (c = 0; c < CH_MAX; c++)
			fprintf(stderr, ",\"%s\":%lu", chname[c], count[c]);
		fprintf(stderr, ",\"rejected\":%lu}\n",
		    rd_rejected(sd[OLD].rd) + rd_rejected(sd[NEW].rd));
		return;
	}
	fprintf(stderr, "%s: %lu old rows, %lu new rows:", msg_prog(),
	    sd[OLD].rows, sd[NEW].rows);
	for (c = 0; c < CH_MAX; c++)
		fprintf(stderr, "%s %lu %s", c ? "," : "", count[c],
		    chname[c]);
	fprintf(stderr, ", %lu rejected\n",
	    rd_rejected(sd[OLD].rd) + rd_rejected(sd[NEW].rd));
}

int
main(int argc, char *argv[])
{
	static const char *const wide[] = {
		"change", "sku", "new_sku", "side", "count", "fields"
	};
	static const char *const narrow[] = {
		"change", "sku", "field", "old", "new"
	};
	static const char *const sumcols[] = {
		"what", "count"
	};
	const char **hdr;
	struct buf name;
	size_t	 i, n;
	int	 ch, s, status, c;
	unsigned long total;

	msg_init("sku-diff");
	opts_init(&o);
	sd[OLD].keycol = sd[NEW].keycol = "sku";
	while ((ch = getopt_long(argc, argv, "c:k:l" OPTS_SHORT, longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'c':
			parse_compare(optarg);
			break;
		case 'h':
			help();
			/* NOTREACHED */
		case 'k':
			sd[OLD].keycol = sd[NEW].keycol = optarg;
			break;
		case 'l':
			lflag = 1;
			break;
		case OPT_NEWKEY:
			sd[NEW].keycol = optarg;
			break;
		case OPT_OLDKEY:
			sd[OLD].keycol = optarg;
			break;
		case OPT_SORTED:
			sortflag = 1;
			break;
		case OPT_SUMMARY:
			if ((summary = opts_summary(&o, optarg)) == -1) {
				msg_err("%s", o.err);
				usage();
			}
			break;
		default:
			if (opts_common(&o, ch, optarg) == -1)
				usage();	/* opts_common said why */
		}
	}
	argc -= optind;
	argv += optind;
	if (o.version) {
		printf("sku-diff (shopswitch) %s\n", VERSION);
		return EXIT_OK;
	}
	if (argc != 2)
		usage();
	if (strcmp(argv[0], "-") == 0 && strcmp(argv[1], "-") == 0) {
		msg_err("OLD and NEW cannot both be standard input");
		usage();
	}
	if (opts_done(&o) == -1) {
		msg_err("%s", o.err);
		return EXIT_TROUBLE;
	}

	arena_init(&arena);
	for (s = OLD; s <= NEW; s++) {
		sd[s].path = argv[s];
		sd[s].rd = rd_open(&o.ro, 1, &argv[s]);
		if (rd_failed(sd[s].rd)) {
			msg_err("%s", rd_error(sd[s].rd));
			return EXIT_TROUBLE;
		}
		if (rd_empty(sd[s].rd)) {
			msg_err("%s: empty file: a catalog needs at least a "
			    "header line", rd_name(sd[s].rd));
			return EXIT_TROUBLE;
		}
		sd[s].keyid = rd_want(sd[s].rd, sd[s].keycol, 1);
		sd[s].cmpid = xreallocarray(NULL, ncmp + 1,
		    sizeof(*sd[s].cmpid));
		for (i = 0; i < ncmp; i++)
			sd[s].cmpid[i] = rd_want(sd[s].rd, s == OLD ?
			    cmpold[i] : cmpnew[i], 1);
		if (rd_ready(sd[s].rd) == -1) {
			msg_err("%s", rd_error(sd[s].rd));
			return EXIT_TROUBLE;
		}
	}

	if (o.ofmt == FMT_NONE)
		o.ofmt = rd_format(sd[OLD].rd);
	wr = wr_open(stdout, o.ofmt, o.excel);
	memset(&name, 0, sizeof(name));
	/* -o xlsx: the summary first, then a sheet per change. */
	if (wr_sheet(wr, "summary", sumcols, NELEM(sumcols)) == -1)
		trouble = 1;
	if (lflag)
		wr_header(wr, narrow, NELEM(narrow));
	else {
		n = NELEM(wide) + 2 * ncmp;
		hdr = xreallocarray(NULL, n, sizeof(*hdr));
		memcpy(hdr, wide, sizeof(wide));
		for (i = 0; i < ncmp; i++) {
			hdr[NELEM(wide) + 2 * i] = cmpold[i];
			hdr[NELEM(wide) + 2 * i + 1] = cmpnew[i];
		}
		/* old_<col>, new_<col>: build the names. */
		for (i = 0; i < ncmp; i++) {
			name.len = 0;
			buf_adds(&name, "old_");
			buf_adds(&name, cmpold[i]);
			hdr[NELEM(wide) + 2 * i] = xstrdup(name.s);
			name.len = 0;
			buf_adds(&name, "new_");
			buf_adds(&name, cmpnew[i]);
			hdr[NELEM(wide) + 2 * i + 1] = xstrdup(name.s);
		}
		wr_header(wr, hdr, n);
		for (i = NELEM(wide); i < n; i++)
			free((char *)hdr[i]);
		free(hdr);
	}
	buf_free(&name);
	if (o.ofmt == FMT_XLSX)
		for (c = 0; c < CH_MAX; c++)
			if (wr_sheet(wr, chname[c], NULL, 0) == -1)
				trouble = 1;

	if (sortflag)
		sorted_mode();
	else
		hash_mode(held_side());

	status = EXIT_OK;
	total = 0;
	for (c = 0; c < CH_MAX; c++)
		total += count[c];
	for (s = OLD; s <= NEW; s++)
		total += rd_rejected(sd[s].rd);
	if (total > 0)
		status = EXIT_DIFFER;
	msg_progress_end();
	if (summary)
		print_summary();
	if (o.ofmt == FMT_XLSX)
		sheet_summary();
	for (s = OLD; s <= NEW; s++)
		if (rd_rejected(sd[s].rd) > 0)
			msg_warn("%s: %lu record%s set aside in %s",
			    rd_name(sd[s].rd), rd_rejected(sd[s].rd),
			    rd_rejected(sd[s].rd) == 1 ? "" : "s", o.rejects);
	if (wr_close(wr) == -1 || trouble) {
		msg_err("write error: %s", strerror(errno));
		status = EXIT_TROUBLE;
	}
	if (opts_close(&o) == -1) {
		msg_err("%s", o.err);
		status = EXIT_TROUBLE;
	}
	for (s = OLD; s <= NEW; s++)
		rd_close(sd[s].rd);
	return status;
}

static void
help(void)
{
	printf("usage: sku-diff [options] OLD NEW\n"
	    "Compare two catalogs by SKU; exit 0 same, 1 different, "
	    "2 trouble.\n\n"
	    "  -c, --compare COLS     compare these columns too (a,b or "
	    "old=new)\n"
	    "  -k, --key COL          the SKU column of both (default: sku)\n"
	    "  -l, --long             one row per changed field\n"
	    "      --new-key COL      the SKU column of NEW\n"
	    "      --old-key COL      the SKU column of OLD\n"
	    "      --sorted           inputs are sorted by SKU: stream them\n"
	    "      --summary[=json]   counts per change on standard error\n"
	    OPTS_HELP);
	exit(EXIT_OK);
}

static void
usage(void)
{
	fprintf(stderr, "usage: sku-diff [-lqv] [-c cols] [-d delim] "
	    "[-i fmt] [-k col] [-o fmt] [--encoding charset]\n"
	    "                [--excel] [--new-key col] [--old-key col] "
	    "[--rejects file] [--sorted]\n"
	    "                [--summary[=json]] old new\n");
	exit(EXIT_TROUBLE);
}
