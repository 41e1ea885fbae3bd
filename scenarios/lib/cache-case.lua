-- What every cache scenario shares (docs/caches.md, "Scenarios"): the
-- machine (the reference monitor, the secure test payload tsp.elf with its
-- MMU off, and cache-nwd.elf, a normal world with its MMU and caches on),
-- the sweep over the variant, the run, and the checks of the findings.
--
--   local cc = include("lib/cache-case.lua")
--   local fixed = cc.machine(CASE, { console lines of every run },
--                                  { console lines of the fixed run only })
--   ... triggers ...
--   cc.run()
--   cc.expect_findings(fixed, "what the fix does", {
--       { "rule = 1 and first_sym like 'f+%'", 1, "what it is" }, ... })
--
-- A sweep over fixed = { 0, 1 }: run 1 is the buggy sequence, run 2 the same
-- with the right maintenance (`tzsim replay DB --run 1` re-runs the buggy
-- one alone). The script writes the case and the variant into cache-nwd's
-- cache_case and cache_fixed words before the machine runs. The findings
-- checks need the memory system: the machine's cache = "check", or
-- --cache=check|faithful; with --cache=off every run behaves as the fixed
-- one and the buggy run fails its findings checks.

local cc = {}

function cc.machine(case, console, console_fixed)
    local p = sweep { fixed = { 0, 1 } }
    local fixed = p.fixed == 1
    local lines = {
        "cache-nwd: up on core 0, case " .. case .. ", " .. (fixed and "fixed" or "buggy") ..
            " variant",
        "cache-nwd: MMU and caches on",
    }
    for _, l in ipairs(console) do lines[#lines + 1] = l end
    for _, l in ipairs({ "cache-nwd: case " .. case .. " done", "cache-nwd: done",
                         "tsp: system off" }) do
        lines[#lines + 1] = l
    end
    if fixed then
        for _, l in ipairs(console_fixed) do lines[#lines + 1] = l end
    end
    machine {
        platform = "qemu-virt-gicv3",
        cpus = 1,
        cache = "check",
        max_insns = 20000000,
        images = {
            { file = "fw:monitor/monitor.elf" },
            { file = "fw:tsp/tsp.elf" },
            { file = "fw:cache-nwd/cache-nwd.elf" },
        },
        guest_dtb = { addr = 0x40000000 },
        handoff = {
            addr = 0x0e0ff000,
            bl32_entry = 0x0e100000,   -- tsp.elf
            bl33_entry = 0x40080000,   -- cache-nwd.elf
            bl33_el = 1,
            dtb = 0x40000000,
        },
        expect_console = lines,
    }
    -- Two words of cache-nwd's .data, written into guest RAM before the
    -- machine runs (mem_write creates the machine).
    mem_write { addr = symbol("cache_case"), size = 4, value = case }
    mem_write { addr = symbol("cache_fixed"), size = 4, value = p.fixed }
    return fixed
end

function cc.run()
    local r = run_until { halt = true }
    assert(r.stop == "system_off", "the guest did not power off: " .. r.stop)
end

-- SQL: how many events of this run match `where`.
local RUN = "run = (select max(id) from runs)"
function cc.events(where)
    return "select count(*) from events where " .. RUN .. " and (" .. where .. ")"
end

-- SQL: how many findings of this run match `where`. A finding is one pair
-- of code sites (the same rule with the same PCs on both sides, however
-- many lines it touched), so the counts are exact.
function cc.findings(where)
    return "select count(*) from findings where " .. RUN .. " and (" .. where .. ")"
end

-- The fixed run has no finding; the buggy run exactly the listed ones
-- ({ where, count, message }) and no other.
function cc.expect_findings(fixed, fix, list)
    if fixed then
        expect { sql = cc.findings("1"), equals = 0, message = "fixed: " .. fix ..
                 " leaves nothing to report" }
        return
    end
    local total = 0
    for _, f in ipairs(list) do
        expect { sql = cc.findings(f[1]), equals = f[2], message = "buggy: " .. f[3] }
        total = total + f[2]
    end
    expect { sql = cc.findings("1"), equals = total, message = "buggy: no other finding" }
end

return cc
