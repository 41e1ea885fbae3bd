-- The seed scenario: the normal world writes a message into a shared buffer
-- (OP-TEE's static shared memory at 0x42000000) and signals the secure world
-- with an SMC (the TSP's CHECKSUM, fid 0xF3000003) instead of the secure
-- world polling; the secure side reads the buffer and answers before the
-- normal world runs again. This script reads the same buffer at the moment
-- of the SMC, computes the 32-bit FNV-1a itself and checks the answer, and
-- checks from the trace that the normal world did not run in between.

machine {
    platform = "qemu-virt-gicv3",
    cpus = 1,
    max_insns = 20000000,
    images = {
        { file = "fw:monitor/monitor.elf" },
        { file = "fw:tsp/tsp.elf" },
        { file = "fw:tsp/nwd-tsp.elf" },
    },
    guest_dtb = { addr = 0x40000000 },
    handoff = {
        addr = 0x0e0ff000, bl32_entry = 0x0e100000, bl33_entry = 0x40080000,
        bl33_el = 1, bl33_x0 = 1, dtb = 0x40000000,
    },
}

local function fnv1a(addr, len)
    local h = 0x811c9dc5
    for i = 0, len - 1 do
        h = ((h ~ mem_read { addr = addr + i, size = 1 }) * 0x01000193) & 0xffffffff
    end
    return h
end

local expected = {}
on { smc = 0xF3000003, every = true, run = function(c)
    local addr, len = reg(c.cpu, "x1"), reg(c.cpu, "x2")
    if addr >= 0x42000000 and addr + len <= 0x42200000 then
        expected[#expected + 1] = fnv1a(addr, len)
    else
        expected[#expected + 1] = false      -- outside the shared memory: refused
    end
end }
local got = {}
on { smc = 0xF3000003, when = "return", every = true, run = function(c)
    got[#got + 1] = { status = reg(c.cpu, "x0"), sum = reg(c.cpu, "x1") }
end }

run_until { halt = true }

assert(#expected >= 2 and #expected == #got, "CHECKSUM calls seen: " .. #expected .. "/" .. #got)
for i, e in ipairs(expected) do
    if e then
        assert(got[i].status == 0 and got[i].sum == e,
               string.format("CHECKSUM %d: got status %d sum 0x%x, computed 0x%x", i,
                             got[i].status, got[i].sum, e))
    else
        assert(got[i].status ~= 0, "CHECKSUM " .. i .. " outside the shared memory was accepted")
    end
end
-- Between each CHECKSUM call and its return the normal world never ran: no
-- exception return into the non-secure world in between except the final one.
expect { sql = [[select count(*) from events c where c.kind = 5 and c.fid = 4076863491 and
                   (select count(*) from events r where r.run = c.run and r.cpu = c.cpu
                      and r.kind = 3 and r.to_ns = 1 and r.seq > c.seq and r.seq <
                      (select min(s.seq) from events s where s.run = c.run and s.cpu = c.cpu
                         and s.kind = 6 and s.fid = c.fid and s.seq > c.seq)) != 1]],
         equals = 0, message = "CHECKSUM calls during which the normal world ran" }
expect_console("nwd-tsp: CHECKSUM 0x42000000+4096: FNV-1a 0x")
