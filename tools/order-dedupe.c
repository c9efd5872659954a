/*
 * order-dedupe: pass each order once; or only those missing from another
 * export; or only those not reported by an earlier run.
 *
 * --keep first streams: an order passes the first time its key is seen.
 * --keep last and most-advanced read the input twice (standard input and
 * other inputs that cannot be read twice are copied to a temporary file):
 * the first pass picks the winner of each key, the second writes winners
 * in input order and the others to --dups.
 * --sorted does the same with memory for one key, not one per order.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "htab.h"
#include "key.h"
#include "msg.h"
#include "opts.h"
#include "rd.h"
#include "util.h"
#include "wr.h"

enum {
	OPT_AGAINST = OPT_TOOL,
	OPT_AGAINSTKEY,
	OPT_DUPS,
	OPT_KEEP,
	OPT_MATCHING,
	OPT_SORTED,
	OPT_STATE,
	OPT_SUMMARY
};

static const struct option longopts[] = {	/* sorted by long name */
	{ "against",		required_argument,	NULL,	OPT_AGAINST },
	{ "against-key", required_argument,	NULL,	OPT_AGAINSTKEY },
	{ "dups",		required_argument,	NULL,	OPT_DUPS },
	{ "fingerprint",	no_argument,		NULL,	'f' },
	{ "keep",		required_argument,	NULL,	OPT_KEEP },
	{ "key",		required_argument,	NULL,	'k' },
	{ "matching",		required_argument,	NULL,	OPT_MATCHING },
	{ "sorted",		no_argument,		NULL,	OPT_SORTED },
	{ "state",		required_argument,	NULL,	OPT_STATE },
	{ "summary",		optional_argument,	NULL,	OPT_SUMMARY },
	OPTS_LONG,
	{ NULL,			0,			NULL,	0 }
};

enum keep { KEEP_FIRST, KEEP_LAST, KEEP_ADVANCED };

/* The normalised statuses in the order an order moves through them. */
static const char *const statuses[] = {
	"draft", "open", "on_hold", "partially_shipped", "completed",
	"cancelled"
};
static const int status_rank[] = { 0, 1, 2, 3, 4, 4 };

static const char *const fpnames[] = {	/* the fingerprint's parts */
	"email", "total", "items"
};

/* How a record's key is made: -k fields, or the fingerprint. */
struct keyspec {
	char		**names;	/* fields, or fpnames */
	size_t		 n;		/* how many */
	int		*id;		/* rd_want ids */
	int		 fp;		/* --fingerprint */
	int		 linesid;	/* JSONL: the lines member */
	int		 statusid;	/* for most-advanced, or -1 */
};

struct counts {
	unsigned long	 read;		/* orders read */
	unsigned long	 passed;	/* written to standard output */
	unsigned long	 dups;		/* duplicates within the input */
	unsigned long	 known;		/* found in --against */
	unsigned long	 seen;		/* found in --state */
};

static struct opts	 o;		/* shared options */
static struct keyspec	 ks;		/* the key of the input */
static enum keep	 keep = KEEP_FIRST;	/* --keep */
static int		 sortflag;	/* --sorted */
static int		 summary;	/* 1 text, 2 json */
static const char	*dupspath;	/* --dups */
static const char	*againstpath;	/* --against or --matching */
static int		 matching;	/* it is --matching: pass those in */
static const char	*againstkey;	/* --against-key */
static const char	*statepath;	/* --state */
static struct counts	 cnt;		/* what happened */
static unsigned long	 agrejected;	/* set aside from --against */
static struct htab	 against;	/* keys of --against (hash mode) */
static struct htab	 state;		/* keys of --state, and new ones */
static size_t		 nstate0;	/* keys the state file held */
static char		**spools;	/* copies of inputs read twice */
static size_t		 nspools;	/* how many */
static char		*dupstmp;	/* --dups, until renamed */
static char		*statetmp;	/* --state, until renamed */
static const char	**files;	/* input names, for provenance */
static size_t		 nfiles;	/* how many */

static struct rd_opts	 ro2;		/* a second reading of the input */

static void	 help(void) __attribute__((noreturn));
static void	 usage(void) __attribute__((noreturn));

/*
 * Whatever way the run ends, no temporary file stays behind: a --dups file
 * not renamed into place is half written.
 */
static void
cleanup(void)
{
	size_t	 i;

	if (dupstmp != NULL)
		(void)unlink(dupstmp);
	if (statetmp != NULL)
		(void)unlink(statetmp);
	for (i = 0; i < nspools; i++)
		(void)unlink(spools[i]);
}

/* Killed: remove the temporary files (unlink is safe here), then die. */
static void
on_signal(int sig)
{
	cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

/*
 * A new temporary file: in dir (NULL: $TMPDIR or /tmp) named after base,
 * with the permissions the umask gives any new file rather than mkstemp's
 * 0600, since --dups and --state files are renamed into place.  Returns
 * the descriptor and sets *path (the caller frees it).
 */
static int
temp_file(const char *dir, const char *base, char **path)
{
	struct buf p;
	mode_t	 um;
	int	 fd;

	memset(&p, 0, sizeof(p));
	if (dir == NULL && ((dir = getenv("TMPDIR")) == NULL || *dir == '\0'))
		dir = "/tmp";
	if (*dir != '\0') {
		buf_adds(&p, dir);
		buf_addc(&p, '/');
	}
	buf_adds(&p, base);
	buf_adds(&p, ".XXXXXX");
	*path = xstrdup(p.s);
	buf_free(&p);
	if ((fd = mkstemp(*path)) == -1) {
		msg_err("%s: %s", *path, strerror(errno));
		free(*path);
		*path = NULL;
		exit(EXIT_TROUBLE);
	}
	um = umask(0);
	umask(um);
	(void)fchmod(fd, 0666 & ~um);
	return fd;
}

static void
die_rd(struct reader *rd)
{
	msg_err("%s", rd_error(rd));
	exit(EXIT_TROUBLE);
}

/* Split a comma-separated list of field names. */
static void
parse_fields(const char *spec, struct keyspec *k)
{
	char	*dup, *tok, *save;

	while (k->n > 0)
		free(k->names[--k->n]);
	dup = xstrdup(spec);
	for (tok = strtok_r(dup, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		k->names = xreallocarray(k->names, k->n + 1,
		    sizeof(*k->names));
		k->names[k->n++] = xstrdup(tok);
	}
	free(dup);
	if (k->n == 0) {
		msg_err("-k needs at least one field");
		usage();
	}
}

/* The key's fields as people wrote them: "source,shop,number". */
static const char *
key_names(const struct keyspec *k)
{
	static struct buf b;
	size_t	 i;

	b.len = 0;
	for (i = 0; i < k->n; i++) {
		if (i > 0)
			buf_addc(&b, ',');
		buf_adds(&b, k->names[i]);
	}
	return buf_str(&b);
}

/* The number of fields parse_fields finds in spec. */
static int
count_fields(const char *spec)
{
	int	 n;

	for (n = 0; *spec != '\0'; ) {
		spec += strspn(spec, ",");
		if (*spec == '\0')
			break;
		n++;
		spec += strcspn(spec, ",");
	}
	return n;
}

/* Ask rd for the fields key k is made of. */
static void
want_key(struct reader *rd, struct keyspec *k)
{
	size_t	 i;

	k->id = xreallocarray(k->id, k->n, sizeof(*k->id));
	k->linesid = -1;
	k->statusid = -1;
	if (k->fp) {
		k->id[0] = rd_want(rd, "email", 1);
		k->id[1] = rd_want(rd, "total", 1);
		/* CSV orders list their items in one column. */
		k->id[2] = rd_want(rd, "items", rd_format(rd) == FMT_CSV);
		k->linesid = rd_want(rd, "lines", 0);
		return;
	}
	for (i = 0; i < k->n; i++)
		k->id[i] = rd_want(rd, k->names[i], 1);
}

struct item {
	char		*sku;		/* normalised SKU */
	long long	 qty;		/* quantity */
};

static int
item_cmp(const void *x, const void *y)
{
	const struct item *a = x, *b = y;

	return strcmp(a->sku, b->sku);
}

/* Add qty of sku to the multiset; an item met twice adds up. */
static void
add_item(struct item **it, size_t *n, const char *sku, size_t len,
    long long qty)
{
	struct buf nb;
	size_t	 i;

	memset(&nb, 0, sizeof(nb));
	(void)key_norm(sku, len, &nb);
	for (i = 0; i < *n; i++)
		if (strcmp((*it)[i].sku, buf_str(&nb)) == 0) {
			(*it)[i].qty += qty;
			buf_free(&nb);
			return;
		}
	*it = xreallocarray(*it, *n + 1, sizeof(**it));
	(*it)[*n].sku = xstrdup(buf_str(&nb));
	(*it)[*n].qty = qty;
	(*n)++;
	buf_free(&nb);
}

/* Parse a whole decimal quantity.  0, or -1 when it is not one. */
static int
parse_qty(const char *s, size_t n, long long *q)
{
	char	 tmp[32], *end;

	while (n > 0 && *s == ' ') {
		s++;
		n--;
	}
	while (n > 0 && s[n - 1] == ' ')
		n--;
	if (n == 0 || n >= sizeof(tmp))
		return -1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	errno = 0;
	*q = strtoll(tmp, &end, 10);
	return *end != '\0' || errno != 0 ? -1 : 0;
}

/*
 * The multiset of SKU x quantity of an order, as canonical text in b:
 * "SKU x QTY; ..." sorted by normalised SKU.  From the JSONL lines array,
 * or from a CSV items column in that same form.  0, or -1 with why.
 */
static int
items_text(struct record *r, struct buf *b, const char **why)
{
	const struct field *f;
	struct item *it;
	size_t	 nit, i, len;
	const char *p, *e, *semi, *x;
	long long q;
	json_t	*arr, *el, *sku, *qty;
	json_error_t jerr;
	int	 rc;
	char	 num[32];

	it = NULL;
	nit = 0;
	rc = 0;
	b->len = 0;
	if (r->fmt == FMT_JSONL && (f = rec_get(r, ks.linesid)) != NULL &&
	    f->kind == FLD_JSON) {
		arr = json_loadb(f->s, f->len, 0, &jerr);
		if (!json_is_array(arr)) {
			*why = "lines is not an array";
			json_decref(arr);
			return -1;
		}
		json_array_foreach(arr, i, el) {
			sku = json_object_get(el, "sku");
			qty = json_object_get(el, "qty");
			if (!json_is_string(sku) || (!json_is_integer(qty) &&
			    !json_is_string(qty))) {
				*why = "a line without a sku string and a "
				    "whole qty";
				rc = -1;
				break;
			}
			if (json_is_integer(qty))
				q = json_integer_value(qty);
			else if (parse_qty(json_string_value(qty),
			    json_string_length(qty), &q) == -1) {
				*why = "a line whose qty is not a whole number";
				rc = -1;
				break;
			}
			add_item(&it, &nit, json_string_value(sku),
			    json_string_length(sku), q);
		}
		json_decref(arr);
	} else if ((f = rec_get(r, ks.id[2])) != NULL && f->len > 0) {
		/* "SKU x QTY; SKU x QTY" */
		for (p = f->s, e = f->s + f->len; p < e && rc == 0;
		    p = semi + 1) {
			if ((semi = memchr(p, ';', (size_t)(e - p))) == NULL)
				semi = e;
			for (x = semi; x > p && !(x[-1] == 'x' &&
			    x - 1 > p && x[-2] == ' '); x--)
				;
			if (x == p || parse_qty(x, (size_t)(semi - x),
			    &q) == -1) {
				*why = "items is not of the form 'SKU x QTY; "
				    "...'";
				rc = -1;
				break;
			}
			len = (size_t)(x - 2 - p);
			add_item(&it, &nit, p, len, q);
		}
	}
	if (rc == 0) {
		if (nit > 1)
			qsort(it, nit, sizeof(*it), item_cmp);
		for (i = 0; i < nit; i++) {
			if (i > 0)
				buf_adds(b, "; ");
			buf_adds(b, it[i].sku);
			snprintf(num, sizeof(num), " x %lld", it[i].qty);
			buf_adds(b, num);
		}
	}
	for (i = 0; i < nit; i++)
		free(it[i].sku);
	free(it);
	return rc;
}

/*
 * Make the key of r into b with spec k.  0, or -1 with why (the record is
 * then malformed for this run).
 */
static int
make_key(struct record *r, struct keyspec *k, struct buf *b,
    const char **why)
{
	static struct buf nb;
	const struct field *f;
	size_t	 i, nonempty;

	b->len = 0;
	if (k->fp) {
		f = rec_get(r, k->id[0]);
		(void)key_norm(f ? f->s : "", f ? f->len : 0, &nb);
		key_add(b, nb.s, nb.len);
		f = rec_get(r, k->id[1]);
		(void)key_amount(f ? f->s : "", f ? f->len : 0, &nb);
		key_add(b, nb.s, nb.len);
		if (items_text(r, &nb, why) == -1)
			return -1;
		key_add(b, nb.s, nb.len);
		if (b->len == 3) {	/* three empty components */
			*why = "nothing to fingerprint: no e-mail, total or "
			    "items";
			return -1;
		}
		return 0;
	}
	nonempty = 0;
	for (i = 0; i < k->n; i++) {
		if ((f = rec_get(r, k->id[i])) == NULL) {
			*why = "a key field is missing";
			return -1;
		}
		if (f->kind == FLD_NULL)
			key_add(b, "", 0);
		else
			key_add(b, f->s, f->len);
		nonempty += f->len > 0;
	}
	if (nonempty == 0) {
		*why = "every key field is empty";
		return -1;
	}
	return 0;
}

/* The rank of r's status for most-advanced, or -1 when unknown. */
static int
rank_of(struct record *r)
{
	const struct field *f;
	size_t	 i;

	if ((f = rec_get(r, ks.statusid)) == NULL)
		return -1;
	for (i = 0; i < NELEM(statuses); i++)
		if (strlen(statuses[i]) == f->len &&
		    memcmp(statuses[i], f->s, f->len) == 0)
			return status_rank[i];
	return -1;
}

/* The number of input file name f, for provenance in 64 bits. */
static uint64_t
file_no(const char *f)
{
	size_t	 i;

	for (i = 0; i < nfiles; i++)
		if (strcmp(files[i], f) == 0)
			return i;
	files = xreallocarray(files, nfiles + 1, sizeof(*files));
	files[nfiles] = xstrdup(f);
	return nfiles++;
}

/* Provenance packs the file number and the line into one value. */
#define PROV(file, line)	(((uint64_t)(file) << 40) | (uint64_t)(line))
#define PROV_FILE(p)		((size_t)((p) >> 40))
#define PROV_LINE(p)		((unsigned long)((p) & ((1ULL << 40) - 1)))

/* --- state and against ------------------------------------------------- */

/* Read a key file (--against, --state) into ht with key spec k. */
static void
load_keys(const char *path, struct keyspec *k, struct htab *ht)
{
	struct reader *rd;
	struct record *r;
	struct buf b;
	const char *why;
	int	 isnew;

	memset(&b, 0, sizeof(b));
	rd = rd_open(&o.ro, 1, (char *const *)&path);
	if (rd_failed(rd))
		die_rd(rd);
	want_key(rd, k);
	while ((r = rd_next(rd)) != NULL) {
		if (make_key(r, k, &b, &why) == -1) {
			if (rd_reject(rd, r, why) == -1)
				die_rd(rd);
			continue;
		}
		(void)ht_lookup(ht, b.s, b.len, 1, &isnew);
	}
	if (rd_failed(rd))
		die_rd(rd);
	agrejected += rd_rejected(rd);
	rd_close(rd);
	buf_free(&b);
}

/* The state file holds one column per key component, as CSV. */
static struct keyspec statespec;

static void
load_state(void)
{
	struct reader *rd;
	struct record *r;
	struct buf b;
	const struct field *f;
	size_t	 i;
	int	 isnew;
	struct rd_opts ro;

	ht_init(&state, 0);
	statespec = ks;
	if (access(statepath, F_OK) == -1 && errno == ENOENT)
		return;			/* the first run */
	memset(&b, 0, sizeof(b));
	rd_opts_init(&ro);
	ro.ifmt = FMT_CSV;
	ro.delim = ',';
	rd = rd_open(&ro, 1, (char *const *)&statepath);
	if (rd_failed(rd))
		die_rd(rd);
	statespec.id = xreallocarray(NULL, ks.n, sizeof(int));
	for (i = 0; i < ks.n; i++)
		statespec.id[i] = rd_want(rd, ks.names[i], 1);
	while ((r = rd_next(rd)) != NULL) {
		b.len = 0;
		for (i = 0; i < ks.n; i++) {
			f = rec_get(r, statespec.id[i]);
			key_add(&b, f->s, f->len);
		}
		(void)ht_lookup(&state, b.s, b.len, 1, &isnew);
	}
	if (rd_failed(rd)) {
		msg_err("%s (is it a state file written with the same key?)",
		    rd_error(rd));
		exit(EXIT_TROUBLE);
	}
	rd_close(rd);
	free(statespec.id);
	buf_free(&b);
	nstate0 = state.n;
}

/* Write path atomically: a temporary file beside it, fsync, rename. */
static int
save_state(void)
{
	struct writer *w;
	struct field *f;
	const char *p, *s;
	size_t	 i, j, n, len;
	int	 fd, rc;
	FILE	*fp;

	fd = temp_file("", statepath, &statetmp);
	if ((fp = fdopen(fd, "w")) == NULL) {
		msg_err("%s: %s", statetmp, strerror(errno));
		return -1;
	}
	w = wr_open(fp, FMT_CSV, 0);
	wr_header(w, (const char *const *)ks.names, ks.n);
	f = xcalloc(ks.n, sizeof(*f));
	for (i = 0; i < state.n; i++) {
		p = state.ent[i]->key;
		n = state.ent[i]->len;
		for (j = 0; j < ks.n && key_next(&p, &n, &s, &len) == 0; j++) {
			f[j].s = s;
			f[j].len = len;
			f[j].kind = FLD_TEXT;
		}
		(void)wr_row(w, f, ks.n);
	}
	free(f);
	/* On disk before it replaces the old state, or not at all. */
	rc = 0;
	if (fflush(fp) == EOF || fsync(fd) == -1)
		rc = -1;
	if (wr_close(w) == -1 || rc == -1 || rename(statetmp, statepath) ==
	    -1) {
		msg_err("%s: %s", statepath, strerror(errno));
		return -1;		/* cleanup removes statetmp */
	}
	free(statetmp);
	statetmp = NULL;
	return 0;
}

/* --- the passes -------------------------------------------------------- */

/* Per key in hash mode: the winner and where it stands. */
struct win {
	uint64_t	 ord;		/* record number of the winner */
	uint64_t	 prov;		/* its file and line */
	int		 rank;		/* its status rank */
};

struct run {
	struct reader	*rd;		/* the input */
	struct writer	*out;		/* standard output */
	struct writer	*dups;		/* --dups, or NULL */
	struct reader	*ag;		/* --against, merged (--sorted) */
	struct keyspec	 agspec;	/* its key */
	struct buf	 agkey;		/* its current key */
	int		 agdone;	/* --against is exhausted */
	FILE		*winners;	/* --sorted two-pass: group winners */
};

/*
 * --sorted --against: advance the against file to key and say whether it
 * holds it.  Its order is checked as the input's is.
 */
static int
against_sorted(struct run *ru, const char *key, size_t len)
{
	struct record *r;
	struct buf b;
	const char *why;
	int	 c;

	memset(&b, 0, sizeof(b));
	while (!ru->agdone) {
		if (ru->agkey.s != NULL) {
			c = key_cmpkeys(ru->agkey.s, ru->agkey.len, key, len);
			if (c >= 0) {
				buf_free(&b);
				return c == 0;
			}
		}
		if ((r = rd_next(ru->ag)) == NULL) {
			if (rd_failed(ru->ag))
				die_rd(ru->ag);
			ru->agdone = 1;
			break;
		}
		if (make_key(r, &ru->agspec, &b, &why) == -1) {
			if (rd_reject(ru->ag, r, why) == -1)
				die_rd(ru->ag);
			continue;
		}
		if (ru->agkey.s != NULL &&
		    key_cmpkeys(b.s, b.len, ru->agkey.s, ru->agkey.len) < 0) {
			msg_err("%s:%lu: not sorted by %s: this key sorts "
			    "before the one on an earlier line", r->file,
			    r->line, key_names(&ru->agspec));
			exit(EXIT_TROUBLE);
		}
		ru->agkey.len = 0;
		buf_add(&ru->agkey, b.s, b.len);
	}
	buf_free(&b);
	return 0;
}

/*
 * Whether an order with key may pass: not in --against (or in
 * --matching), not in --state.
 */
static int
fresh(struct run *ru, const char *key, size_t len)
{
	int	 isnew, in;

	if (againstpath != NULL) {
		in = sortflag ? against_sorted(ru, key, len) :
		    ht_lookup(&against, key, len, 0, &isnew) != NULL;
		if (in != matching) {
			cnt.known++;
			return 0;
		}
	}
	if (statepath != NULL) {
		if (ht_lookup(&state, key, len, 0, &isnew) != NULL &&
		    ht_index(&state, ht_lookup(&state, key, len, 0,
		    &isnew)) < nstate0) {
			cnt.seen++;
			return 0;
		}
		(void)ht_lookup(&state, key, len, 1, &isnew);
	}
	return 1;
}

static void
write_pass(struct run *ru, struct record *r)
{
	if (wr_record(ru->out, r, NULL, NULL) == -1) {
		msg_err("%s", wr_error(ru->out));
		exit(EXIT_TROUBLE);
	}
	cnt.passed++;
}

/* Write r to --dups with the provenance of the order it duplicates. */
static void
write_dup(struct run *ru, struct record *r, uint64_t prov)
{
	char	 at[1024];
	struct field f;

	cnt.dups++;
	if (ru->dups == NULL)
		return;
	snprintf(at, sizeof(at), "%s:%lu", files[PROV_FILE(prov)],
	    PROV_LINE(prov));
	f.s = at;
	f.len = strlen(at);
	f.kind = FLD_TEXT;
	if (wr_record(ru->dups, r, "dup_of", &f) == -1) {
		msg_err("%s", wr_error(ru->dups));
		exit(EXIT_TROUBLE);
	}
}

/* The next record with a key; malformed ones are set aside or fatal. */
static struct record *
next_order(struct reader *rd, struct buf *key, int *rank)
{
	struct record *r;
	const char *why;

	while ((r = rd_next(rd)) != NULL) {
		msg_progress(rd_name(rd), rd_count(rd));
		if (make_key(r, &ks, key, &why) == -1) {
			if (rd_reject(rd, r, why) == -1)
				die_rd(rd);
			continue;
		}
		*rank = 0;
		if (keep == KEEP_ADVANCED && (*rank = rank_of(r)) == -1) {
			if (rd_reject(rd, r, "no status, or not one of draft, "
			    "open, on_hold, partially_shipped, completed, "
			    "cancelled") == -1)
				die_rd(rd);
			continue;
		}
		return r;
	}
	if (rd_failed(rd))
		die_rd(rd);
	return NULL;
}

/* Whether a record of rank rk beats the current winner of rank wk. */
static int
beats(int rk, int wk)
{
	return keep == KEEP_LAST || (keep == KEEP_ADVANCED && rk > wk);
}

/* Hash mode, --keep first: one pass. */
static void
hash_first(struct run *ru)
{
	struct htab seen;
	struct ht_entry *e;
	struct record *r;
	struct buf key;
	int	 isnew, rank;

	memset(&key, 0, sizeof(key));
	ht_init(&seen, 0);
	while ((r = next_order(ru->rd, &key, &rank)) != NULL) {
		cnt.read++;
		e = ht_lookup(&seen, key.s, key.len, 1, &isnew);
		if (!isnew) {
			write_dup(ru, r, e->val);
			continue;
		}
		e->val = PROV(file_no(r->file), r->line);
		if (fresh(ru, key.s, key.len))
			write_pass(ru, r);
	}
	ht_free(&seen);
	buf_free(&key);
}

/* Hash mode, --keep last or most-advanced: pick winners, then write. */
static void
hash_two_pass(struct run *ru, int npaths, char *const *paths)
{
	struct htab seen;
	struct ht_entry *e;
	struct record *r;
	struct buf key;
	struct win *w;
	size_t	 nw, capw;
	uint64_t ord, nread;
	int	 isnew, rank;

	memset(&key, 0, sizeof(key));
	ht_init(&seen, 0);
	w = NULL;
	nw = capw = 0;
	for (ord = 0; (r = next_order(ru->rd, &key, &rank)) != NULL; ord++) {
		e = ht_lookup(&seen, key.s, key.len, 1, &isnew);
		if (isnew) {
			if (nw == capw) {
				capw = capw ? capw * 2 : 4096;
				w = xreallocarray(w, capw, sizeof(*w));
			}
			e->val = nw++;
		} else if (!beats(rank, w[e->val].rank))
			continue;
		w[e->val].ord = ord;
		w[e->val].prov = PROV(file_no(r->file), r->line);
		w[e->val].rank = rank;
	}
	nread = ord;
	rd_close(ru->rd);

	/* Second pass: the same records in the same order. */
	ru->rd = rd_open(&ro2, npaths, paths);
	want_key(ru->rd, &ks);
	if (keep == KEEP_ADVANCED)
		ks.statusid = rd_want(ru->rd, "status", 0);
	for (ord = 0; (r = next_order(ru->rd, &key, &rank)) != NULL; ord++) {
		cnt.read++;
		e = ht_lookup(&seen, key.s, key.len, 0, &isnew);
		if (e == NULL || ord >= nread) {
			msg_err("%s:%lu: the input changed between its two "
			    "readings", r->file, r->line);
			exit(EXIT_TROUBLE);
		}
		if (w[e->val].ord != ord)
			write_dup(ru, r, w[e->val].prov);
		else if (fresh(ru, key.s, key.len))
			write_pass(ru, r);
	}
	if (ord != nread) {
		msg_err("%s: the input changed between its two readings",
		    rd_name(ru->rd));
		exit(EXIT_TROUBLE);
	}
	free(w);
	ht_free(&seen);
	buf_free(&key);
}

/*
 * --sorted: groups of equal keys follow each other.  For --keep first the
 * first of a group passes.  Otherwise a first pass writes each group's
 * winner (index in the group and provenance) to a temporary file that the
 * second pass reads in step.
 */
static void
sorted_run(struct run *ru, int npaths, char *const *paths)
{
	struct record *r;
	struct buf key, prev;
	uint64_t gi, prov, wprov;
	uint64_t rec[2];
	int	 rank, wrank, pass, have, c;
	unsigned long prevline;
	const char *prevfile;
	uint64_t widx;

	memset(&key, 0, sizeof(key));
	memset(&prev, 0, sizeof(prev));
	pass = keep == KEEP_FIRST ? 1 : 0;
	for (; pass < 2; pass++) {
		if (pass == 1 && keep != KEEP_FIRST) {
			rd_close(ru->rd);
			ru->rd = rd_open(&ro2, npaths, paths);
			want_key(ru->rd, &ks);
			if (keep == KEEP_ADVANCED)
				ks.statusid = rd_want(ru->rd, "status", 0);
			rewind(ru->winners);
		}
		have = 0;
		gi = widx = 0;
		wrank = -1;
		wprov = prov = 0;
		prevline = 0;
		prevfile = NULL;
		for (;;) {
			r = next_order(ru->rd, &key, &rank);
			c = r == NULL ? 1 : have ? key_cmpkeys(key.s, key.len,
			    prev.s, prev.len) : 1;
			if (r != NULL && c < 0) {
				msg_err("%s:%lu: not sorted by %s: this key "
				    "sorts before the one on line %lu (sort "
				    "by these fields in byte order, or leave "
				    "out --sorted)", r->file, r->line,
				    key_names(&ks), prevline);
				exit(EXIT_TROUBLE);
			}
			if (c > 0 && have && pass == 0) {
				/* The group ended: note its winner. */
				rec[0] = widx;
				rec[1] = wprov;
				if (fwrite(rec, sizeof(rec), 1,
				    ru->winners) != 1) {
					msg_err("temporary file: %s",
					    strerror(errno));
					exit(EXIT_TROUBLE);
				}
			}
			if (r == NULL)
				break;
			prov = PROV(file_no(r->file), r->line);
			if (c > 0) {
				/* A new group. */
				prev.len = 0;
				buf_add(&prev, key.s, key.len);
				have = 1;
				gi = 0;
				if (pass == 1 && keep != KEEP_FIRST &&
				    fread(rec, sizeof(rec), 1,
				    ru->winners) != 1) {
					msg_err("%s:%lu: the input changed "
					    "between its two readings", r->file,
					    r->line);
					exit(EXIT_TROUBLE);
				}
				if (pass == 1 && keep != KEEP_FIRST) {
					widx = rec[0];
					wprov = rec[1];
				} else {
					widx = 0;
					wprov = prov;
					wrank = rank;
				}
			} else
				gi++;
			prevline = r->line;
			prevfile = r->file;
			if (pass == 0) {
				if (gi > 0 && beats(rank, wrank)) {
					widx = gi;
					wprov = prov;
					wrank = rank;
				}
				continue;
			}
			cnt.read++;
			if (gi != widx)
				write_dup(ru, r, wprov);
			else if (fresh(ru, key.s, key.len))
				write_pass(ru, r);
		}
	}
	/* Groups the first reading saw and the second did not. */
	if (keep != KEEP_FIRST &&
	    fread(rec, sizeof(rec), 1, ru->winners) == 1) {
		msg_err("%s: the input changed between its two readings",
		    rd_name(ru->rd));
		exit(EXIT_TROUBLE);
	}
	(void)prevfile;
	buf_free(&key);
	buf_free(&prev);
}

/*
 * Copy an input that cannot be read twice (standard input, a pipe, a
 * FIFO) to a temporary file, and return that file's name.
 */
static char *
spool(const char *path, const char *shown)
{
	char	*tmp, buf[65536];
	ssize_t	 n;
	int	 fd, in;

	if (strcmp(path, "-") == 0)
		in = STDIN_FILENO;
	else if ((in = open(path, O_RDONLY)) == -1) {
		msg_err("%s: %s", shown, strerror(errno));
		exit(EXIT_TROUBLE);
	}
	fd = temp_file(NULL, "order-dedupe", &tmp);
	spools = xreallocarray(spools, nspools + 1, sizeof(*spools));
	spools[nspools++] = tmp;
	while ((n = read(in, buf, sizeof(buf))) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 || write(fd, buf, (size_t)n) != n) {
			msg_err("copying %s to %s: %s", shown, tmp,
			    strerror(errno));
			exit(EXIT_TROUBLE);
		}
	}
	if (in != STDIN_FILENO)
		close(in);
	close(fd);
	return tmp;
}

static void
print_summary(unsigned long rejected)
{
	if (summary == 2) {
		fprintf(stderr, "{\"read\":%lu,\"passed\":%lu,"
		    "\"duplicates\":%lu,\"known\":%lu,\"seen\":%lu,"
		    "\"rejected\":%lu}\n", cnt.read, cnt.passed, cnt.dups,
		    cnt.known, cnt.seen, rejected);
		return;
	}
	fprintf(stderr, "%s: %lu read, %lu passed, %lu duplicates, %lu known, "
	    "%lu seen, %lu rejected\n", msg_prog(), cnt.read, cnt.passed,
	    cnt.dups, cnt.known, cnt.seen, rejected);
}

/*
 * Open --dups.  A regular file (or a new one) is written under a temporary
 * name beside it and renamed when all went well, so a failed run leaves
 * nothing half written; through a symbolic link, the file it names is
 * replaced, not the link.  A terminal or a pipe is written as it is.
 * Standard output itself is refused: two streams cannot share it.
 */
static struct writer *
open_dups(enum rec_format fmt)
{
	struct stat st, out;
	char	*real;
	int	 fd;
	FILE	*fp;

	if (stat(dupspath, &st) == 0 && fstat(STDOUT_FILENO, &out) == 0 &&
	    st.st_dev == out.st_dev && st.st_ino == out.st_ino) {
		msg_err("--dups %s: that is standard output; the duplicates "
		    "would be mixed into the orders", dupspath);
		exit(EXIT_TROUBLE);
	}
	if (stat(dupspath, &st) == 0 && !S_ISREG(st.st_mode)) {
		if ((fp = fopen(dupspath, "a")) == NULL) {
			msg_err("%s: %s", dupspath, strerror(errno));
			exit(EXIT_TROUBLE);
		}
		return wr_open(fp, fmt, o.excel);
	}
	if ((real = realpath(dupspath, NULL)) != NULL)
		dupspath = real;	/* through a link: its target */
	fd = temp_file("", dupspath, &dupstmp);
	if ((fp = fdopen(fd, "w")) == NULL) {
		msg_err("%s: %s", dupspath, strerror(errno));
		exit(EXIT_TROUBLE);
	}
	return wr_open(fp, fmt, o.excel);
}

int
main(int argc, char *argv[])
{
	struct run ru;
	char	*stdinpath[1], **shown, **copies;
	struct stat st;
	int	 stdin_done;
	char *const *paths;
	int	 ch, c, i, fd, npaths, status;
	char	*tmp;

	shown = copies = NULL;
	stdin_done = 0;
	unsigned long rejected;

	msg_init("order-dedupe");
	opts_init(&o);
	parse_fields("source,shop,number", &ks);
	while ((ch = getopt_long(argc, argv, "fk:" OPTS_SHORT, longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'f':
			ks.fp = 1;
			break;
		case 'h':
			help();
			/* NOTREACHED */
		case 'k':
			parse_fields(optarg, &ks);
			break;
		case OPT_AGAINST:
		case OPT_MATCHING:
			if (againstpath != NULL && (ch == OPT_MATCHING) !=
			    matching) {
				msg_err("--against and --matching: one or the "
				    "other");
				usage();
			}
			againstpath = optarg;
			matching = ch == OPT_MATCHING;
			break;
		case OPT_AGAINSTKEY:
			againstkey = optarg;
			break;
		case OPT_DUPS:
			dupspath = optarg;
			break;
		case OPT_KEEP:
			if (strcmp(optarg, "first") == 0)
				keep = KEEP_FIRST;
			else if (strcmp(optarg, "last") == 0)
				keep = KEEP_LAST;
			else if (strcmp(optarg, "most-advanced") == 0)
				keep = KEEP_ADVANCED;
			else {
				msg_err("--keep takes first, last or "
				    "most-advanced, not '%s'", optarg);
				usage();
			}
			break;
		case OPT_SORTED:
			sortflag = 1;
			break;
		case OPT_STATE:
			statepath = optarg;
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
		printf("order-dedupe (shopswitch) %s\n", VERSION);
		return EXIT_OK;
	}
	if (ks.fp) {
		while (ks.n > 0)
			free(ks.names[--ks.n]);
		free(ks.names);
		ks.names = (char **)fpnames;
		ks.n = NELEM(fpnames);
	}
	if (sortflag && ks.fp) {
		msg_err("--sorted needs input sorted by a key; a fingerprint "
		    "is not one");
		usage();
	}
	if (againstkey != NULL && againstpath == NULL) {
		msg_err("--against-key goes with --against or --matching");
		usage();
	}
	if (againstkey != NULL && ks.fp) {
		msg_err("--against-key does not go with --fingerprint: both "
		    "files are fingerprinted alike");
		usage();
	}
	if (againstkey != NULL && !ks.fp &&
	    (c = count_fields(againstkey)) != (int)ks.n) {
		msg_err("--against-key names %d field%s, the key %zu", c,
		    c == 1 ? "" : "s", ks.n);
		return EXIT_TROUBLE;
	}
	if (opts_done(&o) == -1) {
		msg_err("%s", o.err);
		return EXIT_TROUBLE;
	}
	ro2 = o.ro;
	ro2.reread = 1;

	atexit(cleanup);
	signal(SIGHUP, on_signal);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	npaths = argc;
	paths = argv;
	if (argc == 0) {
		stdinpath[0] = "-";
		paths = stdinpath;
		npaths = 1;
	}
	/*
	 * Two passes read every input twice: keep a copy of each one that
	 * cannot be read again, and name it as the original in messages.
	 */
	if (keep != KEEP_FIRST) {
		shown = xcalloc((size_t)npaths, sizeof(*shown));
		copies = xcalloc((size_t)npaths, sizeof(*copies));
		for (i = 0; i < npaths; i++) {
			shown[i] = strcmp(paths[i], "-") == 0 ? "<stdin>" :
			    paths[i];
			copies[i] = paths[i];
			if (strcmp(paths[i], "-") == 0 ||
			    (stat(paths[i], &st) == 0 &&
			    !S_ISREG(st.st_mode))) {
				/* A second '-' has nothing left to read. */
				if (strcmp(paths[i], "-") == 0 && stdin_done)
					copies[i] = "/dev/null";
				else
					copies[i] = spool(paths[i], shown[i]);
				stdin_done |= strcmp(paths[i], "-") == 0;
			}
		}
		paths = copies;
		o.ro.shown = shown;
		ro2.shown = shown;
	}

	memset(&ru, 0, sizeof(ru));
	if (againstpath != NULL) {
		/* The key of --against: its own fields, or the input's. */
		ru.agspec = ks;
		ru.agspec.names = NULL;
		ru.agspec.n = 0;
		ru.agspec.id = NULL;
		if (againstkey != NULL)
			parse_fields(againstkey, &ru.agspec);
	}
	ru.rd = rd_open(&o.ro, npaths, paths);
	if (rd_failed(ru.rd))
		die_rd(ru.rd);
	want_key(ru.rd, &ks);
	if (keep == KEEP_ADVANCED)
		ks.statusid = rd_want(ru.rd, "status", 0);
	if (rd_ready(ru.rd) == -1)
		die_rd(ru.rd);

	if (againstpath != NULL) {
		if (againstkey == NULL) {
			ru.agspec.names = ks.names;	/* shared, not freed */
			ru.agspec.n = ks.n;
		}
		if (sortflag) {
			ru.ag = rd_open(&o.ro, 1, (char *const *)&againstpath);
			if (rd_failed(ru.ag))
				die_rd(ru.ag);
			want_key(ru.ag, &ru.agspec);
		} else {
			ht_init(&against, 0);
			load_keys(againstpath, &ru.agspec, &against);
		}
	}
	if (statepath != NULL)
		load_state();

	if (o.ofmt == FMT_NONE)
		o.ofmt = rd_format(ru.rd);
	ru.out = wr_open(stdout, o.ofmt, o.excel);
	if (dupspath != NULL)
		ru.dups = open_dups(o.ofmt);
	if (sortflag && keep != KEEP_FIRST) {
		/* Like tmpfile(3), but in $TMPDIR. */
		fd = temp_file(NULL, "order-dedupe", &tmp);
		(void)unlink(tmp);
		free(tmp);
		if ((ru.winners = fdopen(fd, "w+")) == NULL) {
			msg_err("temporary file: %s", strerror(errno));
			return EXIT_TROUBLE;
		}
	}

	if (sortflag)
		sorted_run(&ru, npaths, paths);
	else if (keep == KEEP_FIRST)
		hash_first(&ru);
	else
		hash_two_pass(&ru, npaths, paths);

	msg_progress_end();
	status = EXIT_OK;
	rejected = rd_rejected(ru.rd) + agrejected +
	    (ru.ag != NULL ? rd_rejected(ru.ag) : 0);
	if (rejected > 0) {
		msg_warn("%lu record%s set aside in %s", rejected,
		    rejected == 1 ? "" : "s", o.rejects);
		status = EXIT_DIFFER;
	}
	if (summary)
		print_summary(rejected);
	if (wr_close(ru.out) == -1) {
		msg_err("write error: %s", strerror(errno));
		status = EXIT_TROUBLE;
	}
	if (ru.dups != NULL) {
		if (wr_close(ru.dups) == -1 || (status != EXIT_TROUBLE &&
		    dupstmp != NULL && rename(dupstmp, dupspath) == -1)) {
			msg_err("%s: %s", dupspath, strerror(errno));
			status = EXIT_TROUBLE;
		}
		if (status != EXIT_TROUBLE) {
			free(dupstmp);
			dupstmp = NULL;	/* in place: cleanup leaves it */
		}
	}
	if (opts_close(&o) == -1) {
		msg_err("%s", o.err);
		status = EXIT_TROUBLE;
	}
	/* Only once the output is complete does the state move on. */
	if (statepath != NULL && status != EXIT_TROUBLE && save_state() == -1)
		status = EXIT_TROUBLE;
	rd_close(ru.rd);
	if (ru.ag != NULL)
		rd_close(ru.ag);
	if (ru.winners != NULL)
		fclose(ru.winners);
	buf_free(&ru.agkey);
	free(ru.agspec.id);
	free(shown);
	free(copies);
	if (againstkey != NULL) {
		while (ru.agspec.n > 0)
			free(ru.agspec.names[--ru.agspec.n]);
		free(ru.agspec.names);
	}
	return status;
}

static void
help(void)
{
	printf("usage: order-dedupe [options] [file ...]\n"
	    "Pass each order once; exit 0, 1 when records were set aside, "
	    "2 trouble.\n\n"
	    "      --against FILE     pass only orders whose key is not in "
	    "FILE\n"
	    "      --against-key F    the key fields of FILE (default: as -k)\n"
	    "      --dups FILE        write the duplicates there, with dup_of\n"
	    "  -f, --fingerprint      key: e-mail, total and SKU x qty, "
	    "normalised\n"
	    "      --keep WHICH       first, last or most-advanced (status)\n"
	    "  -k, --key FIELDS       key fields (default: "
	    "source,shop,number)\n"
	    "      --matching FILE    pass only orders whose key is in FILE\n"
	    "      --sorted           input sorted by the key: constant "
	    "memory\n"
	    "      --state FILE       skip orders passed by earlier runs; "
	    "remember these\n"
	    "      --summary[=json]   counts on standard error\n"
	    OPTS_HELP);
	exit(EXIT_OK);
}

static void
usage(void)
{
	fprintf(stderr, "usage: order-dedupe [-fqv] [-d delim] [-i fmt] "
	    "[-k fields] [-o fmt] [--against file]\n"
	    "                    [--against-key fields] [--dups file] "
	    "[--encoding charset] [--excel]\n"
	    "                    [--keep first|last|most-advanced] "
	    "[--matching file]\n"
	    "                    [--rejects file] [--sorted] [--state file] "
	    "[--summary[=json]]\n"
	    "                    [file ...]\n");
	exit(EXIT_TROUBLE);
}
