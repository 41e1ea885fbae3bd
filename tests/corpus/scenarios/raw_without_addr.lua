-- Malformed scenario: a raw image has no addresses of its own.
-- Expected: "raw_without_addr.lua:5: machine: images[2]: a raw image needs 'addr'".
local blob = "blob.bin"

machine {
    platform = "qemu-virt",
    images = {
        { file = "fw:test/monitor.elf" },
        { file = blob, kind = "raw" },
    },
}
