-- Malformed scenario: the sandbox has no io library (nor os, require...).
-- Expected: "uses_io.lua:4: attempt to index a nil value (global 'io')".
local path = "/etc/hostname"
local f = io.open(path)
