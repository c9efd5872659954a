/*
 * htab: a hash table from byte-string keys to 64-bit values, built to hold
 * millions of keys: each entry and its key bytes sit together in an arena
 * (one cache line for a short key, no malloc per key), and the open-
 * addressed index holds the hash beside the entry pointer, so a lookup
 * touches one slot and, on a hash match, one entry.
 *
 * ht_* functions borrow their arguments; the table owns the entries and
 * key copies.  Entry pointers and numbers (ht_index) stay valid for the
 * table's life; ent lists the entries in insertion order.
 */
#ifndef HTAB_H
#define HTAB_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

struct ht_entry {
	const char	*key;		/* copy of the key, NUL-terminated */
	uint64_t	 val;		/* the caller's value */
	uint32_t	 len;		/* length of key */
	uint32_t	 idx;		/* entry number, in insertion order */
};

struct ht_slot {
	struct ht_entry	*e;		/* the entry, or NULL when empty */
	uint64_t	 hash;		/* its full hash */
};

struct htab {
	struct ht_entry	**ent;		/* entries in insertion order */
	size_t		 n;		/* entries in use */
	size_t		 cap;		/* room in ent */
	struct ht_slot	*slot;		/* the open-addressed index */
	size_t		 mask;		/* slots - 1, a power of two less one */
	struct arena	 mem;		/* entries and key bytes */
	uint64_t	 seed;		/* hash seed */
	size_t		 dsize;		/* bytes of caller data per entry */
};

/*
 * An empty table.  dsize bytes of zeroed data go with each entry, between
 * it and its key (ht_data), so that what a caller keeps per key shares
 * the entry's cache line instead of costing one more miss elsewhere.
 */
void		 ht_init(struct htab *, size_t dsize);
void		*ht_data(const struct ht_entry *);

/*
 * Find key; when absent and insert is set, add it with val 0.  Returns the
 * entry, or NULL when absent and not inserted.  *isnew says which.
 */
struct ht_entry	*ht_lookup(struct htab *, const char *key, size_t len,
		    int insert, int *isnew);

/*
 * The same with the key's hash already computed (ht_hash with h->seed),
 * for callers that batch lookups: they hash a batch of keys, prefetch the
 * slots, then the entries, then look up, so that the cache misses of a
 * batch overlap instead of following one another.
 */
struct ht_entry	*ht_lookup_hashed(struct htab *, const char *key, size_t len,
		    uint64_t hash, int insert, int *isnew);
void		 ht_prefetch_slot(const struct htab *, uint64_t hash);
void		 ht_prefetch_entry(const struct htab *, uint64_t hash);

/* The entry whose slot is first for hash, if its hash matches; or NULL. */
struct ht_entry	*ht_peek(const struct htab *, uint64_t hash);

size_t		 ht_index(const struct htab *, const struct ht_entry *);
uint64_t	 ht_hash(const void *, size_t, uint64_t seed);
void		 ht_free(struct htab *);

#endif /* HTAB_H */
