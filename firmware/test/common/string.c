/* SPDX-License-Identifier: MIT */
/*
 * The four functions GCC may call even in freestanding code (structure copies
 * and initialisation). The images run with the MMU off, where every data
 * access is to Device memory and must be aligned: these use 8-byte accesses
 * only when both addresses are 8-byte aligned, bytes otherwise.
 *
 * no-tree-loop-distribute-patterns keeps GCC from turning the loops below
 * into calls to themselves.
 */
#include "tzt.h"

#define TZT_STRING_FN __attribute__((optimize("no-tree-loop-distribute-patterns")))

TZT_STRING_FN void *memset(void *d, int c, size_t n)
{
    u8 *p = d;
    if (((uintptr_t)p & 7) == 0) {
        u64 v = 0x0101010101010101ull * (u8)c;
        for (; n >= 8; n -= 8, p += 8)
            *(u64 *)p = v;
    }
    while (n--)
        *p++ = (u8)c;
    return d;
}

TZT_STRING_FN void *memcpy(void *d, const void *s, size_t n)
{
    u8 *pd = d;
    const u8 *ps = s;
    if ((((uintptr_t)pd | (uintptr_t)ps) & 7) == 0) {
        for (; n >= 8; n -= 8, pd += 8, ps += 8)
            *(u64 *)pd = *(const u64 *)ps;
    }
    while (n--)
        *pd++ = *ps++;
    return d;
}

TZT_STRING_FN void *memmove(void *d, const void *s, size_t n)
{
    u8 *pd = d;
    const u8 *ps = s;
    if (pd <= ps || pd >= ps + n)
        return memcpy(d, s, n);
    pd += n;
    ps += n;
    while (n--)
        *--pd = *--ps;
    return d;
}

TZT_STRING_FN int memcmp(const void *a, const void *b, size_t n)
{
    const u8 *pa = a, *pb = b;
    for (; n; n--, pa++, pb++) {
        if (*pa != *pb)
            return *pa < *pb ? -1 : 1;
    }
    return 0;
}
