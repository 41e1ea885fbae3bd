/* Errors for bad user input (DTB, ELF, scenario, DB path).
 *
 * tzsim has three kinds of error (see docs/architecture.md):
 *   - a tzsim bug: assert();
 *   - bad user input: a struct tz_error filled with "FILE: PLACE: REASON" and
 *     returned up to the CLI, which prints it and exits non-zero;
 *   - guest misbehaviour: a trace event and the architected result.
 */
#ifndef TZ_ERROR_H
#define TZ_ERROR_H

#include <stdarg.h>

#define TZ_ERROR_MAX 1024

struct tz_error {
    char msg[TZ_ERROR_MAX];
};

/* Fills err (if non-NULL) with "file: " followed by the formatted text.
 * file may be NULL when no file is involved. Always returns -1 so callers can
 * write `return tz_error_set(err, path, "...")`. */
int tz_error_set(struct tz_error *err, const char *file, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int tz_error_vset(struct tz_error *err, const char *file, const char *fmt, va_list ap);

#endif
