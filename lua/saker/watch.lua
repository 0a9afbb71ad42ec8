-- SPDX-License-Identifier: Apache-2.0
-- saker.watch: notices changes to files and directories with inotify, the
-- way editors and Kubernetes ConfigMaps make them. A file is watched through
-- its directory (an editor writes a new file and renames it over the old
-- one; a ConfigMap swaps its ..data symlink), a directory for its *.yaml and
-- *.yml entries being written, created, renamed in or out, or deleted.
-- poll() never blocks.
local ffi = require("ffi")

local M = {}

pcall(ffi.cdef, [[
int inotify_init1(int flags);
int inotify_add_watch(int fd, const char *pathname, uint32_t mask);
]])
pcall(ffi.cdef, "long read(int fd, void *buf, size_t count);")
pcall(ffi.cdef, "int close(int fd);")

local C = ffi.C
local IN_MODIFY, IN_CLOSE_WRITE, IN_MOVED_FROM, IN_MOVED_TO = 0x2, 0x8, 0x40, 0x80
local IN_CREATE, IN_DELETE, IN_DELETE_SELF, IN_MOVE_SELF = 0x100, 0x200, 0x400, 0x800
local IN_Q_OVERFLOW = 0x4000
local IN_NONBLOCK, IN_CLOEXEC = 0x800, 0x80000
local MASK = bit.bor(IN_MODIFY, IN_CLOSE_WRITE, IN_MOVED_FROM, IN_MOVED_TO, IN_CREATE,
	IN_DELETE, IN_DELETE_SELF, IN_MOVE_SELF)
local BUFSZ = 65536
local HDR = 16 -- struct inotify_event: int wd, u32 mask, u32 cookie, u32 len, name[]

local W = {}
W.__index = W

-- A directory opens for reading but reads fail with EISDIR (21).
local function is_dir(path)
	local f = io.open(path, "r")
	if not f then return false end
	local _, _, code = f:read(1)
	f:close()
	return code == 21
end

local function split(path)
	local dir, base = path:match("^(.*)/([^/]+)$")
	if not dir then return ".", path end
	if dir == "" then dir = "/" end
	return dir, base
end

-- paths: files and directories. Returns a watcher, or nil and a message.
function M.new(paths)
	local fd = C.inotify_init1(bit.bor(IN_NONBLOCK, IN_CLOEXEC))
	if fd < 0 then return nil, "inotify_init1 failed: " .. ffi.errno() end
	local w = setmetatable({ fd = fd, wds = {}, buf = ffi.new("uint8_t[?]", BUFSZ) }, W)
	for _, p in ipairs(paths) do
		local dir, name
		if is_dir(p) then dir = p else dir, name = split(p) end
		local wd = C.inotify_add_watch(fd, dir, MASK)
		if wd >= 0 then
			local entry = w.wds[wd] or { dir = dir, names = {}, all = false }
			if name then entry.names[name] = true else entry.all = true end
			w.wds[wd] = entry
		end
	end
	return w
end

local function relevant(entry, name, mask)
	if bit.band(mask, bit.bor(IN_DELETE_SELF, IN_MOVE_SELF, IN_Q_OVERFLOW)) ~= 0 then return true end
	if name == "" then return false end
	if entry.names[name] or name == "..data" then return true end
	return entry.all and (name:match("%.ya?ml$") ~= nil)
end

-- true when a watched file changed since the last poll.
function W:poll()
	local changed = false
	while true do
		local n = tonumber(C.read(self.fd, self.buf, BUFSZ))
		if n <= 0 then break end
		local off = 0
		while off + HDR <= n do
			local p = self.buf + off
			local wd = ffi.cast("int32_t *", p)[0]
			local mask = ffi.cast("uint32_t *", p + 4)[0]
			local len = ffi.cast("uint32_t *", p + 12)[0]
			local name = len > 0 and ffi.string(p + HDR) or ""
			local entry = self.wds[wd]
			if (entry and relevant(entry, name, mask)) or bit.band(mask, IN_Q_OVERFLOW) ~= 0 then
				changed = true
			end
			off = off + HDR + len
		end
	end
	return changed
end

function W:close()
	if self.fd >= 0 then C.close(self.fd) end
	self.fd = -1
end

return M
