/* Unit tests of the scenario engine (sim/scenario.c) against a test host: a
 * struct of callbacks that records what the script asked for. The real
 * machine is tested by the integration tests.
 *
 * Environment: TZSIM_TMP (scratch), TZSIM_CORPUS (tests/corpus),
 * TZSIM_SOURCE_DIR (the source tree, for scenarios/).
 */
#include <criterion/criterion.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/scenario.h"
#include "traces/trace.h"

/* ------------------------------------------------------------------------ */
/* The test host                                                            */

#define MAX_CALLS 8

struct test_host {
    int creates;
    int runs;
    /* What create_machine saw. */
    int cfg_ncpus;
    int cfg_nimages;
    /* What run_until asked for. */
    struct tz_run_until req[MAX_CALLS];
    char req_console[MAX_CALLS][64];
    bool created_before_run[MAX_CALLS];
    /* What run_until answers. */
    struct tz_run_result result;
    const char *console;
    /* Failures to inject: messages returned verbatim. */
    const char *fail_create;
    const char *fail_run;
    /* Checks reported failed. */
    int nfailed;
    char failed[MAX_CALLS][TZ_ERROR_MAX];
};

static int th_create(void *ctx, const struct tz_scenario_config *cfg, struct tz_error *err)
{
    struct test_host *h = ctx;
    h->creates++;
    h->cfg_ncpus = cfg->ncpus;
    h->cfg_nimages = cfg->nimages;
    if (h->fail_create)
        return tz_error_set(err, NULL, "%s", h->fail_create);
    return 0;
}

static int th_run(void *ctx, const struct tz_run_until *req, struct tz_run_result *res,
                  struct tz_error *err)
{
    struct test_host *h = ctx;
    cr_assert_lt(h->runs, MAX_CALLS);
    h->req[h->runs] = *req;
    h->req[h->runs].console = NULL;
    if (req->console)
        snprintf(h->req_console[h->runs], sizeof h->req_console[0], "%s", req->console);
    h->created_before_run[h->runs] = h->creates == 1;
    h->runs++;
    if (h->fail_run)
        return tz_error_set(err, NULL, "%s", h->fail_run);
    *res = h->result;
    return 0;
}

static const char *th_console(void *ctx)
{
    struct test_host *h = ctx;
    return h->console ? h->console : "";
}

static void th_check_failed(void *ctx, const char *msg)
{
    struct test_host *h = ctx;
    if (h->nfailed < MAX_CALLS)
        snprintf(h->failed[h->nfailed], sizeof h->failed[0], "%s", msg);
    h->nfailed++;
}

static struct tz_scenario_host host_of(struct test_host *h)
{
    return (struct tz_scenario_host){
        .ctx = h,
        .create_machine = th_create,
        .run_until = th_run,
        .console = th_console,
        .check_failed = th_check_failed,
    };
}

/* ------------------------------------------------------------------------ */
/* Helpers                                                                  */

static const char *env_or_fail(const char *name)
{
    const char *v = getenv(name);
    cr_assert(v && *v, "%s is not set (run the tests through ctest)", name);
    return v;
}

static const struct tz_scenario_env test_env = {
    .fw_dir = "/fw",
    .platform_dir = "/plat",
};

/* Writes text to TZSIM_TMP/scenario/NAME and returns the path (static
 * storage per call site is not needed: the caller owns the buffer). */
static void write_script(char *path, size_t size, const char *name, const char *text)
{
    char dir[900];
    snprintf(dir, sizeof dir, "%s/scenario", env_or_fail("TZSIM_TMP"));
    if (mkdir(dir, 0777) < 0)
        cr_assert_eq(errno, EEXIST, "mkdir %s: %s", dir, strerror(errno));
    snprintf(path, size, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    cr_assert(f, "cannot write %s", path);
    fputs(text, f);
    fclose(f);
}

static struct tz_scenario *load_ok(const char *path, const struct tz_scenario_env *env)
{
    struct tz_scenario *s = NULL;
    struct tz_error err = {{0}};
    int rc = tz_scenario_load(path, env, &s, &err);
    cr_assert_eq(rc, 0, "load %s failed: %s", path, err.msg);
    cr_assert_not_null(s);
    return s;
}

/* Loads and runs a script; returns the rc of whichever stage failed (or 0),
 * with the error in err and the failed-check count in *checks. */
static int run_script(const char *path, const struct tz_scenario_env *env, struct test_host *h,
                      int *checks, struct tz_error *err)
{
    struct tz_scenario *s = NULL;
    memset(err, 0, sizeof *err);
    if (tz_scenario_load(path, env, &s, err) < 0) {
        cr_assert_null(s);
        return -1;
    }
    struct tz_scenario_host host = host_of(h);
    int c = -1;
    int rc = tz_scenario_exec(s, &host, &c, err);
    cr_assert_geq(c, 0, "checks_failed not written");
    if (checks)
        *checks = c;
    tz_scenario_free(s);
    return rc;
}

static int run_text(const char *name, const char *text, struct test_host *h, int *checks,
                    struct tz_error *err)
{
    char path[1024];
    write_script(path, sizeof path, name, text);
    return run_script(path, &test_env, h, checks, err);
}

/* Asserts that the script ran without error and no check failed. */
static void run_text_ok(const char *name, const char *text, struct test_host *h)
{
    struct tz_error err;
    int checks = -1;
    int rc = run_text(name, text, h, &checks, &err);
    cr_assert_eq(rc, 0, "%s failed: %s", name, err.msg);
    cr_assert_eq(checks, 0, "%s: %d checks failed", name, checks);
}

/* Asserts that the script fails with exactly "TMP/scenario/NAME:LINE: reason"
 * (line 0: no line) where the message contains `reason`. */
static void run_text_fails(const char *name, const char *text, int line, const char *reason)
{
    char path[1024];
    write_script(path, sizeof path, name, text);
    struct test_host h = {0};
    struct tz_error err;
    int rc = run_script(path, &test_env, &h, NULL, &err);
    cr_assert_eq(rc, -1, "%s should fail with '%s'", name, reason);
    char prefix[1100];
    if (line > 0)
        snprintf(prefix, sizeof prefix, "%s:%d: ", path, line);
    else
        snprintf(prefix, sizeof prefix, "%s: ", path);
    cr_assert(strncmp(err.msg, prefix, strlen(prefix)) == 0, "%s: expected prefix '%s' in '%s'",
              name, prefix, err.msg);
    cr_assert(strstr(err.msg, reason), "%s: expected '%s' in '%s'", name, reason, err.msg);
}

#define MACHINE_OK "machine { platform = 'qemu-virt', images = { { file = 'fw:a.elf' } } }\n"

/* ------------------------------------------------------------------------ */
/* Configuration                                                            */

Test(scenario, config_defaults)
{
    struct tz_scenario_config cfg;
    cr_assert_eq(tz_scenario_config_defaults(&cfg), 0);
    cr_assert_eq(cfg.ncpus, 1);
    cr_assert_eq(cfg.quantum, 1000);
    cr_assert_eq(cfg.cpi, 1);
    cr_assert_eq(cfg.cpu_hz, 1000000000u);
    cr_assert_eq(cfg.max_insns, 200000000u);
    cr_assert_eq(cfg.seed, 1);
    cr_assert_str_eq(cfg.cpu_model, "cortex-a57");
    cr_assert_null(cfg.platform);
    cr_assert_null(cfg.dtb);
    cr_assert_eq(cfg.nimages, 0);
    cr_assert_eq(cfg.has_entry, false);
    cr_assert_eq(cfg.nexpect, 0);
    tz_scenario_config_clear(&cfg);
    cr_assert_null(cfg.cpu_model);
}

Test(scenario, minimal_machine_gets_defaults)
{
    char path[1024];
    write_script(path, sizeof path, "minimal.lua", MACHINE_OK);
    struct tz_scenario *s = load_ok(path, &test_env);
    struct test_host h = {0};
    struct tz_scenario_host host = host_of(&h);
    int checks;
    struct tz_error err;
    cr_assert_eq(tz_scenario_exec(s, &host, &checks, &err), 0, "%s", err.msg);
    const struct tz_scenario_config *c = tz_scenario_config(s);
    cr_assert_str_eq(c->platform, "qemu-virt");
    cr_assert_str_eq(c->dtb, "/plat/qemu-virt.dtb");
    cr_assert_eq(c->ncpus, 1);
    cr_assert_eq(c->quantum, 1000);
    cr_assert_eq(c->cpi, 1);
    cr_assert_eq(c->cpu_hz, 1000000000u);
    cr_assert_eq(c->max_insns, 200000000u);
    cr_assert_eq(c->seed, 1);
    cr_assert_str_eq(c->cpu_model, "cortex-a57");
    cr_assert_eq(c->nimages, 1);
    cr_assert_str_eq(c->images[0].file, "/fw/a.elf");
    cr_assert_eq(c->images[0].kind, TZ_IMAGE_ELF);
    cr_assert_eq(c->images[0].has_addr, false);
    cr_assert_str_eq(c->images[0].name, "a.elf");
    cr_assert_eq(c->has_entry, false);
    cr_assert_eq(c->nexpect, 0);
    tz_scenario_free(s);
}

Test(scenario, full_machine_parsed)
{
    char path[1024];
    write_script(path, sizeof path, "full.lua",
                 "machine {\n"
                 "  platform = 'rpi4', cpus = 4, quantum = 500, cpi = 2,\n"
                 "  cpu_hz = 1.5e9, max_insns = 1e6, seed = 0xdeadbeefcafef00d,\n"
                 "  cpu = 'cortex-a72', entry = 0x80000,\n"
                 "  images = {\n"
                 "    { file = 'fw:bl31.bin', addr = 0 },\n"
                 "    { file = 'tee.bin', kind = 'optee', name = 'op-tee' },\n"
                 "    { file = '/abs/linux.bin', kind = 'raw', addr = 0x80000 },\n"
                 "    { file = 'sub/dir/x.elf', kind = 'elf' },\n"
                 "  },\n"
                 "  expect_console = { 'a', 'b c' },\n"
                 "}\n"
                 "run_until { halt = true }\n");
    struct tz_scenario *s = load_ok(path, &test_env);
    struct test_host h = {0};
    struct tz_scenario_host host = host_of(&h);
    int checks;
    struct tz_error err;
    h.console = "uart0: a\nuart0: b c\n";
    cr_assert_eq(tz_scenario_exec(s, &host, &checks, &err), 0, "%s", err.msg);
    cr_assert_eq(checks, 0);
    const struct tz_scenario_config *c = tz_scenario_config(s);
    cr_assert_str_eq(c->platform, "rpi4");
    cr_assert_str_eq(c->dtb, "/plat/rpi4.dtb");
    cr_assert_eq(c->ncpus, 4);
    cr_assert_eq(c->quantum, 500);
    cr_assert_eq(c->cpi, 2);
    cr_assert_eq(c->cpu_hz, 1500000000u);
    cr_assert_eq(c->max_insns, 1000000u);
    cr_assert_eq(c->seed, 0xdeadbeefcafef00dull);
    cr_assert_str_eq(c->cpu_model, "cortex-a72");
    cr_assert(c->has_entry);
    cr_assert_eq(c->entry, 0x80000);
    cr_assert_eq(c->nimages, 4);

    char dir[1024];
    snprintf(dir, sizeof dir, "%s/scenario", getenv("TZSIM_TMP"));
    char want[1200];
    cr_assert_str_eq(c->images[0].file, "/fw/bl31.bin");
    cr_assert_eq(c->images[0].kind, TZ_IMAGE_RAW); /* raw by default when addr is given */
    cr_assert(c->images[0].has_addr);
    cr_assert_eq(c->images[0].addr, 0);
    cr_assert_str_eq(c->images[0].name, "bl31.bin");

    snprintf(want, sizeof want, "%s/tee.bin", dir);
    cr_assert_str_eq(c->images[1].file, want);
    cr_assert_eq(c->images[1].kind, TZ_IMAGE_OPTEE);
    cr_assert_not(c->images[1].has_addr);
    cr_assert_str_eq(c->images[1].name, "op-tee");

    cr_assert_str_eq(c->images[2].file, "/abs/linux.bin");
    cr_assert_eq(c->images[2].kind, TZ_IMAGE_RAW);
    cr_assert_eq(c->images[2].addr, 0x80000);

    snprintf(want, sizeof want, "%s/sub/dir/x.elf", dir);
    cr_assert_str_eq(c->images[3].file, want);
    cr_assert_eq(c->images[3].kind, TZ_IMAGE_ELF);
    cr_assert_str_eq(c->images[3].name, "x.elf");

    cr_assert_eq(c->nexpect, 2);
    cr_assert_str_eq(c->expect_console[0], "a");
    cr_assert_str_eq(c->expect_console[1], "b c");
    cr_assert_eq(h.cfg_ncpus, 4);
    cr_assert_eq(h.cfg_nimages, 4);
    cr_assert_eq(strlen(tz_scenario_sha256(s)), 64);
    tz_scenario_free(s);
}

Test(scenario, dtb_path_and_platform_named_after_it)
{
    char path[1024];
    write_script(path, sizeof path, "dtb.lua",
                 "machine { dtb = 'boards/my-board.dtb', images = { { file = 'fw:a.elf' } } }\n");
    struct tz_scenario *s = load_ok(path, &test_env);
    struct test_host h = {0};
    struct tz_scenario_host host = host_of(&h);
    struct tz_error err;
    cr_assert_eq(tz_scenario_exec(s, &host, NULL, &err), 0, "%s", err.msg);
    char want[1200];
    snprintf(want, sizeof want, "%s/scenario/boards/my-board.dtb", getenv("TZSIM_TMP"));
    cr_assert_str_eq(tz_scenario_config(s)->dtb, want);
    cr_assert_str_eq(tz_scenario_config(s)->platform, "my-board");
    tz_scenario_free(s);
}

Test(scenario, relative_paths_without_directory)
{
    /* A script path without '/' resolves relative paths as they are (the
     * current directory is the script's). */
    char path[1024];
    write_script(path, sizeof path, "reldir.lua",
                 "machine { dtb = 'x.dtb', images = { { file = 'a.elf' } } }\n");
    char *dir = strdup(path);
    *strrchr(dir, '/') = '\0';
    char cwd[1024];
    cr_assert_not_null(getcwd(cwd, sizeof cwd));
    cr_assert_eq(chdir(dir), 0);
    struct tz_scenario *s = load_ok("reldir.lua", &test_env);
    struct test_host h = {0};
    struct tz_scenario_host host = host_of(&h);
    struct tz_error err;
    cr_assert_eq(tz_scenario_exec(s, &host, NULL, &err), 0, "%s", err.msg);
    cr_assert_str_eq(tz_scenario_config(s)->dtb, "x.dtb");
    cr_assert_str_eq(tz_scenario_config(s)->images[0].file, "a.elf");
    tz_scenario_free(s);
    cr_assert_eq(chdir(cwd), 0);
    free(dir);
}

Test(scenario, overrides)
{
    char path[1024];
    write_script(path, sizeof path, "over.lua",
                 "machine { platform = 'qemu-virt', max_insns = 5,\n"
                 "          images = { { file = 'fw:a.elf' } } }\n");
    struct tz_scenario_env env = test_env;
    env.dtb_override = "/boards/other.dtb";
    env.max_insns_override = 123456;
    struct tz_scenario *s = load_ok(path, &env);
    struct test_host h = {0};
    struct tz_scenario_host host = host_of(&h);
    struct tz_error err;
    cr_assert_eq(tz_scenario_exec(s, &host, NULL, &err), 0, "%s", err.msg);
    const struct tz_scenario_config *c = tz_scenario_config(s);
    cr_assert_str_eq(c->dtb, "/boards/other.dtb");
    cr_assert_str_eq(c->platform, "other");
    cr_assert_eq(c->max_insns, 123456);
    tz_scenario_free(s);

    /* With --dtb, the script need not name a platform at all. */
    write_script(path, sizeof path, "over2.lua", "machine { images = { { file = 'fw:a.elf' } } }\n");
    s = load_ok(path, &env);
    memset(&h, 0, sizeof h);
    cr_assert_eq(tz_scenario_exec(s, &host, NULL, &err), 0, "%s", err.msg);
    cr_assert_str_eq(tz_scenario_config(s)->dtb, "/boards/other.dtb");
    tz_scenario_free(s);
}

Test(scenario, machine_value_errors)
{
    run_text_fails("e_cpus_range.lua", "\nmachine { platform = 'qemu-virt', cpus = 9,\n"
                   "images = { { file = 'fw:a.elf' } } }\n",
                   2, "machine: 'cpus' must be 1..8, got 9");
    run_text_fails("e_cpus_zero.lua", "machine { platform = 'qemu-virt', cpus = 0,\n"
                   "images = { { file = 'fw:a.elf' } } }\n",
                   1, "machine: 'cpus' must be 1..8, got 0");
    run_text_fails("e_float.lua", "machine { platform = 'qemu-virt', quantum = 1.5,\n"
                   "images = { { file = 'fw:a.elf' } } }\n",
                   1, "machine: 'quantum' must be an integer, got 1.5");
    run_text_fails("e_strnum.lua", "machine { platform = 'qemu-virt', max_insns = '10',\n"
                   "images = { { file = 'fw:a.elf' } } }\n",
                   1, "machine: 'max_insns' must be an integer, got string");
    run_text_fails("e_quantum.lua", "machine { platform = 'qemu-virt', quantum = 0,\n"
                   "images = { { file = 'fw:a.elf' } } }\n",
                   1, "machine: 'quantum' must be at least 1, got 0");
    run_text_fails("e_cpi.lua", "machine { platform = 'qemu-virt', cpi = 0,\n"
                   "images = { { file = 'fw:a.elf' } } }\n",
                   1, "machine: 'cpi' must be 1..4294967295, got 0");
    run_text_fails("e_hz.lua", "machine { platform = 'qemu-virt', cpu_hz = -1,\n"
                   "images = { { file = 'fw:a.elf' } } }\n",
                   1, "machine: 'cpu_hz' must be at least 1, got -1");
    run_text_fails("e_max.lua", "machine { platform = 'qemu-virt', max_insns = 0,\n"
                   "images = { { file = 'fw:a.elf' } } }\n",
                   1, "machine: 'max_insns' must be at least 1, got 0");
    run_text_fails("e_cpu.lua", "machine { platform = 'qemu-virt', cpu = 'cortex-a7',\n"
                   "images = { { file = 'fw:a.elf' } } }\n",
                   1, "machine: 'cpu' must be one of cortex-a57, cortex-a53, cortex-a72, max; "
                      "got 'cortex-a7'");
    run_text_fails("e_both.lua", "machine { platform = 'qemu-virt', dtb = 'x.dtb',\n"
                   "images = { { file = 'fw:a.elf' } } }\n",
                   1, "machine: give either 'platform' or 'dtb', not both");
    run_text_fails("e_neither.lua", "machine { images = { { file = 'fw:a.elf' } } }\n", 1,
                   "machine: 'platform' (a name like \"qemu-virt\") or 'dtb' (a path) is required");
    run_text_fails("e_platname.lua", "machine { platform = '../x', images = { { file = 'a' } } }",
                   1, "machine: 'platform' must be a platform name");
    run_text_fails("e_notable.lua", "machine 'qemu-virt'\n", 1,
                   "machine: expected a table (machine { ... }), got string");
    run_text_fails("e_empty.lua", "machine { platform = '', images = { { file = 'a' } } }", 1,
                   "machine: 'platform' must not be empty");
}

Test(scenario, image_errors)
{
    run_text_fails("i_none.lua", "machine { platform = 'qemu-virt' }", 1,
                   "machine: 'images' is required");
    run_text_fails("i_empty.lua", "machine { platform = 'qemu-virt', images = {} }", 1,
                   "machine: 'images' must have 1..8 entries, got 0");
    run_text_fails("i_many.lua",
                   "local imgs = {}\n"
                   "for i = 1, 9 do imgs[i] = { file = 'fw:' .. i } end\n"
                   "machine { platform = 'qemu-virt', images = imgs }",
                   3, "machine: 'images' must have 1..8 entries, got 9");
    run_text_fails("i_notlist.lua", "machine { platform = 'qemu-virt', images = { file = 'a' } }",
                   1, "machine: 'images' must be a list, got key 'file'");
    run_text_fails("i_nottable.lua", "machine { platform = 'qemu-virt', images = { 'a.elf' } }",
                   1, "machine: images[1] must be a table");
    run_text_fails("i_key.lua",
                   "machine { platform = 'qemu-virt', images = { { file = 'a', adr = 1 } } }", 1,
                   "machine: images[1]: unknown key 'adr'");
    run_text_fails("i_nofile.lua", "machine { platform = 'qemu-virt', images = { { name = 'a' } } }",
                   1, "machine: images[1]: 'file' is required");
    run_text_fails("i_kind.lua",
                   "machine { platform = 'qemu-virt', images = { { file = 'a', kind = 'bin' } } }",
                   1, "machine: images[1]: 'kind' must be one of elf, raw, optee; got 'bin'");
    run_text_fails("i_elfaddr.lua",
                   "machine { platform = 'qemu-virt',\n"
                   "  images = { { file = 'a' }, { file = 'b', kind = 'elf', addr = 4096 } } }",
                   1, "machine: images[2]: 'addr' is not allowed for kind 'elf'");
    run_text_fails("i_opteeaddr.lua",
                   "machine { platform = 'qemu-virt',\n"
                   "  images = { { file = 'b', kind = 'optee', addr = 4096 } } }",
                   1, "machine: images[1]: 'addr' is not allowed for kind 'optee'");
    run_text_fails("i_addr.lua",
                   "machine { platform = 'qemu-virt', images = { { file = 'a', addr = 'x' } } }", 1,
                   "machine: images[1]: 'addr' must be an integer, got string");
    run_text_fails("i_fwempty.lua", "machine { platform = 'qemu-virt', images = { { file = 'fw:' } } }",
                   1, "machine: images[1]: 'file': 'fw:' needs a file name after it");
    run_text_fails("e_expect.lua",
                   "machine { platform = 'qemu-virt', images = { { file = 'a' } },\n"
                   "  expect_console = { 'a', 3 } }", 1,
                   "machine: expect_console[2] must be a string, got 3");
}

Test(scenario, failed_machine_caught_by_pcall_starts_over)
{
    char path[1024];
    write_script(path, sizeof path, "pcall_machine.lua",
                 "local ok, e = pcall(machine, { platform = 'rpi4', cpus = 3,\n"
                 "  images = { { file = 'a' }, { file = 'b', kind = 'nope' } } })\n"
                 "assert(not ok and e:find('pcall_machine.lua:1: machine: images%[2%]'), e)\n"
                 MACHINE_OK);
    struct tz_scenario *s = load_ok(path, &test_env);
    struct test_host h = {0};
    struct tz_scenario_host host = host_of(&h);
    struct tz_error err;
    cr_assert_eq(tz_scenario_exec(s, &host, NULL, &err), 0, "%s", err.msg);
    const struct tz_scenario_config *c = tz_scenario_config(s);
    cr_assert_str_eq(c->platform, "qemu-virt");
    cr_assert_eq(c->ncpus, 1);
    cr_assert_eq(c->nimages, 1);
    cr_assert_str_eq(c->images[0].file, "/fw/a.elf");
    tz_scenario_free(s);
}

Test(scenario, unknown_key_reported_deterministically)
{
    /* Of several unknown keys the smallest is reported, whatever Lua's hash
     * order (which varies between runs). */
    run_text_fails("multi_unknown.lua",
                   "machine { zeta = 1, platform = 'qemu-virt', beta = 2, alpha = 3,\n"
                   "  images = { { file = 'a' } } }", 1, "machine: unknown key 'alpha'");
    run_text_fails("positional.lua", "machine { 'qemu-virt', images = { { file = 'a' } } }", 1,
                   "machine: unknown key [1]");
}

Test(scenario, long_path_is_named_in_full)
{
    /* Lua shortens chunk names longer than 60 characters ("..."); messages
     * must name the file as given. */
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/scenario", env_or_fail("TZSIM_TMP"));
    mkdir(dir, 0777);
    snprintf(dir, sizeof dir,
             "%s/scenario/a-directory-with-a-rather-long-name-to-exceed-lua-idsize-limits",
             getenv("TZSIM_TMP"));
    if (mkdir(dir, 0777) < 0)
        cr_assert_eq(errno, EEXIST);
    char path[1200];
    snprintf(path, sizeof path, "%s/long.lua", dir);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(MACHINE_OK "local x = nil\nlocal y = x.field\n", f);
    fclose(f);
    struct test_host h = {0};
    struct tz_error err;
    cr_assert_eq(run_script(path, &test_env, &h, NULL, &err), -1);
    char want[1300];
    snprintf(want, sizeof want, "%s:3: attempt to index a nil value (local 'x')", path);
    cr_assert_str_eq(err.msg, want);

    f = fopen(path, "w");
    fputs("\n\nmachine { cpus = }\n", f);
    fclose(f);
    cr_assert_eq(run_script(path, &test_env, &h, NULL, &err), -1);
    snprintf(want, sizeof want, "%s:3: unexpected symbol near '}'", path);
    cr_assert_str_eq(err.msg, want);

    f = fopen(path, "w");
    fputs("machine { platform = 'qemu-virt', images = { { file = 'a' } }, foo = 1 }\n", f);
    fclose(f);
    cr_assert_eq(run_script(path, &test_env, &h, NULL, &err), -1);
    snprintf(want, sizeof want, "%s:1: machine: unknown key 'foo'", path);
    cr_assert_str_eq(err.msg, want);
}

/* ------------------------------------------------------------------------ */
/* The corpus of malformed scenarios                                        */

struct corpus_case {
    const char *file;
    int line; /* 0: the message names no line */
    const char *reason;
};

static const struct corpus_case corpus[] = {
    {"syntax_error.lua", 5, "unexpected symbol near '='"},
    {"unknown_key.lua", 4, "machine: unknown key 'cpu_count'"},
    {"bad_type.lua", 3, "machine: 'cpus' must be an integer, got string"},
    {"run_before_machine.lua", 4, "run_until: called before machine{}"},
    {"two_machines.lua", 7, "machine: already declared at line 3"},
    {"raw_without_addr.lua", 5, "machine: images[2]: a raw image needs 'addr'"},
    {"no_machine.lua", 0, "no machine{} declared"},
    {"uses_io.lua", 4, "attempt to index a nil value (global 'io')"},
};

Test(scenario, corpus_errors)
{
    const char *dir = env_or_fail("TZSIM_CORPUS");
    for (size_t i = 0; i < sizeof corpus / sizeof corpus[0]; i++) {
        char path[1024], want[1400];
        snprintf(path, sizeof path, "%s/scenarios/%s", dir, corpus[i].file);
        if (corpus[i].line)
            snprintf(want, sizeof want, "%s:%d: %s", path, corpus[i].line, corpus[i].reason);
        else
            snprintf(want, sizeof want, "%s: %s", path, corpus[i].reason);
        struct test_host h = {0};
        struct tz_error err;
        int rc = run_script(path, &test_env, &h, NULL, &err);
        cr_expect_eq(rc, -1, "%s: should fail", corpus[i].file);
        cr_expect(strncmp(err.msg, want, strlen(want)) == 0, "%s:\n  got  '%s'\n  want '%s'",
                  corpus[i].file, err.msg, want);
        cr_expect_eq(h.creates, 0, "%s: the machine must not be created", corpus[i].file);
    }
}

Test(scenario, missing_file)
{
    struct tz_scenario *s = (struct tz_scenario *)1;
    struct tz_error err;
    cr_assert_eq(tz_scenario_load("/nonexistent/x.lua", &test_env, &s, &err), -1);
    cr_assert_null(s);
    cr_assert(strncmp(err.msg, "/nonexistent/x.lua: ", 20) == 0, "%s", err.msg);
}

/* ------------------------------------------------------------------------ */
/* Running                                                                  */

Test(scenario, run_until_requests_and_results)
{
    struct test_host h = {0};
    h.result = (struct tz_run_result){.stop_reason = TZ_STOP_SCENARIO, .icount = 1234,
                                      .vtime_ns = 5678};
    run_text_ok("run.lua",
                MACHINE_OK
                "local r = run_until { insns = 1000 }\n"
                "assert(r.stop == 'scenario', r.stop)\n"
                "assert(r.icount == 1234 and math.type(r.icount) == 'integer')\n"
                "assert(r.vtime_ns == 5678)\n"
                "r = run_until { console = 'login:', time_ns = 2e6 }\n"
                "assert(r.stop == 'scenario')\n"
                "run_until { halt = true, insns = 5 }\n"
                "run_until {}\n"
                "run_until()\n"
                "run_until(nil)\n",
                &h);
    cr_assert_eq(h.creates, 1);
    cr_assert_eq(h.runs, 6);
    cr_assert(h.created_before_run[0]);
    cr_assert_eq(h.req[0].insns, 1000);
    cr_assert_not(h.req[0].halt);
    cr_assert_eq(h.req[0].time_ns, 0);
    cr_assert_str_eq(h.req_console[0], "");
    cr_assert_str_eq(h.req_console[1], "login:");
    cr_assert_eq(h.req[1].time_ns, 2000000);
    cr_assert_not(h.req[1].halt);
    cr_assert(h.req[2].halt);
    cr_assert_eq(h.req[2].insns, 5);
    cr_assert(h.req[3].halt);
    cr_assert(h.req[4].halt);
    cr_assert(h.req[5].halt);
}

Test(scenario, run_until_stop_names)
{
    struct test_host h = {0};
    h.result.stop_reason = TZ_STOP_SYSTEM_OFF;
    run_text_ok("stop_off.lua", MACHINE_OK "assert(run_until{ halt = true }.stop == 'system_off')\n",
                &h);
    h = (struct test_host){0};
    h.result.stop_reason = TZ_STOP_INSN_LIMIT;
    run_text_ok("stop_limit.lua", MACHINE_OK "assert(run_until{}.stop == 'insn_limit')\n", &h);
}

Test(scenario, run_until_errors)
{
    run_text_fails("r_key.lua", MACHINE_OK "\nrun_until { hlat = true }\n", 3,
                   "run_until: unknown key 'hlat'");
    run_text_fails("r_insns.lua", MACHINE_OK "run_until { insns = 0 }\n", 2,
                   "run_until: 'insns' must be at least 1, got 0");
    run_text_fails("r_time.lua", MACHINE_OK "run_until { time_ns = 0 }\n", 2,
                   "run_until: 'time_ns' must be at least 1, got 0");
    run_text_fails("r_halt.lua", MACHINE_OK "run_until { halt = 1 }\n", 2,
                   "run_until: 'halt' must be a boolean, got 1");
    run_text_fails("r_console.lua", MACHINE_OK "run_until { console = 5 }\n", 2,
                   "run_until: 'console' must be a string, got 5");
    run_text_fails("r_arg.lua", MACHINE_OK "run_until(5)\n", 2,
                   "run_until: expected a table (run_until { ... }), got 5");
}

Test(scenario, lua_assert_names_the_line)
{
    /* (run_text_fails's host answers stop reason "none") */
    run_text_fails("assert.lua", MACHINE_OK "local r = run_until { halt = true }\n"
                   "assert(r.stop == 'system_off')\n",
                   3, "assertion failed!");
    run_text_fails("assert_msg.lua", MACHINE_OK "\n\nassert(false, 'the stop was wrong')\n", 4,
                   "the stop was wrong");
    run_text_fails("error0.lua", MACHINE_OK "error('plain', 0)\n", 2, "plain");
    run_text_fails("error_tbl.lua", MACHINE_OK "error({})\n", 2,
                   "(error object is a table value)");
    run_text_fails("error_lvl.lua", MACHINE_OK "local function f() error('in f', 2) end\n"
                   "f()\n", 3, "in f");
    run_text_fails("nested.lua", MACHINE_OK "local function f(t) return t.x.y end\n"
                   "f({})\n", 2, "attempt to index a nil value (field 'x')");
}

Test(scenario, implicit_run)
{
    struct test_host h = {0};
    h.console = "uart0: sel1: up\n";
    run_text_ok("implicit.lua", "machine { platform = 'qemu-virt', images = { { file = 'a' } },\n"
                "  expect_console = { 'sel1: up' } }\n", &h);
    cr_assert_eq(h.creates, 1);
    cr_assert_eq(h.runs, 1);
    cr_assert(h.req[0].halt);
    cr_assert_eq(h.req[0].insns, 0);
    cr_assert_eq(h.req[0].time_ns, 0);
    cr_assert_str_eq(h.req_console[0], "");
    cr_assert_eq(h.nfailed, 0);
}

Test(scenario, no_implicit_run_after_explicit)
{
    struct test_host h = {0};
    run_text_ok("explicit.lua", MACHINE_OK "run_until { insns = 10 }\n", &h);
    cr_assert_eq(h.creates, 1);
    cr_assert_eq(h.runs, 1);
}

Test(scenario, expect_console_counts)
{
    char path[1024];
    write_script(path, sizeof path, "expect.lua",
                 "machine { platform = 'qemu-virt', images = { { file = 'a' } },\n"
                 "  expect_console = { 'sel1: up', 'never printed' } }\n"
                 "run_until { halt = true }\n"
                 "assert(expect_console('nsel1: up') == true)\n"
                 "assert(expect_console('missing text') == false)\n"
                 "expect_console('also missing')\n"
                 "print('the script goes on after a failed check')\n");
    struct test_host h = {0};
    h.console = "uart0: sel1: up\nuart1: nsel1: up\n";
    int checks = -1;
    struct tz_error err;
    cr_assert_eq(run_script(path, &test_env, &h, &checks, &err), 0, "%s", err.msg);
    cr_assert_eq(checks, 3);
    cr_assert_eq(h.nfailed, 3);
    char want[1300];
    snprintf(want, sizeof want, "%s:5: expect_console: 'missing text' not found in console output",
             path);
    cr_assert_str_eq(h.failed[0], want);
    snprintf(want, sizeof want, "%s:6: expect_console: 'also missing' not found in console output",
             path);
    cr_assert_str_eq(h.failed[1], want);
    /* The machine{} list is checked after the run, at the machine{} line. */
    snprintf(want, sizeof want,
             "%s:1: expect_console: 'never printed' not found in console output", path);
    cr_assert_str_eq(h.failed[2], want);
}

Test(scenario, expect_console_errors)
{
    run_text_fails("x_before.lua", MACHINE_OK "expect_console('x')\n", 2,
                   "expect_console: the machine has not run yet (call run_until first)");
    run_text_fails("x_type.lua", MACHINE_OK "run_until{}\nexpect_console({})\n", 3,
                   "expect_console: expected a string, got table");
}

Test(scenario, host_errors_propagate_verbatim)
{
    const char *msg = "/fw/a.elf: not an ELF file (bad magic)";
    struct test_host h = {0};
    struct tz_error err;
    h.fail_create = msg;
    cr_assert_eq(run_text("h_create.lua", MACHINE_OK "run_until { halt = true }\n"
                          "error('not reached')\n", &h, NULL, &err), -1);
    cr_assert_str_eq(err.msg, msg);
    cr_assert_eq(h.runs, 0);

    /* Implicit run. */
    h = (struct test_host){0};
    h.fail_create = msg;
    cr_assert_eq(run_text("h_implicit.lua", MACHINE_OK, &h, NULL, &err), -1);
    cr_assert_str_eq(err.msg, msg);

    /* run_until fails. */
    h = (struct test_host){0};
    h.fail_run = "qemu-virt.dtb: /uart@9000000: no 'reg' property";
    cr_assert_eq(run_text("h_run.lua", MACHINE_OK "run_until { insns = 10 }\n", &h, NULL, &err),
                 -1);
    cr_assert_str_eq(err.msg, "qemu-virt.dtb: /uart@9000000: no 'reg' property");

    /* A script cannot swallow a host error with pcall. */
    h = (struct test_host){0};
    h.fail_run = msg;
    cr_assert_eq(run_text("h_pcall.lua", MACHINE_OK
                          "local ok = pcall(run_until, { insns = 10 })\n"
                          "assert(not ok)\n"
                          "pcall(run_until, { insns = 10 })\n",
                          &h, NULL, &err),
                 -1);
    cr_assert_str_eq(err.msg, msg);
    cr_assert_eq(h.runs, 1, "run_until must not call the host again after a host error");
}

/* ------------------------------------------------------------------------ */
/* The sandbox                                                              */

Test(scenario, sandbox)
{
    struct test_host h = {0};
    run_text_ok("sandbox.lua",
                "assert(io == nil and os == nil and package == nil and debug == nil)\n"
                "assert(require == nil and dofile == nil and loadfile == nil)\n"
                "assert(math.random == nil and math.randomseed == nil)\n"
                "assert(math.floor(2.5) == 2 and string.format('%x', 255) == 'ff')\n"
                "assert(table.concat({1, 2}, ',') == '1,2' and utf8.char(72) == 'H')\n"
                "assert(('abc'):upper() == 'ABC')\n"
                "assert(type(collectgarbage('count')) == 'number')\n"
                "assert(load('return 1 + 1')() == 2)\n"
                "local f, e = load(string.dump(function() end))\n"
                "assert(f == nil and e:find('binary'), e)\n"
                "assert(not pcall(load, 'return 1', 'x', 'b'))\n"
                "assert(type(tzsim.version) == 'string' and #tzsim.version > 0)\n"
                "assert(tzsim.fw_dir == '/fw' and tzsim.platform_dir == '/plat')\n"
                "assert(not pcall(function() tzsim.version = 'x' end))\n"
                "assert(tzsim.version ~= 'x')\n"
                "print('print goes to stderr', 1, nil)\n" MACHINE_OK,
                &h);
}

Test(scenario, uses_os_fails_with_line)
{
    run_text_fails("os.lua", "\n\nlocal t = os.time()\n", 3,
                   "attempt to index a nil value (global 'os')");
    run_text_fails("require.lua", "require('socket')\n", 1,
                   "attempt to call a nil value (global 'require')");
}

Test(scenario, shebang_line_is_a_comment)
{
    struct test_host h = {0};
    run_text_ok("shebang.lua", "#!/usr/bin/env tzsim\n" MACHINE_OK, &h);
    run_text_fails("shebang_err.lua", "#!/usr/bin/env tzsim\n\nerror('x')\n", 3, "x");
}

Test(scenario, sha256_of_the_file)
{
    char path[1024];
    write_script(path, sizeof path, "sha.lua", "machine {}\n");
    struct tz_scenario *s = load_ok(path, &test_env);
    char hex[65];
    tz_sha256_of("machine {}\n", 11, hex);
    cr_assert_str_eq(tz_scenario_sha256(s), hex);
    cr_assert_str_eq(hex, "07d2a23e458d25141a22f2f7d917c4f8f6040476a98ff5e0b29d85a0d804a132");
    tz_scenario_free(s);
}

Test(scenario, shipped_scenarios_parse)
{
    const char *src = env_or_fail("TZSIM_SOURCE_DIR");
    char path[1024];
    struct tz_error err;

    snprintf(path, sizeof path, "%s/scenarios/default.lua", src);
    struct test_host h = {0};
    h.result.stop_reason = TZ_STOP_SYSTEM_OFF;
    h.console = "uart1: sel1: up\nuart0: nsel1: up\nuart0: nsel1: 1000 round trips ok\n";
    int checks = -1;
    struct tz_scenario *s = load_ok(path, &test_env);
    struct tz_scenario_host host = host_of(&h);
    cr_assert_eq(tz_scenario_exec(s, &host, &checks, &err), 0, "%s", err.msg);
    cr_assert_eq(checks, 0);
    const struct tz_scenario_config *c = tz_scenario_config(s);
    cr_assert_str_eq(c->platform, "qemu-virt");
    cr_assert_eq(c->ncpus, 1);
    cr_assert_eq(c->max_insns, 50000000);
    cr_assert_eq(c->nimages, 3);
    cr_assert_str_eq(c->images[0].file, "/fw/test/monitor.elf");
    cr_assert_str_eq(c->images[1].file, "/fw/test/sel1.elf");
    cr_assert_str_eq(c->images[2].file, "/fw/test/nsel1.elf");
    cr_assert_eq(c->nexpect, 3);
    tz_scenario_free(s);

    snprintf(path, sizeof path, "%s/scenarios/smp.lua", src);
    h = (struct test_host){0};
    h.result.stop_reason = TZ_STOP_SYSTEM_OFF;
    h.console = "uart1: sel1: up\nuart0: nsel1[1]: 100 round trips ok\nuart0: nsel1: smp ok\n";
    s = load_ok(path, &test_env);
    cr_assert_eq(tz_scenario_exec(s, &host, &checks, &err), 0, "%s", err.msg);
    cr_assert_eq(checks, 0);
    c = tz_scenario_config(s);
    cr_assert_eq(c->ncpus, 2);
    cr_assert_str_eq(c->images[2].file, "/fw/test/nsel1-smp.elf");
    tz_scenario_free(s);
}

Test(scenario, include_runs_a_file_in_the_same_sandbox)
{
    char lib[1024];
    write_script(lib, sizeof lib, "inc-lib.lua",
                 "local a, b = ...\n"
                 "from_lib = a + b\n"
                 "assert(io == nil and dofile == nil)\n"
                 "return a * b, 'two'\n");
    write_script(lib, sizeof lib, "inc-bad.lua", "\nmachine { platform = 12 }\n");
    struct test_host h = {0};
    run_text_ok("inc.lua",
                "local p, q = include('inc-lib.lua', 3, 4)\n"
                "assert(p == 12 and q == 'two' and from_lib == 7)\n" MACHINE_OK,
                &h);
    /* An error inside the included file names that file and its line. */
    char path[1024];
    write_script(path, sizeof path, "inc-err.lua", "include('inc-bad.lua')\n");
    struct tz_error err;
    int rc = run_script(path, &test_env, &h, NULL, &err);
    cr_assert_eq(rc, -1);
    cr_expect(strstr(err.msg, "inc-bad.lua:2: machine: 'platform' must be a string"), "%s",
              err.msg);
    run_text_fails("inc-missing.lua", "\ninclude('no-such-file.lua')\n", 2,
                   "include: ");
    run_text_fails("inc-type.lua", "include(12)\n", 1, "include: expected a file name");
}

Test(scenario, included_files_are_listed_once_with_their_hashes)
{
    const char *one = "return 1\n", *two = "return include('inc-one.lua') + 1\n";
    char p1[1024], p2[1024], main_path[1024];
    write_script(p1, sizeof p1, "inc-one.lua", one);
    write_script(p2, sizeof p2, "inc-two.lua", two);
    write_script(main_path, sizeof main_path, "inc-list.lua",
                 "assert(include('inc-two.lua') == 2)\n"
                 "assert(include('inc-one.lua') == 1)\n" MACHINE_OK);
    struct test_host h = {0};
    struct tz_scenario *s = load_ok(main_path, &test_env);
    cr_assert_eq(tz_scenario_include_count(s), 0);
    struct tz_scenario_host host = host_of(&h);
    struct tz_error err = {{0}};
    int checks = -1;
    cr_assert_eq(tz_scenario_exec(s, &host, &checks, &err), 0, "%s", err.msg);
    /* inc-two.lua is read first and reads inc-one.lua; the second include of
     * inc-one.lua adds nothing. */
    cr_assert_eq(tz_scenario_include_count(s), 2);
    const char *sha;
    char want[65];
    cr_expect_str_eq(tz_scenario_include(s, 0, &sha), p2);
    tz_sha256_of(two, strlen(two), want);
    cr_expect_str_eq(sha, want);
    cr_expect_str_eq(tz_scenario_include(s, 1, &sha), p1);
    tz_sha256_of(one, strlen(one), want);
    cr_expect_str_eq(sha, want);
    tz_scenario_free(s);
}
