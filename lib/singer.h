/*
 * singer: what a Singer tap says beside its records (the specification:
 * hub.meltano.com/singer/spec, and SPEC.md and CONFIG_AND_STATE.md of
 * github.com/singer-io/getting-started): the JSON Schema of the records
 * shopswitch writes, and the bookmark a state file holds.  wr.c writes the
 * messages; rd.c reads them.
 *
 * singer_* functions borrow their arguments; the caller owns the json_t a
 * function hands back and frees it with json_decref.
 */
#ifndef SINGER_H
#define SINGER_H

#include <stddef.h>
#include <time.h>

#include <jansson.h>

/* The JSON Schemas of the order and the stock record (shopswitch(7)). */
extern const char singer_order_schema[];
extern const char singer_stock_schema[];

/*
 * Read the state file path: a state value as Meltano passes it to a tap
 * (one JSON object, on one line or several), or lines of Singer messages
 * or state values, of which the last STATE message or value counts.  Its
 * bookmarks.<stream>.<key> is a time (tz_parse).  Returns 1 with *t set,
 * 0 when the state has no such bookmark, or -1 with err set; *state is
 * the state value (an object, {} when the file is empty) unless -1.
 */
int	 singer_bookmark(const char *path, const char *stream,
	    const char *key, time_t *t, json_t **state, char *err,
	    size_t errlen);

/*
 * Set bookmarks.<stream>.<key> = value in the object state, making the
 * objects on the way as singer-python's write_bookmark does.
 */
void	 singer_set_bookmark(json_t *state, const char *stream,
	    const char *key, const char *value);

#endif /* SINGER_H */
