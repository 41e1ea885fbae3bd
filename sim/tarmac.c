/* Tarmac-like instruction trace (docs/cli.md, "replay --trace-insns").
 *
 * One line per executed instruction, then one per register it changed:
 *
 *   <ns> ns IT (<icount>) <pc> <opcode> A <EL>_<s|ns> : <disassembly>   ; <symbol>
 *   <ns> ns R X<n> <value>
 *
 * which is the shape of Arm's Tarmac "IT" (instruction taken) and "R"
 * (register write) records, so Tarmac tools that key on those records can
 * read it. The instructions are single-stepped with tzsim's exact stops, so
 * the run itself is unchanged.
 */
#include "tarmac.h"

#include <capstone/capstone.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "exc.h"
#include "machine_internal.h"

#define NREGS 34 /* x0..x30, sp, pc, pstate */

struct tz_tarmac {
    FILE *out;
    uint64_t from, to;
    csh cs;
    bool cs_ok;
    uint64_t before[NREGS];
    uint64_t pc;
};

static const char *const reg_names[NREGS] = {
    "x0",  "x1",  "x2",  "x3",  "x4",  "x5",  "x6",  "x7",  "x8",  "x9",  "x10", "x11",
    "x12", "x13", "x14", "x15", "x16", "x17", "x18", "x19", "x20", "x21", "x22", "x23",
    "x24", "x25", "x26", "x27", "x28", "x29", "x30", "sp",  "pc",  "pstate"};

struct tz_tarmac *tz_tarmac_open(FILE *out, uint64_t from, uint64_t to)
{
    struct tz_tarmac *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->out = out;
    t->from = from;
    t->to = to;
    t->cs_ok = cs_open(CS_ARCH_ARM64, CS_MODE_ARM, &t->cs) == CS_ERR_OK;
    return t;
}

void tz_tarmac_close(struct tz_tarmac *t)
{
    if (!t)
        return;
    if (t->cs_ok)
        cs_close(&t->cs);
    free(t);
}

bool tz_tarmac_in_window(const struct tz_tarmac *t, uint64_t total)
{
    return t && total >= t->from && total < t->to;
}

static void read_all(struct tz_cpu *c, uint64_t *v)
{
    for (int i = 0; i < NREGS; i++) {
        v[i] = 0;
        tz_cpu_reg_by_name(c, reg_names[i], false, &v[i]);
    }
}

uint64_t tz_tarmac_from(const struct tz_tarmac *t)
{
    return t->from;
}

void tz_tarmac_before(struct tz_tarmac *t, struct tz_cpu *c)
{
    read_all(c, t->before);
    t->pc = t->before[32];
}

void tz_tarmac_after(struct tz_tarmac *t, struct tz_cpu *c)
{
    uint64_t now[NREGS];
    read_all(c, now);
    uint64_t ns = tz_machine_ns(c->m, tz_cpu_ticks(c));
    uint32_t insn = 0;
    bool have = uc_mem_read(c->uc, t->pc, &insn, 4) == UC_ERR_OK;
    char dis[200] = "?"; /* mnemonic (< 32) and operands (< 160) */
    if (have && t->cs_ok) {
        cs_insn *ci;
        size_t n = cs_disasm(t->cs, (const uint8_t *)&insn, 4, t->pc, 1, &ci);
        if (n == 1) {
            snprintf(dis, sizeof dis, "%-8s %s", ci->mnemonic, ci->op_str);
            cs_free(ci, n);
        }
    }
    char sym[128];
    tz_machine_symbolize(c->m, t->pc, sym, sizeof sym);
    int el = tz_pstate_el((uint32_t)t->before[33]);
    bool ns_world = el < 3 && (c->scr & SCR_NS);
    fprintf(t->out, "%" PRIu64 " ns IT (%" PRIu64 ") %016" PRIx64 " %08x A EL%d%s_%s : %s%s%s\n", ns,
            c->icount, t->pc, insn, el, (t->before[33] & PSTATE_SP) ? "h" : "t",
            ns_world ? "ns" : "s", dis, sym[0] ? "   ; " : "", sym);
    for (int i = 0; i < NREGS; i++) {
        if (i == 32 || now[i] == t->before[i])
            continue; /* the PC changes every time */
        char up[16];
        size_t k;
        for (k = 0; reg_names[i][k] && k < sizeof up - 1; k++)
            up[k] = (char)(reg_names[i][k] >= 'a' && reg_names[i][k] <= 'z' ? reg_names[i][k] - 32
                                                                            : reg_names[i][k]);
        up[k] = 0;
        fprintf(t->out, "%" PRIu64 " ns R %s %016" PRIx64 "\n", ns, up, now[i]);
    }
}
