/* tzsim's DMA engine ("tzsim,dma"): one channel, memory to memory, a
 * non-coherent bus master (models/dma/dma.c, docs/platforms.md "The
 * tzsim,dma node"). The register map, for the model, its tests and guests.
 * All registers are 32 bits wide; only aligned 32-bit accesses are defined.
 */
#ifndef TZ_MODELS_DMA_H
#define TZ_MODELS_DMA_H

#include <stdint.h>

enum tz_dma_reg {
    TZ_DMA_SRC_LO = 0x00,  /* RW  source physical address, bits 31:0 */
    TZ_DMA_SRC_HI = 0x04,  /* RW  bits 63:32 */
    TZ_DMA_DST_LO = 0x08,  /* RW  destination physical address, bits 31:0 */
    TZ_DMA_DST_HI = 0x0c,  /* RW  bits 63:32 */
    TZ_DMA_LEN = 0x10,     /* RW  bytes to copy, 1..TZ_DMA_MAX_LEN */
    TZ_DMA_CTRL = 0x14,    /* RW  START (write-only, reads 0), IRQ_EN */
    TZ_DMA_STATUS = 0x18,  /* R/W1C  BUSY (read-only), DONE, ERROR */
    TZ_DMA_ID = 0x1c,      /* R   TZ_DMA_ID_VALUE */
};

#define TZ_DMA_CTRL_START (1u << 0)
#define TZ_DMA_CTRL_IRQ_EN (1u << 1)

#define TZ_DMA_STATUS_BUSY (1u << 0)
#define TZ_DMA_STATUS_DONE (1u << 1)
#define TZ_DMA_STATUS_ERROR (1u << 2)

#define TZ_DMA_ID_VALUE 0x444d4131u     /* "DMA1" */
#define TZ_DMA_MAX_LEN (16u << 20)      /* 16 MiB */

/* A transfer of len bytes completes this many CPU ticks after START. */
#define TZ_DMA_LATENCY(len) (100u + (uint64_t)(len) / 8u)

#endif
