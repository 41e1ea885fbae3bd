/* SPDX-License-Identifier: MIT */
/*
 * nwd — a normal-world EL1 payload that talks to OP-TEE like the Linux
 * OP-TEE driver (drivers/tee/optee) probing and then a kernel client using
 * it: check the device tree OP-TEE amended, identify the Trusted OS, learn
 * its capabilities and shared memory, then open a session to a pseudo TA
 * built into OP-TEE, invoke a command, close it, and try a TA that is not
 * there (which makes OP-TEE ask for tee-supplicant by RPC). Every step is
 * printed on UART0; a wrong answer prints "nwd: FAILED ..." and powers off.
 * Success ends with "nwd: OP-TEE session test passed" and PSCI SYSTEM_OFF.
 */
#include "nwd.h"

const uintptr_t tzt_console_base = TZT_UART0_BASE;
const char tzt_image_name[] = "nwd";

/* device.pta, OP-TEE's device-enumeration pseudo TA (core/pta/device.c;
 * Linux's TEE bus uses it): 7011a688-ddde-4053-a5a9-7b3c4ddf13b8. It
 * accepts any login and has no open-session hook. */
static const u8 device_pta_uuid[16] = {0x70, 0x11, 0xa6, 0x88, 0xdd, 0xde, 0x40, 0x53,
                                       0xa5, 0xa9, 0x7b, 0x3c, 0x4d, 0xdf, 0x13, 0xb8};
#define PTA_CMD_GET_DEVICES 0  /* [out] memref: UUIDs of the devices */
/* A TA that is not built in (OP-TEE's hello_world example): OP-TEE has to
 * look for it in the normal world, through tee-supplicant.
 * 8aaaf200-2450-11e4-abe2-0002a5d5c51b */
static const u8 missing_ta_uuid[16] = {0x8a, 0xaa, 0xf2, 0x00, 0x24, 0x50, 0x11, 0xe4,
                                       0xab, 0xe2, 0x00, 0x02, 0xa5, 0xd5, 0xc5, 0x1b};

static TZT_NORETURN void power_off(void)
{
    u64 a[8] = {PSCI_SYSTEM_OFF};
    nwd_smc(a);
    for (;;)
        wfi();
}

void nwd_fail(const char *what, u64 got, u64 expected)
{
    tzt_printf("nwd: FAILED: %s (got 0x%lx, expected 0x%lx)\n", what, got, expected);
    power_off();
}

static struct smc_res fast_call(u32 fid, u64 a1)
{
    u64 a[8] = {fid, a1};
    return nwd_smc(a);
}

static void print_uuid_words(u64 w0, u64 w1, u64 w2, u64 w3)
{
    tzt_printf("%08x-%04x-%04x-%04x-%04x%08x", (u32)w0, (u32)w1 >> 16, (u32)w1 & 0xffff,
               (u32)w2 >> 16, (u32)w2 & 0xffff, (u32)w3);
}

static void print_uuid_octets(const u8 *u)
{
    for (int i = 0; i < 16; i++)
        tzt_printf("%02x%s", u[i], (i == 3 || i == 5 || i == 7 || i == 9) ? "-" : "");
}

/* ---- device tree -------------------------------------------------------------- */

static void print_child(const char *name, void *arg)
{
    tzt_printf("%s%s", *(int *)arg ? ", " : "", name);
    (*(int *)arg)++;
}

/* OP-TEE (CFG_DT) adds /firmware/optee and reserves its memory in the tree
 * it was given; Linux finds the driver's conduit there. */
static void check_dt(const void *dtb)
{
    if (!dtb || !fdt_valid(dtb)) {
        tzt_printf("nwd: no device tree at 0x%lx\n", (u64)(uintptr_t)dtb);
        return;
    }
    tzt_printf("nwd: device tree at 0x%lx, %u bytes\n", (u64)(uintptr_t)dtb,
               fdt_total_size(dtb));
    u32 len = 0;
    const char *compat = fdt_get_prop(dtb, "/firmware/optee", "compatible", &len);
    const char *method = fdt_get_prop(dtb, "/firmware/optee", "method", NULL);
    if (compat)
        tzt_printf("nwd: DT /firmware/optee: compatible \"%s\", method \"%s\"\n", compat,
                   method ? method : "(none)");
    else
        tzt_printf("nwd: DT has no /firmware/optee node\n");
    int n = 0;
    tzt_printf("nwd: DT /reserved-memory: ");
    fdt_for_each_child(dtb, "/reserved-memory", print_child, &n);
    tzt_printf("%s\n", n ? "" : "(none)");
}

/* ---- probe (Linux: optee_probe) -------------------------------------------------- */

static void probe(void)
{
    struct smc_res r = fast_call(OPTEE_SMC_CALLS_UID, 0);
    tzt_printf("nwd: CALLS_UID ");
    print_uuid_words(r.a0, r.a1, r.a2, r.a3);
    tzt_printf("\n");
    if ((u32)r.a0 != OPTEE_MSG_UID_0 || (u32)r.a1 != OPTEE_MSG_UID_1 ||
        (u32)r.a2 != OPTEE_MSG_UID_2 || (u32)r.a3 != OPTEE_MSG_UID_3)
        nwd_fail("CALLS_UID is not OP-TEE's message API", r.a0, OPTEE_MSG_UID_0);

    r = fast_call(OPTEE_SMC_CALLS_REVISION, 0);
    tzt_printf("nwd: CALLS_REVISION %lu.%lu\n", r.a0, r.a1);
    if (r.a0 != OPTEE_MSG_REVISION_MAJOR)
        nwd_fail("CALLS_REVISION major", r.a0, OPTEE_MSG_REVISION_MAJOR);

    r = fast_call(OPTEE_SMC_GET_OS_UUID, 0);
    tzt_printf("nwd: GET_OS_UUID ");
    print_uuid_words(r.a0, r.a1, r.a2, r.a3);
    tzt_printf("\n");
    if ((u32)r.a0 != OPTEE_OS_UUID_0 || (u32)r.a1 != OPTEE_OS_UUID_1 ||
        (u32)r.a2 != OPTEE_OS_UUID_2 || (u32)r.a3 != OPTEE_OS_UUID_3)
        nwd_fail("GET_OS_UUID is not OP-TEE's", r.a0, OPTEE_OS_UUID_0);

    r = fast_call(OPTEE_SMC_GET_OS_REVISION, 0);
    tzt_printf("nwd: GET_OS_REVISION %lu.%lu (build id 0x%lx)\n", r.a0, r.a1, r.a2);

    r = fast_call(OPTEE_SMC_EXCHANGE_CAPABILITIES, 0);
    tzt_printf("nwd: EXCHANGE_CAPABILITIES: a0 0x%lx, secure caps 0x%lx%s%s%s%s\n", r.a0, r.a1,
               (r.a1 & OPTEE_SMC_SEC_CAP_HAVE_RESERVED_SHM) ? " reserved-shm" : "",
               (r.a1 & OPTEE_SMC_SEC_CAP_DYNAMIC_SHM) ? " dynamic-shm" : "",
               (r.a1 & OPTEE_SMC_SEC_CAP_ASYNC_NOTIF) ? " async-notif" : "",
               (r.a1 & OPTEE_SMC_SEC_CAP_RPC_ARG) ? " rpc-arg" : "");
    if (r.a0 != OPTEE_SMC_RETURN_OK)
        nwd_fail("EXCHANGE_CAPABILITIES", r.a0, OPTEE_SMC_RETURN_OK);
    if (!(r.a1 & OPTEE_SMC_SEC_CAP_HAVE_RESERVED_SHM))
        nwd_fail("OP-TEE has no reserved shared memory", r.a1,
                 OPTEE_SMC_SEC_CAP_HAVE_RESERVED_SHM);

    r = fast_call(OPTEE_SMC_GET_SHM_CONFIG, 0);
    tzt_printf("nwd: GET_SHM_CONFIG: a0 0x%lx, 0x%lx + 0x%lx, %s\n", r.a0, r.a1, r.a2,
               r.a3 == OPTEE_SMC_SHM_CACHED ? "cached" : "uncached");
    if (r.a0 != OPTEE_SMC_RETURN_OK)
        nwd_fail("GET_SHM_CONFIG", r.a0, OPTEE_SMC_RETURN_OK);
    if (r.a1 != NWD_SHM_BASE_EXPECTED || r.a2 != NWD_SHM_SIZE_EXPECTED)
        nwd_fail("GET_SHM_CONFIG: not the shared memory this payload maps", r.a1,
                 NWD_SHM_BASE_EXPECTED);
    if (r.a3 != OPTEE_SMC_SHM_CACHED)
        nwd_fail("GET_SHM_CONFIG: this payload maps the shared memory cached", r.a3,
                 OPTEE_SMC_SHM_CACHED);
    shm_init(r.a1, r.a2);
}

/* ---- sessions -------------------------------------------------------------------- */

static struct optee_msg_arg *new_arg(u32 cmd, u32 nparams)
{
    struct optee_msg_arg *a = shm_alloc(OPTEE_MSG_ARG_SIZE(nparams));
    if (!a)
        nwd_fail("out of shared memory", 0, 0);
    a->cmd = cmd;
    a->num_params = nparams;
    return a;
}

static void print_rpcs(const struct rpc_stats *st)
{
    tzt_printf(" [RPCs: %u alloc, %u free, %u foreign-intr, %u cmd", st->alloc, st->free,
               st->foreign_intr, st->cmd);
    const char *sep = ": ";
    for (unsigned id = 0; id < 16; id++) {
        if (st->cmd_by_id[id]) {
            tzt_printf("%s%u x id %u", sep, st->cmd_by_id[id], id);
            sep = ", ";
        }
    }
    tzt_printf("]");
}

/* OPEN_SESSION with a public login: two meta parameters (Linux:
 * optee_open_session): the TA's UUID and the client's identity. */
static u32 open_session(const u8 uuid[16], u32 *session, u32 *origin, struct rpc_stats *st)
{
    struct optee_msg_arg *a = new_arg(OPTEE_MSG_CMD_OPEN_SESSION, 2);
    a->params[0].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT | OPTEE_MSG_ATTR_META;
    a->params[1].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT | OPTEE_MSG_ATTR_META;
    memcpy(&a->params[0].u.value, uuid, 16);  /* UUID octets, as OP-TEE reads them */
    a->params[1].u.value.c = OPTEE_MSG_LOGIN_PUBLIC;  /* client UUID: nil */
    u32 rc = optee_call_with_arg(a, st);
    if (rc != OPTEE_SMC_RETURN_OK)
        nwd_fail("OPEN_SESSION: CALL_WITH_ARG", rc, OPTEE_SMC_RETURN_OK);
    *session = a->session;
    *origin = a->ret_origin;
    u32 ret = a->ret;
    shm_free(a);
    return ret;
}

/* OPEN_SESSION device.pta, INVOKE_COMMAND GET_DEVICES (output buffer: a
 * temporary memory reference into the reserved shared memory),
 * CLOSE_SESSION; `who` prefixes the lines. */
static void device_pta_roundtrip(const char *who)
{
    struct rpc_stats st = {0};
    u32 session = 0, origin = 0;

    tzt_printf("%s: OPEN_SESSION device.pta ", who);
    print_uuid_octets(device_pta_uuid);
    tzt_printf("\n");
    u32 ret = open_session(device_pta_uuid, &session, &origin, &st);
    tzt_printf("%s: OPEN_SESSION: ret 0x%x origin %u session 0x%x", who, ret, origin, session);
    print_rpcs(&st);
    tzt_printf("\n");
    if (ret != TEEC_SUCCESS)
        nwd_fail("OPEN_SESSION device.pta", ret, TEEC_SUCCESS);

    const u64 buf_size = 4096;
    u8 *buf = shm_alloc(buf_size);
    struct optee_msg_arg *a = new_arg(OPTEE_MSG_CMD_INVOKE_COMMAND, 1);
    a->func = PTA_CMD_GET_DEVICES;
    a->session = session;
    a->params[0].attr = OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT;
    a->params[0].u.tmem.buf_ptr = (u64)(uintptr_t)buf;
    a->params[0].u.tmem.size = buf_size;
    a->params[0].u.tmem.shm_ref = (u64)(uintptr_t)buf;
    st = (struct rpc_stats){0};
    u32 rc = optee_call_with_arg(a, &st);
    if (rc != OPTEE_SMC_RETURN_OK)
        nwd_fail("INVOKE_COMMAND: CALL_WITH_ARG", rc, OPTEE_SMC_RETURN_OK);
    u64 out = a->params[0].u.tmem.size;
    tzt_printf("%s: INVOKE_COMMAND GET_DEVICES: ret 0x%x origin %u, %lu bytes = %lu devices",
               who, a->ret, a->ret_origin, out, out / 16);
    print_rpcs(&st);
    tzt_printf("\n");
    if (a->ret != TEEC_SUCCESS)
        nwd_fail("INVOKE_COMMAND GET_DEVICES", a->ret, TEEC_SUCCESS);
    if (out % 16 || out > buf_size)
        nwd_fail("GET_DEVICES: size is not a whole number of UUIDs", out, 16);
    for (u64 i = 0; i < out / 16; i++) {
        tzt_printf("%s:   device ", who);
        print_uuid_octets(buf + 16 * i);
        tzt_printf("\n");
    }
    shm_free(a);
    shm_free(buf);

    a = new_arg(OPTEE_MSG_CMD_CLOSE_SESSION, 0);
    a->session = session;
    st = (struct rpc_stats){0};
    rc = optee_call_with_arg(a, &st);
    if (rc != OPTEE_SMC_RETURN_OK)
        nwd_fail("CLOSE_SESSION: CALL_WITH_ARG", rc, OPTEE_SMC_RETURN_OK);
    tzt_printf("%s: CLOSE_SESSION: ret 0x%x", who, a->ret);
    print_rpcs(&st);
    tzt_printf("\n");
    if (a->ret != TEEC_SUCCESS)
        nwd_fail("CLOSE_SESSION", a->ret, TEEC_SUCCESS);
    shm_free(a);
}

static void session_test(void)
{
    struct rpc_stats st = {0};
    u32 session = 0, origin = 0, ret;

    device_pta_roundtrip("nwd");

    /* A TA OP-TEE does not have: it asks the normal world (tee-supplicant,
     * by RPC) to load it; with no supplicant the open must fail cleanly, and
     * every RPC must have been served. */
    tzt_printf("nwd: OPEN_SESSION missing TA ");
    print_uuid_octets(missing_ta_uuid);
    tzt_printf("\n");
    st = (struct rpc_stats){0};
    ret = open_session(missing_ta_uuid, &session, &origin, &st);
    tzt_printf("nwd: OPEN_SESSION: ret 0x%x origin %u", ret, origin);
    print_rpcs(&st);
    tzt_printf("\n");
    if (ret == TEEC_SUCCESS)
        nwd_fail("OPEN_SESSION of a missing TA succeeded", ret, TEEC_ERROR_ITEM_NOT_FOUND);
    if (st.alloc != st.free)
        nwd_fail("OP-TEE did not free every RPC argument buffer", st.free, st.alloc);

    if (shm_pages_in_use() != 0)
        nwd_fail("shared memory still in use after the calls", shm_pages_in_use(), 0);
}

/* ---- second core (nwd-smp.elf) ------------------------------------------------- */

#define NWD_CORES           4       /* nwd-smp starts cores 1..3, one after another */
#define SECONDARY_CONTEXT   0x5ec0dull  /* + the core's index */
#define WAIT_POLLS          100000000u

static u32 secondary_done;  /* set by the secondary core; cache-coherent on both sides */

static u64 psci(u32 fid, u64 a1, u64 a2, u64 a3)
{
    u64 a[8] = {fid, a1, a2, a3};
    return nwd_smc(a).a0;
}

/* A secondary core, from PSCI CPU_ON: OP-TEE has run its cpu_on entry on
 * this core before the monitor entered here. A fast and a yielding round
 * trip from this core, then CPU_OFF (OP-TEE's cpu_off entry runs first). */
void nwd_secondary_main(u64 context)
{
    unsigned core = tzt_core_index();
    char who[] = "nwd[?]";
    who[4] = (char)('0' + core % 10);
    tzt_printf("%s: up on core %u, context 0x%lx\n", who, core, context);
    if (context != SECONDARY_CONTEXT + core)
        nwd_fail("secondary core: CPU_ON context id", context, SECONDARY_CONTEXT + core);
    nwd_mmu_enable();
    struct smc_res r = fast_call(OPTEE_SMC_GET_OS_REVISION, 0);
    tzt_printf("%s: GET_OS_REVISION %lu.%lu\n", who, r.a0, r.a1);
    device_pta_roundtrip(who);
    tzt_printf("%s: done, CPU_OFF\n", who);
    WRITE_ONCE(secondary_done, 1);
    dsb();
    psci(PSCI_CPU_OFF, 0, 0, 0);
    nwd_fail("secondary core: CPU_OFF returned", 0, 0);
}

#ifdef NWD_SMP
/* Core 0: start each secondary core in turn, wait until it has finished and
 * is off. Core 0 stays out of OP-TEE and of the shared-memory pool meanwhile. */
static void smp_test(void)
{
    extern char secondary_entry[];
    for (unsigned core = 1; core < NWD_CORES; core++) {
        u64 st = psci(PSCI_AFFINITY_INFO, core, 0, 0);
        if (st != PSCI_AFF_OFF)
            nwd_fail("AFFINITY_INFO(secondary) before CPU_ON", st, PSCI_AFF_OFF);
        WRITE_ONCE(secondary_done, 0);
        dsb();
        tzt_printf("nwd: starting core %u\n", core);
        u64 ret = psci(PSCI_CPU_ON, core, (u64)(uintptr_t)secondary_entry,
                       SECONDARY_CONTEXT + core);
        if (ret != PSCI_SUCCESS)
            nwd_fail("CPU_ON(secondary)", ret, PSCI_SUCCESS);
        u32 polls = 0;
        while (!READ_ONCE(secondary_done))
            if (++polls == WAIT_POLLS)
                nwd_fail("timed out waiting for a secondary core", core, 0);
        for (polls = 0; psci(PSCI_AFFINITY_INFO, core, 0, 0) != PSCI_AFF_OFF;)
            if (++polls == 1000000u)
                nwd_fail("timed out waiting for a secondary core to be off", core, 0);
    }
    tzt_printf("nwd: smp ok (%u cores)\n", NWD_CORES);
}
#endif

void nwd_main(u64 dtb)
{
    tzt_printf("nwd: up on core %u, x0 (DTB) = 0x%lx\n", tzt_core_index(), dtb);
    nwd_mmu_build();
    nwd_mmu_enable();
    tzt_printf("nwd: MMU on: DRAM normal write-back, devices nGnRnE\n");
    check_dt((const void *)(uintptr_t)dtb);
    probe();
    session_test();
#ifdef NWD_SMP
    smp_test();
#endif
    tzt_printf("nwd: OP-TEE session test passed\n");
    power_off();
}
