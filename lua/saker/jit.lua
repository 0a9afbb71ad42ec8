-- SPDX-License-Identifier: Apache-2.0
-- saker.jit: the LuaJIT settings the engine needs, in one place. Call
-- setup() once at start, before rules are compiled and run.
--
-- The compiled rules make many traces: with the default 512 KB machine
-- code area the JIT runs out of space ("failed to allocate mcode memory"),
-- flushes every trace and starts over, which costs time and allocates.
-- Measured with tests/bench/rules_bench.lua (all upstream rules, per-type
-- evaluation functions): defaults ~372 ns/event, these two ~346. Larger
-- record limits (maxrecord, maxsnap, maxirconst, maxside) helped only while
-- the generated code made overlong traces and now cost ~8%; hotloop and
-- hotexit changed nothing: they keep their defaults.
local M = {}

M.OPTS = {
	"maxmcode=16384", -- KB of machine code
	"maxtrace=16000", -- traces in the cache
}

function M.setup()
	jit.on()
	jit.opt.start(unpack(M.OPTS))
end

return M
