/*
 * singer: the schemas of the records shopswitch writes as a Singer tap,
 * and its state file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "singer.h"
#include "tz.h"
#include "util.h"

#define S	"{\"type\":\"string\"}"
#define SN	"{\"type\":[\"string\",\"null\"]}"
#define INT	"{\"type\":\"integer\"}"
#define INTN	"{\"type\":[\"integer\",\"null\"]}"
#define ADDR \
	"{\"type\":[\"object\",\"null\"],\"properties\":{" \
	"\"name\":" S ",\"company\":" S ",\"address1\":" S "," \
	"\"address2\":" S ",\"zip\":" S ",\"city\":" S ",\"region\":" S "," \
	"\"country\":" S ",\"phone\":" S "}}"

/*
 * The order record as shopswitch(7) documents it.  Money is a string, as
 * in the record; times are RFC 3339 in UTC, or "" where a platform gives
 * none, so they carry no "format": "date-time" that "" would break.
 */
const char singer_order_schema[] =
	"{\"type\":\"object\","
	"\"required\":[\"source\",\"shop\",\"id\",\"number\",\"reference\","
	"\"status\",\"platform_status\",\"created_at\",\"updated_at\","
	"\"email\",\"name\",\"country\",\"total\",\"currency\",\"lines\","
	"\"shipments\"],"
	"\"properties\":{"
	"\"source\":" S ",\"shop\":" S ",\"id\":" S ",\"number\":" S ","
	"\"reference\":" S ","
	"\"status\":{\"type\":\"string\",\"enum\":[\"draft\",\"open\","
	"\"on_hold\",\"partially_shipped\",\"completed\",\"cancelled\"]},"
	"\"platform_status\":" S ",\"created_at\":" S ","
	"\"updated_at\":" S ",\"email\":" S ",\"name\":" S ","
	"\"country\":" S ",\"total\":" SN ",\"currency\":" S ","
	"\"billing_address\":" ADDR ",\"shipping_address\":" ADDR ","
	"\"lines\":{\"type\":\"array\",\"items\":{\"type\":\"object\","
	"\"required\":[\"sku\",\"name\",\"qty\",\"qty_shipped\"],"
	"\"properties\":{\"sku\":" S ",\"name\":" S ",\"qty\":" INT ","
	"\"qty_shipped\":" INTN ",\"total\":" SN "}}},"
	"\"shipments\":{\"type\":\"array\",\"items\":{\"type\":\"object\","
	"\"required\":[\"carrier\",\"tracking\",\"shipped_at\"],"
	"\"properties\":{\"carrier\":" S ",\"tracking\":" S ",\"url\":" S
	",\"shipped_at\":" S "}}},"
	"\"raw\":{\"type\":\"object\"}}}";

/* The stock record; taken_at is always the tool's own time. */
const char singer_stock_schema[] =
	"{\"type\":\"object\","
	"\"required\":[\"sku\",\"qty\",\"warehouse\",\"reserved\",\"name\","
	"\"barcode\",\"source\",\"shop\",\"taken_at\"],"
	"\"properties\":{"
	"\"sku\":" S ",\"qty\":" INT ",\"warehouse\":" S ","
	"\"reserved\":" INT ",\"name\":" S ",\"barcode\":" S ","
	"\"source\":" S ",\"shop\":" S ","
	"\"taken_at\":{\"type\":\"string\",\"format\":\"date-time\"}}}";

/* The state value a JSON object stands for, or NULL to pass it over. */
static json_t *
state_of(json_t *o)
{
	json_t	*t;

	if (!json_is_object(o))
		return NULL;
	if ((t = json_object_get(o, "type")) == NULL)
		return o;		/* a state value, as targets echo */
	if (json_is_string(t) && strcasecmp(json_string_value(t),
	    "STATE") == 0)
		return json_object_get(o, "value");
	return NULL;			/* SCHEMA, RECORD, ... */
}

/* The whole file in a NUL-terminated buffer; NULL with err set. */
static char *
slurp(const char *path, size_t *len, char *err, size_t errlen)
{
	FILE	*fp;
	struct buf b;
	char	 chunk[8192];
	size_t	 n;

	if ((fp = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	memset(&b, 0, sizeof(b));
	buf_grow(&b, 0);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_add(&b, chunk, n);
	if (ferror(fp)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		fclose(fp);
		buf_free(&b);
		return NULL;
	}
	fclose(fp);
	*len = b.len;
	return b.s;
}

int
singer_bookmark(const char *path, const char *stream, const char *key,
    time_t *t, json_t **state, char *err, size_t errlen)
{
	json_error_t jerr;
	json_t	*whole, *o, *v, *last;
	const char *p, *e, *nl, *s;
	char	*text;
	size_t	 len;
	unsigned long line;
	int	 rc;

	*state = NULL;
	if ((text = slurp(path, &len, err, errlen)) == NULL)
		return -1;
	last = NULL;
	/* Meltano's state file: one value, perhaps over several lines. */
	if ((whole = json_loadb(text, len, 0, &jerr)) != NULL) {
		if ((v = state_of(whole)) != NULL)
			last = json_incref(v);
		json_decref(whole);
	} else {
		/* Lines of messages or values: the last STATE counts. */
		for (p = text, e = text + len, line = 1; p < e; p = nl + 1,
		    line++) {
			if ((nl = memchr(p, '\n', (size_t)(e - p))) == NULL)
				nl = e;
			for (s = p; s < nl && strchr(" \t\r", *s) != NULL; s++)
				;
			if (s == nl)
				continue;
			if ((o = json_loadb(p, (size_t)(nl - p), 0,
			    &jerr)) == NULL) {
				snprintf(err, errlen, "%s:%lu: %s", path, line,
				    jerr.text);
				json_decref(last);
				free(text);
				return -1;
			}
			if ((v = state_of(o)) != NULL) {
				json_decref(last);
				last = json_incref(v);
			}
			json_decref(o);
		}
	}
	free(text);
	if (last == NULL)
		last = json_object();
	if (!json_is_object(last)) {
		snprintf(err, errlen, "%s: the state is not a JSON object",
		    path);
		json_decref(last);
		return -1;
	}
	*state = last;
	v = json_object_get(json_object_get(json_object_get(last,
	    "bookmarks"), stream), key);
	if (v == NULL || json_is_null(v))
		return 0;
	rc = json_is_string(v) ? tz_parse(json_string_value(v), t) : -1;
	if (rc == -1) {
		snprintf(err, errlen, "%s: bookmarks.%s.%s is not an RFC 3339 "
		    "time such as 2026-11-01T10:00:00Z", path, stream, key);
		json_decref(last);
		*state = NULL;
		return -1;
	}
	return 1;
}

void
singer_set_bookmark(json_t *state, const char *stream, const char *key,
    const char *value)
{
	json_t	*b, *s;

	if (!json_is_object(b = json_object_get(state, "bookmarks"))) {
		b = json_object();
		json_object_set_new(state, "bookmarks", b);
	}
	if (!json_is_object(s = json_object_get(b, stream))) {
		s = json_object();
		json_object_set_new(b, stream, s);
	}
	json_object_set_new(s, key, json_string(value));
}
