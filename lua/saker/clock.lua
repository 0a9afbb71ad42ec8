-- SPDX-License-Identifier: Apache-2.0
-- saker.clock: a monotonic clock in milliseconds, for timers on the event
-- loop (debounce, once-a-second work). One FFI call, no allocation.
local ffi = require("ffi")

local M = {}

if not pcall(ffi.typeof, "struct timespec") then
	ffi.cdef [[ struct timespec { long tv_sec; long tv_nsec; }; ]]
end
pcall(ffi.cdef, "int clock_gettime(int clk, struct timespec *tp);")

local CLOCK_MONOTONIC = 1
local ts = ffi.new("struct timespec")
local gettime = ffi.C.clock_gettime

function M.ms()
	gettime(CLOCK_MONOTONIC, ts)
	return tonumber(ts.tv_sec) * 1000 + math.floor(tonumber(ts.tv_nsec) / 1000000)
end

return M
