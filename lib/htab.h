/*
 * htab: a hash table from byte-string keys to 64-bit values, built to hold
 * millions of keys: keys are copied into an arena (no malloc per key), the
 * entries sit in one array in insertion order, and the open-addressed index
 * holds 32-bit entry numbers.
 *
 * ht_* functions borrow their arguments; the table owns the key copies.
 * Pointers to entries are valid until the next insertion; entry numbers
 * (ht_index) stay valid for the table's life.
 */
#ifndef HTAB_H
#define HTAB_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

struct ht_entry {
	const char	*key;		/* copy of the key, NUL-terminated */
	uint32_t	 len;		/* length of key */
	uint32_t	 hash;		/* low bits of its hash */
	uint64_t	 val;		/* the caller's value */
};

struct htab {
	struct ht_entry	*ent;		/* entries in insertion order */
	size_t		 n;		/* entries in use */
	size_t		 cap;		/* entries allocated */
	uint32_t	*slot;		/* 0 empty, else entry number + 1 */
	size_t		 mask;		/* slots - 1, a power of two less one */
	struct arena	 keys;		/* key bytes */
	uint64_t	 seed;		/* hash seed */
};

void		 ht_init(struct htab *);

/*
 * Find key; when absent and insert is set, add it with val 0.  Returns the
 * entry, or NULL when absent and not inserted.  *isnew says which.
 */
struct ht_entry	*ht_lookup(struct htab *, const char *key, size_t len,
		    int insert, int *isnew);

size_t		 ht_index(const struct htab *, const struct ht_entry *);
uint64_t	 ht_hash(const void *, size_t, uint64_t seed);
void		 ht_free(struct htab *);

#endif /* HTAB_H */
