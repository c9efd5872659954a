/*
 * http: the one HTTP client every connector shares, over libcurl.
 *
 * It reuses the connection, sets connect and total timeouts, verifies TLS
 * always and allows plain http:// only to a loopback address (the
 * sandbox), sends the User-Agent a platform asks for, paces requests
 * (pace.h) as the platform's rate-limit headers correct, and
 * retries 429, 5xx and network failures with exponential backoff and
 * jitter, honouring Retry-After, resending the very same request (a
 * request that is not idempotent only when it cannot have been carried
 * out: HTTP_ONCE).  With
 * HTTP_JSON a body that is not valid JSON counts as a failed attempt too
 * (a truncated page), so a caller never sees half an answer.
 *
 * http_* functions borrow their arguments.  struct http_resp owns its
 * body and json; http_resp_free releases them.  http_free closes the
 * session.
 */
#ifndef HTTP_H
#define HTTP_H

#include <jansson.h>

#include "util.h"

struct http_opts {
	const char	*useragent;	/* required by some platforms */
	const char	*user;		/* Basic auth user, or NULL */
	const char	*pass;		/* Basic auth password */
	const char	*bearer;	/* Authorization: Bearer, or NULL */
	const char	*auth;		/* another auth header line, or NULL */
	const char	*query;		/* parameters added to every URL (keys
					   where a host drops Authorization),
					   or NULL; never shown */
	/*
	 * Sign each attempt of method to url with body (NULL: none): put
	 * the header lines in out, one per line; 0 or -1.
	 */
	int		(*sign)(void *arg, const char *method,
			    const char *url, const char *body,
			    struct buf *out);
	void		*sign_arg;
	long		 connect_ms;	/* connect timeout */
	long		 timeout_ms;	/* whole-request timeout */
	int		 retries;	/* attempts after the first */
	long		 backoff_ms;	/* first retry delay, doubled after */
	long		 backoff_max_ms;	/* cap of one delay */
	double		 rate_limit;	/* requests per window; 0: no pacing */
	double		 rate_window;	/* seconds */
	/*
	 * The rate-limit headers hold one number, or one per window of the
	 * platform's, '/' between them (Lightspeed's "300/3000/12000"):
	 * each window is then paced on its own besides rate_limit, by the
	 * limit, the requests left and the seconds to its reset.
	 */
	const char	*limit_hdr;	/* header with the current limit */
	const char	*remain_hdr;	/* header with requests left */
	const char	*reset_hdr;	/* header with the seconds until the
					   window resets */
	const char	*pages_hdr;	/* header with the number of pages */
	void		(*log)(const char *, ...);	/* -v lines, or NULL */
};

enum {					/* http_request flags */
	HTTP_JSON = 1,			/* the answer must be JSON */
	HTTP_FORM = 2,			/* the body is a form, not JSON */
	HTTP_ONCE = 4,			/* not idempotent: resent only when it
					   surely was not carried out (a 429,
					   no connection), never after a 5xx,
					   a timeout or a cut answer */
	HTTP_BARE = 8,			/* without the connection's credentials
					   (header, keys, signature): a URL
					   of another host that carries its
					   own, shown without its query */
	HTTP_PLAIN = 16			/* application/json, whatever
					   http_set_type said: not the API's
					   own endpoint (a token's) */
};

struct http_resp {
	long		 status;	/* HTTP status, 0 when none came */
	struct buf	 body;		/* the body */
	json_t		*json;		/* with HTTP_JSON: the parsed body */
	int		 retries;	/* attempts after the first */
	double		 ms;		/* time of the last attempt */
	long		 pages;		/* the pages_hdr header, or -1 */
};

struct http;

void		 http_opts_init(struct http_opts *);

/* A session; NULL when libcurl cannot start (http_error of NULL says). */
struct http	*http_new(const struct http_opts *);

/*
 * Check that url may be used: https, or http to a loopback address.
 * 0, or -1 with a reason in err.
 */
int		 http_url_ok(const char *url, char *err, size_t errlen);

/*
 * Send method url with body (NULL for none, as JSON).  Returns 0 on a 2xx
 * answer; 1 when the platform answered otherwise, or kept failing until
 * the retries ran out (resp holds the last answer); -1 when no answer
 * came at all.  http_error says what went wrong, URL included, secrets
 * removed.  http_refused tells a refusal (nothing was done) from an
 * answer that leaves it unknown whether a write was carried out.
 */
int		 http_request(struct http *, const char *method,
		    const char *url, const char *body, int flags,
		    struct http_resp *resp);

/*
 * Whether the answer r of a failed request is the platform refusing it:
 * a 4xx other than 429 (408 and 409 included: said before the work).
 * Anything else (5xx, a timeout, a cut or unreadable answer) may have
 * been carried out.
 */
int		 http_refused(const struct http_resp *r);

/*
 * Wait as before retry attempt + 1 (attempt from 0), for an answer that
 * says "try again" in its body; -1 at once when the retries are spent.
 */
int		 http_retry_wait(struct http *, int attempt);

/*
 * Have wait told of each wait before a request (the rate limit, a retry):
 * the seconds left and what for ("for the rate limit"), as each second
 * passes, then (0, NULL) when it is over.  NULL: nobody is told.
 */
void		 http_set_wait(struct http *,
		    void (*wait)(double secs, const char *why));

/* Sleep secs seconds why, telling the wait hook (http_set_wait). */
void		 http_pause(struct http *, double secs, const char *why);

/* Say what a connector does, as a -v line (o.log), if any is kept. */
void		 http_note(struct http *, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));

/* Replace the auth header line (a renewed token); NULL for none. */
void		 http_set_auth(struct http *, const char *line);

/*
 * The media type of the requests after this, JSON in a vendor's type
 * (Bol's "application/vnd.retailer.v10+json"), as Accept and as the
 * Content-Type of a JSON body, except with HTTP_PLAIN; NULL:
 * application/json.
 */
void		 http_set_type(struct http *, const char *type);

const char	*http_error(const struct http *);
unsigned long	 http_count(const struct http *);	/* requests sent */
unsigned long	 http_throttled(const struct http *);	/* 429s seen */
/* Count a throttled answer the platform gave otherwise than as a 429. */
void		 http_count_throttled(struct http *);

/* url with the values of secret query parameters replaced. */
void		 http_redact(const char *url, struct buf *out);

/*
 * url normalised as RFC 3986 (6.2.2.1, 6.2.3) says, and as a server that
 * checks a signature over it may: its scheme and host in lower case, a
 * port that is the scheme's default (80 for http, 443 for https) or
 * empty left out; the rest as written.  Appended to out.
 */
void		 http_url_normal(const char *url, struct buf *out);

void		 http_resp_free(struct http_resp *);
void		 http_free(struct http *);

#endif /* HTTP_H */
