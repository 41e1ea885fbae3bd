/* Generic timer register arithmetic (Arm ARM D11.2.4). */
#include <criterion/criterion.h>

#include "models/timer/generic_timer.h"

Test(timer, istatus_and_output)
{
    cr_expect_not(tz_gt_istatus(0, 100, 50), "disabled: ISTATUS 0");
    cr_expect(tz_gt_istatus(TZ_GT_CTL_ENABLE, 100, 50));
    cr_expect(tz_gt_istatus(TZ_GT_CTL_ENABLE, 50, 50), "count == cval fires");
    cr_expect_not(tz_gt_istatus(TZ_GT_CTL_ENABLE, 49, 50));
    cr_expect(tz_gt_output(TZ_GT_CTL_ENABLE, 60, 50));
    cr_expect_not(tz_gt_output(TZ_GT_CTL_ENABLE | TZ_GT_CTL_IMASK, 60, 50), "IMASK hides the output");
    cr_expect_eq(tz_gt_ctl_read(TZ_GT_CTL_ENABLE | TZ_GT_CTL_IMASK, 60, 50), 7u);
    cr_expect_eq(tz_gt_ctl_read(TZ_GT_CTL_ENABLE, 10, 50), 1u);
    cr_expect_eq(tz_gt_ctl_read(0, 60, 50), 0u);
}

Test(timer, tval)
{
    cr_expect_eq(tz_gt_tval_write(1000, 500), 1500);
    cr_expect_eq(tz_gt_tval_write(1000, 0xffffffffu), 999, "TVAL is signed 32-bit");
    cr_expect_eq(tz_gt_tval_write(1000, 0x80000000u), 1000 - 0x80000000ull);
    cr_expect_eq(tz_gt_tval_read(1000, 1500), 500);
    cr_expect_eq(tz_gt_tval_read(1500, 1000), 0xfffffe0cu, "expired: negative, 32 bits");
    cr_expect_eq(tz_gt_tval_read(0, 0x100000005ull), 5u, "only bits 31:0");
}
