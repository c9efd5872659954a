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
 * Progress: "prog: file: N records" rewritten in place on standard error
 * when it is a terminal (and not -q); cheap enough to call per record.
 * msg_progress_end erases the line.
 */
void	 msg_progress(const char *what, unsigned long n);
void	 msg_progress_end(void);

#endif /* MSG_H */
