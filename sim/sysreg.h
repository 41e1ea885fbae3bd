/* System registers tzsim serves itself, through Unicorn's MRS/MSR/SYS hooks:
 * the generic timer, MPIDR, IMPLEMENTATION DEFINED CPU registers, later the
 * GICv3 CPU interface (ICC_*). Also observes SCR_EL3/HCR_EL2/DAIF writes.
 */
#ifndef TZ_SYSREG_H
#define TZ_SYSREG_H

#include <stdbool.h>
#include <stdint.h>

struct tz_cpu;

/* Encoding key: op0:op1:CRn:CRm:op2 packed as in the MRS instruction. */
#define TZ_SYSREG(op0, op1, crn, crm, op2) \
    ((uint16_t)(((op0) << 14) | ((op1) << 11) | ((crn) << 7) | ((crm) << 3) | (op2)))

struct tz_sysreg_ops {
    const char *name;
    uint16_t key;
    /* Unicorn itself implements this register: after serving it, returning
     * "skip" is enough. Otherwise Unicorn would raise UNDEF and the hook must
     * also advance the PC (DESIGN.md, "Instruction hooks"). */
    bool unicorn_knows;
    /* Observe only: Unicorn still performs the access after write() runs. */
    bool observe;
    uint64_t (*read)(void *opaque, struct tz_cpu *c);           /* NULL: not readable here */
    void (*write)(void *opaque, struct tz_cpu *c, uint64_t v);  /* NULL: not writable here */
    void *opaque;
};

struct tz_sysreg_table;

struct tz_sysreg_table *tz_sysreg_table_create(void);
void tz_sysreg_table_destroy(struct tz_sysreg_table *t);
/* Registers a handler; a key may be registered once (tzsim bug otherwise). */
void tz_sysreg_register(struct tz_sysreg_table *t, const struct tz_sysreg_ops *ops);
const struct tz_sysreg_ops *tz_sysreg_lookup(const struct tz_sysreg_table *t, uint16_t key);

/* "S3_1_C15_C2_0" style name for any key. */
void tz_sysreg_name(uint16_t key, char *out, unsigned n);

#endif
