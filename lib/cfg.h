/*
 * cfg: the connections file.  A connection is a named section of
 * "key = value" lines:
 *
 *	[picqer]
 *	platform = picqer
 *	url = https://example.picqer.com
 *	api_key = ...
 *
 * The file is --config FILE, else $SHOPSWITCH_CONFIG, else
 * ~/.config/shopswitch/connections.conf.  One that group or others may
 * read is refused, as ssh refuses such a key.
 *
 * cfg_* functions borrow their arguments.  cfg_load returns a connection
 * the caller frees with cfg_free; the strings cfg_get returns belong to it.
 */
#ifndef CFG_H
#define CFG_H

#include <stddef.h>

struct cfg_kv {
	char		*key;		/* the name before '=' */
	char		*val;		/* the value, trimmed */
	unsigned long	 line;		/* where it is */
};

struct cfg {
	char		*file;		/* the connections file */
	char		*name;		/* the section's name */
	unsigned long	 line;		/* where the section starts */
	struct cfg_kv	*kv;		/* its keys in file order */
	size_t		 n;		/* how many */
};

/* The connections file to use: path, or the environment, or the default. */
const char	*cfg_path(const char *path, char *buf, size_t len);

/*
 * Load connection name from the connections file (see cfg_path).  Returns
 * it, or NULL with a message in err ("file:line: reason").
 */
struct cfg	*cfg_load(const char *path, const char *name, char *err,
		    size_t errlen);

/* The value of key, or NULL when the section has none. */
const char	*cfg_get(const struct cfg *, const char *key);

/* The line of key, for messages about its value; 0 when absent. */
unsigned long	 cfg_line(const struct cfg *, const char *key);

/*
 * The number key holds, into *out when set: 0 when absent or in
 * [min, max], -1 with a "file:line: ..." message in err otherwise.
 */
int		 cfg_number(const struct cfg *, const char *key, double min,
		    double max, double *out, char *err, size_t errlen);

/* Whether key names a secret that no message or log may show. */
int		 cfg_secret(const char *key);

void		 cfg_free(struct cfg *);

#endif /* CFG_H */
