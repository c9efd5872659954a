/*
 * mailguard: the customer e-mails a shop sends by itself when a tool
 * writes orders (WooCommerce mails "Completed order" whatever the
 * request asks), found before anything is written, turned off for the
 * run when the user asks, and turned on again afterwards, also after a
 * kill: the journal holds what was turned off, and the next run with
 * it turns it on first.
 *
 * mg_* functions borrow their arguments; the guard keeps the session
 * and journal it is given.  Messages go into the guard's err.
 */
#ifndef MAILGUARD_H
#define MAILGUARD_H

#include <jansson.h>

#include "conn.h"
#include "journal.h"

#define MG_MAX	8			/* e-mails a guard can hold */

struct mailguard {
	struct session	*s;		/* the shop */
	struct journal	*jn;		/* the run's journal, or NULL */
	enum mail_op	 op;		/* what the tool does */
	struct shop_mail on[MG_MAX];	/* the e-mails the shop would send */
	size_t		 non;		/* how many */
	char		 left[MG_MAX][64];	/* muted by a killed run */
	size_t		 nleft;
	int		 muted;		/* this run turned on[] off */
	char		 err[2048];	/* why the last call failed */
};

void	 mg_init(struct mailguard *, struct session *, enum mail_op);

/*
 * Take a line of the journal: 1 when it is the guard's ("muted",
 * "restored"), 0 when not, -1 when it is malformed (err).
 */
int	 mg_journal_line(struct mailguard *, json_t *line);

/*
 * What a writing run does about the e-mails, with the journal jn (NULL:
 * none): turn on what a killed run left off (*restored: how many), ask
 * the shop which e-mails it would send when there is something to
 * write, and then:
 *	0	nothing would be mailed unasked; with mute (and not dry)
 *		the e-mails are turned off now;
 *	1	a dry run would mail customers unasked: why holds the
 *		message, note the words for the plan's lines;
 *	-1	a real run would: why holds the message; nothing is
 *		written;
 *	-2	the shop failed (err).
 */
int	 mg_start(struct mailguard *, struct journal *jn, int writes,
	    int notify, int mute, int dry, const char *when, size_t *restored,
	    char *why, size_t wlen, char *note, size_t nlen);

/* Turn on what mg_start turned off, then journal it.  0, or -1 (err). */
int	 mg_restore(struct mailguard *);

#endif /* MAILGUARD_H */
