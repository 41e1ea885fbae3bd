/* SPDX-License-Identifier: MIT */
/*
 * Polled PL011 output and a small printf. The UART is the one the image names
 * in tzt_console_base; it is used as left by the platform (no set-up writes):
 * wait while UARTFR.TXFF is set, then write the byte to UARTDR.
 */
#include <stdarg.h>
#include <stdbool.h>

#include "tzt.h"

void tzt_putc(char c)
{
    uintptr_t base = tzt_console_base;
    while (mmio_read32(base + TZT_UART_FR) & TZT_UART_FR_TXFF)
        ;
    mmio_write32(base + TZT_UART_DR, (u8)c);
}

void tzt_puts(const char *s)
{
    while (*s)
        tzt_putc(*s++);
}

static void put_padded(const char *digits, int len, int width, bool zero)
{
    for (int i = len; i < width; i++)
        tzt_putc(zero ? '0' : ' ');
    while (len > 0)
        tzt_putc(digits[--len]);
}

/* Writes v in `base` (10 or 16) into buf, least significant digit first. */
static int format_unsigned(char *buf, u64 v, unsigned base)
{
    int n = 0;
    do {
        unsigned d = (unsigned)(v % base);
        buf[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
        v /= base;
    } while (v);
    return n;
}

void tzt_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    for (const char *p = fmt; *p; p++) {
        if (*p != '%') {
            tzt_putc(*p);
            continue;
        }
        p++;
        bool zero = false;
        int width = 0, longs = 0;
        if (*p == '0') {
            zero = true;
            p++;
        }
        while (*p >= '0' && *p <= '9')
            width = width * 10 + (*p++ - '0');
        while (*p == 'l' || *p == 'z') {
            longs = (*p == 'z') ? 2 : longs + 1;
            p++;
        }
        char buf[24];
        int n;
        switch (*p) {
        case 'd': {
            long long v = longs ? va_arg(ap, long long) : va_arg(ap, int);
            u64 mag = v < 0 ? -(u64)v : (u64)v;
            n = format_unsigned(buf, mag, 10);
            if (v < 0)
                buf[n++] = '-';
            put_padded(buf, n, width, false);
            break;
        }
        case 'u':
        case 'x': {
            u64 v = longs ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned);
            n = format_unsigned(buf, v, *p == 'u' ? 10 : 16);
            put_padded(buf, n, width, zero);
            break;
        }
        case 'p': {
            u64 v = (u64)(uintptr_t)va_arg(ap, void *);
            tzt_puts("0x");
            n = format_unsigned(buf, v, 16);
            put_padded(buf, n, width, zero);
            break;
        }
        case 's': {
            const char *s = va_arg(ap, const char *);
            tzt_puts(s ? s : "(null)");
            break;
        }
        case 'c':
            tzt_putc((char)va_arg(ap, int));
            break;
        case '%':
            tzt_putc('%');
            break;
        case '\0':
            p--;  /* lone '%' at the end */
            break;
        default:
            tzt_putc('%');
            tzt_putc(*p);
            break;
        }
    }
    va_end(ap);
}

void tzt_powerctl_system(u32 what)
{
    dsb();
    mmio_write32(TZT_POWERCTL_BASE + TZT_PWR_SYSTEM, what);
    dsb();
    for (;;)
        wfi();
}
