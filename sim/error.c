#include "error.h"

#include <stdio.h>

int tz_error_vset(struct tz_error *err, const char *file, const char *fmt, va_list ap)
{
    if (!err)
        return -1;
    int n = 0;
    if (file)
        n = snprintf(err->msg, sizeof err->msg, "%s: ", file);
    if (n < 0 || (size_t)n >= sizeof err->msg)
        n = 0;
    vsnprintf(err->msg + n, sizeof err->msg - (size_t)n, fmt, ap);
    return -1;
}

int tz_error_set(struct tz_error *err, const char *file, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tz_error_vset(err, file, fmt, ap);
    va_end(ap);
    return -1;
}
