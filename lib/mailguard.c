/* mailguard: a shop's own customer e-mails, muted for a run, restored. */
#include <stdio.h>
#include <string.h>

#include "mailguard.h"
#include "util.h"

/* The shop's answer failed: its reason in g->err.  Returns -1. */
static int
failed(struct mailguard *g)
{
	snprintf(g->err, sizeof(g->err), "%s", conn_error(g->s));
	return -1;
}

void
mg_init(struct mailguard *g, struct session *s, enum mail_op op)
{
	memset(g, 0, sizeof(*g));
	g->s = s;
	g->op = op;
}

/* Whether id is among the e-mails a killed run left off; its index. */
static long
left_at(const struct mailguard *g, const char *id)
{
	size_t	 i;

	for (i = 0; i < g->nleft; i++)
		if (strcmp(g->left[i], id) == 0)
			return (long)i;
	return -1;
}

int
mg_journal_line(struct mailguard *g, json_t *line)
{
	json_t	*list, *v;
	const char *id;
	size_t	 i;
	long	 k;
	int	 muted;

	if ((list = json_object_get(line, "muted")) != NULL)
		muted = 1;
	else if ((list = json_object_get(line, "restored")) != NULL)
		muted = 0;
	else
		return 0;
	if (!json_is_array(list)) {
		snprintf(g->err, sizeof(g->err), "not a journal line");
		return -1;
	}
	json_array_foreach(list, i, v) {
		if ((id = json_string_value(v)) == NULL ||
		    strlen(id) >= sizeof(g->left[0])) {
			snprintf(g->err, sizeof(g->err), "not a journal line");
			return -1;
		}
		k = left_at(g, id);
		if (muted && k == -1 && g->nleft < MG_MAX)
			snprintf(g->left[g->nleft++], sizeof(g->left[0]), "%s",
			    id);
		else if (!muted && k != -1) {
			g->nleft--;
			memmove(g->left[k], g->left[k + 1], (g->nleft -
			    (size_t)k) * sizeof(g->left[0]));
		}
	}
	return 1;
}

/* Journal {"name": [ids]}.  0, or -1 (err). */
static int
journal(struct mailguard *g, const char *name, char ids[][64], size_t n)
{
	json_t	*list, *line;
	size_t	 i;
	int	 rc;

	if (g->jn == NULL)
		return 0;
	list = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(list, json_string(ids[i]));
	line = json_pack("{s:o}", name, list);
	rc = jn_put(g->jn, line, g->err, sizeof(g->err));
	json_decref(line);
	return rc;
}

/*
 * Turn on what a killed run left off, then, when the run writes, ask
 * the shop which e-mails it would send.  0, or -1 (err).
 */
static int
mg_check(struct mailguard *g, struct journal *jn, int writes,
    size_t *restored)
{
	struct shop_mail m[MG_MAX];
	size_t	 i;
	int	 n;

	g->jn = jn;
	*restored = g->nleft;
	for (i = 0; i < g->nleft; i++)
		if (conn_set_mail(g->s, g->left[i], 1) == -1) {
			return failed(g);
		}
	if (g->nleft > 0 && journal(g, "restored", g->left, g->nleft) == -1)
		return -1;
	g->nleft = 0;
	g->non = 0;
	if (!writes)
		return 0;
	if ((n = conn_mails(g->s, g->op, m, MG_MAX)) == -1) {
		return failed(g);
	}
	for (i = 0; i < (size_t)n; i++)
		if (m[i].enabled)
			g->on[g->non++] = m[i];
	return 0;
}

/*
 * Whether the shop would mail customers nobody asked to mail (not with
 * notify or mute); why and note then say so.
 */
static int
mg_unasked(const struct mailguard *g, int notify, int mute,
    const char *when, char *why, size_t wlen, char *note, size_t nlen)
{
	struct buf t;
	size_t	 i;

	if (g->non == 0 || notify || mute)
		return 0;
	memset(&t, 0, sizeof(t));
	for (i = 0; i < g->non; i++) {
		if (i > 0)
			buf_adds(&t, i + 1 == g->non ? " and " : ", ");
		buf_addc(&t, '"');
		buf_adds(&t, g->on[i].title);
		buf_addc(&t, '"');
	}
	snprintf(why, wlen, "%s mails each customer %s when %s, whatever a "
	    "request asks: --mute-emails turns %s off for the run, "
	    "--notify-customer lets it mail", conn_platform(g->s), buf_str(&t),
	    when, g->non > 1 ? "them" : "it");
	snprintf(note, nlen, "%s mails the customer %s (the shop's setting)",
	    conn_platform(g->s), buf_str(&t));
	buf_free(&t);
	return 1;
}

/* Turn the e-mails off, journalled first.  0, or -1 (err). */
static int
mg_mute(struct mailguard *g)
{
	char	 ids[MG_MAX][64];
	size_t	 i;

	if (g->non == 0)
		return 0;
	for (i = 0; i < g->non; i++)
		snprintf(ids[i], sizeof(ids[i]), "%s", g->on[i].id);
	if (journal(g, "muted", ids, g->non) == -1)
		return -1;
	g->muted = 1;			/* restore even a half-done mute */
	for (i = 0; i < g->non; i++)
		if (conn_set_mail(g->s, ids[i], 0) == -1) {
			return failed(g);
		}
	return 0;
}

int
mg_restore(struct mailguard *g)
{
	char	 ids[MG_MAX][64];
	size_t	 i;

	if (!g->muted)
		return 0;
	for (i = 0; i < g->non; i++) {
		snprintf(ids[i], sizeof(ids[i]), "%s", g->on[i].id);
		if (conn_set_mail(g->s, ids[i], 1) == -1) {
			return failed(g);
		}
	}
	g->muted = 0;
	return journal(g, "restored", ids, g->non);
}

int
mg_start(struct mailguard *g, struct journal *jn, int writes, int notify,
    int mute, int dry, const char *when, size_t *restored, char *why,
    size_t wlen, char *note, size_t nlen)
{
	if (mg_check(g, jn, writes, restored) == -1)
		return -2;
	if (mg_unasked(g, notify, mute, when, why, wlen, note, nlen))
		return dry ? 1 : -1;
	if (mute && !dry && mg_mute(g) == -1)
		return -2;
	return 0;
}
