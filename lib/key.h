/*
 * key: keys built from record values, and the normalisation that makes two
 * spellings of one SKU or e-mail address meet.
 *
 * key_* functions borrow their arguments and write into a caller's struct
 * buf, which the caller owns.
 */
#ifndef KEY_H
#define KEY_H

#include <stddef.h>

#include "util.h"

/*
 * Append one component to a composite key: its length, then its bytes, so
 * that ("ab","c") and ("a","bc") never meet.
 */
void	 key_add(struct buf *, const char *s, size_t n);

/*
 * Normalise s for matching into b (replacing its contents): trim Unicode
 * white space at both ends, drop default-ignorable characters (zero-width
 * space, soft hyphen, byte-order mark), compose to NFC and fold case.
 * Returns 0, or -1 when s is not valid UTF-8 (b then holds s unchanged).
 */
int	 key_norm(const char *s, size_t n, struct buf *b);

/*
 * Normalise a decimal amount written as text ("049.950", "49,95") to its
 * shortest form ("49.95") without converting it to a binary number.
 * Returns 0, or -1 when s is not a decimal number (b then holds s).
 */
int	 key_amount(const char *s, size_t n, struct buf *b);

/*
 * Take the next component of a composite key made by key_add, advancing
 * *p and *n.  Returns 0, or -1 at the end.
 */
int	 key_next(const char **p, size_t *n, const char **s, size_t *len);

/* Compare two composite keys component by component, in byte order. */
int	 key_cmpkeys(const char *a, size_t alen, const char *b, size_t blen);

/* Compare two byte strings in byte order, like memcmp then length. */
int	 key_cmp(const char *a, size_t alen, const char *b, size_t blen);

#endif /* KEY_H */
