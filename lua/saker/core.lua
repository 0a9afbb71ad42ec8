-- SPDX-License-Identifier: Apache-2.0
-- saker.core: the C core through LuaJIT FFI. core/saker.h is the one
-- declaration of the boundary; this module feeds it to ffi.cdef as it is.
-- Inside ./saker the core is linked in (ffi.C); elsewhere (busted specs,
-- tools) build/libsaker.so is loaded.
local ffi = require("ffi")

local M = {}

local function home()
	if SAKER_HOME then return SAKER_HOME end
	local src = debug.getinfo(1, "S").source:sub(2)
	local dir = src:match("^(.*)/lua/saker/core%.lua$")
	if dir and dir ~= "" then return dir end
	return "."
end
M.home = home()

-- ffi.cdef is global to the Lua state and refuses a second definition;
-- a test runner that reloads modules must not declare the header twice.
if not pcall(ffi.typeof, "struct saker_evt") then
	ffi.cdef(assert(require("saker.fs").read(M.home .. "/core/saker.h")))
	ffi.cdef [[
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
]]
end

M.ffi = ffi
M.C = SAKER_EMBEDDED and ffi.C or ffi.load(M.home .. "/build/libsaker.so")

do
	local abi = M.C.saker_abi()
	if abi ~= M.C.SAKER_ABI then
		error(string.format("saker: the C core has ABI %d, the Lua side expects %d: rebuild with make", abi, M.C.SAKER_ABI))
	end
end

-- Open a context. opts: {live=bool, scan_proc=bool, ring_kb=n, verbose=bool,
-- read_file=path (replay a .scap capture), write_file=path (write one),
-- drop_failed_exit=bool}.
-- Returns the cdata pointer (closed by the GC or by M.close), or nil, message.
function M.open(opts)
	opts = opts or {}
	local o = ffi.new("struct saker_opts")
	o.live = opts.live and 1 or 0
	o.scan_proc = opts.scan_proc and 1 or 0
	o.ring_kb = opts.ring_kb or 0
	o.verbose = opts.verbose and 1 or 0
	o.read_file = opts.read_file -- the Lua strings outlive the call: opts holds them
	o.write_file = opts.write_file
	o.drop_failed_exit = opts.drop_failed_exit and 1 or 0
	o.container_roots = opts.container_roots
	local err = ffi.new("char[512]")
	local s = M.C.saker_open(o, err, 512)
	if s == nil then return nil, ffi.string(err) end
	return ffi.gc(s, M.C.saker_close)
end

function M.close(s)
	ffi.gc(s, nil)
	M.C.saker_close(s)
end

return M
