/* SPDX-License-Identifier: MIT */
/*
 * tsp: a secure test payload for the reference monitor (firmware/monitor).
 *
 * It runs at S-EL1 where OP-TEE would (0x0e100000) and speaks OP-TEE's
 * dispatcher protocol towards the monitor (opteed.h): it boots, returns
 * ENTRY_DONE with its vector table (entry.S) and is then entered only
 * through that table; each entry ends with the matching TEESMC_OPTEED
 * return. Towards the normal world it serves the calls of tsp_abi.h:
 *
 *   fast ECHO, ADD, CHECKSUM (of a buffer in the static shared memory),
 *   STATS, FILL (writes a pattern into the shared memory), all with
 *   interrupts masked;
 *   yielding LOOP, which runs N iterations of a short loop with interrupts
 *   unmasked on a per-core thread stack. A secure (native) interrupt taken
 *   then is handled at once; a normal-world (foreign) one preempts the call:
 *   the interrupted state stays on the thread stack, the call returns
 *   TSP_RPC_FOREIGN_INTR (OP-TEE's OPTEE_SMC_RETURN_RPC_FOREIGN_INTR) with
 *   a resume token in x3, and RETURN_FROM_RPC resumes it where it was.
 *
 * The MMU stays off (every data access is Device memory: aligned accesses
 * only, -mstrict-align; the normal world's buffer is read uncached, so its
 * writer must have it non-cacheable or clean it first). Console: the secure
 * PL011 (UART1). See firmware/tsp/README.md.
 */
#include "tsp.h"

const uintptr_t tzt_console_base = TZT_UART1_BASE;
const char tzt_image_name[] = "tsp";

enum thread_state { THREAD_IDLE = 0, THREAD_RUNNING, THREAD_SUSPENDED };

struct tsp_core {
    u32 thread;         /* enum thread_state of this core's yielding call */
    u32 resume_token;   /* given with the RPC, checked by RETURN_FROM_RPC */
    u64 frame;          /* the preempted call's interrupt frame (SUSPENDED) */
    u64 call_foreign;   /* foreign-interrupt RPCs of the current call */
    u64 call_native;    /* native interrupts of the current call */
    u64 fiqs;           /* FIQ entries (secure interrupts while NS ran) */
    u64 native;         /* native interrupts during yielding calls */
    u64 foreign;        /* foreign-interrupt RPCs */
    u64 rpcs_made;      /* resume tokens handed out */
};

static struct tsp_core cores[TSP_MAX_CORES];

static unsigned core_index(void)
{
    return (unsigned)(read_sysreg(mpidr_el1) & 0xff);  /* < TSP_MAX_CORES (entry.S) */
}

static struct tsp_core *this_core(void)
{
    return &cores[core_index()];
}

static TZT_NORETURN void call_done(u64 status, u64 r1, u64 r2, u64 r3)
{
    tsp_smc_return(TSP_RV_CALL_DONE, status, r1, r2, r3);
}

/* ---- boot and power ------------------------------------------------------------ */

void tsp_cold_boot(u64 x0, u64 x1, u64 x2, u64 x3)
{
    tsp_gic_init();
    tzt_printf("tsp: up on core %u, S-EL1 at 0x%lx (x0=0x%lx x1=0x%lx x2=0x%lx x3=0x%lx)\n",
               core_index(), (u64)(uintptr_t)&tsp_cold_boot, x0, x1, x2, x3);
    tzt_printf("tsp: %s, secure interrupt INTID %u (%s), vector table at 0x%lx\n",
               tsp_gic_is_v3() ? "GICv3" : "GICv2", TSP_SECURE_INTID,
               tsp_gic_is_v3() ? "Secure Group 1" : "Group 0",
               (u64)(uintptr_t)tsp_vector_table);
    tsp_smc_return(TSP_RV_ENTRY_DONE, (u64)(uintptr_t)tsp_vector_table, 0, 0, 0);
}

void tsp_cpu_on(void)
{
    struct tsp_core *c = this_core();
    memset(c, 0, sizeof(*c));
    tzt_printf("tsp: core %u on\n", core_index());
    tsp_smc_return(TSP_RV_ON_DONE, 0, 0, 0, 0);
}

void tsp_cpu_off(void)
{
    struct tsp_core *c = this_core();
    if (c->thread != THREAD_IDLE)
        tzt_printf("tsp: core %u off with a preempted call: dropped\n", core_index());
    c->thread = THREAD_IDLE;
    tzt_printf("tsp: core %u off\n", core_index());
    tsp_smc_return(TSP_RV_OFF_DONE, 0, 0, 0, 0);
}

/* Power-down suspend keeps nothing the TSP cares about (its memory stays):
 * nothing to save or restore. */
void tsp_cpu_suspend(u64 power_state)
{
    tsp_smc_return(TSP_RV_SUSPEND_DONE, 0, 0, 0, 0);
}

void tsp_cpu_resume(u64 level)
{
    tsp_smc_return(TSP_RV_RESUME_DONE, 0, 0, 0, 0);
}

void tsp_system_off(void)
{
    tzt_printf("tsp: system off\n");
    tsp_smc_return(TSP_RV_SYSTEM_OFF_DONE, 0, 0, 0, 0);
}

void tsp_system_reset(void)
{
    tzt_printf("tsp: system reset\n");
    tsp_smc_return(TSP_RV_SYSTEM_RESET_DONE, 0, 0, 0, 0);
}

/* ---- interrupts ------------------------------------------------------------------ */

/* A secure interrupt while the normal world ran: the monitor took it to EL3
 * (SCR_EL3.FIQ) and entered fiq_entry with x0 = the normal world's PC. */
void tsp_fiq(u64 ns_pc)
{
    struct tsp_core *c = this_core();
    c->fiqs++;
    u32 iar = tsp_gic_ack();
    u32 id = tsp_gic_intid(iar);
    if (id >= TSP_GIC_SPURIOUS_FIRST) {
        tzt_printf("tsp: FIQ entry on core %u: nothing to acknowledge (INTID %u)\n",
                   core_index(), id);
    } else {
        tsp_gic_eoi(iar);
        tzt_printf("tsp: FIQ entry on core %u: INTID %u handled (normal world at 0x%lx)\n",
                   core_index(), id, ns_pc);
    }
    tsp_smc_return(TSP_RV_FIQ_DONE, 0, 0, 0, 0);
}

/* An IRQ or FIQ taken at S-EL1 while the yielding call ran with interrupts
 * unmasked (the only place they are). A secure interrupt the GIC lets the
 * secure world acknowledge is native: handled here, and the call goes on.
 * Anything else (GICv3: Non-secure Group 1, signalled as FIQ here; GICv2:
 * Group 1, an IRQ, which a secure IAR read answers with 1022) belongs to the
 * normal world: the call is preempted and returns the foreign-interrupt RPC,
 * with the interrupted registers left in the frame on the thread stack. */
void tsp_thread_interrupt(u64 *frame)
{
    struct tsp_core *c = this_core();
    if (c->thread != THREAD_RUNNING)
        tzt_el1_panic("interrupt outside a yielding call");
    u32 iar = tsp_gic_ack();
    u32 id = tsp_gic_intid(iar);
    if (id < TSP_GIC_SPURIOUS_FIRST) {
        tsp_gic_eoi(iar);
        c->native++;
        c->call_native++;
        tzt_printf("tsp: native interrupt INTID %u during a yielding call on core %u\n", id,
                   core_index());
        return;
    }
    c->foreign++;
    c->call_foreign++;
    c->frame = (u64)(uintptr_t)frame;
    c->thread = THREAD_SUSPENDED;
    /* A token that changes with every RPC: a stale RETURN_FROM_RPC is refused. */
    c->resume_token = (u32)((++c->rpcs_made << 8) | core_index());
    call_done(TSP_RPC_FOREIGN_INTR, 0, 0, c->resume_token);
}

/* ---- calls ------------------------------------------------------------------------ */

/* CHECKSUM: FNV-1a over the normal world's buffer, read byte by byte with
 * the MMU off (Device-nGnRnE: uncached), so a writer that has the buffer
 * in its cache must clean it to the PoC first (docs/caches.md, rule 1). A
 * function of its own so that the coherence checker's findings name it. */
static __attribute__((noinline)) u32 tsp_checksum(u64 pa, u64 len)
{
    const volatile u8 *p = (const volatile u8 *)(uintptr_t)pa;
    u32 h = TSP_FNV_OFFSET;
    for (u64 i = 0; i < len; i++) {
        h ^= p[i];
        h *= TSP_FNV_PRIME;
    }
    return h;
}

/* FILL: the pattern of tsp_abi.h, written byte by byte with the MMU off,
 * i.e. as Device-nGnRnE stores that bypass every cache: a normal-world
 * reader that has the buffer cached must invalidate it (DC IVAC) before it
 * reads the result (docs/caches.md, rules 2 and 5). A function of its own
 * so that the coherence checker's findings name it. */
static __attribute__((noinline)) void tsp_fill(u64 pa, u64 len, u32 seed)
{
    volatile u8 *p = (volatile u8 *)(uintptr_t)pa;
    for (u64 i = 0; i < len; i++)
        p[i] = TSP_FILL_BYTE(seed, i);
}

static bool in_shm(u64 pa, u64 len)
{
    return pa >= TSP_SHM_BASE && len <= TSP_SHM_SIZE &&
           pa - TSP_SHM_BASE <= TSP_SHM_SIZE - len;
}

void tsp_fast_smc(u64 fid, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5, u64 a6, u64 a7)
{
    bool smc64 = fid & TSP_FID_SMC64;
    u64 mask = smc64 ? ~0ull : 0xffffffffull;
    a1 &= mask;
    a2 &= mask;
    a3 &= mask;
    u64 r[4] = {TSP_OK, 0, 0, 0};
    switch ((u32)fid & ~TSP_FID_SMC64) {
    case TSP_FAST_ECHO:
        r[1] = a1, r[2] = a2, r[3] = a3;
        break;
    case TSP_FAST_ADD:
        r[1] = a1 + a2;
        break;
    case TSP_FAST_CHECKSUM:
        if (in_shm(a1, a2))
            r[1] = tsp_checksum(a1, a2);
        else
            r[0] = TSP_E_BADADDR;
        break;
    case TSP_FAST_FILL:
        if (in_shm(a1, a2)) {
            tsp_fill(a1, a2, (u32)a3);
            r[1] = a2;
        } else {
            r[0] = TSP_E_BADADDR;
        }
        break;
    case TSP_FAST_STATS:
        for (unsigned i = 0; i < TSP_MAX_CORES; i++) {
            r[1] += cores[i].fiqs;
            r[2] += cores[i].native;
            r[3] += cores[i].foreign;
        }
        break;
    default:
        r[0] = TSP_E_UNKNOWN;
        break;
    }
    call_done(r[0], r[1] & mask, r[2] & mask, r[3] & mask);
}

void tsp_yield_smc(u64 fid, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5, u64 a6, u64 a7)
{
    struct tsp_core *c = this_core();
    u64 mask = (fid & TSP_FID_SMC64) ? ~0ull : 0xffffffffull;
    switch ((u32)fid & ~TSP_FID_SMC64) {
    case TSP_YIELD_RETURN_FROM_RPC:
        if (c->thread != THREAD_SUSPENDED || (a3 & mask) != c->resume_token)
            call_done(TSP_E_RESUME, 0, 0, 0);
        c->thread = THREAD_RUNNING;
        tsp_thread_resume(c->frame);
    case TSP_YIELD_LOOP:
        if (c->thread != THREAD_IDLE)
            call_done(TSP_E_BUSY, 0, 0, 0);
        c->thread = THREAD_RUNNING;
        c->call_foreign = c->call_native = 0;
        tsp_thread_start(fid, a1 & mask, a2 & mask, a3 & mask,
                         (u64)(uintptr_t)tsp_thread_stacks +
                             (core_index() + 1) * (u64)TSP_THREAD_STACK_SIZE);
    default:
        call_done(TSP_E_UNKNOWN, 0, 0, 0);
    }
}

/* The yielding call, on this core's thread stack (tsp_thread_start). */
void tsp_thread_main(u64 fid, u64 a1, u64 a2, u64 a3)
{
    struct tsp_core *c = this_core();
    u64 n = tsp_loop(a1);
    c->thread = THREAD_IDLE;
    tzt_printf("tsp: LOOP %lu iterations on core %u (%lu foreign-interrupt RPCs, %lu native "
               "interrupts)\n", n, core_index(), c->call_foreign, c->call_native);
    u64 mask = (fid & TSP_FID_SMC64) ? ~0ull : 0xffffffffull;
    call_done(TSP_OK, n & mask, c->call_foreign, c->call_native);
}
