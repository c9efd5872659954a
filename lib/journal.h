/*
 * journal: what a writing tool has done to a shop, one JSON object a
 * line, appended and made durable (fsync) before the tool goes on, so
 * that a run killed at any moment can be resumed without doing anything
 * twice.  The first line names the tool and the connection:
 *
 *	{"stock-push":1,"to":"new","started":"2026-11-01T10:00:00Z"}
 *
 * The file is locked (flock) while a run uses it: two runs never share
 * one.  A last line cut short by a kill is cut off the file.
 *
 * jn_* functions borrow their arguments.  jn_open returns a journal the
 * caller closes with jn_close; the JSON handed to each is borrowed for
 * the call.
 */
#ifndef JOURNAL_H
#define JOURNAL_H

#include <stddef.h>

#include <jansson.h>

struct journal;

/*
 * Each line after the first of an existing journal: where is "file:line"
 * for messages.  0 to go on; -1 with a message in err to refuse the
 * journal.
 */
typedef int	(*jn_line_cb)(void *arg, json_t *line, const char *where,
		    char *err, size_t errlen);

/*
 * Open (or create) the journal path of tool ("stock-push") for a run on
 * connection conn, which the first line holds under prep ("to", "in");
 * noun names the run in messages ("the journal of a push to A, not to
 * B").  An existing journal's lines are handed to each.  *cut gets the
 * number of a last line cut short by a kill (cut off the file), or 0.
 * Returns the journal, or NULL with a message in err.
 */
struct journal	*jn_open(const char *path, const char *tool,
		    const char *noun, const char *prep, const char *conn,
		    jn_line_cb each, void *arg, unsigned long *cut,
		    char *err, size_t errlen);

/* Append line and make it durable.  0, or -1 with a message in err. */
int		 jn_put(struct journal *, json_t *line, char *err,
		    size_t errlen);

/*
 * The lines of a tool that writes orders: {"sent": key} before an
 * order's writes, {"done": key, "id": id, "number": number} once the
 * shop confirmed them (id NULL: the sent line).  0, or -1 (err).
 */
int		 jn_order(struct journal *, const char *key, const char *id,
		    const char *number, char *err, size_t errlen);

/*
 * Read such a line: 1 with *key (and, for a done line, *id and *number;
 * else NULL) borrowed from line; 0 when it is not one.
 */
int		 jn_order_line(json_t *line, const char **key, const char **id,
		    const char **number);

const char	*jn_path(const struct journal *);
void		 jn_close(struct journal *);

#endif /* JOURNAL_H */
