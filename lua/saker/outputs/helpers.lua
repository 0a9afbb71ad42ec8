-- SPDX-License-Identifier: Apache-2.0
-- saker.outputs.helpers: what output plugins may use instead of writing it
-- again: JSON encoding, an HTTP POST (libcurl, in the C core), appending
-- to a file, the time.
local ffi = require("ffi")
local json = require("saker.json")

local M = {}

M.json_encode = json.encode
M.json_array = json.array

local C
local function core()
	if C then return C end
	if not pcall(ffi.typeof, "struct saker_out_stats") then
		ffi.cdef [[
int32_t saker_http_post(const char *url, const char *body, uint32_t len, const char *content_type, int32_t timeout_ms, char *err, uint32_t errlen);
]]
	end
	if SAKER_EMBEDDED then
		C = ffi.C
	else
		local home = SAKER_HOME or (debug.getinfo(1, "S").source:sub(2)
			:match("^(.*)/lua/saker/outputs/helpers%.lua$")) or "."
		C = ffi.load(home .. "/build/libsaker.so")
	end
	return C
end

-- POST body to url; returns the HTTP status, or nil, error. opts:
-- { content_type = "application/json", timeout_ms = 5000 }.
function M.http_post(url, body, opts)
	opts = opts or {}
	local err = ffi.new("char[256]")
	local st = core().saker_http_post(url, body, #body, opts.content_type or "application/json",
		opts.timeout_ms or 5000, err, 256)
	if st < 0 then return nil, ffi.string(err) end
	return st
end

-- Append data to the file at path; returns the file's new size, or nil, error.
function M.file_append(path, data)
	local f, err = io.open(path, "ab")
	if not f then return nil, err end
	local ok, werr = f:write(data)
	local size = f:seek("end")
	f:close()
	if not ok then return nil, werr end
	return size
end

if not pcall(ffi.typeof, "struct saker_helpers_ts") then
	ffi.cdef [[
struct saker_helpers_ts { int64_t sec; int64_t nsec; };
int saker_helpers_clock(int clk, struct saker_helpers_ts *ts) __asm__("clock_gettime");
]]
end
local ts = ffi.new("struct saker_helpers_ts")

-- Seconds since the epoch, with a fraction.
function M.now()
	ffi.C.saker_helpers_clock(0, ts)
	return tonumber(ts.sec) + tonumber(ts.nsec) / 1e9
end

return M
