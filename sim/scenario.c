/* Scenario scripts: a sandboxed Lua 5.4 state that declares the machine
 * (`machine { ... }`), drives it (`run_until { ... }`) and checks its output
 * (`expect_console`). The language is documented in docs/scenario-api.md.
 *
 * Structure (so later features slot in):
 *   - scenario_api[] lists the global functions; each is a C closure whose
 *     only upvalue is the struct tz_scenario (no global mutable state).
 *   - machine_keys[] lists the keys of machine{} with their parsers; a new key
 *     is one row and one parser. Tables are validated with check_keys(),
 *     which reports the unknown key deterministically (sorted, since Lua's
 *     hash order varies from run to run).
 *   - Every error raised here goes through scn_error(), which names the
 *     script path as given and the line of the call.
 *
 * Error discipline: Lua errors longjmp, so nothing malloc'd is held in a C
 * local across a call that may raise. Strings are copied into the scenario's
 * config (owned by struct tz_scenario, freed by tz_scenario_free) only once
 * they are complete.
 */
#include "scenario.h"

#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "models/cache/cache.h"
#include "traces/trace.h"

#ifndef TZSIM_VERSION
#define TZSIM_VERSION "0.1.0" /* keep in step with project() in CMakeLists.txt */
#endif

/* Limits on machine{} values (docs/scenario-api.md). */
#define TZ_MAX_CPUS 8

struct tz_scenario {
    char *path;               /* as given: used in every message */
    char *dir;                /* directory of the script, NULL if none in path */
    char *short_src;          /* Lua's (possibly shortened) name for the chunk */
    char *fw_dir;
    char *platform_dir;
    char *dtb_override;
    uint64_t max_insns_override;
    char sha256[65];
    /* Files include() read, each once, in the order first read
     * (meta include.N.*); a fixed bound keeps a runaway script finite. */
    struct { char *path; char sha256[65]; } inc[TZ_SCENARIO_MAX_INCLUDES];
    unsigned ninc;

    lua_State *L;
    bool executed;            /* tz_scenario_exec ran (the chunk is single-use) */

    struct tz_scenario_config cfg;
    bool machine_declared;
    int machine_line;
    char machine_file[512];  /* the file machine{} is in (include()) */
    bool machine_created;     /* host->create_machine succeeded */
    bool ran;                 /* run_until was called */

    /* Injection and sweeps. */
    int next_trigger;         /* ids handed to the host */
    struct { int line; bool fired, every, cancelled, is_smc; } trig[256];
    int sweep_index;          /* env->sweep_index */
    bool sweep_declared;
    int sweep_total;
    char sweep_params[512];
    uint64_t rng;             /* splitmix64 state, from the seed and sweep index */
    bool rng_seeded;

    /* Valid during tz_scenario_exec only. */
    const struct tz_scenario_host *host;
    int checks_failed;
    bool host_failed;         /* a host callback failed: host_err is the answer */
    struct tz_error host_err;
};

/* ------------------------------------------------------------------------ */
/* Small helpers                                                            */

static char *xstrdup(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

/* malloc'd copy or a Lua memory error (never NULL). */
static char *lstrdup(lua_State *L, const char *s)
{
    char *p = xstrdup(s);
    if (!p)
        luaL_error(L, "not enough memory");
    return p;
}

static struct tz_scenario *scn(lua_State *L)
{
    return lua_touserdata(L, lua_upvalueindex(1));
}

/* Line of the innermost Lua function on the stack (the script line that
 * called the C function running now), or 0. */
static int script_line_in(lua_State *L, const char **file)
{
    lua_Debug ar;
    for (int level = 1; lua_getstack(L, level, &ar); level++) {
        if (lua_getinfo(L, "Sl", &ar) && ar.currentline > 0) {
            if (file)
                *file = ar.source[0] == '@' ? ar.source + 1 : NULL;
            return ar.currentline;
        }
    }
    return 0;
}

static int script_line(lua_State *L)
{
    return script_line_in(L, NULL);
}

/* The line of the calling script code, and in *file the file it is in:
 * the script's path as given, or an included file's path (include()). */
static int script_where(lua_State *L, const struct tz_scenario *s, const char **file)
{
    const char *f = NULL;
    int line = script_line_in(L, &f);
    *file = f && strcmp(f, s->short_src) ? f : s->path;
    return line;
}

/* Raises "PATH:LINE: formatted text" (the full path as given, not Lua's
 * shortened chunk name). */
static int scn_error(lua_State *L, const char *fmt, ...)
{
    struct tz_scenario *s = scn(L);
    const char *file;
    int line = script_where(L, s, &file);
    if (line > 0)
        lua_pushfstring(L, "%s:%d: ", file, line);
    else
        lua_pushfstring(L, "%s: ", s->path);
    va_list ap;
    va_start(ap, fmt);
    lua_pushvfstring(L, fmt, ap);
    va_end(ap);
    lua_concat(L, 2);
    return lua_error(L);
}

/* A short description of the value at idx for "got ..." in messages:
 * numbers by value ("got 1.5"), anything else by type ("got string"). The
 * result is pushed on the stack (and returned). */
static const char *describe(lua_State *L, int idx)
{
    idx = lua_absindex(L, idx);
    if (lua_type(L, idx) == LUA_TNUMBER)
        return luaL_tolstring(L, idx, NULL);
    return lua_pushstring(L, luaL_typename(L, idx));
}

/* The value at idx as an integer: Lua integers, and floats with an exact
 * integer value (1e9). Strings are not numbers here. */
static bool to_integer(lua_State *L, int idx, lua_Integer *out)
{
    if (lua_type(L, idx) != LUA_TNUMBER)
        return false;
    int isnum = 0;
    lua_Integer v = lua_tointegerx(L, idx, &isnum);
    if (!isnum)
        return false;
    *out = v;
    return true;
}

/* ------------------------------------------------------------------------ */
/* Table validation                                                         */

/* Fails with "CTX: unknown key 'k'" if the table at idx has a key that is not
 * in allowed[] (NULL-terminated). When seq_len >= 0, integer keys 1..seq_len
 * are also allowed (a sequence). Of several bad keys, the smallest by strcmp
 * of its description is reported, so the message does not depend on Lua's
 * hash order. */
static void check_keys(lua_State *L, int idx, const char *ctx, const char *const *allowed,
                       lua_Integer seq_len)
{
    idx = lua_absindex(L, idx);
    int base = lua_gettop(L);
    lua_pushnil(L); /* slot base+1: the best (smallest) bad key description */
    lua_pushnil(L); /* the iteration key */
    while (lua_next(L, idx)) {
        lua_pop(L, 1); /* value */
        bool ok = false;
        const char *desc = NULL;
        if (lua_type(L, -1) == LUA_TSTRING) {
            const char *k = lua_tostring(L, -1);
            for (const char *const *a = allowed; a && *a; a++)
                if (strcmp(*a, k) == 0)
                    ok = true;
            if (!ok)
                desc = lua_pushfstring(L, "'%s'", k);
        } else {
            lua_Integer i;
            if (to_integer(L, -1, &i) && lua_isinteger(L, -1) && i >= 1 && i <= seq_len)
                ok = true;
            else if (lua_type(L, -1) == LUA_TNUMBER) {
                luaL_tolstring(L, -1, NULL);
                desc = lua_pushfstring(L, "[%s]", lua_tostring(L, -1));
                lua_remove(L, -2);
            } else
                desc = lua_pushfstring(L, "of type %s", luaL_typename(L, -1));
        }
        if (!ok) {
            if (lua_isnil(L, base + 1) || strcmp(desc, lua_tostring(L, base + 1)) < 0)
                lua_replace(L, base + 1);
            else
                lua_pop(L, 1);
        }
    }
    if (!lua_isnil(L, base + 1)) {
        if (seq_len >= 0 && allowed == NULL)
            scn_error(L, "%s must be a list, got key %s", ctx, lua_tostring(L, base + 1));
        scn_error(L, "%s: unknown key %s", ctx, lua_tostring(L, base + 1));
    }
    lua_settop(L, base);
}

/* Pushes t[key] (t at idx) and returns true if it is not nil; pops it and
 * returns false otherwise. */
static bool get_field(lua_State *L, int idx, const char *key)
{
    if (lua_getfield(L, idx, key) == LUA_TNIL) {
        lua_pop(L, 1);
        return false;
    }
    return true;
}

/* Integer field in [min, max] (inclusive, as signed 64-bit). */
static bool opt_integer(lua_State *L, int idx, const char *ctx, const char *key, lua_Integer min,
                        lua_Integer max, lua_Integer *out)
{
    if (!get_field(L, idx, key))
        return false;
    lua_Integer v = 0;
    if (!to_integer(L, -1, &v))
        scn_error(L, "%s: '%s' must be an integer, got %s", ctx, key, describe(L, -1));
    if (v < min || v > max) {
        if (max == LUA_MAXINTEGER)
            scn_error(L, "%s: '%s' must be at least %I, got %I", ctx, key, min, v);
        scn_error(L, "%s: '%s' must be %I..%I, got %I", ctx, key, min, max, v);
    }
    lua_pop(L, 1);
    *out = v;
    return true;
}

/* Integer field taken as a 64-bit pattern (addresses, seeds: hex literals
 * above 0x7fffffffffffffff are negative Lua integers). */
static bool opt_u64(lua_State *L, int idx, const char *ctx, const char *key, uint64_t *out)
{
    if (!get_field(L, idx, key))
        return false;
    lua_Integer v = 0;
    if (!to_integer(L, -1, &v))
        scn_error(L, "%s: '%s' must be an integer, got %s", ctx, key, describe(L, -1));
    lua_pop(L, 1);
    *out = (uint64_t)v;
    return true;
}

/* String field; the returned pointer is valid while the table is alive
 * (it is the table's own string). Empty strings are rejected. */
static const char *opt_string(lua_State *L, int idx, const char *ctx, const char *key)
{
    if (!get_field(L, idx, key))
        return NULL;
    if (lua_type(L, -1) != LUA_TSTRING)
        scn_error(L, "%s: '%s' must be a string, got %s", ctx, key, describe(L, -1));
    const char *v = lua_tostring(L, -1);
    if (v[0] == '\0')
        scn_error(L, "%s: '%s' must not be empty", ctx, key);
    lua_pop(L, 1); /* still referenced by the table */
    return v;
}

/* The argument of a declarative call: a table (`machine { ... }`). */
static void check_table_arg(lua_State *L, const char *fn)
{
    if (lua_type(L, 1) != LUA_TTABLE)
        scn_error(L, "%s: expected a table (%s { ... }), got %s", fn, fn, describe(L, 1));
}

/* ------------------------------------------------------------------------ */
/* Paths                                                                    */

static const char *base_name(const char *p)
{
    const char *slash = strrchr(p, '/');
    return slash ? slash + 1 : p;
}

/* Resolves a user path (docs/scenario-api.md, "Paths"); pushes the result on
 * the Lua stack and returns it. */
static const char *resolve_path(lua_State *L, const char *ctx, const char *key, const char *p)
{
    struct tz_scenario *s = scn(L);
    if (strncmp(p, "fw:", 3) == 0) {
        if (p[3] == '\0')
            scn_error(L, "%s: '%s': 'fw:' needs a file name after it", ctx, key);
        if (!s->fw_dir)
            scn_error(L, "%s: '%s': '%s' names a firmware file, but no firmware directory is set",
                      ctx, key, p);
        return lua_pushfstring(L, "%s/%s", s->fw_dir, p + 3);
    }
    if (p[0] == '/' || !s->dir)
        return lua_pushstring(L, p);
    return lua_pushfstring(L, "%s/%s", s->dir, p);
}

/* A platform name is a file name under platform_dir, without ".dtb". */
static bool valid_platform_name(const char *n)
{
    if (!n[0] || n[0] == '.')
        return false;
    for (const char *c = n; *c; c++) {
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
              *c == '-' || *c == '_' || *c == '.'))
            return false;
    }
    return true;
}

/* ------------------------------------------------------------------------ */
/* The configuration                                                        */

int tz_scenario_config_defaults(struct tz_scenario_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->ncpus = 1;
    cfg->quantum = 1000;
    cfg->cpi = 1;
    cfg->cpu_hz = 1000000000;
    cfg->max_insns = 200000000;
    cfg->seed = 1;
    cfg->cpu_model = xstrdup("cortex-a57");
    return cfg->cpu_model ? 0 : -1;
}

void tz_scenario_config_clear(struct tz_scenario_config *cfg)
{
    free(cfg->platform);
    free(cfg->dtb);
    free(cfg->cpu_model);
    for (int i = 0; i < cfg->nimages; i++) {
        free(cfg->images[i].file);
        free(cfg->images[i].name);
    }
    for (int i = 0; i < cfg->nexpect; i++)
        free(cfg->expect_console[i]);
    free(cfg->expect_console);
    memset(cfg, 0, sizeof *cfg);
}

/* ------------------------------------------------------------------------ */
/* machine { ... }                                                          */

/* Each parser reads its key from the table at index 1 (if present) into
 * s->cfg, raising on a bad value. */
typedef void (*machine_key_fn)(lua_State *L, struct tz_scenario *s, const char *key);

static const char *const cpu_models[] = {"cortex-a57", "cortex-a53", "cortex-a72", "max", NULL};

static void mk_platform(lua_State *L, struct tz_scenario *s, const char *key)
{
    const char *platform = opt_string(L, 1, "machine", "platform");
    const char *dtb = opt_string(L, 1, "machine", "dtb");
    if (platform && dtb)
        scn_error(L, "machine: give either 'platform' or 'dtb', not both");
    if (!platform && !dtb && !s->dtb_override)
        scn_error(L, "machine: 'platform' (a name like \"qemu-virt\") or 'dtb' (a path) is required");
    if (platform) {
        if (!valid_platform_name(platform))
            scn_error(L,
                      "machine: 'platform' must be a platform name like \"qemu-virt\", got '%s' "
                      "(use dtb = PATH for a device-tree file)",
                      platform);
        if (!s->platform_dir)
            scn_error(L, "machine: 'platform': no platform directory is set");
        lua_pushfstring(L, "%s/%s.dtb", s->platform_dir, platform);
        s->cfg.dtb = lstrdup(L, lua_tostring(L, -1));
        lua_pop(L, 1);
        s->cfg.platform = lstrdup(L, platform);
    } else if (dtb) {
        s->cfg.dtb = lstrdup(L, resolve_path(L, "machine", "dtb", dtb));
        lua_pop(L, 1);
    }
    if (s->dtb_override) {
        free(s->cfg.dtb);
        s->cfg.dtb = NULL;
        s->cfg.dtb = lstrdup(L, s->dtb_override);
        free(s->cfg.platform);
        s->cfg.platform = NULL;
    }
    if (!s->cfg.platform) {
        /* Named after the DTB file: "boards/foo.dtb" -> "foo". */
        const char *b = base_name(s->cfg.dtb);
        size_t n = strlen(b);
        if (n > 4 && strcmp(b + n - 4, ".dtb") == 0)
            n -= 4;
        lua_pushlstring(L, b, n);
        s->cfg.platform = lstrdup(L, lua_tostring(L, -1));
        lua_pop(L, 1);
    }
}

static void mk_cpus(lua_State *L, struct tz_scenario *s, const char *key)
{
    lua_Integer v;
    if (opt_integer(L, 1, "machine", key, 1, TZ_MAX_CPUS, &v))
        s->cfg.ncpus = (int)v;
}

static void mk_quantum(lua_State *L, struct tz_scenario *s, const char *key)
{
    lua_Integer v;
    if (opt_integer(L, 1, "machine", key, 1, LUA_MAXINTEGER, &v))
        s->cfg.quantum = (uint64_t)v;
}

static void mk_cpi(lua_State *L, struct tz_scenario *s, const char *key)
{
    lua_Integer v;
    if (opt_integer(L, 1, "machine", key, 1, UINT32_MAX, &v))
        s->cfg.cpi = (uint32_t)v;
}

static void mk_cpu_hz(lua_State *L, struct tz_scenario *s, const char *key)
{
    lua_Integer v;
    if (opt_integer(L, 1, "machine", key, 1, LUA_MAXINTEGER, &v))
        s->cfg.cpu_hz = (uint64_t)v;
}

static void mk_max_insns(lua_State *L, struct tz_scenario *s, const char *key)
{
    lua_Integer v;
    if (opt_integer(L, 1, "machine", key, 1, LUA_MAXINTEGER, &v))
        s->cfg.max_insns = (uint64_t)v;
    if (s->max_insns_override)
        s->cfg.max_insns = s->max_insns_override;
}

static void mk_seed(lua_State *L, struct tz_scenario *s, const char *key)
{
    opt_u64(L, 1, "machine", key, &s->cfg.seed);
}

static void mk_cpu(lua_State *L, struct tz_scenario *s, const char *key)
{
    const char *v = opt_string(L, 1, "machine", key);
    if (!v)
        return;
    for (const char *const *m = cpu_models; *m; m++) {
        if (strcmp(*m, v) == 0) {
            char *copy = lstrdup(L, v);
            free(s->cfg.cpu_model);
            s->cfg.cpu_model = copy;
            return;
        }
    }
    scn_error(L, "machine: 'cpu' must be one of cortex-a57, cortex-a53, cortex-a72, max; got '%s'",
              v);
}

static void mk_entry(lua_State *L, struct tz_scenario *s, const char *key)
{
    s->cfg.has_entry = opt_u64(L, 1, "machine", key, &s->cfg.entry);
}

/* cache = "off" | "check" | "faithful" (docs/caches.md): the memory system
 * the machine runs with. Only parsed here; the host decides how it combines
 * with --cache. */
static void mk_cache(lua_State *L, struct tz_scenario *s, const char *key)
{
    if (!get_field(L, 1, key))
        return;
    if (lua_type(L, -1) != LUA_TSTRING)
        scn_error(L, "machine: 'cache' must be one of \"off\", \"check\", \"faithful\"; got %s",
                  describe(L, -1));
    const char *v = lua_tostring(L, -1);
    int mode = tz_cache_mode_parse(v);
    if (mode < 0)
        scn_error(L, "machine: 'cache' must be one of \"off\", \"check\", \"faithful\"; got '%s'",
                  v);
    s->cfg.cache_mode = mode;
    s->cfg.has_cache_mode = true;
    lua_pop(L, 1);
}

static const char *const guest_dtb_keys[] = {"addr", "pad", NULL};

static void mk_guest_dtb(lua_State *L, struct tz_scenario *s, const char *key)
{
    if (!get_field(L, 1, key))
        return;
    if (lua_type(L, -1) != LUA_TTABLE)
        scn_error(L, "machine: 'guest_dtb' must be a table, got %s", describe(L, -1));
    int t = lua_gettop(L);
    check_keys(L, t, "machine: guest_dtb", guest_dtb_keys, -1);
    if (!opt_u64(L, t, "machine: guest_dtb", "addr", &s->cfg.guest_dtb_addr))
        scn_error(L, "machine: guest_dtb: 'addr' is required");
    lua_Integer pad = 65536;
    opt_integer(L, t, "machine: guest_dtb", "pad", 0, 16 << 20, &pad);
    s->cfg.guest_dtb_pad = (uint64_t)pad;
    s->cfg.has_guest_dtb = true;
    lua_pop(L, 1);
}

static const char *const handoff_keys[] = {"addr", "bl32_entry", "bl32_x0", "bl33_entry",
                                           "bl33_el", "bl33_x0", "dtb", "flags", NULL};

/* handoff = { addr = A, bl32_entry = ..., ... } (docs/handoff.md) */
static void mk_handoff(lua_State *L, struct tz_scenario *s, const char *key)
{
    if (!get_field(L, 1, key))
        return;
    if (lua_type(L, -1) != LUA_TTABLE)
        scn_error(L, "machine: 'handoff' must be a table, got %s", describe(L, -1));
    int t = lua_gettop(L);
    check_keys(L, t, "machine: handoff", handoff_keys, -1);
    struct tz_handoff_spec *h = &s->cfg.handoff;
    memset(h, 0, sizeof *h);
    if (!opt_u64(L, t, "machine: handoff", "addr", &h->addr))
        scn_error(L, "machine: handoff: 'addr' is required");
    if (!opt_u64(L, t, "machine: handoff", "bl33_entry", &h->bl33_entry))
        scn_error(L, "machine: handoff: 'bl33_entry' is required");
    opt_u64(L, t, "machine: handoff", "bl32_entry", &h->bl32_entry);
    opt_u64(L, t, "machine: handoff", "bl32_x0", &h->bl32_x0);
    h->bl33_el = 1;
    opt_u64(L, t, "machine: handoff", "bl33_el", &h->bl33_el);
    if (h->bl33_el != 1 && h->bl33_el != 2)
        scn_error(L, "machine: handoff: 'bl33_el' must be 1 or 2, got %d", (int)h->bl33_el);
    opt_u64(L, t, "machine: handoff", "bl33_x0", &h->bl33_x0);
    opt_u64(L, t, "machine: handoff", "dtb", &h->dtb);
    opt_u64(L, t, "machine: handoff", "flags", &h->flags);
    h->present = true;
    lua_pop(L, 1);
}

static const char *const image_keys[] = {"file", "kind", "addr", "name", NULL};

/* images[i] is on top of the stack. */
static void parse_image(lua_State *L, struct tz_scenario *s, int i)
{
    int t = lua_gettop(L);
    const char *ctx = lua_pushfstring(L, "machine: images[%d]", i);
    if (lua_type(L, t) != LUA_TTABLE)
        scn_error(L, "%s must be a table ({ file = ..., kind = ... }), got %s", ctx,
                  describe(L, t));
    check_keys(L, t, ctx, image_keys, -1);

    struct tz_image_spec *img = &s->cfg.images[s->cfg.nimages];
    const char *file = opt_string(L, t, ctx, "file");
    if (!file)
        scn_error(L, "%s: 'file' is required", ctx);
    img->has_addr = opt_u64(L, t, ctx, "addr", &img->addr);
    const char *kind = opt_string(L, t, ctx, "kind");
    if (kind) {
        int k = tz_image_kind_parse(kind);
        if (k < 0)
            scn_error(L, "%s: 'kind' must be one of elf, raw, optee; got '%s'", ctx, kind);
        img->kind = (enum tz_image_kind)k;
    } else {
        img->kind = img->has_addr ? TZ_IMAGE_RAW : TZ_IMAGE_ELF;
    }
    if (img->kind == TZ_IMAGE_RAW && !img->has_addr)
        scn_error(L, "%s: a raw image needs 'addr' (its load address)", ctx);
    if (img->kind != TZ_IMAGE_RAW && img->has_addr)
        scn_error(L, "%s: 'addr' is not allowed for kind '%s' (the file carries its addresses)",
                  ctx, tz_image_kind_name(img->kind));
    const char *name = opt_string(L, t, ctx, "name");

    const char *path = resolve_path(L, ctx, "file", file);
    img->file = lstrdup(L, path);
    s->cfg.nimages++; /* from now on config_clear frees it */
    img->name = lstrdup(L, name ? name : base_name(path));
    lua_settop(L, t);
}

/* Checks that the table at idx is a list of 1..max entries; returns its
 * length. */
static int check_list(lua_State *L, int idx, const char *ctx, int min, int max)
{
    lua_Integer n = (lua_Integer)lua_rawlen(L, idx);
    check_keys(L, idx, ctx, NULL, n);
    if (n < min || n > max)
        scn_error(L, "%s must have %d..%d entries, got %I", ctx, min, max, n);
    return (int)n;
}

static void mk_images(lua_State *L, struct tz_scenario *s, const char *key)
{
    if (!get_field(L, 1, key))
        scn_error(L, "machine: 'images' is required (images = { { file = \"fw:...\" }, ... })");
    int t = lua_gettop(L);
    if (lua_type(L, t) != LUA_TTABLE)
        scn_error(L, "machine: 'images' must be a table, got %s", describe(L, t));
    int n = check_list(L, t, "machine: 'images'", 1, TZ_MAX_IMAGES);
    for (int i = 1; i <= n; i++) {
        lua_rawgeti(L, t, i);
        parse_image(L, s, i);
        lua_pop(L, 1);
    }
    lua_settop(L, t - 1);
}

static void mk_expect_console(lua_State *L, struct tz_scenario *s, const char *key)
{
    if (!get_field(L, 1, key))
        return;
    int t = lua_gettop(L);
    if (lua_type(L, t) != LUA_TTABLE)
        scn_error(L, "machine: 'expect_console' must be a list of strings, got %s",
                  describe(L, t));
    int n = check_list(L, t, "machine: 'expect_console'", 0, 1024);
    for (int i = 1; i <= n; i++) {
        if (lua_rawgeti(L, t, i) != LUA_TSTRING)
            scn_error(L, "machine: expect_console[%d] must be a string, got %s", i,
                      describe(L, -1));
        lua_pop(L, 1);
    }
    if (n > 0) {
        s->cfg.expect_console = calloc((size_t)n, sizeof *s->cfg.expect_console);
        if (!s->cfg.expect_console)
            luaL_error(L, "not enough memory");
        for (int i = 1; i <= n; i++) {
            lua_rawgeti(L, t, i);
            s->cfg.expect_console[i - 1] = lstrdup(L, lua_tostring(L, -1));
            s->cfg.nexpect = i;
            lua_pop(L, 1);
        }
    }
    lua_settop(L, t - 1);
}

/* Keys of machine{}, parsed in this order (so that, of several bad values,
 * the first row's is reported). "dtb" is parsed with "platform". */
static const struct {
    const char *key;
    machine_key_fn parse;
} machine_keys[] = {
    {"platform", mk_platform},
    {"dtb", NULL},
    {"cpus", mk_cpus},
    {"quantum", mk_quantum},
    {"cpi", mk_cpi},
    {"cpu_hz", mk_cpu_hz},
    {"max_insns", mk_max_insns},
    {"seed", mk_seed},
    {"cpu", mk_cpu},
    {"entry", mk_entry},
    {"handoff", mk_handoff},
    {"guest_dtb", mk_guest_dtb},
    {"cache", mk_cache},
    {"images", mk_images},
    {"expect_console", mk_expect_console},
};
#define N_MACHINE_KEYS (sizeof machine_keys / sizeof machine_keys[0])

static int l_machine(lua_State *L)
{
    struct tz_scenario *s = scn(L);
    if (s->machine_declared)
        return scn_error(L, "machine: already declared at line %d (machine{} may be called once)",
                         s->machine_line);
    check_table_arg(L, "machine");
    lua_settop(L, 1);

    const char *allowed[N_MACHINE_KEYS + 1];
    for (size_t i = 0; i < N_MACHINE_KEYS; i++)
        allowed[i] = machine_keys[i].key;
    allowed[N_MACHINE_KEYS] = NULL;
    check_keys(L, 1, "machine", allowed, -1);

    /* A failed machine{} caught by pcall leaves a partial config: start over. */
    tz_scenario_config_clear(&s->cfg);
    if (tz_scenario_config_defaults(&s->cfg) < 0)
        return luaL_error(L, "not enough memory");
    for (size_t i = 0; i < N_MACHINE_KEYS; i++) {
        if (machine_keys[i].parse)
            machine_keys[i].parse(L, s, machine_keys[i].key);
        lua_settop(L, 1);
    }
    s->machine_declared = true;
    const char *mfile;
    s->machine_line = script_where(L, s, &mfile);
    snprintf(s->machine_file, sizeof s->machine_file, "%s", mfile);
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Running: run_until { ... }                                               */

/* Copies a host failure so that tz_scenario_exec returns it verbatim, and
 * unwinds the script. */
static int host_error(lua_State *L, struct tz_scenario *s, const struct tz_error *err)
{
    s->host_failed = true;
    s->host_err = *err;
    lua_pushstring(L, err->msg);
    return lua_error(L);
}

/* A CPU's (or, for -1, the machine's) instruction count; 0 for hosts
 * without injection support. */
static uint64_t host_icount(struct tz_scenario *s, int cpu)
{
    return s->host->icount ? s->host->icount(s->host->ctx, cpu) : 0;
}

/* Creates the machine once; 0 or -1 (s->host_failed set). */
static int ensure_machine(struct tz_scenario *s)
{
    struct tz_error err;
    if (s->machine_created)
        return 0;
    err.msg[0] = '\0';
    if (s->host->create_machine(s->host->ctx, &s->cfg, &err) < 0) {
        s->host_failed = true;
        s->host_err = err;
        return -1;
    }
    s->machine_created = true;
    return 0;
}

/* Creates the machine (once) and runs it; 0 or -1 (s->host_failed set). */
static int do_run(struct tz_scenario *s, const struct tz_run_until *req, struct tz_run_result *res)
{
    struct tz_error err;
    s->ran = true;
    if (ensure_machine(s) < 0)
        return -1;
    memset(res, 0, sizeof *res);
    err.msg[0] = '\0';
    if (s->host->run_until(s->host->ctx, req, res, &err) < 0) {
        s->host_failed = true;
        s->host_err = err;
        return -1;
    }
    return 0;
}

static void call_trigger(lua_State *L, struct tz_scenario *s, int id, int cpu, const char *unused);

static const char *const run_until_keys[] = {"halt", "insns", "time_ns", "console", NULL};

static int l_run_until(lua_State *L)
{
    struct tz_scenario *s = scn(L);
    if (s->host_failed) /* the script caught a host error with pcall */
        return host_error(L, s, &s->host_err);
    if (!s->machine_declared)
        return scn_error(L, "run_until: called before machine{} (declare the machine first)");
    lua_settop(L, 1);
    if (lua_isnil(L, 1)) { /* run_until() */
        lua_newtable(L);
        lua_replace(L, 1);
    }
    check_table_arg(L, "run_until");
    check_keys(L, 1, "run_until", run_until_keys, -1);

    struct tz_run_until req = {0};
    if (get_field(L, 1, "halt")) {
        if (lua_type(L, -1) != LUA_TBOOLEAN)
            scn_error(L, "run_until: 'halt' must be a boolean, got %s", describe(L, -1));
        req.halt = lua_toboolean(L, -1);
        lua_pop(L, 1);
    }
    lua_Integer v;
    if (opt_integer(L, 1, "run_until", "insns", 1, LUA_MAXINTEGER, &v))
        req.insns = (uint64_t)v;
    /* time_ns = 0 would be "absent" in struct tz_run_until: hence >= 1. */
    if (opt_integer(L, 1, "run_until", "time_ns", 1, LUA_MAXINTEGER, &v))
        req.time_ns = (uint64_t)v;
    const char *console = opt_string(L, 1, "run_until", "console");
    if (!req.halt && !req.insns && !req.time_ns && !console)
        req.halt = true; /* run_until {} */

    /* The request's console text is a malloc'd copy only for the duration of
     * the host call (no Lua call in between, so nothing can unwind past it). */
    char *console_copy = NULL;
    if (console && !(console_copy = xstrdup(console)))
        return luaL_error(L, "not enough memory");
    req.console = console_copy;
    struct tz_run_result res;
    if (ensure_machine(s) < 0) {
        free(console_copy);
        return host_error(L, s, &s->host_err);
    }
    uint64_t target = req.insns ? host_icount(s, -1) + req.insns : 0;
    int rc;
    for (;;) {
        rc = do_run(s, &req, &res);
        if (rc < 0 || res.stop_reason != TZ_STOP_TRIGGER)
            break;
        /* Triggers fired: run their functions with the machine stopped at
         * the trigger point, then go on towards the same goal. */
        int n = res.nfired;
        int fired[16], fired_cpu[16];
        memcpy(fired, res.fired, sizeof fired);
        memcpy(fired_cpu, res.fired_cpu, sizeof fired_cpu);
        for (int i = 0; i < n; i++)
            call_trigger(L, s, fired[i], fired_cpu[i], console_copy);
        if (s->host_failed)
            break;
        if (req.insns) {
            uint64_t cur = host_icount(s, -1);
            if (cur >= target) {
                res.stop_reason = TZ_STOP_SCENARIO;
                break;
            }
            req.insns = target - cur;
        }
    }
    free(console_copy);
    if (rc < 0 || s->host_failed)
        return host_error(L, s, &s->host_err);

    const char *stop = tz_stop_reason_name((enum tz_stop_reason)res.stop_reason);
    lua_createtable(L, 0, 3);
    lua_pushstring(L, stop ? stop : "unknown");
    lua_setfield(L, -2, "stop");
    lua_pushinteger(L, (lua_Integer)res.icount);
    lua_setfield(L, -2, "icount");
    lua_pushinteger(L, (lua_Integer)res.vtime_ns);
    lua_setfield(L, -2, "vtime_ns");
    return 1;
}

/* ------------------------------------------------------------------------ */
/* Checks                                                                   */

/* A failed check: counted (the run's status becomes "failed") and handed
 * to the host with its message. */
static void check_failed(struct tz_scenario *s, const char *msg)
{
    s->checks_failed++;
    if (s->host->check_failed)
        s->host->check_failed(s->host->ctx, msg);
}

/* Checks that the console output contains text; on failure reports
 * "PATH:LINE: expect_console: 'text' not found in console output". Returns
 * whether it was found. */
static bool check_console(struct tz_scenario *s, const char *file, int line, const char *text)
{
    const char *out = s->host->console ? s->host->console(s->host->ctx) : NULL;
    if (out && strstr(out, text))
        return true;
    char msg[TZ_ERROR_MAX];
    if (line > 0)
        snprintf(msg, sizeof msg, "%s:%d: expect_console: '%s' not found in console output",
                 file, line, text);
    else
        snprintf(msg, sizeof msg, "%s: expect_console: '%s' not found in console output", s->path,
                 text);
    check_failed(s, msg);
    return false;
}

static int l_expect_console(lua_State *L)
{
    struct tz_scenario *s = scn(L);
    if (lua_type(L, 1) != LUA_TSTRING)
        return scn_error(L, "expect_console: expected a string, got %s", describe(L, 1));
    if (!s->machine_created)
        return scn_error(L, "expect_console: the machine has not run yet (call run_until first)");
    const char *file;
    int line = script_where(L, s, &file);
    lua_pushboolean(L, check_console(s, file, line, lua_tostring(L, 1)));
    return 1;
}


/* ------------------------------------------------------------------------ */
/* Injection: triggers, actions, checks, sweeps (docs/scenario-api.md)      */

#define TRIGGERS_KEY "tzsim.triggers"

static void need_machine(lua_State *L, struct tz_scenario *s, const char *fn)
{
    if (!s->host->add_trigger)
        scn_error(L, "%s: this host does not support injection", fn);
    if (!s->machine_declared)
        scn_error(L, "%s: called before machine{} (declare the machine first)", fn);
    if (s->host_failed)
        host_error(L, s, &s->host_err);
    if (ensure_machine(s) < 0)
        host_error(L, s, &s->host_err);
}

static int host_call(lua_State *L, struct tz_scenario *s, const char *fn, int rc,
                     const struct tz_error *err)
{
    if (rc < 0)
        scn_error(L, "%s: %s", fn, err->msg);
    return 0;
}

/* Stores fn (at idx) under a new trigger id; returns the id. */
static int store_trigger_fn(lua_State *L, struct tz_scenario *s, int idx)
{
    idx = lua_absindex(L, idx);
    if (s->next_trigger + 1 >= (int)(sizeof s->trig / sizeof s->trig[0]))
        scn_error(L, "more than %d triggers", (int)(sizeof s->trig / sizeof s->trig[0]) - 1);
    int id = ++s->next_trigger;
    s->trig[id].line = script_line(L);
    lua_getfield(L, LUA_REGISTRYINDEX, TRIGGERS_KEY);
    lua_pushvalue(L, idx);
    lua_rawseti(L, -2, id);
    lua_pop(L, 1);
    return id;
}

/* Runs the function of trigger id (if any) with a context table. */
static void call_trigger(lua_State *L, struct tz_scenario *s, int id, int cpu, const char *unused)
{
    (void)unused;
    if (id > 0 && id < (int)(sizeof s->trig / sizeof s->trig[0]))
        s->trig[id].fired = true;
    lua_getfield(L, LUA_REGISTRYINDEX, TRIGGERS_KEY);
    lua_rawgeti(L, -1, id);
    lua_remove(L, -2);
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        return;
    }
    lua_createtable(L, 0, 4);
    lua_pushinteger(L, cpu);
    lua_setfield(L, -2, "cpu");
    lua_pushinteger(L, (lua_Integer)host_icount(s, cpu));
    lua_setfield(L, -2, "icount");
    lua_pushinteger(L, id);
    lua_setfield(L, -2, "id");
    /* An injected SMC's results, for smc{ on_return = ... }. */
    lua_getfield(L, LUA_REGISTRYINDEX, "tzsim.smc_done");
    lua_rawgeti(L, -1, id);
    bool is_smc = !lua_isnil(L, -1);
    lua_pop(L, 2);
    if (is_smc && cpu >= 0) {
        uint64_t r[4] = {0};
        s->host->smc_result(s->host->ctx, cpu, r);
        for (int i = 0; i < 4; i++) {
            char k[4];
            snprintf(k, sizeof k, "x%d", i);
            lua_pushinteger(L, (lua_Integer)r[i]);
            lua_setfield(L, -2, k);
        }
    }
    lua_call(L, 1, 0); /* errors propagate with the callback's line */
}

static bool opt_bool(lua_State *L, int idx, const char *ctx, const char *key, bool dflt)
{
    if (!get_field(L, idx, key))
        return dflt;
    if (lua_type(L, -1) != LUA_TBOOLEAN)
        scn_error(L, "%s: '%s' must be a boolean, got %s", ctx, key, describe(L, -1));
    bool v = lua_toboolean(L, -1);
    lua_pop(L, 1);
    return v;
}

static int opt_cpu(lua_State *L, int idx, const char *ctx, int dflt)
{
    lua_Integer v;
    if (opt_integer(L, idx, ctx, "cpu", 0, 7, &v))
        return (int)v;
    return dflt;
}

static void get_run_fn(lua_State *L, int idx, const char *ctx)
{
    if (lua_getfield(L, idx, "run") != LUA_TFUNCTION)
        scn_error(L, "%s: 'run' must be a function, got %s", ctx, describe(L, -1));
}

static int add_trigger(lua_State *L, struct tz_scenario *s, const char *fn, struct tz_trigger *t)
{
    get_run_fn(L, 1, fn);
    int id = store_trigger_fn(L, s, -1);
    s->trig[id].every = t->every;
    lua_pop(L, 1);
    struct tz_error err = {{0}};
    host_call(L, s, fn, s->host->add_trigger(s->host->ctx, t, id, &err), &err);
    lua_pushinteger(L, id);
    return 1;
}

static const char *const at_keys[] = {"cpu", "insn", "after", "time_ns", "run", NULL};

/* at { cpu = 0, insn = N | after = N | time_ns = N, run = function(ctx) end } */
static int l_at(lua_State *L)
{
    struct tz_scenario *s = scn(L);
    check_table_arg(L, "at");
    check_keys(L, 1, "at", at_keys, -1);
    need_machine(L, s, "at");
    struct tz_trigger t = {.cpu = -1, .fid = -1, .intid = -1, .to_el = -1, .to_ns = -1, .vclass = -1};
    lua_Integer v;
    int cpu = opt_cpu(L, 1, "at", -1);
    int n = 0;
    if (opt_integer(L, 1, "at", "insn", 0, LUA_MAXINTEGER, &v)) {
        t.kind = TZ_TRIG_INSN;
        t.value = (uint64_t)v;
        n++;
    }
    if (opt_integer(L, 1, "at", "after", 0, LUA_MAXINTEGER, &v)) {
        t.kind = TZ_TRIG_INSN;
        t.value = host_icount(s, cpu < 0 ? 0 : cpu) + (uint64_t)v;
        n++;
    }
    if (opt_integer(L, 1, "at", "time_ns", 1, LUA_MAXINTEGER, &v)) {
        t.kind = TZ_TRIG_TIME;
        t.value = (uint64_t)v;
        n++;
    }
    if (n != 1)
        return scn_error(L, "at: give exactly one of 'insn', 'after' or 'time_ns'");
    if (t.kind == TZ_TRIG_INSN && cpu < 0)
        cpu = 0;
    t.cpu = cpu;
    return add_trigger(L, s, "at", &t);
}

static const char *const on_keys[] = {"event", "smc", "when", "pc", "console", "cpu", "fid",
                                      "intid", "el", "world", "class", "every", "run", NULL};

static int event_kind_by_name(const char *name)
{
    static const struct { const char *alias; int kind; } aliases[] = {
        {"exception", TZ_EV_EXC_ENTRY}, {"eret", TZ_EV_EXC_RETURN},
        {"world_switch", TZ_EV_WORLD_SWITCH}, {"smc", TZ_EV_SMC_CALL},
        {"smc_return", TZ_EV_SMC_RETURN}, {"irq_ack", TZ_EV_GIC_ACK},
        {"irq_eoi", TZ_EV_GIC_EOI}, {"wfi", TZ_EV_WFI_SLEEP},
    };
    for (unsigned i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (!strcmp(aliases[i].alias, name))
            return aliases[i].kind;
    for (int k = 1; k < 64; k++) {
        const char *n = tz_event_kind_name((enum tz_event_kind)k);
        if (!n)
            continue;
        size_t j = 0;
        for (; n[j] && name[j] && (n[j] | 0x20) == (name[j] | 0x20); j++)
            ;
        if (!n[j] && !name[j])
            return k;
    }
    return -1;
}

/* on { event = "world_switch" | smc = FID [when = "issue"|"return"] |
 *      pc = ADDR or "symbol" | console = "text", filters..., every, run } */
static int l_on(lua_State *L)
{
    struct tz_scenario *s = scn(L);
    check_table_arg(L, "on");
    check_keys(L, 1, "on", on_keys, -1);
    need_machine(L, s, "on");
    struct tz_trigger t = {.cpu = -1, .fid = -1, .intid = -1, .to_el = -1, .to_ns = -1, .vclass = -1};
    t.cpu = opt_cpu(L, 1, "on", -1);
    t.every = opt_bool(L, 1, "on", "every", false);
    lua_Integer v;
    uint64_t u;
    int n = 0;
    const char *ev = opt_string(L, 1, "on", "event");
    if (ev) {
        t.kind = TZ_TRIG_EVENT;
        t.event_kind = event_kind_by_name(ev);
        if (t.event_kind < 0)
            return scn_error(L, "on: unknown event '%s' (see docs/scenario-api.md)", ev);
        n++;
    }
    if (opt_u64(L, 1, "on", "smc", &u)) {
        t.kind = TZ_TRIG_EVENT;
        t.fid = (int64_t)(u & 0xffffffffu);
        const char *when = opt_string(L, 1, "on", "when");
        if (when && strcmp(when, "issue") && strcmp(when, "return"))
            return scn_error(L, "on: 'when' must be \"issue\" or \"return\", got '%s'", when);
        t.event_kind = when && !strcmp(when, "return") ? TZ_EV_SMC_RETURN : TZ_EV_SMC_CALL;
        n++;
    }
    if (get_field(L, 1, "pc")) {
        t.kind = TZ_TRIG_PC;
        if (lua_type(L, -1) == LUA_TSTRING) {
            const char *sym = lua_tostring(L, -1);
            if (s->host->symbol(s->host->ctx, sym, &t.value) < 0)
                return scn_error(L, "on: no symbol '%s' in the loaded images", sym);
        } else if (to_integer(L, -1, &v)) {
            t.value = (uint64_t)v;
        } else {
            return scn_error(L, "on: 'pc' must be an address or a symbol name, got %s",
                             describe(L, -1));
        }
        lua_pop(L, 1);
        n++;
    }
    const char *con = opt_string(L, 1, "on", "console");
    if (con) {
        t.kind = TZ_TRIG_CONSOLE;
        t.text = con;
        n++;
    }
    if (n != 1)
        return scn_error(L, "on: give exactly one of 'event', 'smc', 'pc' or 'console'");
    if (opt_u64(L, 1, "on", "fid", &u))
        t.fid = (int64_t)(u & 0xffffffffu);
    if (opt_integer(L, 1, "on", "intid", 0, 1023, &v))
        t.intid = v;
    if (opt_integer(L, 1, "on", "el", 0, 3, &v))
        t.to_el = (int)v;
    const char *world = opt_string(L, 1, "on", "world");
    if (world) {
        if (strcmp(world, "secure") && strcmp(world, "normal"))
            return scn_error(L, "on: 'world' must be \"secure\" or \"normal\", got '%s'", world);
        t.to_ns = !strcmp(world, "normal");
    }
    const char *cls = opt_string(L, 1, "on", "class");
    if (cls) {
        static const char *const names[] = {"sync", "irq", "fiq", "serror"};
        for (int i = 0; i < 4; i++)
            if (!strcmp(cls, names[i]))
                t.vclass = i;
        if (t.vclass < 0)
            return scn_error(L, "on: 'class' must be sync, irq, fiq or serror, got '%s'", cls);
    }
    return add_trigger(L, s, "on", &t);
}

static int l_cancel(lua_State *L)
{
    struct tz_scenario *s = scn(L);
    lua_Integer id;
    if (!to_integer(L, 1, &id))
        return scn_error(L, "cancel: expected a trigger id, got %s", describe(L, 1));
    need_machine(L, s, "cancel");
    if (id > 0 && id < (int)(sizeof s->trig / sizeof s->trig[0]))
        s->trig[id].cancelled = true;
    s->host->cancel_trigger(s->host->ctx, (int)id);
    return 0;
}

static const char *const irq_keys[] = {"spi", "ppi", "sgi", "intid", "cpu", "level", "pulse", NULL};

/* irq { spi = N | ppi = N | sgi = N | intid = N, cpu = 0, level = true | pulse = true } */
static int l_irq(lua_State *L)
{
    struct tz_scenario *s = scn(L);
    check_table_arg(L, "irq");
    check_keys(L, 1, "irq", irq_keys, -1);
    need_machine(L, s, "irq");
    lua_Integer v;
    int intid = -1, n = 0;
    if (opt_integer(L, 1, "irq", "spi", 0, 987, &v))
        intid = 32 + (int)v, n++;
    if (opt_integer(L, 1, "irq", "ppi", 0, 15, &v))
        intid = 16 + (int)v, n++;
    if (opt_integer(L, 1, "irq", "sgi", 0, 15, &v))
        intid = (int)v, n++;
    if (opt_integer(L, 1, "irq", "intid", 0, 1019, &v))
        intid = (int)v, n++;
    if (n != 1)
        return scn_error(L, "irq: give exactly one of 'spi', 'ppi', 'sgi' or 'intid'");
    int cpu = opt_cpu(L, 1, "irq", 0);
    bool pulse = opt_bool(L, 1, "irq", "pulse", false);
    bool level = opt_bool(L, 1, "irq", "level", true);
    struct tz_error err = {{0}};
    if (pulse) {
        host_call(L, s, "irq", s->host->set_irq(s->host->ctx, cpu, intid, true, &err), &err);
        host_call(L, s, "irq", s->host->set_irq(s->host->ctx, cpu, intid, false, &err), &err);
    } else {
        host_call(L, s, "irq", s->host->set_irq(s->host->ctx, cpu, intid, level, &err), &err);
    }
    return 0;
}

static const char *const smc_keys[] = {"cpu", "fid", "args", "on_return", NULL};

/* smc { cpu = 0, fid = F, args = { x1, ... x7 }, on_return = function(r) end } */
static int l_smc(lua_State *L)
{
    struct tz_scenario *s = scn(L);
    check_table_arg(L, "smc");
    check_keys(L, 1, "smc", smc_keys, -1);
    need_machine(L, s, "smc");
    uint64_t a[8] = {0};
    if (!opt_u64(L, 1, "smc", "fid", &a[0]))
        return scn_error(L, "smc: 'fid' is required");
    if (get_field(L, 1, "args")) {
        if (lua_type(L, -1) != LUA_TTABLE)
            return scn_error(L, "smc: 'args' must be a list of up to 7 integers");
        int len = (int)luaL_len(L, -1);
        if (len > 7)
            return scn_error(L, "smc: 'args' has %d values, at most 7 (x1..x7)", len);
        for (int i = 1; i <= len; i++) {
            lua_rawgeti(L, -1, i);
            lua_Integer v;
            if (!to_integer(L, -1, &v))
                return scn_error(L, "smc: args[%d] must be an integer, got %s", i, describe(L, -1));
            a[i] = (uint64_t)v;
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
    }
    int cpu = opt_cpu(L, 1, "smc", 0);
    int done = -1;
    if (lua_getfield(L, 1, "on_return") == LUA_TFUNCTION) {
        done = store_trigger_fn(L, s, -1);
        s->trig[done].is_smc = true;
        lua_getfield(L, LUA_REGISTRYINDEX, "tzsim.smc_done");
        lua_pushboolean(L, 1);
        lua_rawseti(L, -2, done);
        lua_pop(L, 1);
    } else if (!lua_isnil(L, -1)) {
        return scn_error(L, "smc: 'on_return' must be a function, got %s", describe(L, -1));
    }
    lua_pop(L, 1);
    struct tz_error err = {{0}};
    host_call(L, s, "smc", s->host->inject_smc(s->host->ctx, cpu, a, done, &err), &err);
    return 0;
}

static const char *const mem_keys[] = {"addr", "value", "size", NULL};

static int mem_common(lua_State *L, bool write)
{
    struct tz_scenario *s = scn(L);
    const char *fn = write ? "mem_write" : "mem_read";
    check_table_arg(L, fn);
    check_keys(L, 1, fn, mem_keys, -1);
    need_machine(L, s, fn);
    uint64_t addr, val = 0;
    if (!opt_u64(L, 1, fn, "addr", &addr))
        return scn_error(L, "%s: 'addr' is required", fn);
    lua_Integer size = 4;
    opt_integer(L, 1, fn, "size", 1, 8, &size);
    if (write && !opt_u64(L, 1, fn, "value", &val))
        return scn_error(L, "%s: 'value' is required", fn);
    struct tz_error err = {{0}};
    host_call(L, s, fn, s->host->mem(s->host->ctx, addr, (unsigned)size, write, &val, &err), &err);
    if (write)
        return 0;
    lua_pushinteger(L, (lua_Integer)val);
    return 1;
}

static int l_mem_read(lua_State *L) { return mem_common(L, false); }
static int l_mem_write(lua_State *L) { return mem_common(L, true); }

static const char *const dma_keys[] = {"src", "dst", "len", "ns", NULL};

/* dma { src = A, dst = B, len = N, ns = true } -> true (copied) | false
 * (the TZASC blocked a non-secure copy touching secure memory) */
static int l_dma(lua_State *L)
{
    struct tz_scenario *s = scn(L);
    check_table_arg(L, "dma");
    check_keys(L, 1, "dma", dma_keys, -1);
    need_machine(L, s, "dma");
    if (!s->host->dma)
        return scn_error(L, "dma: this host does not support DMA");
    uint64_t src, dst;
    if (!opt_u64(L, 1, "dma", "src", &src))
        return scn_error(L, "dma: 'src' is required");
    if (!opt_u64(L, 1, "dma", "dst", &dst))
        return scn_error(L, "dma: 'dst' is required");
    lua_Integer len;
    if (!opt_integer(L, 1, "dma", "len", 1, 16 << 20, &len))
        return scn_error(L, "dma: 'len' is required");
    bool ns = opt_bool(L, 1, "dma", "ns", true);
    struct tz_error err = {{0}};
    int rc = s->host->dma(s->host->ctx, src, dst, (uint64_t)len, ns, &err);
    host_call(L, s, "dma", rc, &err);
    lua_pushboolean(L, rc == 0);
    return 1;
}

/* reg(cpu, "x0") -> value; set_reg(cpu, "x0", value) */
static int reg_common(lua_State *L, bool write)
{
    struct tz_scenario *s = scn(L);
    const char *fn = write ? "set_reg" : "reg";
    lua_Integer cpu, v = 0;
    if (!to_integer(L, 1, &cpu) || lua_type(L, 2) != LUA_TSTRING)
        return scn_error(L, "%s: expected (cpu, \"name\"%s)", fn, write ? ", value" : "");
    if (write && !to_integer(L, 3, &v))
        return scn_error(L, "set_reg: the value must be an integer, got %s", describe(L, 3));
    need_machine(L, s, fn);
    struct tz_reg_access r = {(int)cpu, lua_tostring(L, 2)};
    uint64_t val = (uint64_t)v;
    struct tz_error err = {{0}};
    host_call(L, s, fn, s->host->reg(s->host->ctx, &r, write, &val, &err), &err);
    if (write)
        return 0;
    lua_pushinteger(L, (lua_Integer)val);
    return 1;
}

static int l_reg(lua_State *L) { return reg_common(L, false); }
static int l_set_reg(lua_State *L) { return reg_common(L, true); }

static int l_mark(lua_State *L)
{
    struct tz_scenario *s = scn(L);
    if (lua_type(L, 1) != LUA_TSTRING)
        return scn_error(L, "mark: expected a name, got %s", describe(L, 1));
    need_machine(L, s, "mark");
    s->host->mark(s->host->ctx, lua_tostring(L, 1));
    return 0;
}

static int l_stop(lua_State *L)
{
    struct tz_scenario *s = scn(L);
    need_machine(L, s, "stop");
    s->host->stop(s->host->ctx);
    return 0;
}

static int l_symbol(lua_State *L)
{
    struct tz_scenario *s = scn(L);
    if (lua_type(L, 1) != LUA_TSTRING)
        return scn_error(L, "symbol: expected a name, got %s", describe(L, 1));
    need_machine(L, s, "symbol");
    uint64_t a;
    if (s->host->symbol(s->host->ctx, lua_tostring(L, 1), &a) < 0)
        return scn_error(L, "symbol: no symbol '%s' in the loaded images", lua_tostring(L, 1));
    lua_pushinteger(L, (lua_Integer)a);
    return 1;
}

static void check_failed_msg(struct tz_scenario *s, const char *file, int line, int cpu,
                             const char *what)
{
    char msg[TZ_ERROR_MAX];
    uint64_t ic = s->machine_created ? host_icount(s, cpu) : 0;
    if (cpu < 0)
        snprintf(msg, sizeof msg, "%.512s:%d: %.400s (all CPUs: %llu instructions)", file, line, what,
                 (unsigned long long)ic);
    else
        snprintf(msg, sizeof msg, "%.512s:%d: %.400s (cpu%d icount %llu)", file, line, what, cpu,
                 (unsigned long long)ic);
    check_failed(s, msg);
}

static const char *const expect_keys[] = {"console", "sql", "reg", "mem", "cpu", "size",
                                          "equals", "at_least", "at_most", "message", NULL};

/* expect { console = "text" | sql = "select ..." | reg = "x0", cpu = 0 |
 *          mem = ADDR, size = 4,  equals = V | at_least = V | at_most = V } */
static int l_expect(lua_State *L)
{
    struct tz_scenario *s = scn(L);
    check_table_arg(L, "expect");
    check_keys(L, 1, "expect", expect_keys, -1);
    need_machine(L, s, "expect");
    const char *file;
    int line = script_where(L, s, &file);
    const char *label = opt_string(L, 1, "expect", "message");
    const char *con = opt_string(L, 1, "expect", "console");
    if (con) {
        lua_pushboolean(L, check_console(s, file, line, con));
        return 1;
    }
    int64_t got = 0;
    bool null = false;
    char what[600];
    int cpu = opt_cpu(L, 1, "expect", 0);
    struct tz_error err = {{0}};
    const char *sql = opt_string(L, 1, "expect", "sql");
    const char *regname = opt_string(L, 1, "expect", "reg");
    uint64_t addr;
    bool has_mem = opt_u64(L, 1, "expect", "mem", &addr);
    if ((sql != NULL) + (regname != NULL) + has_mem != 1)
        return scn_error(L, "expect: give exactly one of 'console', 'sql', 'reg' or 'mem'");
    if (sql) {
        host_call(L, s, "expect", s->host->query(s->host->ctx, sql, &got, &null, &err), &err);
        snprintf(what, sizeof what, "sql \"%s\"", sql);
        cpu = -1;
    } else if (regname) {
        struct tz_reg_access r = {cpu, regname};
        uint64_t v;
        host_call(L, s, "expect", s->host->reg(s->host->ctx, &r, false, &v, &err), &err);
        got = (int64_t)v;
        snprintf(what, sizeof what, "cpu%d %s", cpu, regname);
    } else {
        lua_Integer size = 4;
        opt_integer(L, 1, "expect", "size", 1, 8, &size);
        uint64_t v;
        host_call(L, s, "expect", s->host->mem(s->host->ctx, addr, (unsigned)size, false, &v, &err),
                  &err);
        got = (int64_t)v;
        snprintf(what, sizeof what, "mem[0x%llx]", (unsigned long long)addr);
        cpu = -1;
    }
    uint64_t want;
    bool ok = true;
    char cond[128] = "";
    if (opt_u64(L, 1, "expect", "equals", &want)) {
        ok = !null && (uint64_t)got == want;
        snprintf(cond, sizeof cond, "expected %lld", (long long)want);
    } else if (opt_u64(L, 1, "expect", "at_least", &want)) {
        ok = !null && got >= (int64_t)want;
        snprintf(cond, sizeof cond, "expected at least %lld", (long long)want);
    } else if (opt_u64(L, 1, "expect", "at_most", &want)) {
        ok = !null && got <= (int64_t)want;
        snprintf(cond, sizeof cond, "expected at most %lld", (long long)want);
    } else {
        return scn_error(L, "expect: give 'equals', 'at_least' or 'at_most'");
    }
    if (!ok) {
        char full[1024];
        if (null)
            snprintf(full, sizeof full, "expect: %s%s%s is NULL, %s", label ? label : "",
                     label ? ": " : "", what, cond);
        else
            snprintf(full, sizeof full, "expect: %s%s%s = %lld (0x%llx), %s", label ? label : "",
                     label ? ": " : "", what, (long long)got, (unsigned long long)got, cond);
        check_failed_msg(s, file, line, cpu, full);
    }
    lua_pushboolean(L, ok);
    return 1;
}

/* A deterministic generator seeded from the scenario's seed and the sweep
 * index (splitmix64). random() -> [0,1); random(n) -> 1..n; random(a, b). */
static uint64_t next_random(struct tz_scenario *s)
{
    if (!s->rng_seeded) {
        s->rng = s->cfg.seed ^ (0x9e3779b97f4a7c15ull * (uint64_t)(s->sweep_index + 1));
        s->rng_seeded = true;
    }
    uint64_t z = (s->rng += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static int l_random(lua_State *L)
{
    struct tz_scenario *s = scn(L);
    uint64_t r = next_random(s);
    int n = lua_gettop(L);
    if (n == 0) {
        lua_pushnumber(L, (lua_Number)(r >> 11) * (1.0 / 9007199254740992.0));
        return 1;
    }
    lua_Integer lo = 1, hi;
    if (!to_integer(L, n == 1 ? 1 : 2, &hi) || (n == 2 && !to_integer(L, 1, &lo)) || hi < lo)
        return scn_error(L, "random: expected random(), random(n) or random(lo, hi) with lo <= hi");
    uint64_t span = (uint64_t)(hi - lo) + 1;
    lua_pushinteger(L, lo + (lua_Integer)(span ? r % span : r));
    return 1;
}

/* sweep { name = { v1, v2, ... } | { from = a, to = b, step = s }, ... }:
 * the scenario runs once per combination (docs/scenario-api.md, "Sweeps");
 * returns this run's values. Keys vary in sorted order, the last fastest. */
static int l_sweep(lua_State *L)
{
    struct tz_scenario *s = scn(L);
    check_table_arg(L, "sweep");
    if (s->sweep_declared)
        return scn_error(L, "sweep: called twice (declare every swept value in one sweep{})");
    /* Collect and sort the keys. */
    const char *keys[16];
    int nk = 0;
    lua_pushnil(L);
    while (lua_next(L, 1)) {
        lua_pop(L, 1);
        if (lua_type(L, -1) != LUA_TSTRING)
            return scn_error(L, "sweep: keys must be names");
        if (nk == 16)
            return scn_error(L, "sweep: at most 16 swept names");
        keys[nk++] = lua_tostring(L, -1);
    }
    for (int i = 1; i < nk; i++)
        for (int j = i; j > 0 && strcmp(keys[j - 1], keys[j]) > 0; j--) {
            const char *t = keys[j];
            keys[j] = keys[j - 1];
            keys[j - 1] = t;
        }
    if (nk == 0)
        return scn_error(L, "sweep: nothing to sweep");
    /* Each key's values as a Lua list at stack slots 2..nk+1. */
    lua_Integer counts[16];
    long long total = 1;
    for (int i = 0; i < nk; i++) {
        lua_getfield(L, 1, keys[i]);
        if (lua_type(L, -1) != LUA_TTABLE)
            return scn_error(L, "sweep: '%s' must be a list or {from=, to=, step=}", keys[i]);
        lua_Integer from, to, step = 1;
        if (opt_integer(L, -1, "sweep", "from", LUA_MININTEGER, LUA_MAXINTEGER, &from)) {
            if (!opt_integer(L, -1, "sweep", "to", LUA_MININTEGER, LUA_MAXINTEGER, &to))
                return scn_error(L, "sweep: '%s' has 'from' but no 'to'", keys[i]);
            opt_integer(L, -1, "sweep", "step", 1, LUA_MAXINTEGER, &step);
            if (to < from)
                return scn_error(L, "sweep: '%s': 'to' is below 'from'", keys[i]);
            lua_pop(L, 1);
            lua_newtable(L);
            lua_Integer k = 1;
            for (lua_Integer v = from; v <= to && k <= 100000; v += step, k++) {
                lua_pushinteger(L, v);
                lua_rawseti(L, -2, k);
                if (v > LUA_MAXINTEGER - step)
                    break;
            }
        }
        counts[i] = luaL_len(L, -1);
        if (counts[i] < 1)
            return scn_error(L, "sweep: '%s' has no values", keys[i]);
        total *= counts[i];
        if (total > 100000)
            return scn_error(L, "sweep: more than 100000 combinations");
    }
    s->sweep_declared = true;
    s->sweep_total = (int)total;
    if (s->sweep_index >= total)
        return scn_error(L, "sweep: combination %d of %lld does not exist", s->sweep_index, total);
    /* Decode the mixed-radix index: the last key varies fastest. */
    lua_createtable(L, 0, nk);
    int result = lua_gettop(L);
    long long idx = s->sweep_index;
    lua_Integer pick[16];
    for (int i = nk - 1; i >= 0; i--) {
        pick[i] = idx % counts[i] + 1;
        idx /= counts[i];
    }
    size_t off = 0;
    for (int i = 0; i < nk; i++) {
        lua_rawgeti(L, 2 + i, pick[i]);
        const char *txt = luaL_tolstring(L, -1, NULL);
        off += (size_t)snprintf(s->sweep_params + off, off < sizeof s->sweep_params
                                ? sizeof s->sweep_params - off : 0, "%s%s=%s",
                                i ? " " : "", keys[i], txt);
        if (off >= sizeof s->sweep_params)
            off = sizeof s->sweep_params - 1;
        lua_pop(L, 1);
        lua_setfield(L, result, keys[i]);
    }
    return 1;
}

int tz_scenario_sweep_total(const struct tz_scenario *s)
{
    return s->sweep_declared ? s->sweep_total : 1;
}

const char *tz_scenario_sweep_params(const struct tz_scenario *s)
{
    return s->sweep_params;
}

/* The global functions of the language (docs/scenario-api.md). */
static int l_include(lua_State *L);

static const luaL_Reg scenario_api[] = {
    {"machine", l_machine},
    {"run_until", l_run_until},
    {"expect_console", l_expect_console},
    {"at", l_at},
    {"on", l_on},
    {"cancel", l_cancel},
    {"irq", l_irq},
    {"smc", l_smc},
    {"mem_read", l_mem_read},
    {"mem_write", l_mem_write},
    {"dma", l_dma},
    {"reg", l_reg},
    {"set_reg", l_set_reg},
    {"mark", l_mark},
    {"stop", l_stop},
    {"symbol", l_symbol},
    {"include", l_include},
    {"expect", l_expect},
    {"random", l_random},
    {"sweep", l_sweep},
    {NULL, NULL},
};

/* ------------------------------------------------------------------------ */
/* The sandbox                                                              */

/* print(...): to stderr, prefixed with the script's path (for authors). */
static int l_print(lua_State *L)
{
    struct tz_scenario *s = scn(L);
    int n = lua_gettop(L);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    luaL_addstring(&b, s->path);
    luaL_addstring(&b, ": ");
    for (int i = 1; i <= n; i++) {
        if (i > 1)
            luaL_addchar(&b, '\t');
        luaL_tolstring(L, i, NULL);
        luaL_addvalue(&b);
    }
    luaL_addchar(&b, '\n');
    luaL_pushresult(&b);
    size_t len;
    const char *line = lua_tolstring(L, -1, &len);
    fwrite(line, 1, len, stderr);
    fflush(stderr);
    return 0;
}

/* load(chunk [, chunkname [, mode [, env]]]) restricted to text chunks. */
static int l_load_text(lua_State *L)
{
    lua_settop(L, 4);
    if (!lua_isnil(L, 3)) {
        const char *mode = luaL_checkstring(L, 3);
        if (strchr(mode, 'b'))
            return luaL_error(L, "load: binary chunks are not allowed in scenarios");
    }
    lua_pushstring(L, "t");
    lua_replace(L, 3);
    lua_pushvalue(L, lua_upvalueindex(1)); /* the original load */
    lua_insert(L, 1);
    lua_call(L, 4, LUA_MULTRET);
    return lua_gettop(L);
}

static int l_readonly(lua_State *L)
{
    return luaL_error(L, "tzsim is read-only");
}

/* tzsim.version, tzsim.fw_dir, tzsim.platform_dir: a read-only proxy. */
static void push_tzsim_table(lua_State *L, struct tz_scenario *s)
{
    lua_newtable(L); /* proxy */
    lua_createtable(L, 0, 3);
    lua_pushstring(L, TZSIM_VERSION);
    lua_setfield(L, -2, "version");
    lua_pushstring(L, s->fw_dir); /* nil when unset */
    lua_setfield(L, -2, "fw_dir");
    lua_pushstring(L, s->platform_dir);
    lua_setfield(L, -2, "platform_dir");
    lua_createtable(L, 0, 3); /* metatable */
    lua_insert(L, -2);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, l_readonly);
    lua_setfield(L, -2, "__newindex");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2);
}

/* Runs in protected mode (lua_pcall): builds the sandboxed globals. */
static int open_sandbox(lua_State *L)
{
    struct tz_scenario *s = lua_touserdata(L, 1);
    static const luaL_Reg libs[] = {
        {LUA_GNAME, luaopen_base},
        {LUA_STRLIBNAME, luaopen_string},
        {LUA_TABLIBNAME, luaopen_table},
        {LUA_MATHLIBNAME, luaopen_math},
        {LUA_UTF8LIBNAME, luaopen_utf8},
        {NULL, NULL},
    };
    for (const luaL_Reg *lib = libs; lib->func; lib++) {
        luaL_requiref(L, lib->name, lib->func, 1);
        lua_pop(L, 1);
    }
    lua_pushglobaltable(L);
    int g = lua_gettop(L);

    /* Base library: no file access, no binary chunks. */
    lua_pushnil(L);
    lua_setfield(L, g, "dofile");
    lua_pushnil(L);
    lua_setfield(L, g, "loadfile");
    lua_pushnil(L);
    lua_setfield(L, g, "require");
    lua_getfield(L, g, "load");
    lua_pushcclosure(L, l_load_text, 1);
    lua_setfield(L, g, "load");
    lua_pushlightuserdata(L, s);
    lua_pushcclosure(L, l_print, 1);
    lua_setfield(L, g, "print");

    /* Randomness will come from the scenario seed (planned), not the host. */
    lua_getfield(L, g, LUA_MATHLIBNAME);
    lua_pushnil(L);
    lua_setfield(L, -2, "random");
    lua_pushnil(L);
    lua_setfield(L, -2, "randomseed");
    lua_pop(L, 1);

    push_tzsim_table(L, s);
    lua_setfield(L, g, "tzsim");

    lua_pushlightuserdata(L, s);
    luaL_setfuncs(L, scenario_api, 1);
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Error messages                                                           */

/* Replaces Lua's shortened chunk name at the start of msg by the full path
 * (Lua truncates names longer than LUA_IDSIZE with "..."). Pushes the
 * result. */
static const char *push_full_path_msg(lua_State *L, struct tz_scenario *s, const char *msg)
{
    size_t n = strlen(s->short_src);
    if (strcmp(s->short_src, s->path) != 0 && strncmp(msg, s->short_src, n) == 0 &&
        msg[n] == ':')
        return lua_pushfstring(L, "%s%s", s->path, msg + n);
    return lua_pushstring(L, msg);
}

static bool starts_with_location(const char *msg, const char *src)
{
    size_t n = strlen(src);
    if (strncmp(msg, src, n) != 0 || msg[n] != ':')
        return false;
    const char *p = msg + n + 1;
    if (*p < '0' || *p > '9')
        return false;
    while (*p >= '0' && *p <= '9')
        p++;
    return *p == ':';
}

/* Message handler of the script's pcall: makes every error "PATH:LINE: ...".
 * Errors already located (luaL_error, runtime errors, scn_error) keep their
 * place; others (assert, error(x, 0), non-string error objects) get the
 * innermost script line. */
static int msgh(lua_State *L)
{
    struct tz_scenario *s = lua_touserdata(L, lua_upvalueindex(1));
    const char *msg;
    if (lua_type(L, 1) == LUA_TSTRING) {
        msg = lua_tostring(L, 1);
    } else if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING) {
        msg = lua_tostring(L, -1);
    } else {
        msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    }
    if (starts_with_location(msg, s->path) || starts_with_location(msg, s->short_src))
        return push_full_path_msg(L, s, msg), 1;

    lua_Debug ar;
    const char *where = NULL;
    for (int level = 1; lua_getstack(L, level, &ar); level++) {
        if (!lua_getinfo(L, "Sl", &ar) || ar.currentline <= 0)
            continue;
        if (starts_with_location(msg, ar.short_src))
            return lua_pushstring(L, msg), 1; /* another chunk's (load) location */
        if (!where) {
            const char *src = strcmp(ar.short_src, s->short_src) == 0 ? s->path : ar.short_src;
            where = lua_pushfstring(L, "%s:%d: ", src, ar.currentline);
        }
    }
    lua_pushfstring(L, "%s%s", where ? where : "", msg);
    return 1;
}

/* ------------------------------------------------------------------------ */
/* include("lib/x.lua", ...): runs another file in the same sandbox (its
 * globals are the script's) and returns what that file returns. The path is
 * resolved like every other (docs/scenario-api.md, "Paths"): relative to
 * the including script's folder. Errors name the included file and line. */
static int read_file(const char *path, char **out, size_t *len, struct tz_error *err);

/* Remembers an included file and its hash; -1 when the bound is reached. */
static int note_include(struct tz_scenario *s, const char *path, const char *buf, size_t len)
{
    for (unsigned i = 0; i < s->ninc; i++)
        if (!strcmp(s->inc[i].path, path))
            return 0;
    if (s->ninc == TZ_SCENARIO_MAX_INCLUDES)
        return -1;
    char *p = strdup(path);
    if (!p)
        return -1;
    s->inc[s->ninc].path = p;
    tz_sha256_of(buf, len, s->inc[s->ninc].sha256);
    s->ninc++;
    return 0;
}

static int l_include(lua_State *L)
{
    if (lua_type(L, 1) != LUA_TSTRING)
        return scn_error(L, "include: expected a file name, got %s", describe(L, 1));
    int nargs = lua_gettop(L) - 1;
    const char *path = resolve_path(L, "include", "file", lua_tostring(L, 1));
    char *buf;
    size_t len;
    struct tz_error e = {{0}};
    if (read_file(path, &buf, &len, &e) < 0)
        return scn_error(L, "include: %s", e.msg);
    if (note_include(scn(L), path, buf, len) < 0) {
        free(buf);
        return scn_error(L, "include: more than %d different files", TZ_SCENARIO_MAX_INCLUDES);
    }
    const char *chunk = lua_pushfstring(L, "@%s", path);
    int rc = luaL_loadbufferx(L, buf, len, chunk, "t");
    free(buf);
    if (rc != LUA_OK)
        return lua_error(L);
    lua_remove(L, -2);                 /* the chunk name */
    lua_remove(L, -2);                 /* the resolved path */
    lua_insert(L, 2);                  /* the chunk below its arguments */
    int base = 1;
    lua_call(L, nargs, LUA_MULTRET);
    return lua_gettop(L) - base;
}

/* Public API                                                               */

static int read_file(const char *path, char **out, size_t *len, struct tz_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return tz_error_set(err, path, "cannot open scenario: %s", strerror(errno));
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap)
            break;
        char *nb = realloc(buf, cap * 2);
        if (!nb) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = nb;
        cap *= 2;
    }
    int rd_err = ferror(f);
    fclose(f);
    if (!buf)
        return tz_error_set(err, path, "out of memory reading the scenario");
    if (rd_err) {
        free(buf);
        return tz_error_set(err, path, "cannot read scenario");
    }
    *out = buf;
    *len = n;
    return 0;
}

int tz_scenario_load(const char *path, const struct tz_scenario_env *env,
                     struct tz_scenario **out, struct tz_error *err)
{
    *out = NULL;
    char *buf;
    size_t len;
    if (read_file(path, &buf, &len, err) < 0)
        return -1;

    struct tz_scenario *s = calloc(1, sizeof *s);
    if (!s) {
        free(buf);
        return tz_error_set(err, path, "out of memory");
    }
    s->path = xstrdup(path);
    const char *slash = strrchr(path, '/');
    if (slash)
        s->dir = strndup(path, (size_t)(slash - path)); /* "/x.lua" -> "" */
    s->fw_dir = xstrdup(env ? env->fw_dir : NULL);
    s->platform_dir = xstrdup(env ? env->platform_dir : NULL);
    s->dtb_override = xstrdup(env ? env->dtb_override : NULL);
    s->max_insns_override = env ? env->max_insns_override : 0;
    s->sweep_index = env ? env->sweep_index : 0;
    if (!s->path || (slash && !s->dir) || (env && env->fw_dir && !s->fw_dir) ||
        (env && env->platform_dir && !s->platform_dir) ||
        (env && env->dtb_override && !s->dtb_override) || tz_scenario_config_defaults(&s->cfg) < 0)
        goto oom;
    if (s->max_insns_override)
        s->cfg.max_insns = s->max_insns_override;

    tz_sha256_of(buf, len, s->sha256);

    s->L = luaL_newstate();
    if (!s->L)
        goto oom;
    lua_State *L = s->L;
    lua_pushcfunction(L, open_sandbox);
    lua_pushlightuserdata(L, s);
    if (lua_pcall(L, 1, 0, 0) != LUA_OK)
        goto oom;

    /* Lua's name for the chunk in messages (shortened if long), learnt from
     * an empty chunk of the same name. */
    const char *chunkname = lua_pushfstring(L, "@%s", path);
    if (luaL_loadbufferx(L, "", 0, chunkname, "t") != LUA_OK)
        goto oom;
    lua_Debug ar;
    lua_getinfo(L, ">S", &ar);
    s->short_src = xstrdup(ar.short_src);
    if (!s->short_src)
        goto oom;

    /* A first line starting with '#' (#!/usr/bin/env tzsim) is a comment;
     * blank it in place, keeping the newline so line numbers hold. */
    if (len > 0 && buf[0] == '#')
        for (size_t i = 0; i < len && buf[i] != '\n'; i++)
            buf[i] = ' ';

    if (luaL_loadbufferx(L, buf, len, chunkname, "t") != LUA_OK) {
        const char *msg = lua_tostring(L, -1);
        if (!msg)
            msg = "cannot load";
        msg = push_full_path_msg(L, s, msg);
        if (starts_with_location(msg, s->path))
            tz_error_set(err, NULL, "%s", msg);
        else
            tz_error_set(err, path, "%s", msg);
        free(buf);
        tz_scenario_free(s);
        return -1;
    }
    free(buf);
    /* Stack: chunkname, the script's main function. */
    lua_remove(L, -2);
    lua_setfield(L, LUA_REGISTRYINDEX, "tzsim.main");
    lua_newtable(L);
    lua_setfield(L, LUA_REGISTRYINDEX, TRIGGERS_KEY);
    lua_newtable(L);
    lua_setfield(L, LUA_REGISTRYINDEX, "tzsim.smc_done");
    lua_settop(L, 0);
    *out = s;
    return 0;

oom:
    free(buf);
    tz_scenario_free(s);
    return tz_error_set(err, path, "out of memory loading the scenario");
}

int tz_scenario_exec(struct tz_scenario *s, const struct tz_scenario_host *host,
                     int *checks_failed, struct tz_error *err)
{
    if (!host || !host->create_machine || !host->run_until || !host->console)
        return tz_error_set(err, s->path, "internal error: incomplete scenario host");
    if (s->executed)
        return tz_error_set(err, s->path, "internal error: a scenario runs only once");
    s->executed = true;
    s->host = host;
    s->checks_failed = 0;
    s->host_failed = false;

    lua_State *L = s->L;
    int rc = -1;
    lua_settop(L, 0);
    lua_pushlightuserdata(L, s);
    lua_pushcclosure(L, msgh, 1);
    lua_getfield(L, LUA_REGISTRYINDEX, "tzsim.main");
    int status = lua_pcall(L, 0, 0, 1);
    if (s->host_failed) {
        *err = s->host_err;
        goto out;
    }
    if (status != LUA_OK) {
        const char *msg = lua_tostring(L, -1);
        if (!msg)
            msg = "error in scenario";
        if (starts_with_location(msg, s->path))
            tz_error_set(err, NULL, "%s", msg);
        else
            tz_error_set(err, s->path, "%s", msg); /* e.g. "not enough memory" */
        goto out;
    }
    if (!s->machine_declared) {
        tz_error_set(err, s->path, "no machine{} declared");
        goto out;
    }
    if (!s->ran) {
        struct tz_run_until req = {.halt = true};
        struct tz_run_result res;
        if (do_run(s, &req, &res) < 0) {
            *err = s->host_err;
            goto out;
        }
    }
    for (int i = 0; i < s->cfg.nexpect; i++)
        check_console(s, s->machine_file, s->machine_line, s->cfg.expect_console[i]);
    /* A one-shot trigger that never fired is almost always a scenario bug
     * (a wrong address, an instruction count past the end). */
    for (int id = 1; id <= s->next_trigger; id++)
        if (!s->trig[id].fired && !s->trig[id].every && !s->trig[id].cancelled) {
            char msg[TZ_ERROR_MAX];
            snprintf(msg, sizeof msg, "%s:%d: %s never fired before the run ended", s->path,
                     s->trig[id].line, s->trig[id].is_smc ? "the injected SMC's on_return"
                                                          : "this trigger");
            check_failed(s, msg);
        }
    rc = 0;
out:
    lua_settop(L, 0);
    s->host = NULL;
    if (checks_failed)
        *checks_failed = s->checks_failed;
    return rc;
}

const struct tz_scenario_config *tz_scenario_config(const struct tz_scenario *s)
{
    return &s->cfg;
}

const char *tz_scenario_sha256(const struct tz_scenario *s)
{
    return s->sha256;
}

void tz_scenario_free(struct tz_scenario *s)
{
    if (!s)
        return;
    if (s->L)
        lua_close(s->L);
    tz_scenario_config_clear(&s->cfg);
    free(s->path);
    free(s->dir);
    free(s->short_src);
    free(s->fw_dir);
    free(s->platform_dir);
    free(s->dtb_override);
    for (unsigned i = 0; i < s->ninc; i++)
        free(s->inc[i].path);
    free(s);
}

unsigned tz_scenario_include_count(const struct tz_scenario *s)
{
    return s->ninc;
}

const char *tz_scenario_include(const struct tz_scenario *s, unsigned i, const char **sha256)
{
    assert(i < s->ninc);
    if (sha256)
        *sha256 = s->inc[i].sha256;
    return s->inc[i].path;
}
