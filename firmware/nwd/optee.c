/* SPDX-License-Identifier: MIT */
/*
 * The OP-TEE driver part of nwd, modelled on Linux's drivers/tee/optee
 * (smc_abi.c, rpc.c): the SMC conduit, a pool over OP-TEE's reserved shared
 * memory, and the CALL_WITH_ARG loop that serves OP-TEE's RPC requests
 * until the call completes.
 *
 * Shared-memory cookies: the driver identifies a buffer it gave OP-TEE by
 * its physical address (the identity map makes it the pointer too).
 */
#include "nwd.h"

/* ---- SMC conduit ------------------------------------------------------------ */

/* SMC #0 with x0..x7 = a[0..7]; returns x0..x3 (SMCCC: x4..x17 preserved). */
struct smc_res nwd_smc(const u64 a[8])
{
    register u64 x0 __asm__("x0") = a[0];
    register u64 x1 __asm__("x1") = a[1];
    register u64 x2 __asm__("x2") = a[2];
    register u64 x3 __asm__("x3") = a[3];
    register u64 x4 __asm__("x4") = a[4];
    register u64 x5 __asm__("x5") = a[5];
    register u64 x6 __asm__("x6") = a[6];
    register u64 x7 __asm__("x7") = a[7];
    __asm__ volatile("smc #0"
                     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
                     : "r"(x4), "r"(x5), "r"(x6), "r"(x7)
                     : "memory");
    return (struct smc_res){x0, x1, x2, x3};
}

/* ---- shared-memory pool ---------------------------------------------------- */

#define SHM_PAGE        4096ul
#define SHM_MAX_PAGES   512u   /* 2 MiB */

static struct {
    u64 base;
    unsigned npages;
    uint16_t run[SHM_MAX_PAGES];  /* at an allocation's first page: its length in pages */
    u8 used[SHM_MAX_PAGES];
} pool;

void shm_init(u64 base, u64 size)
{
    memset(&pool, 0, sizeof(pool));
    pool.base = base;
    pool.npages = (unsigned)(size / SHM_PAGE);
    if (pool.npages > SHM_MAX_PAGES)
        pool.npages = SHM_MAX_PAGES;
}

void *shm_alloc(u64 size)
{
    unsigned n = (unsigned)((size + SHM_PAGE - 1) / SHM_PAGE);
    if (n == 0)
        n = 1;
    for (unsigned first = 0; first + n <= pool.npages; first++) {
        unsigned k = 0;
        while (k < n && !pool.used[first + k])
            k++;
        if (k < n) {
            first += k;  /* skip past the used page */
            continue;
        }
        for (k = 0; k < n; k++)
            pool.used[first + k] = 1;
        pool.run[first] = (uint16_t)n;
        void *p = (void *)(uintptr_t)(pool.base + first * SHM_PAGE);
        memset(p, 0, n * SHM_PAGE);
        return p;
    }
    return NULL;
}

void shm_free(void *p)
{
    u64 a = (u64)(uintptr_t)p;
    if (a < pool.base || (a - pool.base) % SHM_PAGE)
        nwd_fail("shm_free of an address the pool did not give", a, pool.base);
    unsigned first = (unsigned)((a - pool.base) / SHM_PAGE);
    if (first >= pool.npages || !pool.used[first] || !pool.run[first])
        nwd_fail("shm_free of a buffer that is not allocated", a, 0);
    for (unsigned k = 0; k < (unsigned)pool.run[first]; k++)
        pool.used[first + k] = 0;
    pool.run[first] = 0;
}

unsigned shm_pages_in_use(void)
{
    unsigned n = 0;
    for (unsigned i = 0; i < pool.npages; i++)
        n += pool.used[i];
    return n;
}

static bool in_pool(u64 a, u64 size)
{
    return a >= pool.base && a + size <= pool.base + pool.npages * SHM_PAGE && a + size >= a;
}

/* ---- RPC ---------------------------------------------------------------------- */

static u64 reg_pair_to_64(u64 hi, u64 lo)
{
    return (u64)(u32)hi << 32 | (u32)lo;
}

static void reg_pair_from_64(u64 *hi, u64 *lo, u64 v)
{
    *hi = v >> 32;
    *lo = (u32)v;
}

/* OPTEE_RPC_CMD_GET_TIME: REE time from the generic timer. */
static u32 rpc_get_time(struct optee_msg_arg *a)
{
    if (a->num_params != 1 ||
        (a->params[0].attr & OPTEE_MSG_ATTR_TYPE_MASK) != OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT)
        return TEEC_ERROR_BAD_PARAMETERS;
    u64 cnt = read_sysreg(cntpct_el0), frq = read_sysreg(cntfrq_el0);
    if (!frq)
        frq = 1;
    a->params[0].u.value.a = cnt / frq;
    a->params[0].u.value.b = (cnt % frq) * 1000000000ul / frq;
    return TEEC_SUCCESS;
}

/* OPTEE_RPC_CMD_SHM_ALLOC: value.a = type, value.b = size ->
 * tmem {buf_ptr, size, shm_ref}. */
static u32 rpc_shm_alloc(struct optee_msg_arg *a)
{
    if (a->num_params != 1 ||
        (a->params[0].attr & OPTEE_MSG_ATTR_TYPE_MASK) != OPTEE_MSG_ATTR_TYPE_VALUE_INPUT)
        return TEEC_ERROR_BAD_PARAMETERS;
    u64 size = a->params[0].u.value.b;
    void *p = size ? shm_alloc(size) : NULL;
    if (!p)
        return TEEC_ERROR_OUT_OF_MEMORY;
    a->params[0].attr = OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT;
    a->params[0].u.tmem.buf_ptr = (u64)(uintptr_t)p;
    a->params[0].u.tmem.size = size;
    a->params[0].u.tmem.shm_ref = (u64)(uintptr_t)p;
    return TEEC_SUCCESS;
}

/* OPTEE_RPC_CMD_SHM_FREE: value.a = type, value.b = shm_ref. */
static u32 rpc_shm_free(struct optee_msg_arg *a)
{
    if (a->num_params != 1 ||
        (a->params[0].attr & OPTEE_MSG_ATTR_TYPE_MASK) != OPTEE_MSG_ATTR_TYPE_VALUE_INPUT)
        return TEEC_ERROR_BAD_PARAMETERS;
    shm_free((void *)(uintptr_t)a->params[0].u.value.b);
    return TEEC_SUCCESS;
}

/* OPTEE_SMC_RPC_FUNC_CMD: the request is a struct optee_msg_arg in a
 * buffer this driver gave OP-TEE (RPC_ALLOC). Like Linux, serve the kernel's
 * own commands; everything else is tee-supplicant's, and there is no
 * supplicant here: answer as Linux does when none is running. */
static void rpc_cmd(u64 cookie, struct rpc_stats *st)
{
    if (!in_pool(cookie, sizeof(struct optee_msg_arg)))
        nwd_fail("RPC CMD: argument outside shared memory", cookie, pool.base);
    struct optee_msg_arg *a = (struct optee_msg_arg *)(uintptr_t)cookie;
    if (!in_pool(cookie, OPTEE_MSG_ARG_SIZE(a->num_params)))
        nwd_fail("RPC CMD: parameters run past shared memory", a->num_params, 0);
    st->cmd_by_id[a->cmd < 16 ? a->cmd : 15]++;
    switch (a->cmd) {
    case OPTEE_RPC_CMD_GET_TIME:
        a->ret = rpc_get_time(a);
        break;
    case OPTEE_RPC_CMD_NOTIFICATION:
        /* Wait-queue sleep/wake-up. One thread here: nothing to wait for. */
    case OPTEE_RPC_CMD_SUSPEND:
        /* Suspend for value.a ms: time is virtual; return at once. */
        a->ret = TEEC_SUCCESS;
        break;
    case OPTEE_RPC_CMD_SHM_ALLOC:
        a->ret = rpc_shm_alloc(a);
        break;
    case OPTEE_RPC_CMD_SHM_FREE:
        a->ret = rpc_shm_free(a);
        break;
    default:  /* LOAD_TA, RPMB, FS, ...: tee-supplicant's */
        tzt_printf("nwd:   RPC CMD %u for tee-supplicant: none here, TEEC_ERROR_COMMUNICATION\n",
                   a->cmd);
        a->ret = TEEC_ERROR_COMMUNICATION;
        break;
    }
    dsb();
}

/* One RPC request in p[0..3] (as OP-TEE returned them); prepares p for
 * OPTEE_SMC_CALL_RETURN_FROM_RPC (Linux: optee_handle_rpc()). */
static void handle_rpc(u64 p[8], struct rpc_stats *st)
{
    u32 func = OPTEE_SMC_RPC_FUNC(p[0]);
    switch (func) {
    case OPTEE_SMC_RPC_FUNC_ALLOC: {
        st->alloc++;
        void *buf = shm_alloc(p[1]);
        u64 pa = (u64)(uintptr_t)buf;  /* 0 = could not allocate */
        reg_pair_from_64(&p[1], &p[2], pa);
        reg_pair_from_64(&p[4], &p[5], pa);  /* cookie */
        break;
    }
    case OPTEE_SMC_RPC_FUNC_FREE:
        st->free++;
        shm_free((void *)(uintptr_t)reg_pair_to_64(p[1], p[2]));
        break;
    case OPTEE_SMC_RPC_FUNC_FOREIGN_INTR:
        /* A normal-world interrupt preempted OP-TEE. Linux would take it when
         * it unmasks IRQs; this payload runs with them masked and has none. */
        st->foreign_intr++;
        break;
    case OPTEE_SMC_RPC_FUNC_CMD:
        st->cmd++;
        rpc_cmd(reg_pair_to_64(p[1], p[2]), st);
        break;
    default:
        nwd_fail("unknown RPC function from OP-TEE", func, 0);
    }
    p[0] = OPTEE_SMC_CALL_RETURN_FROM_RPC;
}

u32 optee_call_with_arg(struct optee_msg_arg *arg, struct rpc_stats *st)
{
    u64 p[8] = {OPTEE_SMC_CALL_WITH_ARG};
    reg_pair_from_64(&p[1], &p[2], (u64)(uintptr_t)arg);
    dsb();
    for (;;) {
        struct smc_res r = nwd_smc(p);
        if ((u32)r.a0 == OPTEE_SMC_RETURN_ETHREAD_LIMIT)
            nwd_fail("OP-TEE is out of threads (one caller here)", r.a0, 0);
        if (!OPTEE_SMC_RETURN_IS_RPC(r.a0))
            return (u32)r.a0;
        p[0] = r.a0;
        p[1] = r.a1;
        p[2] = r.a2;
        p[3] = r.a3;
        handle_rpc(p, st);
    }
}
