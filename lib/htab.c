/* htab: open-addressed hash table over an arena of keys. */
#include <stdlib.h>
#include <string.h>

#include "htab.h"

#define K0	0xa0761d6478bd642fULL
#define K1	0xe7037ed1a0b428dbULL
#define K2	0x8ebc6af09c88c6e3ULL
#define K3	0x589965cc75374cc3ULL

static uint64_t
mix(uint64_t a, uint64_t b)
{
	__uint128_t r;

	r = (__uint128_t)a * b;
	return (uint64_t)r ^ (uint64_t)(r >> 64);
}

/* A fast 64-bit hash in the manner of wyhash: 8 bytes a round. */
uint64_t
ht_hash(const void *p, size_t n, uint64_t seed)
{
	const unsigned char *s = p;
	uint64_t h, v;

	h = seed ^ mix(n, K0);
	while (n >= 8) {
		memcpy(&v, s, 8);
		h = mix(h ^ v, K1);
		s += 8;
		n -= 8;
	}
	v = 0;
	memcpy(&v, s, n);
	h = mix(h ^ v ^ ((uint64_t)n << 56), K2);
	return mix(h, K3);
}

/*
 * The seed comes from SHOPSWITCH_HASH_SEED when set (tests use it to show
 * that output does not depend on it), else from the address space layout
 * and the clock, which is enough to make crafted collisions pointless.
 */
static uint64_t
seed(void)
{
	const char *e;

	if ((e = getenv("SHOPSWITCH_HASH_SEED")) != NULL)
		return strtoull(e, NULL, 0);
	return ht_hash(&e, sizeof(e), (uint64_t)(uintptr_t)&seed ^
	    (uint64_t)(uintptr_t)malloc);
}

void
ht_init(struct htab *h)
{
	memset(h, 0, sizeof(*h));
	arena_init(&h->keys);
	h->seed = seed();
	h->mask = 1023;
	h->slot = xcalloc(h->mask + 1, sizeof(*h->slot));
}

/* Double the index and place every entry again. */
static void
grow(struct htab *h)
{
	size_t	 i, j;

	free(h->slot);
	h->mask = h->mask * 2 + 1;
	h->slot = xcalloc(h->mask + 1, sizeof(*h->slot));
	for (i = 0; i < h->n; i++) {
		for (j = h->ent[i].hash & h->mask; h->slot[j] != 0;
		    j = (j + 1) & h->mask)
			;
		h->slot[j] = (uint32_t)(i + 1);
	}
}

struct ht_entry *
ht_lookup(struct htab *h, const char *key, size_t len, int insert,
    int *isnew)
{
	struct ht_entry *e;
	uint32_t hv;
	size_t	 j;

	*isnew = 0;
	hv = (uint32_t)ht_hash(key, len, h->seed);
	for (j = hv & h->mask; h->slot[j] != 0; j = (j + 1) & h->mask) {
		e = &h->ent[h->slot[j] - 1];
		if (e->hash == hv && e->len == len &&
		    memcmp(e->key, key, len) == 0)
			return e;
	}
	if (!insert)
		return NULL;
	if (len > UINT32_MAX || h->n >= UINT32_MAX - 1)
		xnomem();		/* beyond any catalog */
	if (h->n == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 1024;
		h->ent = xreallocarray(h->ent, h->cap, sizeof(*h->ent));
	}
	e = &h->ent[h->n];
	e->key = arena_strndup(&h->keys, key, len);
	e->len = (uint32_t)len;
	e->hash = hv;
	e->val = 0;
	h->slot[j] = (uint32_t)(++h->n);
	*isnew = 1;
	if (h->n * 2 > h->mask)
		grow(h);
	return &h->ent[h->n - 1];
}

size_t
ht_index(const struct htab *h, const struct ht_entry *e)
{
	return (size_t)(e - h->ent);
}

void
ht_free(struct htab *h)
{
	free(h->ent);
	free(h->slot);
	arena_free(&h->keys);
	memset(h, 0, sizeof(*h));
}
