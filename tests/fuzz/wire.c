/* wire: canned answers in place of libcurl's transfer (wire.h). */
#define _GNU_SOURCE		/* memmem */
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "util.h"
#include "wire.h"

#define SEP	"\n--\n"		/* between two answers */

/* The linker's --wrap: libcurl's own, and util.c's clock. */
CURL	*__wrap_curl_easy_init(void);
void	 __wrap_curl_easy_cleanup(CURL *);
CURLcode __wrap_curl_easy_setopt(CURL *, CURLoption, ...);
CURLcode __wrap_curl_easy_perform(CURL *);
CURLcode __wrap_curl_easy_getinfo(CURL *, CURLINFO, ...);
double	 __wrap_mono_now(void);
void	 __wrap_sleep_secs(double);

/* What http.c set on a handle: where an answer goes. */
struct handle {
	curl_write_callback body;	/* CURLOPT_WRITEFUNCTION */
	void		*bodyarg;	/* CURLOPT_WRITEDATA */
	curl_write_callback header;	/* CURLOPT_HEADERFUNCTION */
	void		*headerarg;	/* CURLOPT_HEADERDATA */
	long		 status;	/* of the last answer */
};

static const char *in, *inend;		/* the answers not handed out */
static double	 clock_now = 1000;	/* the fake monotonic clock */

void
wire_answers(const char *text, size_t len)
{
	in = text;
	inend = text + len;
	clock_now = 1000;
}

CURL *
__wrap_curl_easy_init(void)
{
	return xcalloc(1, sizeof(struct handle));
}

void
__wrap_curl_easy_cleanup(CURL *c)
{
	free(c);
}

CURLcode
__wrap_curl_easy_setopt(CURL *c, CURLoption opt, ...)
{
	struct handle *h = c;
	va_list	 ap;

	va_start(ap, opt);
	switch (opt) {
	case CURLOPT_WRITEFUNCTION:
		h->body = va_arg(ap, curl_write_callback);
		break;
	case CURLOPT_WRITEDATA:
		h->bodyarg = va_arg(ap, void *);
		break;
	case CURLOPT_HEADERFUNCTION:
		h->header = va_arg(ap, curl_write_callback);
		break;
	case CURLOPT_HEADERDATA:
		h->headerarg = va_arg(ap, void *);
		break;
	default:			/* nothing is sent */
		break;
	}
	va_end(ap);
	return CURLE_OK;
}

/* The next answer of the input: its status, headers and body. */
CURLcode
__wrap_curl_easy_perform(CURL *c)
{
	struct handle *h = c;
	const char *a, *e, *p, *nl;
	char	 line[256];
	size_t	 n;

	if (in == NULL) {		/* none left */
		h->status = 404;
		return CURLE_OK;
	}
	a = in;
	if ((e = memmem(a, (size_t)(inend - a), SEP, strlen(SEP))) == NULL) {
		e = inend;
		in = NULL;
	} else
		in = e + strlen(SEP);
	h->status = 200;
	if ((size_t)(e - a) >= 8 && memcmp(a, "HTTP ", 5) == 0) {
		/* Up to three digits: the answer is not NUL-terminated. */
		h->status = 0;
		for (p = a + 5; p < a + 8 && *p >= '0' && *p <= '9'; p++)
			h->status = h->status * 10 + (*p - '0');
		for (p = a; p < e; p = nl + 1) {
			if ((nl = memchr(p, '\n', (size_t)(e - p))) == NULL)
				nl = e;
			if (p > a && nl == p) {	/* the empty line */
				p = nl + 1;
				break;
			}
			n = (size_t)(nl - p);
			if (p > a && n < sizeof(line) - 2) {
				memcpy(line, p, n);
				memcpy(line + n, "\r\n", 2);
				h->header(line, 1, n + 2, h->headerarg);
			}
			if (nl == e) {
				p = e;
				break;
			}
		}
		a = p < e ? p : e;
	}
	if (h->status == 0)
		return CURLE_RECV_ERROR;	/* cut off: no answer */
	if (e > a && h->body((char *)(uintptr_t)a, 1, (size_t)(e - a),
	    h->bodyarg) != (size_t)(e - a))
		return CURLE_WRITE_ERROR;
	return CURLE_OK;
}

CURLcode
__wrap_curl_easy_getinfo(CURL *c, CURLINFO what, ...)
{
	struct handle *h = c;
	va_list	 ap;

	va_start(ap, what);
	if (what == CURLINFO_RESPONSE_CODE)
		*va_arg(ap, long *) = h->status;
	va_end(ap);
	return CURLE_OK;
}

double
__wrap_mono_now(void)
{
	return clock_now;
}

double
wire_clock(void)
{
	return clock_now;
}

void
__wrap_sleep_secs(double sec)
{
	if (sec > 0)
		clock_now += sec;
}
