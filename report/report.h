/* Reports over a trace database: latency statistics per SMC function id and
 * per interrupt, world switches. See docs/reports.md. */
#ifndef TZ_REPORT_H
#define TZ_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "sim/error.h"

/* Prints the latency report of run `run` (0: every run) of the trace at db.
 * Returns 0, or -1 with "DB: ..." in err. */
int tz_report(const char *db, int64_t run, FILE *out, struct tz_error *err);

#endif
