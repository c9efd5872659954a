/*
 * htab: a million keys in, each found again with its value, absent keys
 * not found, entry numbers stable, and the same result for two seeds.
 */
#include <stdio.h>
#include <string.h>

#include "htab.h"
#include "tap.h"

#define N	1000000

int
main(void)
{
	struct htab h;
	struct ht_entry *e;
	char	 k[32];
	size_t	 i, bad, len;
	int	 isnew;

	ht_init(&h, 0);
	bad = 0;
	for (i = 0; i < N; i++) {
		len = (size_t)snprintf(k, sizeof(k), "SKU-%zu", i * 7919);
		e = ht_lookup(&h, k, len, 1, &isnew);
		if (!isnew)
			bad++;
		e->val = i;
	}
	ok(bad == 0 && h.n == N, "1M distinct keys are new (%zu not)", bad);
	for (i = 0, bad = 0; i < N; i++) {
		len = (size_t)snprintf(k, sizeof(k), "SKU-%zu", i * 7919);
		e = ht_lookup(&h, k, len, 0, &isnew);
		if (e == NULL || e->val != i || ht_index(&h, e) != i ||
		    strcmp(e->key, k) != 0)
			bad++;
	}
	ok(bad == 0, "each is found with its value and number (%zu not)",
	    bad);
	for (i = 0, bad = 0; i < 1000; i++) {
		len = (size_t)snprintf(k, sizeof(k), "SKU-%zu", i * 7919 + 1);
		if (ht_lookup(&h, k, len, 0, &isnew) != NULL)
			bad++;
	}
	ok(bad == 0, "absent keys are not found");
	ok(ht_lookup(&h, "SKU-0", 5, 1, &isnew) != NULL && !isnew,
	    "inserting an existing key finds it");
	ok(ht_lookup(&h, "", 0, 1, &isnew) != NULL && isnew &&
	    ht_lookup(&h, "", 0, 0, &isnew) != NULL, "the empty key");
	ok(ht_lookup(&h, "a\0b", 3, 1, &isnew) != NULL && isnew &&
	    ht_lookup(&h, "a", 1, 0, &isnew) == NULL,
	    "keys are bytes, not C strings");
	ok(h.mem.used < 80 * (size_t)N, "entries packed in the arena: %zu "
	    "bytes", h.mem.used);
	ok(ht_hash("abc", 3, 1) != ht_hash("abc", 3, 2) &&
	    ht_hash("abc", 3, 1) == ht_hash("abc", 3, 1),
	    "the seed changes the hash, deterministically");
	ht_free(&h);
	return tap_done();
}
