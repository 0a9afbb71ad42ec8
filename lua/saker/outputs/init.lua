-- SPDX-License-Identifier: Apache-2.0
-- saker.outputs: the alert channels. open(cfg, opts) gives a set of
-- channels that each take every alert: emit(alert), flush(), reopen(),
-- stats(), close().
--
-- Every channel (stdout, file, syslog, program, http: saker.outputs.native;
-- grpc: saker.outputs.grpc; Lua plugins: saker.outputs.plugins) is a C channel:
-- emit formats the line (or message) once and pushes it into the channel's
-- bounded queue, which a thread of the channel's own drains. A full queue
-- drops (counted), so a slow or dead receiver never stalls capture or the
-- other channels. Drops, failures and errors are logged per channel, rate
-- limited, and totalled at close.
-- Optional per-rule throttling (saker.outputs.throttle) comes first.
local log = require("saker.log")
local channel = require("saker.outputs.channel")

local M = {}

local clock = os.time

local Set = {}
Set.__index = Set

local function open_c(set, d)
	if d.kind == "syslog" then
		local path = d.opts.target or "/dev/log"
		local f = io.open(path, "r")
		local r = f or os.execute("test -S '" .. path:gsub("'", "") .. "'")
		local ok = r == true or r == 0 or io.type(r) == "file"
		if f then f:close() end
		if not ok then
			log.warning("syslog output: no syslog socket at %s; alerts to syslog will fail until one exists", path)
		end
	end
	local ch, err = channel.open(d.kind, d.opts, d.format)
	if not ch then
		log.error("%s output disabled: %s", d.opts.name or d.kind, err)
		set.errors[#set.errors + 1] = string.format("%s output: %s", d.opts.name or d.kind, err)
		return
	end
	set.list[#set.list + 1] = ch
	set.native[#set.native + 1] = ch
end

-- opts: { embedded = bool (plugins link to the core in the program, not
-- build/libsaker.so) }. A channel that cannot open is
-- left out and named in set.errors.
function M.open(cfg, opts)
	opts = opts or {}
	local set = setmetatable({ list = {}, native = {}, errors = {}, last_report = clock() }, Set)
	for _, d in ipairs(require("saker.outputs.native").list(cfg)) do open_c(set, d) end
	for _, d in ipairs(require("saker.outputs.grpc").list(cfg)) do open_c(set, d) end
	local embedded = opts.embedded
	if embedded == nil then embedded = SAKER_EMBEDDED and true or false end
	set.plugin_files = {}
	for _, d in ipairs(require("saker.outputs.plugins").list(cfg, embedded)) do
		set.plugin_files[#set.plugin_files + 1] = d.opts.target
		open_c(set, d)
	end
	set.throttle = require("saker.outputs.throttle").new(cfg.outputs and cfg.outputs.throttle)
	return set
end

-- Log what the C channels dropped or failed, rate limited per channel.
function Set:report(force)
	local now = clock()
	if not force and now == self.last_report then return end
	self.last_report = now
	for _, ch in ipairs(self.native) do ch:report(now, force) end
end

function Set:emit(alert)
	local th = self.throttle
	if th and not th:allow(alert) then return end
	local list = self.list
	for i = 1, #list do list[i]:emit(alert) end
	if self.last_report ~= clock() then self:report() end
end

function Set:flush()
	for _, ch in ipairs(self.list) do
		if ch.flush then ch:flush() end
	end
	self:report()
end

-- The plugin files (hot reload watches them).
function Set:files()
	return self.plugin_files
end

-- SIGUSR1: files are reopened before their next write (log rotation).
function Set:reopen()
	for _, ch in ipairs(self.native) do ch:reopen() end
end

-- { [channel name] = {queued, sent, dropped, failed, errors, pending,
-- disabled, last_error}, throttled = n }
function Set:stats()
	local out = { throttled = self.throttle and self.throttle.total or 0 }
	for _, ch in ipairs(self.native) do out[ch.name] = ch.final or ch:stats() end
	return out
end

-- Deliver what is queued (all channels share one deadline), then stop.
function Set:close(ms)
	local deadline = clock() + math.ceil((ms or 3000) / 1000)
	for _, ch in ipairs(self.list) do
		if ch.drain then ch:drain(math.max(0, deadline - clock()) * 1000) end
	end
	for _, ch in ipairs(self.list) do
		if ch.c then ch:close(0) elseif ch.close then ch:close() end
	end
	if self.throttle and self.throttle.total > 0 then
		log.info("outputs: %d alerts suppressed by throttling", self.throttle.total)
	end
end

return M
