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
 * With the journal jn (NULL: none): turn on what a killed run left
 * off, then, when the run has anything to write, ask the shop which
 * e-mails it would send.  0, or -1 (err).  *restored gets how many a
 * killed run had left off.
 */
int	 mg_check(struct mailguard *, struct journal *jn, int writes,
	    size_t *restored);

/*
 * Whether the shop would mail customers that nobody asked to mail: not
 * when it sends nothing, nor with notify (the user lets it) or mute (the
 * run turns it off).  When it would, why gets the message ("woocommerce
 * mails each customer "Completed order" when WHEN, whatever a request
 * asks: ...") and note the words for a line of the plan.
 */
int	 mg_unasked(const struct mailguard *, int notify, int mute,
	    const char *when, char *why, size_t wlen, char *note,
	    size_t nlen);

/* Turn them off, journalled first.  0, or -1 (err). */
int	 mg_mute(struct mailguard *);

/* Turn on what mg_mute turned off, then journal it.  0, or -1 (err). */
int	 mg_restore(struct mailguard *);

#endif /* MAILGUARD_H */
