-- Malformed scenario: it never declares a machine.
-- Expected: "no_machine.lua: no machine{} declared".
local answer = 6 * 7
assert(answer == 42)
