/* Instruction traces in a Tarmac-like text format for a window of a run
 * (tzsim replay --trace-insns FROM..TO). Disassembly by Capstone. */
#ifndef TZ_TARMAC_H
#define TZ_TARMAC_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct tz_cpu;
struct tz_tarmac;

struct tz_tarmac *tz_tarmac_open(FILE *out, uint64_t from, uint64_t to);
void tz_tarmac_close(struct tz_tarmac *t);
/* The window, in total instructions over all CPUs. */
bool tz_tarmac_in_window(const struct tz_tarmac *t, uint64_t total);
uint64_t tz_tarmac_from(const struct tz_tarmac *t);
/* Around one single-stepped instruction of c: before() saves its registers,
 * after() prints the instruction and the registers it wrote. */
void tz_tarmac_before(struct tz_tarmac *t, struct tz_cpu *c);
void tz_tarmac_after(struct tz_tarmac *t, struct tz_cpu *c);

#endif
