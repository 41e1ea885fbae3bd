/* Bad input gets a clear error naming the file and the reason, and exit
 * status 2; guest misbehaviour ends the run with a register dump, a trace
 * row and exit status 1. Everything goes through the real CLI. */
#include "helpers.h"

static const char *fw(const char *name)
{
    static char buf[4][1024];
    static int k;
    char *p = buf[k++ % 4];
    snprintf(p, 1024, "%s/test/%s", env_or("TZSIM_FW_DIR", "."), name);
    return p;
}

/* Writes a scenario with the given images table and runs it. */
static int run_images(const char *name, const char *images, const char *extra, char **out, char **err)
{
    char *scn = tmp_path(name);
    write_file(scn, "machine { platform = \"qemu-virt\", max_insns = 100000,\n  images = { %s } }\n",
               images);
    char args[4096];
    snprintf(args, sizeof args, "run '%s' --db none --quiet %s", scn, extra ? extra : "");
    return run_cli(args, out, err);
}

static void copy_prefix(const char *from, const char *to, long n)
{
    size_t len = 0;
    char *b = read_file(from, &len);
    cr_assert(b, "cannot read %s", from);
    FILE *f = fopen(to, "wb");
    fwrite(b, 1, n < 0 || (size_t)n > len ? len : (size_t)n, f);
    fclose(f);
    free(b);
}

#define EXPECT_BAD(rc, err, ...)                                                   \
    do {                                                                           \
        cr_expect_eq(rc, 2, "exit status %d, stderr: %s", rc, err);                \
        const char *needles_[] = {__VA_ARGS__};                                   \
        for (unsigned i_ = 0; i_ < sizeof needles_ / sizeof needles_[0]; i_++)     \
            cr_expect(strstr(err, needles_[i_]), "'%s' not in: %s", needles_[i_], err); \
    } while (0)

Test(errors, missing_elf)
{
    char *out, *err, img[512];
    snprintf(img, sizeof img, "{ file = \"%s\" }", "/nonexistent/fw.elf");
    int rc = run_images("missing.lua", img, NULL, &out, &err);
    EXPECT_BAD(rc, err, "/nonexistent/fw.elf", "No such file");
    free(out), free(err);
}

Test(errors, truncated_elf)
{
    char *t = tmp_path("trunc.elf"), *out, *err, img[1024];
    copy_prefix(fw("monitor.elf"), t, 100);
    snprintf(img, sizeof img, "{ file = \"%s\" }", t);
    int rc = run_images("trunc.lua", img, NULL, &out, &err);
    EXPECT_BAD(rc, err, t, "truncated");
    free(out), free(err);
}

Test(errors, elf_for_another_machine)
{
    char *t = tmp_path("x86.elf"), *out, *err, img[1024];
    copy_prefix(fw("monitor.elf"), t, -1);
    FILE *f = fopen(t, "r+b");
    fseek(f, 18, SEEK_SET);
    fputc(62, f); /* e_machine = EM_X86_64 */
    fputc(0, f);
    fclose(f);
    snprintf(img, sizeof img, "{ file = \"%s\" }", t);
    int rc = run_images("x86.lua", img, NULL, &out, &err);
    EXPECT_BAD(rc, err, t, "x86-64");
    free(out), free(err);
}

Test(errors, overlapping_images)
{
    char *out, *err, img[2048];
    snprintf(img, sizeof img, "{ file = \"%s\" }, { file = \"%s\", addr = 0x0e000100 }",
             fw("monitor.elf"), fw("sel1.elf"));
    int rc = run_images("overlap.lua", img, NULL, &out, &err);
    EXPECT_BAD(rc, err, "overlaps", "monitor.elf", "sel1.elf");
    free(out), free(err);
}

Test(errors, image_outside_memory)
{
    char *out, *err, img[1024];
    snprintf(img, sizeof img, "{ file = \"%s\", addr = 0x20000000 }", fw("sel1.elf"));
    int rc = run_images("outside.lua", img, NULL, &out, &err);
    EXPECT_BAD(rc, err, "sel1.elf", "outside");
    free(out), free(err);
}

Test(errors, malformed_dtb)
{
    char *bad = tmp_path("garbage.dtb"), *out, *err, img[1024], extra[1100];
    write_file(bad, "this is not a device tree blob, just text\n");
    snprintf(img, sizeof img, "{ file = \"%s\" }", fw("monitor.elf"));
    snprintf(extra, sizeof extra, "--dtb '%s'", bad);
    int rc = run_images("baddtb.lua", img, extra, &out, &err);
    EXPECT_BAD(rc, err, bad);
    free(out), free(err);
    /* A truncated copy of the real platform. */
    char good[1024];
    snprintf(good, sizeof good, "%s/qemu-virt.dtb", env_or("TZSIM_PLATFORM_DIR", "."));
    char *trunc = tmp_path("trunc.dtb");
    copy_prefix(good, trunc, 200);
    snprintf(extra, sizeof extra, "--dtb '%s'", trunc);
    rc = run_images("truncdtb.lua", img, extra, &out, &err);
    EXPECT_BAD(rc, err, trunc, "truncated");
    free(out), free(err);
}

Test(errors, scenario_syntax_error_and_unknown_key)
{
    char args[2048], *out, *err;
    const char *corp = env_or("TZSIM_CORPUS", ".");
    snprintf(args, sizeof args, "run '%s/scenarios/syntax_error.lua' --db none", corp);
    int rc = run_cli(args, &out, &err);
    EXPECT_BAD(rc, err, "syntax_error.lua:");
    free(out), free(err);
    snprintf(args, sizeof args, "run '%s/scenarios/unknown_key.lua' --db none", corp);
    rc = run_cli(args, &out, &err);
    EXPECT_BAD(rc, err, "unknown_key.lua:", "unknown key");
    free(out), free(err);
    rc = run_cli("run /nonexistent/scenario.lua --db none", &out, &err);
    EXPECT_BAD(rc, err, "/nonexistent/scenario.lua");
    free(out), free(err);
}

Test(errors, unwritable_db)
{
    char args[2048], *out, *err;
    snprintf(args, sizeof args, "run '%s' --db /nonexistent-dir/trace.db",
             src_path("scenarios/default.lua"));
    int rc = run_cli(args, &out, &err);
    EXPECT_BAD(rc, err, "/nonexistent-dir/trace.db");
    free(out), free(err);
}

Test(errors, usage)
{
    char *out, *err;
    EXPECT_BAD(run_cli("frobnicate", &out, &err), err, "unknown command");
    free(out), free(err);
    EXPECT_BAD(run_cli("run", &out, &err), err, "no scenario");
    free(out), free(err);
    EXPECT_BAD(run_cli("run x.lua --max-insns lots", &out, &err), err, "--max-insns", "lots");
    free(out), free(err);
    EXPECT_BAD(run_cli("run x.lua --bogus", &out, &err), err, "--bogus");
    free(out), free(err);
}

Test(errors, undefined_instruction_at_el3)
{
    char args[2048], *out, *err;
    const char *db = tmp_path("undef.db");
    snprintf(args, sizeof args, "run '%s' --db '%s'", src_path("tests/scenarios/el3_undef.lua"), db);
    int rc = run_cli(args, &out, &err);
    cr_expect_eq(rc, 1, "exit %d", rc);
    cr_expect(strstr(err, "undefined instruction"), "%s", err);
    cr_expect(strstr(err, "pc ") && strstr(err, "x30") && strstr(err, "EL3"), "no register dump: %s", err);
    cr_expect(strstr(out, "guest_error"));
    sqlite3 *d = open_db(db);
    cr_expect_eq(q1(d, "select count(*) from events where kind = 10 and a0 = 1 and text like '%x30 %'"), 1);
    cr_expect_eq(q1(d, "select count(*) from runs where status = 'failed' and stop_reason_name = 'guest_error'"), 1);
    /* What the guest printed before is kept. */
    cr_expect_eq(q1(d, "select count(*) from console where line like 'undef:%'"), 1);
    sqlite3_close(d);
    free(out), free(err);
}

Test(errors, runaway_guest_hits_the_limit)
{
    char args[2048], *out, *err;
    const char *db = tmp_path("loop.db");
    snprintf(args, sizeof args, "run '%s' --db '%s'", src_path("tests/scenarios/el3_loop.lua"), db);
    int rc = run_cli(args, &out, &err);
    cr_expect_eq(rc, 1, "exit %d", rc);
    cr_expect(strstr(err, "instruction limit"), "%s", err);
    cr_expect(strstr(err, "x30"), "no register dump: %s", err);
    sqlite3 *d = open_db(db);
    cr_expect_eq(q1(d, "select count(*) from events where kind = 10 and text like '%instruction limit%'"), 1);
    cr_expect_eq(q1(d, "select total_icount from runs"), 300000);
    cr_expect_eq(q1(d, "select count(*) from runs where stop_reason_name = 'insn_limit'"), 1);
    sqlite3_close(d);
    free(out), free(err);
}

Test(errors, hang_shows_registers_and_last_events)
{
    char args[2048], *out, *err;
    snprintf(args, sizeof args, "run '%s' --db none --quiet", src_path("tests/scenarios/hang.lua"));
    cr_expect_eq(run_cli(args, &out, &err), 1);
    cr_expect(strstr(err, "instruction limit reached"), "%s", err);
    cr_expect(strstr(err, "last ") && strstr(err, "WORLD_SWITCH") && strstr(err, "sel1_call_entry"),
              "no last-events diagnosis: %s", err);
    free(out), free(err);
}

static const char *optee_dir(void)
{
    static char p[1024];
    snprintf(p, sizeof p, "%s/third_party/firmware/root/usr/lib/optee/vexpress-qemu_armv8a",
             env_or("TZSIM_SOURCE_DIR", "."));
    return p;
}

Test(errors, corrupted_optee_header)
{
    char dir[1024], cmd[8192], *out, *err, img[1200];
    snprintf(dir, sizeof dir, "%s", tmp_path("optee-bad"));
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s' && cp '%s'/tee-*.bin '%s'/ && "
             "printf 'XXXX' | dd of='%s/tee-header_v2.bin' bs=1 seek=0 conv=notrunc 2>/dev/null",
             dir, dir, optee_dir(), dir, dir);
    cr_assert_eq(system(cmd), 0, "cannot prepare %s (run scripts/setup.sh --firmware)", dir);
    snprintf(img, sizeof img, "{ file = \"%s/tee-header_v2.bin\", kind = \"optee\" }", dir);
    int rc = run_images("badoptee.lua", img, NULL, &out, &err);
    EXPECT_BAD(rc, err, "tee-header_v2.bin", "magic");
    free(out), free(err);
}

Test(errors, optee_image_does_not_fit)
{
    /* The pager, loaded raw at the last page of secure SRAM, runs past it. */
    char *out, *err, img[1200];
    snprintf(img, sizeof img, "{ file = \"%s/tee-pager_v2.bin\", addr = 0x0e0ff000 }", optee_dir());
    int rc = run_images("nofit.lua", img, NULL, &out, &err);
    EXPECT_BAD(rc, err, "tee-pager_v2.bin", "0xe0ff000");
    free(out), free(err);
}
