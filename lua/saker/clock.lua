-- SPDX-License-Identifier: Apache-2.0
-- saker.clock: a monotonic clock in milliseconds, for timers on the event
-- loop (debounce, once-a-second work), and the wall clock. One FFI call, no
-- allocation.
local ffi = require("ffi")

local M = {}

if not pcall(ffi.typeof, "struct timespec") then
	ffi.cdef [[ struct timespec { long tv_sec; long tv_nsec; }; ]]
end
pcall(ffi.cdef, "int clock_gettime(int clk, struct timespec *tp);")

local CLOCK_REALTIME, CLOCK_MONOTONIC = 0, 1
local ts = ffi.new("struct timespec")
local gettime = ffi.C.clock_gettime

function M.ms()
	gettime(CLOCK_MONOTONIC, ts)
	return tonumber(ts.tv_sec) * 1000 + math.floor(tonumber(ts.tv_nsec) / 1000000)
end

-- Wall-clock time in ns since the epoch (a double: ~0.3 us steps), as
-- live events are stamped.
function M.realtime_ns()
	gettime(CLOCK_REALTIME, ts)
	return tonumber(ts.tv_sec) * 1e9 + tonumber(ts.tv_nsec)
end

return M
