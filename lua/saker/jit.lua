-- SPDX-License-Identifier: Apache-2.0
-- saker.jit: the LuaJIT settings the engine needs, in one place. Call
-- setup() once at start, before rules are compiled and run.
--
-- The compiled rules make many long traces: with the default 512 KB machine
-- code area the JIT runs out of space ("failed to allocate mcode memory"),
-- flushes every trace and starts over, which costs time and allocates.
-- The per-event-type evaluation functions (rules/plan.lua) are long
-- straight-line code: with the default record limits their traces abort
-- ("trace too long", "too many snapshots") and fall back to the
-- interpreter. Measured with tests/bench/rules_bench.lua (all upstream
-- rules): ~1050 ns/event with the first two settings alone, ~450-650
-- with all of them; tryside, hotexit, hotloop and loopunroll made no
-- difference and keep their defaults.
local M = {}

M.OPTS = {
	"maxmcode=16384", -- KB of machine code
	"maxtrace=16000", -- traces in the cache
	"maxrecord=20000", -- IR instructions recorded per trace
	"maxsnap=5000", -- snapshots (side exits) per trace
	"maxirconst=5000", -- IR constants per trace
	"maxside=1000", -- side traces of one root trace
}

function M.setup()
	jit.on()
	jit.opt.start(unpack(M.OPTS))
end

return M
