/* Debian's real TF-A 2.12.1 BL31 for the Raspberry Pi 4 (fetched by
 * scripts/setup.sh --firmware) on the rpi4 platform: all four cores enter it
 * at 0 in EL3, it boots on core 0 with the mini UART console, edits the
 * device tree and enters nwd-rpi at EL2, which checks SMCCC/PSCI and starts
 * core 1 (BL31 releases it from its hold pen; its CPU_OFF is a Warm reset
 * through RMR_EL3 back into the pen), then powers off through the PM
 * block's watchdog. Also: the PL011 console when GPIO 14 is not in ALT5,
 * and BL31's defaults when the loader did not fill in the armstub words. */
#include <libfdt.h>

#include "helpers.h"

#define BL31 "third_party/firmware/root/usr/lib/arm-trusted-firmware/rpi4/bl31.bin"

static void run_ok(const char *scn, const char *db, struct tz_run_report *r)
{
    char out[64];
    snprintf(out, sizeof out, "%s.out", db);
    int rc = run_inproc(scn, tmp_path(db), 0, r, tmp_path(out));
    char *o = read_file(tmp_path(out), NULL);
    char *e = read_file(tmp_path("inproc.err"), NULL);
    cr_assert_eq(rc, TZ_EXIT_OK, "%s: exit %d: %s\n%s\n%s", scn, rc, r->error, e, o);
    free(o);
    free(e);
}

Test(rpi4, bl31_boots_bl33_psci_cpu_on_system_off)
{
    struct tz_run_report r, r2;
    run_ok(src_path("scenarios/rpi4-bl31.lua"), "rpi4.db", &r);
    run_ok(src_path("scenarios/rpi4-bl31.lua"), "rpi4.again.db", &r2);
    cr_expect_str_eq(r.digest, r2.digest, "two runs differ");
    cr_expect_eq(r.stats.stop, TZ_STOP_SYSTEM_OFF);

    sqlite3 *d = open_db(tmp_path("rpi4.db"));
    /* BL31's own console, on the mini UART. */
    cr_expect_eq(q1(d, "select count(*) from console where device = 'uart1' and "
                       "line = 'NOTICE:  BL31: v2.12.1(debug):'"), 1);
    cr_expect_eq(q1(d, "select count(*) from console where device = 'uart0'"), 0);
    cr_expect_eq(q1(d, "select count(*) from console where line = "
                       "'INFO:    Entry point address = 0x80000'"), 1);
    cr_expect_eq(q1(d, "select count(*) from console where line = 'INFO:    SPSR = 0x3c9'"), 1);
    /* All four cores left reset at 0; core 1 later went through a Warm
     * reset (off, then on at 0 again) after its CPU_OFF. */
    cr_expect_eq(q1(d, "select count(*) from events where kind = 1 and a0 = 1 and pc = 0"), 5);
    cr_expect_eq(q1(d, "select count(*) from events where kind = 1 and a0 = 0 and cpu = 1"), 1);
    cr_expect_eq(q1(d, "select count(*) from events where kind = 1 and cpu > 1"), 2);
    /* SMCs from EL2 (non-secure) and their answers. */
    cr_expect_eq(q1(d, "select count(*) from events where kind = 5 and (from_el != 2 or from_ns != 1)"), 0);
    cr_expect_eq(q1(d, "select a0 from events where kind = 6 and fid = 2147483648"), 0x10005); /* SMCCC 1.5 */
    cr_expect_eq(q1(d, "select a0 from events where kind = 6 and fid = 2214592512"), 0x10001); /* PSCI 1.1 */
    cr_expect_eq(q1(d, "select a0 from events where kind = 6 and fid = 2986344448"), -1);     /* unknown */
    cr_expect_eq(q1(d, "select a0 from events where kind = 6 and fid = 3288334339"), 0);      /* CPU_ON */
    cr_expect_eq(q1(d, "select count(*) from events where kind = 5 and fid = 2214592514 and cpu = 1"), 1);
    /* Core 1 entered BL33 at EL2 at nwd-rpi's secondary entry with x0 = the context. */
    cr_expect_eq(q1(d, "select count(*) from events where kind = 3 and cpu = 1 and to_el = 2"), 1);
    cr_expect_eq(q1(d, "select count(*) from events where kind = 10"), 0);
    sqlite3_close(d);
}

/* Writes rpi4.dtb with GPIO 14/15's firmware function set to fn. */
static const char *rpi4_dtb_with_function(uint32_t fn)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/rpi4.dtb", env_or("TZSIM_PLATFORM_DIR", "build/platforms"));
    size_t n;
    char *dtb = read_file(path, &n);
    cr_assert(dtb, "cannot read %s", path);
    size_t size = n + 256;
    void *buf = calloc(1, size);
    cr_assert_eq(fdt_open_into(dtb, buf, (int)size), 0);
    int node = fdt_path_offset(buf, "/soc/gpio@7e200000/uart1_gpio14");
    cr_assert_geq(node, 0);
    cr_assert_eq(fdt_setprop_u32(buf, node, "brcm,function", fn), 0);
    cr_assert_eq(fdt_pack(buf), 0);
    const char *out = tmp_path("rpi4-pl011.dtb");
    FILE *f = fopen(out, "wb");
    cr_assert(f);
    fwrite(buf, 1, fdt_totalsize(buf), f);
    fclose(f);
    free(buf);
    free(dtb);
    return out;
}

Test(rpi4, pl011_console_when_gpio14_is_not_alt5)
{
    const char *dtb = rpi4_dtb_with_function(4); /* ALT0: the PL011's TXD0 */
    const char *scn = tmp_path("rpi4-pl011.lua");
    write_file(scn,
               "machine { dtb = '%s', cpu = 'cortex-a72', cpus = 4, max_insns = 30000000,\n"
               "  images = { { file = '%s', addr = 0 }, { file = 'fw:nwd/nwd-rpi.elf' } },\n"
               "  guest_dtb = { addr = 0x2000000 } }\n"
               "mem_write { addr = 0xf8, value = 0x2000000 }\n"
               "mem_write { addr = 0xfc, value = 0x80000 }\n"
               "mem_write { addr = 0xf0, value = 0 }\n"
               "local r = run_until { console = 'Preparing for EL3 exit to normal world' }\n"
               "assert(r.stop == 'scenario', r.stop)\n"
               "expect { console = 'uart0: NOTICE:  BL31: v2.12.1(debug):' }\n"
               "expect { sql = \"select count(*) from console where device = 'uart1'\", equals = 0 }\n",
               dtb, src_path(BL31));
    struct tz_run_report r;
    run_ok(scn, "rpi4-pl011.db", &r);
}

Test(rpi4, armstub_words_not_filled_in)
{
    /* The magic 0x5AFE570B left at 0xf0: BL31 warns and enters BL33 at its
     * default 0x80000 with no device tree, which nwd-rpi reports. */
    const char *scn = tmp_path("rpi4-nostub.lua");
    write_file(scn,
               "machine { platform = 'rpi4', cpu = 'cortex-a72', cpus = 4, max_insns = 30000000,\n"
               "  images = { { file = '%s', addr = 0 }, { file = 'fw:nwd/nwd-rpi.elf' } } }\n"
               "local r = run_until { halt = true }\n"
               "assert(r.stop == 'system_off', r.stop)\n"
               "expect { console = 'WARNING: Stub magic failure, using default kernel address 0x80000' }\n"
               "expect { console = 'WARNING: Stub magic failure, DTB address unknown' }\n"
               "expect { console = 'nwd-rpi: FAILED: no valid device tree in x0' }\n",
               src_path(BL31));
    struct tz_run_report r;
    run_ok(scn, "rpi4-nostub.db", &r);
}
