-- SPDX-License-Identifier: Apache-2.0
-- saker.jit: the LuaJIT settings the engine needs, in one place. Call
-- setup() once at start, before rules are compiled and run.
--
-- The compiled rules make many long traces: with the default 512 KB machine
-- code area the JIT runs out of space ("failed to allocate mcode memory"),
-- flushes every trace and starts over, which costs time and allocates.
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
