/*
 * util: allocation that cannot fail, a bump arena, small byte buffers and
 * the exit codes every tool shares.
 *
 * The x* functions exit with EXIT_TROUBLE when memory runs out; they are
 * the only functions in lib/ that exit.  An arena owns every string it
 * hands out; arena_free releases them all at once.  A struct buf owns its
 * bytes; buf_free releases them.
 */
#ifndef UTIL_H
#define UTIL_H

#include <stddef.h>
#include <stdint.h>

enum exit_status {
	EXIT_OK = 0,			/* success, or "the same" */
	EXIT_DIFFER = 1,		/* a meaningful negative result */
	EXIT_TROUBLE = 2,		/* usage, input, output, memory */
	EXIT_PLATFORM = 3		/* the platform could not be reached */
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

void	 xnomem(void) __attribute__((noreturn));	/* say so, exit */
void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xmemdup(const void *, size_t);	/* NUL-terminated copy */

struct arena_chunk;
struct arena {
	struct arena_chunk *head;	/* newest chunk first */
	char		*p;		/* next free byte in head */
	size_t		 left;		/* free bytes after p */
	size_t		 used;		/* bytes handed out, for reports */
};

void	 arena_init(struct arena *);
void	*arena_alloc(struct arena *, size_t);	/* aligned for any type */
char	*arena_strndup(struct arena *, const char *, size_t);
void	 arena_free(struct arena *);

struct buf {
	char		*s;		/* bytes, NUL-terminated */
	size_t		 len;		/* bytes in use */
	size_t		 cap;		/* bytes allocated */
};

void	 buf_grow(struct buf *, size_t);	/* room for n more bytes */
void	 buf_add(struct buf *, const void *, size_t);
void	 buf_addc(struct buf *, int);
void	 buf_adds(struct buf *, const char *);
const char *buf_str(struct buf *);		/* NUL-terminated view */
void	 buf_free(struct buf *);

/*
 * SIGINT, SIGTERM and SIGHUP ask a writing tool to stop between two
 * writes (and put the shop's settings back) instead of dying in the
 * middle; a second one ends it at once.  stop_asked() is the signal
 * seen, or 0.
 */
void	 stop_on_signals(void);
int	 stop_asked(void);

double	 mono_now(void);		/* seconds on the monotonic clock */
void	 sleep_secs(double);		/* sleep, signals or not */

#endif /* UTIL_H */
