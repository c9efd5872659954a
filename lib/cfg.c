/* cfg: read one connection from the connections file. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cfg.h"
#include "util.h"

/* The keys whose values are credentials: never shown. */
static const char *const secrets[] = {
	"api_key", "key", "secret", "token", "password", "client_secret",
	"access_token", "access_token_secret", "consumer_key",
	"consumer_secret"
};

int
cfg_secret(const char *key)
{
	size_t	 i;

	for (i = 0; i < NELEM(secrets); i++)
		if (strcmp(key, secrets[i]) == 0)
			return 1;
	return 0;
}

const char *
cfg_path(const char *path, char *buf, size_t len)
{
	const char *e;

	if (path != NULL)
		return path;
	if ((e = getenv("SHOPSWITCH_CONFIG")) != NULL && *e != '\0')
		return e;
	if ((e = getenv("HOME")) == NULL || *e == '\0')
		e = ".";
	snprintf(buf, len, "%s/.config/shopswitch/connections.conf", e);
	return buf;
}

static void
seterr(char *err, size_t len, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
}

/* s without white space at both ends, in place. */
static char *
trim(char *s)
{
	char	*e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' ||
	    e[-1] == '\n'))
		e--;
	*e = '\0';
	return s;
}

/*
 * Parse the whole file, so that a mistake anywhere in it is reported
 * whichever connection is asked for, and keep the section called name.
 */
struct cfg *
cfg_load(const char *path, const char *name, char *err, size_t errlen)
{
	char	 pbuf[4096], *line, *s, *eq, *k, *v;
	size_t	 cap;
	ssize_t	 n;
	unsigned long lineno;
	struct stat st;
	struct cfg *c, *cur;
	int	 seen;
	FILE	*fp;

	path = cfg_path(path, pbuf, sizeof(pbuf));
	if ((fp = fopen(path, "r")) == NULL) {
		if (errno == ENOENT)
			seterr(err, errlen, "%s: no connections file: write "
			    "one (see shopswitch(7)), or name it with --config "
			    "or SHOPSWITCH_CONFIG", path);
		else
			seterr(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fileno(fp), &st) == -1) {
		seterr(err, errlen, "%s: %s", path, strerror(errno));
		fclose(fp);
		return NULL;
	}
	if ((st.st_mode & 077) != 0) {
		seterr(err, errlen, "%s: group or others have access to it "
		    "(mode %04o) and it holds credentials; make it yours "
		    "alone with: chmod 600 %s", path,
		    (unsigned)(st.st_mode & 07777), path);
		fclose(fp);
		return NULL;
	}

	c = xcalloc(1, sizeof(*c));
	c->file = xstrdup(path);
	cur = NULL;
	seen = 0;
	line = NULL;
	cap = 0;
	lineno = 0;
	while ((n = getline(&line, &cap, fp)) != -1) {
		lineno++;
		if (memchr(line, '\0', (size_t)n) != NULL) {
			/* Else the rest of the line would go unread. */
			seterr(err, errlen, "%s:%lu: a NUL byte in the line",
			    path, lineno);
			goto bad;
		}
		s = trim(line);
		if (*s == '\0' || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			if (s[strlen(s) - 1] != ']' || strlen(s) < 3) {
				seterr(err, errlen, "%s:%lu: a section is "
				    "[name]", path, lineno);
				goto bad;
			}
			s[strlen(s) - 1] = '\0';
			s = trim(s + 1);
			cur = NULL;
			if (strcmp(s, name) == 0) {
				if (seen) {
					seterr(err, errlen, "%s:%lu: "
					    "connection '%s' is defined twice "
					    "(also on line %lu)", path, lineno,
					    name, c->line);
					goto bad;
				}
				seen = 1;
				cur = c;
				c->name = xstrdup(s);
				c->line = lineno;
			}
			continue;
		}
		if ((eq = strchr(s, '=')) == NULL) {
			seterr(err, errlen, "%s:%lu: expected 'key = value' or "
			    "'[name]'", path, lineno);
			goto bad;
		}
		*eq = '\0';
		k = trim(s);
		v = trim(eq + 1);
		if (*k == '\0') {
			seterr(err, errlen, "%s:%lu: a key is missing before "
			    "'='", path, lineno);
			goto bad;
		}
		if (cur == NULL)
			continue;	/* another connection's */
		if (cfg_get(c, k) != NULL) {
			seterr(err, errlen, "%s:%lu: '%s' is set twice in "
			    "[%s] (also on line %lu)", path, lineno, k, name,
			    cfg_line(c, k));
			goto bad;
		}
		c->kv = xreallocarray(c->kv, c->n + 1, sizeof(*c->kv));
		c->kv[c->n].key = xstrdup(k);
		c->kv[c->n].val = xstrdup(v);
		c->kv[c->n].line = lineno;
		c->n++;
	}
	if (ferror(fp)) {
		seterr(err, errlen, "%s: %s", path, strerror(errno));
		goto bad;
	}
	if (!seen) {
		seterr(err, errlen, "%s: no connection [%s]", path, name);
		goto bad;
	}
	free(line);
	fclose(fp);
	return c;
bad:
	free(line);
	fclose(fp);
	cfg_free(c);
	return NULL;
}

const char *
cfg_get(const struct cfg *c, const char *key)
{
	size_t	 i;

	for (i = 0; i < c->n; i++)
		if (strcmp(c->kv[i].key, key) == 0)
			return c->kv[i].val;
	return NULL;
}

unsigned long
cfg_line(const struct cfg *c, const char *key)
{
	size_t	 i;

	for (i = 0; i < c->n; i++)
		if (strcmp(c->kv[i].key, key) == 0)
			return c->kv[i].line;
	return 0;
}

void
cfg_free(struct cfg *c)
{
	size_t	 i;

	if (c == NULL)
		return;
	for (i = 0; i < c->n; i++) {
		free(c->kv[i].key);
		free(c->kv[i].val);
	}
	free(c->kv);
	free(c->file);
	free(c->name);
	free(c);
}

int
cfg_number(const struct cfg *c, const char *key, double min, double max,
    double *out, char *err, size_t errlen)
{
	const char *v;
	char	*end;
	double	 d;

	if ((v = cfg_get(c, key)) == NULL)
		return 0;
	d = strtod(v, &end);
	if (end == v || *end != '\0' || d < min || d > max) {
		seterr(err, errlen, "%s:%lu: %s takes a number from %g to %g, "
		    "not '%s'", c->file, cfg_line(c, key), key, min, max, v);
		return -1;
	}
	*out = d;
	return 0;
}
