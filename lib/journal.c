/* journal: the durable record of a writing tool's run, for resuming. */
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "journal.h"
#include "tz.h"
#include "util.h"

struct journal {
	FILE		*fp;		/* open for reading and appending */
	char		*path;		/* its name, for messages */
};

const char *
jn_path(const struct journal *j)
{
	return j->path;
}

int
jn_put(struct journal *jn, json_t *line, char *err, size_t errlen)
{
	char	*s;
	int	 rc;

	s = json_dumps(line, JSON_COMPACT);
	rc = 0;
	if (s == NULL || fprintf(jn->fp, "%s\n", s) < 0 ||
	    fflush(jn->fp) == EOF || fsync(fileno(jn->fp)) == -1) {
		snprintf(err, errlen, "%s: %s", jn->path, strerror(errno));
		rc = -1;
	}
	free(s);
	return rc;
}

int
jn_order(struct journal *jn, const char *key, const char *id,
    const char *number, char *err, size_t errlen)
{
	json_t	*j;
	int	 rc;

	if (id == NULL)
		j = json_pack("{s:s}", "sent", key);
	else
		j = json_pack("{s:s, s:s, s:s}", "done", key, "id", id,
		    "number", number);
	rc = jn_put(jn, j, err, errlen);
	json_decref(j);
	return rc;
}

int
jn_order_line(json_t *line, const char **key, const char **id,
    const char **number)
{
	*id = *number = NULL;
	if ((*key = json_string_value(json_object_get(line, "sent"))) != NULL)
		return 1;
	if ((*key = json_string_value(json_object_get(line, "done"))) ==
	    NULL)
		return 0;
	*id = json_string_value(json_object_get(line, "id"));
	*number = json_string_value(json_object_get(line, "number"));
	if (*id == NULL)
		*id = "";
	if (*number == NULL)
		*number = "";
	return 1;
}

/*
 * Read an existing journal: check its first line, hand on the others,
 * stop at a line cut short and cut it off the file.  0, or -1 (err).
 */
static int
load(struct journal *jn, const char *tool, const char *noun,
    const char *prep, const char *conn, jn_line_cb each, void *arg,
    unsigned long *cut, char *err, size_t errlen)
{
	json_t	*j;
	json_error_t jerr;
	char	*line, where[1024];
	const char *jconn;
	size_t	 cap;
	ssize_t	 len;
	off_t	 good;
	unsigned long n;
	int	 rc;

	line = NULL;
	cap = 0;
	n = 0;
	good = 0;
	rc = 0;
	rewind(jn->fp);
	while ((len = getline(&line, &cap, jn->fp)) != -1) {
		n++;
		if (line[len - 1] != '\n') {
			*cut = n;
			break;
		}
		if ((j = json_loadb(line, (size_t)len, 0, &jerr)) == NULL) {
			snprintf(err, errlen, "%s:%lu: not a journal line: %s",
			    jn->path, n, jerr.text);
			rc = -1;
			break;
		}
		if (n == 1) {
			jconn = json_string_value(json_object_get(j, prep));
			if (jconn == NULL || json_object_get(j, tool) == NULL) {
				snprintf(err, errlen, "%s:1: not a %s journal",
				    jn->path, tool);
				rc = -1;
			} else if (strcmp(jconn, conn) != 0) {
				snprintf(err, errlen, "%s:1: the journal of "
				    "a %s %s %s, not %s %s", jn->path, noun,
				    prep, jconn, prep, conn);
				rc = -1;
			}
		} else {
			snprintf(where, sizeof(where), "%s:%lu", jn->path, n);
			rc = each(arg, j, where, err, errlen);
		}
		json_decref(j);
		if (rc == -1)
			break;
		good = ftello(jn->fp);
	}
	free(line);
	if (rc == 0 && (ftruncate(fileno(jn->fp), good) == -1 ||
	    fseeko(jn->fp, 0, SEEK_END) == -1)) {
		snprintf(err, errlen, "%s: %s", jn->path, strerror(errno));
		rc = -1;
	}
	return rc;
}

struct journal *
jn_open(const char *path, const char *tool, const char *noun,
    const char *prep, const char *conn, jn_line_cb each, void *arg,
    unsigned long *cut, char *err, size_t errlen)
{
	struct journal *jn;
	struct stat st;
	json_t	*j;
	char	 t[TZ_LEN];
	int	 fd, rc;

	*cut = 0;
	jn = xcalloc(1, sizeof(*jn));
	jn->path = xstrdup(path);
	if ((fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC,
	    0666)) == -1 || (jn->fp = fdopen(fd, "a+")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (fd != -1)
			close(fd);
		goto bad;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		snprintf(err, errlen, "%s: another %s is using this journal",
		    path, tool);
		goto bad;
	}
	if (fstat(fd, &st) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto bad;
	}
	if (st.st_size > 0) {
		if (load(jn, tool, noun, prep, conn, each, arg, cut, err,
		    errlen) == -1)
			goto bad;
		return jn;
	}
	tz_format(time(NULL), t);
	j = json_pack("{s:i, s:s, s:s}", tool, 1, prep, conn, "started", t);
	rc = jn_put(jn, j, err, errlen);
	json_decref(j);
	if (rc == -1)
		goto bad;
	return jn;
bad:
	jn_close(jn);
	return NULL;
}

void
jn_close(struct journal *jn)
{
	if (jn == NULL)
		return;
	if (jn->fp != NULL)
		fclose(jn->fp);
	free(jn->path);
	free(jn);
}
