/*
 * jscan: validate one JSON text (RFC 8259) and locate the members of a
 * top-level object without building a tree.
 *
 * jansson builds a full tree at about 65 MB/s; a JSON Lines filter that
 * needs three top-level strings of each line and passes the line through
 * byte for byte only has to validate and locate.  Nested values that a
 * tool must look inside are decoded with jansson.
 *
 * js_* functions borrow their arguments; spans point into the caller's
 * buffer and are valid as long as it is.  The caller owns struct js_object,
 * starts it zeroed, and frees it with js_object_free.
 */
#ifndef JSCAN_H
#define JSCAN_H

#include <stddef.h>

enum js_type {
	JS_STRING,
	JS_NUMBER,
	JS_TRUE,
	JS_FALSE,
	JS_NULL,
	JS_OBJECT,
	JS_ARRAY
};

struct js_member {
	const char	*key;		/* key bytes inside the quotes, raw */
	size_t		 keylen;	/* length of key */
	const char	*val;		/* string: inside quotes; else all */
	size_t		 vallen;	/* length of val */
	unsigned char	 type;		/* enum js_type */
	unsigned char	 kesc;		/* key holds a backslash escape */
	unsigned char	 vesc;		/* string value holds an escape */
};

struct js_object {
	struct js_member *m;		/* members in document order */
	size_t		 n;		/* members in use */
	size_t		 cap;		/* members allocated */
};

#define JS_MAXDEPTH	2048		/* nesting limit, as jansson's */

/*
 * Check that buf[0..len) is exactly one JSON object, optionally surrounded
 * by white space, and fill obj with its top-level members.  Returns 0, or
 * -1 with *errpos set to the byte offset of the fault and *why to a static
 * reason ("unexpected character", "invalid UTF-8", ...).
 */
int	 js_scan_object(const char *buf, size_t len, struct js_object *obj,
	    size_t *errpos, const char **why);

/*
 * Check that buf[0..len) is exactly one JSON value of any type.  Returns 0
 * or -1 as js_scan_object.
 */
int	 js_validate(const char *buf, size_t len, size_t *errpos,
	    const char **why);

/*
 * Decode the body of a validated JSON string (the bytes between the quotes)
 * into out, which must hold len bytes.  Returns the decoded length.
 */
size_t	 js_unescape(const char *s, size_t len, char *out);

/* The last member named name (len bytes, decoded), or NULL. */
const struct js_member *js_get(const struct js_object *obj,
	    const char *name, size_t len);

void	 js_object_free(struct js_object *obj);

#endif /* JSCAN_H */
