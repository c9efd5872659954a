/*
 * utf8: validation of UTF-8 text.  u8_* functions borrow their arguments.
 */
#ifndef UTF8_H
#define UTF8_H

#include <stddef.h>

/*
 * Check that s[0..n) is valid UTF-8 without NUL bytes.  Returns 0, or -1
 * with *bad set to the offset of the first offending byte.
 */
int	 u8_check(const char *s, size_t n, size_t *bad);

#endif /* UTF8_H */
