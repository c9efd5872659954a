/*
 * wire: canned answers for the connectors, in place of libcurl's
 * transfer, for tests/fuzz/page and tests/unit/answers.  A program linked
 * with WIRE_WRAP (the Makefile: -Wl,--wrap of curl_easy_init, _cleanup,
 * _setopt, _perform, _getinfo, and of util.c's mono_now and sleep_secs)
 * runs the real HTTP client (http.c), whose every request takes the next
 * answer of the text given to wire_answers, on a fake clock that sleeps
 * in no time.
 *
 * The answers are parted by a line "--" ("\n--\n").  An answer that
 * starts "HTTP NNN\n" has that status (0: no answer came, as after a
 * connection reset) and header lines up to an empty line before its
 * body; any other is a 200 of that body.  A request beyond the answers
 * gets a 404 with no body.
 */
#ifndef WIRE_H
#define WIRE_H

#include <stddef.h>

/* Answer the requests after this with text (len bytes, borrowed). */
void		 wire_answers(const char *text, size_t len);
/* The fake clock: the seconds slept so far. */
double		 wire_clock(void);

#endif /* WIRE_H */
