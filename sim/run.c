#include "run.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libfdt.h>

#include "machine_internal.h"
#include "models/cache/cache.h"
#include "scenario.h"
#include "tarmac.h"

#ifndef TZSIM_DEFAULT_FW_DIR
#define TZSIM_DEFAULT_FW_DIR "firmware"
#endif
#ifndef TZSIM_DEFAULT_PLATFORM_DIR
#define TZSIM_DEFAULT_PLATFORM_DIR "platforms"
#endif

struct run_ctx {
    const struct tz_run_options *o;
    struct tz_run_report *r;
    struct tz_scenario *scn;
    struct tz_trace *trace;
    struct tz_platform *plat;
    struct tz_machine *m;
    int64_t run_id;
    FILE *out;
    int sweep_index;
    struct tz_tarmac *tarmac;
};

static int write_handoff(struct run_ctx *x, const struct tz_handoff_spec *h, struct tz_error *err);

/* The Debian package an image file came from: scripts/setup.sh unpacks
 * packages into DIR/root and lists "path package version" in
 * DIR/manifest.txt. Writes "package version" to out, or "" if unknown. */
static void image_package(const char *file, char *out, size_t n)
{
    out[0] = 0;
    char real[4096];
    if (!realpath(file, real))
        return;
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", real);
    for (char *slash = strrchr(dir, '/'); slash && slash != dir; slash = strrchr(dir, '/')) {
        *slash = 0;
        size_t dl = strlen(dir);
        if (dl < 5 || strcmp(dir + dl - 5, "/root") != 0)
            continue;
        char manifest[4200];
        snprintf(manifest, sizeof manifest, "%.*s/manifest.txt", (int)(dl - 5), dir);
        FILE *f = fopen(manifest, "r");
        if (!f)
            continue;
        const char *rel = real + dl + 1;
        char line[1024];
        size_t rl = strlen(rel);
        while (fgets(line, sizeof line, f)) {
            if (!strncmp(line, rel, rl) && line[rl] == ' ') {
                line[strcspn(line, "\n")] = 0;
                snprintf(out, n, "%s", line + rl + 1);
                break;
            }
        }
        fclose(f);
        return;
    }
}
static int write_guest_dtb(struct run_ctx *x, const struct tz_scenario_config *cfg,
                           struct tz_error *err);

static int host_create(void *opaque, const struct tz_scenario_config *cfg, struct tz_error *err)
{
    struct run_ctx *x = opaque;
    if (tz_platform_load(cfg->dtb, &x->plat, err))
        return -1;
    struct tz_image *imgs[TZ_MAX_IMAGES] = {0};
    int n = cfg->nimages;
    for (int i = 0; i < n; i++) {
        const struct tz_image_spec *s = &cfg->images[i];
        if (tz_image_load(s->file, s->kind, s->has_addr, s->addr, &imgs[i], err)) {
            for (int j = 0; j < i; j++)
                tz_image_free(imgs[j]);
            return -1;
        }
    }
    if (tz_images_check(imgs, n, x->plat, err)) {
        for (int j = 0; j < n; j++)
            tz_image_free(imgs[j]);
        return -1;
    }

    static const struct { const char *name; int model; } models[] = {
        {"cortex-a57", UC_CPU_ARM64_A57},
        {"cortex-a53", UC_CPU_ARM64_A53},
        {"cortex-a72", UC_CPU_ARM64_A72},
        {"max", UC_CPU_ARM64_MAX},
    };
    int model = UC_CPU_ARM64_A57;
    for (unsigned i = 0; i < sizeof models / sizeof models[0]; i++)
        if (cfg->cpu_model && strcmp(cfg->cpu_model, models[i].name) == 0)
            model = models[i].model;

    struct tz_machine_config mc = {
        .platform = x->plat,
        .ncpus = cfg->ncpus,
        .quantum = x->o->quantum ? x->o->quantum : cfg->quantum,
        .cpi = cfg->cpi,
        .cpu_hz = cfg->cpu_hz,
        .max_insns = cfg->max_insns,
        .seed = cfg->seed,
        .cpu_model = model,
        .trace = x->trace,
        .console_out = x->o->quiet ? NULL : x->out,
        .strict = x->o->strict,
        .cache_mode = x->o->cache_mode ? x->o->cache_mode - 1 : cfg->cache_mode,
    };
    if (x->o->trace_to > x->o->trace_from) {
        x->tarmac = tz_tarmac_open(x->o->tarmac_out ? x->o->tarmac_out : stdout,
                                   x->o->trace_from, x->o->trace_to);
        mc.tarmac = x->tarmac;
    }
    if (tz_machine_create(&mc, &x->m, err)) {
        for (int j = 0; j < n; j++)
            tz_image_free(imgs[j]);
        return -1;
    }
    uint64_t entry = cfg->has_entry ? cfg->entry : (n ? imgs[0]->entry : 0);

    /* meta: what this run was made of (no host times). */
    char key[64], val[1100];
    char hex[65];
    tz_sha256_of(x->plat->fdt, x->plat->fdt_size, hex);
    tz_trace_meta(x->trace, "platform", cfg->platform ? cfg->platform : cfg->dtb);
    tz_trace_meta(x->trace, "platform_dtb", cfg->dtb);
    tz_trace_meta(x->trace, "platform_sha256", hex);
    tz_trace_meta(x->trace, "scenario", x->o->scenario);
    tz_trace_meta(x->trace, "scenario_sha256", tz_scenario_sha256(x->scn));
    snprintf(val, sizeof val, "%" PRIu64, cfg->seed);
    tz_trace_meta(x->trace, "seed", val);
    snprintf(val, sizeof val, "%d", cfg->ncpus);
    tz_trace_meta(x->trace, "cpus", val);
    snprintf(val, sizeof val, "%" PRIu64, mc.quantum);
    tz_trace_meta(x->trace, "quantum", val);
    snprintf(val, sizeof val, "%u", cfg->cpi);
    tz_trace_meta(x->trace, "cpi", val);
    snprintf(val, sizeof val, "%" PRIu64, cfg->cpu_hz);
    tz_trace_meta(x->trace, "cpu_hz", val);
    tz_trace_meta(x->trace, "cpu_model", cfg->cpu_model ? cfg->cpu_model : "cortex-a57");
    unsigned maj, min;
    uc_version(&maj, &min);
    snprintf(val, sizeof val, "%u.%u", maj, min);
    tz_trace_meta(x->trace, "unicorn_version", val);
    for (int i = 0; i < n; i++) {
        snprintf(key, sizeof key, "image.%d.path", i);
        tz_trace_meta(x->trace, key, imgs[i]->path);
        snprintf(key, sizeof key, "image.%d.kind", i);
        tz_trace_meta(x->trace, key, tz_image_kind_name(imgs[i]->kind));
        snprintf(key, sizeof key, "image.%d.sha256", i);
        tz_trace_meta(x->trace, key, imgs[i]->sha256);
        char pkg[256];
        image_package(imgs[i]->path, pkg, sizeof pkg);
        if (pkg[0]) {
            snprintf(key, sizeof key, "image.%d.debian_package", i);
            tz_trace_meta(x->trace, key, pkg);
        }
    }

    for (int i = 0; i < n; i++) {
        if (tz_machine_load_image(x->m, imgs[i], err)) {
            for (int j = i + 1; j < n; j++)
                tz_image_free(imgs[j]);
            return -1;
        }
    }
    /* The sweep combination, first as "index=K" so a replay can find it. */
    char params[600];
    const char *sp = tz_scenario_sweep_params(x->scn);
    /* A --cache given on the command line is part of what the run was:
     * recorded with the parameters so that a replay uses it too. */
    char cache_opt[32] = "";
    if (x->o->cache_mode)
        snprintf(cache_opt, sizeof cache_opt, " cache=%s",
                 tz_cache_mode_name((enum tz_cache_mode)(x->o->cache_mode - 1)));
    snprintf(params, sizeof params, "index=%d%s%s%s", x->sweep_index, sp[0] ? " " : "", sp,
             cache_opt);
    tz_trace_meta(x->trace, "cache", tz_cache_mode_name((enum tz_cache_mode)mc.cache_mode));
    struct tz_run_info info = {
        .scenario = x->o->scenario,
        .scenario_sha256 = tz_scenario_sha256(x->scn),
        .platform = cfg->platform ? cfg->platform : cfg->dtb,
        .ncpus = cfg->ncpus,
        .quantum = mc.quantum,
        .seed = cfg->seed,
        .params = params,
    };
    if (tz_trace_run_begin(x->trace, &info, &x->run_id))
        return tz_error_set(err, x->o->db, "cannot start a run in the trace");
    if (cfg->handoff.present && write_handoff(x, &cfg->handoff, err))
        return -1;
    if (cfg->has_guest_dtb && write_guest_dtb(x, cfg, err))
        return -1;
    tz_machine_reset(x->m, entry);
    return 0;
}

static int need_machine(struct run_ctx *x, struct tz_error *err)
{
    return x->m ? 0 : tz_error_set(err, NULL, "the machine has not been created yet");
}

static int host_add_trigger(void *opaque, const struct tz_trigger *t, int id, struct tz_error *err)
{
    struct run_ctx *x = opaque;
    return need_machine(x, err) ? -1 : tz_machine_add_trigger(x->m, t, id, err);
}

static void host_cancel_trigger(void *opaque, int id)
{
    struct run_ctx *x = opaque;
    if (x->m)
        tz_machine_cancel_trigger(x->m, id);
}

static int host_set_irq(void *opaque, int cpu, int intid, bool level, struct tz_error *err)
{
    struct run_ctx *x = opaque;
    return need_machine(x, err) ? -1 : tz_machine_set_irq(x->m, cpu, intid, level, err);
}

static int host_mem(void *opaque, uint64_t addr, unsigned size, bool write, uint64_t *value,
                    struct tz_error *err)
{
    struct run_ctx *x = opaque;
    return need_machine(x, err) ? -1 : tz_machine_mem(x->m, addr, size, write, value, err);
}

static int host_reg(void *opaque, const struct tz_reg_access *r, bool write, uint64_t *value,
                    struct tz_error *err)
{
    struct run_ctx *x = opaque;
    return need_machine(x, err) ? -1 : tz_machine_reg(x->m, r->cpu, r->name, write, value, err);
}

static int host_inject_smc(void *opaque, int cpu, const uint64_t args[8], int done_id,
                           struct tz_error *err)
{
    struct run_ctx *x = opaque;
    return need_machine(x, err) ? -1 : tz_machine_inject_smc(x->m, cpu, args, done_id, err);
}

static int host_smc_result(void *opaque, int cpu, uint64_t out[4])
{
    struct run_ctx *x = opaque;
    return x->m ? tz_machine_smc_result(x->m, cpu, out) : -1;
}

static void host_mark(void *opaque, const char *name)
{
    struct run_ctx *x = opaque;
    if (x->m)
        tz_machine_mark(x->m, name);
}

static void host_stop(void *opaque)
{
    struct run_ctx *x = opaque;
    if (x->m)
        tz_machine_stop(x->m);
}

static int host_query(void *opaque, const char *sql, int64_t *out, bool *null, struct tz_error *err)
{
    struct run_ctx *x = opaque;
    return tz_trace_query(x->trace, sql, out, null, err);
}

static uint64_t host_icount(void *opaque, int cpu)
{
    struct run_ctx *x = opaque;
    return x->m ? tz_machine_cpu_icount(x->m, cpu) : 0;
}

static int host_symbol(void *opaque, const char *name, uint64_t *addr)
{
    struct run_ctx *x = opaque;
    return x->m ? tz_machine_symbol(x->m, name, addr) : -1;
}

static int host_dma(void *opaque, uint64_t src, uint64_t dst, uint64_t len, bool ns,
                    struct tz_error *err)
{
    struct run_ctx *x = opaque;
    return need_machine(x, err) ? -1 : tz_machine_scenario_dma(x->m, src, dst, len, ns, err);
}

/* The boot handoff for the reference monitor (docs/handoff.md): 0x50 bytes,
 * little-endian, the 32-bit words summing to 0. */
static int write_handoff(struct run_ctx *x, const struct tz_handoff_spec *h, struct tz_error *err)
{
    uint64_t q[10] = {0};
    q[0] = 0x4f485a54ull | (1ull << 32);            /* magic "TZHO", version 1 */
    q[1] = 0x50;                                      /* size; checksum (bits 63:32) below */
    q[2] = h->bl32_entry;
    q[3] = h->bl32_x0;
    q[4] = h->bl33_entry;
    q[5] = h->bl33_el;
    q[6] = h->bl33_x0;
    q[7] = h->dtb;
    q[8] = h->flags;
    uint32_t sum = 0;
    for (int i = 0; i < 10; i++)
        sum += (uint32_t)q[i] + (uint32_t)(q[i] >> 32);
    q[1] |= (uint64_t)(uint32_t)(0u - sum) << 32;
    uint8_t bytes[sizeof q];
    for (size_t i = 0; i < sizeof bytes; i++)
        bytes[i] = (uint8_t)(q[i / 8] >> (8 * (i % 8))); /* little-endian guest */
    if (tz_machine_write(x->m, h->addr, bytes, sizeof bytes, err))
        return tz_error_set(err, x->o->scenario, "machine: handoff at 0x%" PRIx64
                            " does not fit in RAM", h->addr);
    return 0;
}

/* The platform's own device tree for the guest, built with libfdt with room
 * for the firmware to edit it in place (TF-A adds /psci and reserved memory,
 * OP-TEE adds /firmware/optee). */
static int write_guest_dtb(struct run_ctx *x, const struct tz_scenario_config *cfg,
                           struct tz_error *err)
{
    size_t size = x->plat->fdt_size + cfg->guest_dtb_pad;
    uint8_t *buf = calloc(1, size);
    if (!buf)
        return tz_error_set(err, NULL, "out of memory");
    int e = fdt_open_into(x->plat->fdt, buf, (int)size);
    if (e) {
        free(buf);
        return tz_error_set(err, x->plat->path, "cannot prepare the guest device tree: %s",
                            fdt_strerror(e));
    }
    fdt_pack(buf);
    fdt_set_totalsize(buf, (uint32_t)size);
    int rc = tz_machine_write(x->m, cfg->guest_dtb_addr, buf, size, err);
    free(buf);
    if (rc)
        return tz_error_set(err, x->o->scenario, "machine: guest_dtb at 0x%" PRIx64
                            " (%zu bytes) does not fit in RAM", cfg->guest_dtb_addr, size);
    return 0;
}

static int host_run_until(void *opaque, const struct tz_run_until *req, struct tz_run_result *res,
                          struct tz_error *err)
{
    struct run_ctx *x = opaque;
    struct tz_run_limits lim = {
        .insns = req->insns,
        .time_ns = req->time_ns,
        .console = req->console,
    };
    enum tz_stop_reason why = tz_machine_run(x->m, &lim);
    struct tz_machine_stats st;
    tz_machine_stats(x->m, &st);
    res->stop_reason = (int)why;
    res->icount = st.icount;
    res->vtime_ns = st.vtime_ns;
    res->nfired = why == TZ_STOP_TRIGGER
                      ? tz_machine_take_fired(x->m, res->fired, res->fired_cpu,
                                              (int)(sizeof res->fired / sizeof res->fired[0]))
                      : 0;
    x->r->ran = true;
    return 0;
}

static const char *host_console(void *opaque)
{
    struct run_ctx *x = opaque;
    return x->m ? tz_machine_console_text(x->m) : "";
}

static void host_check_failed(void *opaque, const char *msg)
{
    struct run_ctx *x = opaque;
    fprintf(x->o->err ? x->o->err : stderr, "tzsim: check failed: %s\n", msg);
}

static void summary(struct run_ctx *x, const char *status)
{
    struct tz_run_report *r = x->r;
    const struct tz_machine_stats *s = &r->stats;
    FILE *f = x->out;
    fprintf(f, "tzsim: %s: %s\n", x->o->scenario, status);
    fprintf(f, "  stop:            %s (%s)\n", tz_stop_reason_name(s->stop ? s->stop : TZ_STOP_SCENARIO),
            s->stop_text[0] ? s->stop_text : "-");
    fprintf(f, "  instructions:    %" PRIu64 "  virtual time: %" PRIu64 ".%03" PRIu64 " us\n",
            s->icount, s->vtime_ns / 1000, s->vtime_ns % 1000);
    fprintf(f, "  exceptions:      %" PRIu64 " taken, %" PRIu64 " returns, %" PRIu64
            " world switches\n", s->exceptions, s->erets, s->world_switches);
    fprintf(f, "  SMCs:            %" PRIu64 " from the normal world, %" PRIu64
            " from the secure world\n", s->smc_ns_calls, s->smc_s_calls);
    if (s->smc_ns_returns) {
        uint64_t n = s->smc_ns_returns;
        fprintf(f, "  SMC round trips: %" PRIu64 "  mean %" PRIu64 ".%02" PRIu64
                " insns / %" PRIu64 ".%02" PRIu64 " ns  max %" PRIu64 " insns / %" PRIu64 " ns\n",
                n, s->smc_rt_sum_insns / n, (s->smc_rt_sum_insns % n) * 100 / n,
                s->smc_rt_sum_ns / n, (s->smc_rt_sum_ns % n) * 100 / n, s->smc_rt_max_insns,
                s->smc_rt_max_ns);
    }
    if (x->m)
        tz_machine_print_memsys(x->m, f, "  ");
    if (r->checks_failed)
        fprintf(f, "  checks failed:   %d\n", r->checks_failed);
    if (x->o->db)
        fprintf(f, "  trace:           %s (run %" PRId64 ", %" PRIu64 " events)\n", x->o->db,
                x->run_id, r->trace_events);
    fprintf(f, "  digest:          %s\n", r->digest);
}

static const struct tz_scenario_host host_template = {
    .create_machine = host_create,
    .run_until = host_run_until,
    .console = host_console,
    .check_failed = host_check_failed,
    .add_trigger = host_add_trigger,
    .cancel_trigger = host_cancel_trigger,
    .set_irq = host_set_irq,
    .mem = host_mem,
    .reg = host_reg,
    .inject_smc = host_inject_smc,
    .smc_result = host_smc_result,
    .mark = host_mark,
    .stop = host_stop,
    .query = host_query,
    .icount = host_icount,
    .symbol = host_symbol,
    .dma = host_dma,
};

/* One run of a scenario (one sweep combination) into an open trace. With
 * `summary` the run's summary is printed, else nothing is printed but
 * errors. With the memory system on, the run's findings go to `notes` (may
 * be NULL) under a line naming the run: a sweep prints them for every run.
 * Returns the exit code; *total receives the sweep size. */
static int run_one(const struct tz_run_options *o, struct tz_trace *trace, int index,
                   bool print_summary, FILE *notes, struct tz_run_report *r, int *total,
                   char *params, size_t nparams)
{
    memset(r, 0, sizeof *r);
    struct run_ctx x = {.o = o, .r = r, .out = o->out ? o->out : stdout, .trace = trace,
                        .sweep_index = index};
    FILE *ferr = o->err ? o->err : stderr;
    struct tz_error err = {{0}};
    struct tz_scenario_env env = {
        .fw_dir = o->fw_dir ? o->fw_dir : TZSIM_DEFAULT_FW_DIR,
        .platform_dir = o->platform_dir ? o->platform_dir : TZSIM_DEFAULT_PLATFORM_DIR,
        .dtb_override = o->dtb,
        .max_insns_override = o->max_insns,
        .sweep_index = index,
    };
    *total = 1;
    params[0] = 0;
    if (tz_scenario_load(o->scenario, &env, &x.scn, &err))
        goto bad_input;
    struct tz_scenario_host host = host_template;
    host.ctx = &x;
    int checks_failed = 0;
    int rc = tz_scenario_exec(x.scn, &host, &checks_failed, &err);
    r->checks_failed = checks_failed;
    /* meta: the files the script included, which scenario_sha256 does not cover. */
    for (unsigned i = 0; i < tz_scenario_include_count(x.scn); i++) {
        char key[48];
        const char *sha;
        const char *path = tz_scenario_include(x.scn, i, &sha);
        snprintf(key, sizeof key, "include.%u.path", i);
        tz_trace_meta(trace, key, path);
        snprintf(key, sizeof key, "include.%u.sha256", i);
        tz_trace_meta(trace, key, sha);
    }
    *total = tz_scenario_sweep_total(x.scn);
    snprintf(params, nparams, "%s", tz_scenario_sweep_params(x.scn));
    if (rc && !x.m)
        goto bad_input; /* nothing ran: a scenario, platform or image error */

    if (x.m)
        tz_machine_stats(x.m, &r->stats);
    enum tz_stop_reason stop = r->stats.stop ? r->stats.stop : TZ_STOP_SCENARIO;
    bool failed = rc || checks_failed || stop == TZ_STOP_GUEST_ERROR ||
                  stop == TZ_STOP_INSN_LIMIT || stop == TZ_STOP_HOST_ERROR;
    const char *status = rc ? "error" : failed ? "failed" : "ok";
    if (rc)
        fprintf(ferr, "tzsim: %s\n", err.msg);
    if (x.m) {
        tz_machine_finish(x.m);
        struct tz_event ev;
        tz_event_init(&ev, TZ_EV_RUN_STOP, TZ_NA, r->stats.icount, r->stats.vtime_ns);
        ev.a[0] = (uint64_t)stop;
        ev.na = 1;
        ev.text = r->stats.stop_text[0] ? r->stats.stop_text : tz_stop_reason_name(stop);
        tz_trace_event(trace, &ev);
    }
    struct tz_error terr = {{0}};
    tz_trace_digest(trace, r->digest);
    r->trace_events = 0;
    for (int k = 1; k <= 64; k++)
        if (tz_event_kind_name((enum tz_event_kind)k))
            r->trace_events += tz_trace_count(trace, (enum tz_event_kind)k);
    int trc = tz_trace_run_end(trace, status, stop, r->stats.icount, r->stats.vtime_ns, &terr);
    if (print_summary)
        summary(&x, status);
    if (notes && x.m && tz_machine_has_memsys(x.m)) {
        fprintf(notes, "  run %d [index=%d %s]: %s\n", index + 1, index, params, status);
        tz_machine_print_memsys(x.m, notes, "    ");
    }
    tz_machine_destroy(x.m);
    tz_tarmac_close(x.tarmac);
    tz_platform_free(x.plat);
    tz_scenario_free(x.scn);
    if (trc) {
        fprintf(ferr, "tzsim: %s\n", terr.msg);
        snprintf(r->error, sizeof r->error, "%s", terr.msg);
        return r->exit_code = TZ_EXIT_BAD_INPUT;
    }
    if (rc)
        snprintf(r->error, sizeof r->error, "%s", err.msg);
    /* A script error after the machine ran is still bad input (exit 2); the
     * run is kept in the trace with status "error". */
    return r->exit_code = rc ? TZ_EXIT_BAD_INPUT : failed ? TZ_EXIT_FAILED : TZ_EXIT_OK;

bad_input:
    fprintf(ferr, "tzsim: %s\n", err.msg);
    snprintf(r->error, sizeof r->error, "%s", err.msg);
    tz_machine_destroy(x.m);
    tz_tarmac_close(x.tarmac);
    tz_platform_free(x.plat);
    tz_scenario_free(x.scn);
    return r->exit_code = TZ_EXIT_BAD_INPUT;
}

/* ---- sweeps ------------------------------------------------------------------ */

struct sweep_acc {
    int total, failed, bad;
    struct tz_sha256 h;      /* over the runs' digests, in order */
    FILE *out;
};

static void sweep_line(struct sweep_acc *a, int index, const char *params, int code,
                       const char *status, const char *stop, const char *digest)
{
    if (code != TZ_EXIT_OK) {
        a->failed += code == TZ_EXIT_FAILED;
        a->bad += code == TZ_EXIT_BAD_INPUT;
        fprintf(a->out, "  FAILED run %d [%s]: %s (%s) digest %s\n", index + 1, params, status,
                stop, digest);
    }
    tz_sha256_update(&a->h, digest, strlen(digest));
}

/* Copies a worker's text file (if it exists) to f. */
static void copy_file_to(const char *path, FILE *f)
{
    char *text = NULL;
    size_t cap = 0;
    FILE *in = fopen(path, "r");
    if (!in)
        return;
    ssize_t n = getdelim(&text, &cap, 0, in);
    fclose(in);
    if (n > 0)
        fputs(text, f);
    free(text);
}

/* Runs combinations 1..total-1 in worker processes, at most `jobs` at once,
 * each into a trace file of its own; the parent then appends them to the main
 * trace in order, so the result is the same as a serial sweep. */
static int sweep_parallel(const struct tz_run_options *o, struct tz_trace *trace, int total,
                          struct sweep_acc *acc, struct tz_error *err)
{
    char dir[] = "/tmp/tzsim-sweep-XXXXXX";
    if (!mkdtemp(dir))
        return tz_error_set(err, NULL, "cannot create a temporary folder for the sweep: %s",
                            strerror(errno));
    int next = 1, running = 0;
    while (next < total || running) {
        while (running < o->jobs && next < total) {
            fflush(NULL);
            pid_t pid = fork();
            if (pid < 0)
                return tz_error_set(err, NULL, "fork: %s", strerror(errno));
            if (pid == 0) {
                char path[600], logp[600], notep[600];
                snprintf(path, sizeof path, "%s/run-%06d.db", dir, next);
                snprintf(logp, sizeof logp, "%s/run-%06d.log", dir, next);
                snprintf(notep, sizeof notep, "%s/run-%06d.notes", dir, next);
                FILE *log = fopen(logp, "w");
                FILE *notes = fopen(notep, "w");
                struct tz_run_options co = *o;
                co.quiet = true;
                co.out = log;
                co.err = log;
                /* With no main trace the worker needs no SQLite either: its
                 * result goes back in a small text file. */
                struct tz_trace *pt = NULL;
                struct tz_error e2;
                if (tz_trace_open(&pt, o->db ? path : NULL, &e2))
                    _exit(TZ_EXIT_BAD_INPUT);
                struct tz_run_report rr;
                int tot;
                char params[512];
                int code = run_one(&co, pt, next, false, notes, &rr, &tot, params,
                                   sizeof params);
                if (notes)
                    fclose(notes);
                tz_trace_close(pt, NULL);
                if (!o->db) {
                    char resp[600];
                    snprintf(resp, sizeof resp, "%s/run-%06d.res", dir, next);
                    FILE *rf = fopen(resp, "w");
                    if (rf) {
                        fprintf(rf, "%d\n%s\n%s\nindex=%d %s\n", code, rr.digest,
                                tz_stop_reason_name(rr.stats.stop ? rr.stats.stop
                                                                  : TZ_STOP_SCENARIO),
                                next, params);
                        fclose(rf);
                    }
                }
                if (log)
                    fclose(log);
                _exit(code);
            }
            running++;
            next++;
        }
        int st;
        if (waitpid(-1, &st, 0) > 0)
            running--;
    }
    for (int k = 1; k < total; k++) {
        char path[600], logp[600];
        snprintf(path, sizeof path, "%s/run-%06d.db", dir, k);
        snprintf(logp, sizeof logp, "%s/run-%06d.log", dir, k);
        copy_file_to(logp, o->err ? o->err : stderr);
        struct tz_run_row row;
        if (!o->db) {
            char resp[600], line[700];
            snprintf(resp, sizeof resp, "%s/run-%06d.res", dir, k);
            FILE *rf = fopen(resp, "r");
            int code = TZ_EXIT_BAD_INPUT;
            char digest[80] = "-", stop[64] = "none", params[600] = "?";
            if (rf) {
                if (fgets(line, sizeof line, rf))
                    code = atoi(line);
                if (fgets(digest, sizeof digest, rf))
                    digest[strcspn(digest, "\n")] = 0;
                if (fgets(stop, sizeof stop, rf))
                    stop[strcspn(stop, "\n")] = 0;
                if (fgets(params, sizeof params, rf))
                    params[strcspn(params, "\n")] = 0;
                fclose(rf);
                unlink(resp);
            }
            sweep_line(acc, k, params, code, code == TZ_EXIT_OK ? "ok" : code == TZ_EXIT_FAILED
                       ? "failed" : "error", stop, digest);
        } else if (tz_trace_read_run(path, 1, &row, err) == 0) {
            int code = !strcmp(row.status, "ok") ? TZ_EXIT_OK
                       : !strcmp(row.status, "failed") ? TZ_EXIT_FAILED : TZ_EXIT_BAD_INPUT;
            sweep_line(acc, k, row.params, code, row.status, row.stop, row.digest);
            if (tz_trace_import(trace, path, err))
                return -1;
        } else {
            sweep_line(acc, k, "?", TZ_EXIT_BAD_INPUT, "error", "none", "-");
        }
        char notep[600];
        snprintf(notep, sizeof notep, "%s/run-%06d.notes", dir, k);
        copy_file_to(notep, acc->out);
        unlink(path);
        unlink(logp);
        unlink(notep);
    }
    rmdir(dir);
    return 0;
}

int tz_run_scenario(const struct tz_run_options *o, struct tz_run_report *r)
{
    memset(r, 0, sizeof *r);
    FILE *ferr = o->err ? o->err : stderr;
    FILE *out = o->out ? o->out : stdout;
    struct tz_error err = {{0}};
    /* Check the scenario first: a bad script must not leave a trace file. */
    struct tz_scenario *probe = NULL;
    struct tz_scenario_env env = {
        .fw_dir = o->fw_dir ? o->fw_dir : TZSIM_DEFAULT_FW_DIR,
        .platform_dir = o->platform_dir ? o->platform_dir : TZSIM_DEFAULT_PLATFORM_DIR,
    };
    if (tz_scenario_load(o->scenario, &env, &probe, &err)) {
        fprintf(ferr, "tzsim: %s\n", err.msg);
        snprintf(r->error, sizeof r->error, "%s", err.msg);
        return r->exit_code = TZ_EXIT_BAD_INPUT;
    }
    tz_scenario_free(probe);
    struct tz_trace *trace = NULL;
    if (tz_trace_open(&trace, o->db, &err)) {
        fprintf(ferr, "tzsim: %s\n", err.msg);
        snprintf(r->error, sizeof r->error, "%s", err.msg);
        return r->exit_code = TZ_EXIT_BAD_INPUT;
    }
    int total = 1;
    char params[512];
    /* The first run prints its summary only if there is no sweep: its
     * output is held until that is known. */
    char *held = NULL, *notes0 = NULL;
    size_t held_len = 0, notes0_len = 0;
    FILE *mem = open_memstream(&held, &held_len);
    FILE *nmem = open_memstream(&notes0, &notes0_len);
    struct tz_run_options o0 = *o;
    o0.out = mem ? mem : out;
    int code = run_one(&o0, trace, o->single ? o->sweep_index : 0, true, nmem, r, &total,
                       params, sizeof params);
    if (mem)
        fclose(mem);
    if (nmem)
        fclose(nmem);
    if (total <= 1 || code == TZ_EXIT_BAD_INPUT || o->single) {
        if (held)
            fputs(held, out);
        free(held);
        free(notes0);
        struct tz_error terr = {{0}};
        if (tz_trace_close(trace, &terr)) {
            fprintf(ferr, "tzsim: %s\n", terr.msg);
            return r->exit_code = TZ_EXIT_BAD_INPUT;
        }
        return r->exit_code = code;
    }
    /* A sweep: the first run's console lines, then one line per failing run. */
    if (held) {
        char *cut = strstr(held, "tzsim: ");
        if (cut)
            *cut = 0;
        fputs(held, out);
    }
    free(held);
    struct sweep_acc acc = {.total = total, .out = out};
    tz_sha256_init(&acc.h);
    fprintf(out, "tzsim: %s: sweep of %d runs\n", o->scenario, total);
    char p0[600];
    snprintf(p0, sizeof p0, "index=0 %s", params);
    sweep_line(&acc, 0, p0, code, code == TZ_EXIT_OK ? "ok" : "failed",
               tz_stop_reason_name(r->stats.stop ? r->stats.stop : TZ_STOP_SCENARIO), r->digest);
    if (notes0)
        fputs(notes0, out);
    free(notes0);
    int rc = 0;
    if (o->jobs > 1) {
        rc = sweep_parallel(o, trace, total, &acc, &err);
    } else {
        struct tz_run_options ok = *o;
        ok.quiet = true;
        for (int k = 1; k < total; k++) {
            struct tz_run_report rk;
            char pk[512];
            int t2;
            char *nk = NULL;
            size_t nk_len = 0;
            FILE *nf = open_memstream(&nk, &nk_len);
            int ck = run_one(&ok, trace, k, false, nf, &rk, &t2, pk, sizeof pk);
            if (nf)
                fclose(nf);
            char pl[600];
            snprintf(pl, sizeof pl, "index=%d %s", k, pk);
            sweep_line(&acc, k, pl, ck, ck == TZ_EXIT_OK ? "ok" : ck == TZ_EXIT_FAILED ? "failed"
                       : "error", tz_stop_reason_name(rk.stats.stop ? rk.stats.stop
                                                       : TZ_STOP_SCENARIO), rk.digest);
            if (nk)
                fputs(nk, out);
            free(nk);
        }
    }
    if (rc)
        fprintf(ferr, "tzsim: %s\n", err.msg);
    uint8_t d[32];
    tz_sha256_final(&acc.h, d);
    char hex[65];
    tz_sha256_hex(d, hex);
    fprintf(out, "  runs:            %d ok, %d failed, %d errors\n", total - acc.failed - acc.bad,
            acc.failed, acc.bad);
    if (o->db)
        fprintf(out, "  trace:           %s (runs 1..%d)\n", o->db, total);
    fprintf(out, "  sweep digest:    %s\n", hex);
    memcpy(r->digest, hex, sizeof hex);
    r->sweep_runs = total;
    r->sweep_failed = acc.failed + acc.bad;
    struct tz_error terr = {{0}};
    if (tz_trace_close(trace, &terr)) {
        fprintf(ferr, "tzsim: %s\n", terr.msg);
        return r->exit_code = TZ_EXIT_BAD_INPUT;
    }
    if (rc || acc.bad)
        return r->exit_code = TZ_EXIT_BAD_INPUT;
    return r->exit_code = acc.failed ? TZ_EXIT_FAILED : TZ_EXIT_OK;
}

int tz_replay(const struct tz_run_options *o, const char *db, int64_t run, struct tz_run_report *r)
{
    FILE *ferr = o->err ? o->err : stderr;
    FILE *out = o->out ? o->out : stdout;
    struct tz_run_row row;
    struct tz_error err = {{0}};
    memset(r, 0, sizeof *r);
    if (tz_trace_read_run(db, run, &row, &err)) {
        fprintf(ferr, "tzsim: %s\n", err.msg);
        return r->exit_code = TZ_EXIT_BAD_INPUT;
    }
    int index = 0;
    sscanf(row.params, "index=%d", &index);
    struct tz_run_options ro = *o;
    /* The run's --cache (the last parameter), unless this replay gives its own. */
    const char *cm = strstr(row.params, " cache=");
    if (cm && !o->cache_mode && tz_cache_mode_parse(cm + 7) >= 0)
        ro.cache_mode = 1 + tz_cache_mode_parse(cm + 7);
    /* Scenarios may query their own trace: without --db the replay writes a
     * temporary one, removed afterwards. */
    char tmpdb[64] = "";
    if (!o->db) {
        snprintf(tmpdb, sizeof tmpdb, "/tmp/tzsim-replay-XXXXXX");
        int fd = mkstemp(tmpdb);
        if (fd >= 0)
            close(fd);
        else
            tmpdb[0] = 0;
        ro.db = tmpdb[0] ? tmpdb : NULL;
    }
    ro.scenario = row.scenario;
    ro.sweep_index = index;
    ro.single = true;
    if (o->replay_until) {
        /* Stop there: the instruction limit prints every CPU's registers and
         * the last trace events; the digest is not compared. */
        ro.max_insns = o->replay_until;
        fprintf(out, "tzsim: replaying run %lld of %s up to instruction %llu\n", (long long)run,
                db, (unsigned long long)o->replay_until);
        tz_run_scenario(&ro, r);
        if (tmpdb[0])
            unlink(tmpdb);
        return r->exit_code = TZ_EXIT_OK;
    }
    fprintf(out, "tzsim: replaying run %lld of %s: %s [%s]\n", (long long)run, db, row.scenario,
            row.params);
    int code = tz_run_scenario(&ro, r);
    if (tmpdb[0]) {
        char side[80];
        unlink(tmpdb);
        snprintf(side, sizeof side, "%s-wal", tmpdb);
        unlink(side);
        snprintf(side, sizeof side, "%s-shm", tmpdb);
        unlink(side);
    }
    if (code == TZ_EXIT_BAD_INPUT)
        return code;
    bool same = !strcmp(r->digest, row.digest);
    fprintf(out, "tzsim: replay %s: recorded %s (%s), replayed %s (%s)\n",
            same ? "matches" : "DIFFERS", row.digest, row.status, r->digest,
            code == TZ_EXIT_OK ? "ok" : "failed");
    return r->exit_code = same ? code : TZ_EXIT_FAILED;
}
