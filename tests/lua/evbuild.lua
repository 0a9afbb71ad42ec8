-- SPDX-License-Identifier: Apache-2.0
-- evbuild: synthetic scap-layout events for the Lua specs (format.md §7).
--
--   event := header (ts u64, tid u64, len u32, type u16, nparams u32)
--            nparams u16 lengths, then the values back to back
--
-- Parameters follow the event's row in ../shared/scap/event_table_full.tsv
-- and are given by name; a parameter left out is sent empty (length 0).
-- Numbers are encoded at the width of their scap type; strings (CHARBUF,
-- FSPATH, FSRELPATH) get their NUL; BYTEBUF and CHARBUFARRAY take a table
-- of items (each NUL-terminated) or a raw string; anything else a raw string.
local core = require("saker.core")
local ffi = core.ffi
local C = core.C

local M = {}

local WIDTH = {
	UINT8 = 1, INT8 = 1, FLAGS8 = 1, ENUMFLAGS8 = 1, SIGTYPE = 1,
	UINT16 = 2, INT16 = 2, FLAGS16 = 2, ENUMFLAGS16 = 2, PORT = 2, SYSCALLID = 2,
	UINT32 = 4, INT32 = 4, FLAGS32 = 4, ENUMFLAGS32 = 4, UID = 4, GID = 4, MODE = 4,
	FD32 = 4, PID32 = 4, SIGSET = 4,
	UINT64 = 8, INT64 = 8, ERRNO = 8, FD = 8, PID = 8, RELTIME = 8, ABSTIME = 8,
}
local CTYPE = { [1] = "uint8_t[1]", [2] = "uint16_t[1]", [4] = "uint32_t[1]", [8] = "int64_t[1]" }
local STRING = { CHARBUF = true, FSPATH = true, FSRELPATH = true }

local rows -- [code] = { name =, dir = "E"|"X", params = { { name, type } } }
local latest -- ["execve<"] = code of the newest row

local function table_path()
	return core.home .. "/../shared/scap/event_table_full.tsv"
end

local function load_table()
	if rows then return end
	rows, latest = {}, {}
	local f = assert(io.open(table_path(), "r"))
	f:read("*l")
	for line in f:lines() do
		local code, name, dir, _, params = line:match("^(%d+)\t([^\t]*)\t([EX])\t(%d+)\t([^\t]*)")
		if code then
			code = tonumber(code)
			local ps = {}
			for p in params:gmatch("[^;]+") do
				local pn, pt = p:match("^([^:]+):(.+)$")
				ps[#ps + 1] = { pn, pt }
			end
			rows[code] = { name = name, dir = dir, params = ps }
			latest[name .. (dir == "E" and ">" or "<")] = code
		end
	end
	f:close()
end

-- The newest code of an event name and direction (">" enter, "<" exit).
function M.code(name, dir)
	load_table()
	return latest[name .. (dir or "<")]
end

local function num(width, v)
	local buf = ffi.new(CTYPE[width], v)
	return ffi.string(buf, width)
end

local function encode(ptype, v)
	if v == nil then return "" end
	if WIDTH[ptype] then return num(WIDTH[ptype], v) end
	if STRING[ptype] then return tostring(v) .. "\0" end
	if type(v) == "table" then
		local parts = {}
		for i, it in ipairs(v) do parts[i] = tostring(it) .. "\0" end
		return table.concat(parts)
	end
	return v
end

-- Socket addresses for SOCKADDR / SOCKTUPLE parameters (IPv4).
local function ip4(a)
	local b = {}
	for x in a:gmatch("%d+") do b[#b + 1] = string.char(tonumber(x)) end
	return table.concat(b)
end
function M.sockaddr4(ip, port) return "\2" .. ip4(ip) .. num(2, port) end
function M.socktuple4(sip, sport, dip, dport)
	return "\2" .. ip4(sip) .. num(2, sport) .. ip4(dip) .. num(2, dport)
end

-- One event as a Lua string. ev = { name =, dir = "<", code = (optional),
-- tid =, ts =, params = { name = value } }.
function M.event(ev)
	load_table()
	local code = ev.code or M.code(ev.name, ev.dir or "<")
	local row = assert(rows[code], "no event " .. tostring(ev.name))
	local lens, vals = {}, {}
	local params = ev.params or {}
	for i, p in ipairs(row.params) do
		vals[i] = encode(p[2], params[p[1]])
		lens[i] = num(2, #vals[i])
	end
	local body = table.concat(lens) .. table.concat(vals)
	local len = 26 + #body
	return num(8, ev.ts or 1) .. num(8, ev.tid or 1) .. num(4, len) .. num(2, code)
		.. num(4, #row.params) .. body
end

-- Inject one event into context s and make it the current one.
function M.feed(s, ev)
	local raw = M.event(ev)
	assert(C.saker_inject(s, raw, #raw, 0) == 0, "saker_inject failed")
	local e = C.saker_next(s, 0)
	assert(e ~= nil, "saker_next returned no event")
	return e
end

-- A process: an execve exit for tid (pid = tid), with its parent ptid.
function M.exec(s, p)
	local args = p.args or {}
	return M.feed(s, { name = "execve", tid = p.tid, ts = p.ts, params = {
		res = 0, exe = p.exe or ("/usr/bin/" .. p.comm), args = args, tid = p.tid,
		pid = p.pid or p.tid, ptid = p.ptid or 1, cwd = p.cwd or "/", fdlimit = 1024,
		comm = p.comm, env = p.env or {}, cgroups = p.cgroups, tty = p.tty or 0,
		loginuid = p.loginuid or 0, uid = p.uid or 0, gid = p.gid or 0,
		trusted_exepath = p.exepath, filename = p.exe, cap_effective = p.cap_effective or 0,
		cap_permitted = p.cap_permitted or 0, cap_inheritable = 0, vpgid = p.tid, pgid = p.tid,
		flags = p.flags or 0 } })
end

-- An openat exit of `name` with `flags` (scap PPM_O_* bits) giving fd.
function M.openat(s, tid, name, flags, fd)
	return M.feed(s, { name = "openat", tid = tid, params = {
		fd = fd or 3, dirfd = -100, name = name, flags = flags or 1, mode = 0, dev = 0, ino = 0 } })
end

return M
