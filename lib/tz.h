/*
 * tz: times between a platform's local time without an offset
 * ("2026-11-01 10:00:00", Picqer's form) and RFC 3339 in UTC.
 *
 * tz_* functions borrow their arguments and write into the caller's
 * buffer of at least TZ_LEN bytes.  They change the process's TZ while
 * they work and restore it: the tools are single-threaded.
 */
#ifndef TZ_H
#define TZ_H

#include <time.h>

#define TZ_LEN	32

/* Local "YYYY-MM-DD HH:MM:SS" in zone to "YYYY-MM-DDTHH:MM:SSZ".  0 or -1. */
int	 tz_local_to_utc(const char *zone, const char *local, char *out);

/* A UTC time to local "YYYY-MM-DD HH:MM:SS" in zone.  0 or -1. */
int	 tz_utc_to_local(const char *zone, time_t t, char *out);

/*
 * Parse what a user gives for --since and --until: "YYYY-MM-DD" (midnight
 * UTC), "YYYY-MM-DDTHH:MM:SSZ", or with an offset "+01:00".  0 or -1.
 */
int	 tz_parse(const char *s, time_t *t);

/*
 * t as "YYYY-MM-DDTHH:MM:SSZ", the year in four digits (0225), or ""
 * for a time outside the years 0 to 9999.
 */
void	 tz_format(time_t t, char *out);

/* Whether zone names a time zone the system knows. */
int	 tz_known(const char *zone);

#endif /* TZ_H */
