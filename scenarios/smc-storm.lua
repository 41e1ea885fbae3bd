-- SMC storm: every core makes 2000 ADD round trips into the secure world at
-- once (firmware/test/nsel1/nsel1_storm.c), results checked by the payload
-- and here, from the trace.
machine {
    platform = "qemu-virt",
    cpus = 4,
    quantum = 500,
    max_insns = 100000000,
    images = {
        { file = "fw:test/monitor.elf" },
        { file = "fw:test/sel1.elf" },
        { file = "fw:test/nsel1-storm.elf" },
    },
    expect_console = { "nsel1: storm ok (4 cores x 2000 calls)" },
}
run_until { halt = true }
-- 2000 ADDs returned on each core, and every result is a + b.
for cpu = 0, 3 do
    expect { sql = "select count(*) from events where kind = 6 and fid = 2986344449 and cpu = " .. cpu,
             equals = 2000, message = "ADD round trips on cpu" .. cpu }
end
expect { sql = [[with s as (select kind, a0, a1,
                   lead(kind) over w as nkind, lead(a0) over w as na0
                 from events where kind in (5, 6) and fid = 2986344449
                 window w as (partition by cpu order by seq))
                 select count(*) from s where kind = 5 and (nkind != 6 or na0 != a0 + a1)]],
         equals = 0, message = "every ADD call returned a + b" }
-- The cores really overlapped: world switches of different CPUs interleave.
expect { sql = "select count(distinct cpu) from events where kind = 4", equals = 4 }
