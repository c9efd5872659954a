/*
 * msg: the one place that prints messages, for the tools.  Every message
 * is one line, "prog: text", on standard error.  -q silences warnings and
 * notes, -v enables notes; errors always print.  No format may hold a
 * newline.
 */
#ifndef MSG_H
#define MSG_H

void	 msg_init(const char *prog);
void	 msg_level(int level);		/* -1 quiet, 0 normal, 1 verbose */
int	 msg_verbose(void);
const char *msg_prog(void);
void	 msg_err(const char *, ...) __attribute__((format(printf, 1, 2)));
void	 msg_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	 msg_note(const char *, ...) __attribute__((format(printf, 1, 2)));

/*
 * Progress: one line on standard error, redrawn in place, when it is a
 * terminal (and standard output is not), never with -q: "prog: what:
 * P pages, N records, R/s, T left, waiting W s for the rate limit".  A
 * phase is named by what; each phase counts its records, pages and rate
 * from its start.  msg_progress (cheap enough to call per record) gives
 * the records so far, starting a phase when what changes;
 * msg_progress_start starts one whose records number total (0: unknown),
 * for the time left.  msg_progress_page counts a page read, of npages
 * (-1: unknown); msg_progress_wait says the tool waits secs seconds why
 * ("for the rate limit"; NULL: the wait is over).  Any message clears the
 * line first; msg_progress_end clears it and ends the phase.  what is
 * copied; why is borrowed until the wait ends.
 */
void	 msg_progress_start(const char *what, unsigned long total);
void	 msg_progress(const char *what, unsigned long n);
void	 msg_progress_page(long npages);
void	 msg_progress_wait(double secs, const char *why);
void	 msg_progress_end(void);

#endif /* MSG_H */
