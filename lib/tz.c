/* tz: local times of a zone and RFC 3339 UTC, through the C library. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tz.h"
#include "util.h"

static char	*saved;			/* TZ before we set it */
static int	 hadtz;			/* TZ was set */

static void
settz(const char *zone)
{
	const char *e;

	e = getenv("TZ");
	hadtz = e != NULL;
	free(saved);
	saved = e != NULL ? xstrdup(e) : NULL;
	setenv("TZ", zone, 1);
	tzset();
}

static void
restoretz(void)
{
	if (hadtz)
		setenv("TZ", saved, 1);
	else
		unsetenv("TZ");
	tzset();
}

int
tz_known(const char *zone)
{
	char	 path[512];

	if (zone[0] == '\0' || strstr(zone, "..") != NULL)
		return 0;
	if (strcmp(zone, "UTC") == 0)
		return 1;
	snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", zone);
	return access(path, R_OK) == 0;
}

void
tz_format(time_t t, char *out)
{
	struct tm tm;

	/* Four digits of year, as RFC 3339 has them; "" beyond them. */
	if (gmtime_r(&t, &tm) == NULL || tm.tm_year < -1900 ||
	    tm.tm_year > 9999 - 1900) {
		out[0] = '\0';
		return;
	}
	snprintf(out, TZ_LEN, "%04d-%02d-%02dT%02d:%02d:%02dZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec);
}

int
tz_local_to_utc(const char *zone, const char *local, char *out)
{
	struct tm tm;
	time_t	 t;
	char	*end;

	memset(&tm, 0, sizeof(tm));
	if ((end = strptime(local, "%Y-%m-%d %H:%M:%S", &tm)) == NULL ||
	    *end != '\0')
		return -1;
	tm.tm_isdst = -1;		/* the zone's rules decide */
	settz(zone);
	t = mktime(&tm);
	restoretz();
	if (t == (time_t)-1)
		return -1;
	tz_format(t, out);
	return 0;
}

int
tz_utc_to_local(const char *zone, time_t t, char *out)
{
	struct tm tm;

	settz(zone);
	localtime_r(&t, &tm);
	restoretz();
	strftime(out, TZ_LEN, "%Y-%m-%d %H:%M:%S", &tm);
	return 0;
}

int
tz_parse(const char *s, time_t *t)
{
	struct tm tm;
	const char *e;
	int	 sign, oh, om;

	memset(&tm, 0, sizeof(tm));
	if ((e = strptime(s, "%Y-%m-%d", &tm)) == NULL)
		return -1;
	if (*e == '\0') {
		*t = timegm(&tm);
		return 0;
	}
	if ((*e != 'T' && *e != ' ') ||
	    (e = strptime(e + 1, "%H:%M:%S", &tm)) == NULL)
		return -1;
	*t = timegm(&tm);
	if (strcmp(e, "Z") == 0 || strcmp(e, "z") == 0)
		return 0;
	if ((*e != '+' && *e != '-') || strlen(e) != 6 || e[3] != ':' ||
	    sscanf(e + 1, "%2d:%2d", &oh, &om) != 2)
		return -1;
	sign = *e == '-' ? -1 : 1;
	*t -= sign * (oh * 3600 + om * 60);
	return 0;
}
