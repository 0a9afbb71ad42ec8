-- SPDX-License-Identifier: Apache-2.0
-- saker.metrics: snapshots of the agent's counters, as falco.yaml's
-- `metrics` section asks for them: every `interval`, a "Falco internal:
-- metrics snapshot" alert (output_rule) and/or a JSON line appended to
-- output_file, with Falco's field names. The webserver's /metrics reads
-- the same snapshot (web.lua). Made on the runtime's tick, never per event.
local core = require("saker.core")
local json = require("saker.json")
local version = require("saker.version")

local C, ffi = core.C, core.ffi

local M = {}
local S = {}
S.__index = S

local UNIT_MS = { ms = 1, s = 1000, m = 60000, h = 3600000, d = 86400000, w = 604800000 }

-- "15m", "1h30m", "30s", "500ms" -> milliseconds, or nil.
function M.interval_ms(text)
	text = tostring(text or "")
	if text == "" then return nil end
	local total, pos = 0, 1
	while pos <= #text do
		local n, unit, nxt = text:match("^(%d+)(%a+)()", pos)
		if not n or not UNIT_MS[unit] then return nil end
		total = total + tonumber(n) * UNIT_MS[unit]
		pos = nxt
	end
	return total > 0 and total or nil
end

-- A config error for config.validate, or nil.
function M.check(cfg)
	local m = cfg.metrics or {}
	if m.enabled ~= true then return nil end
	local ms = M.interval_ms(m.interval)
	if not ms then
		return string.format("metrics.interval '%s' is not a duration (e.g. 15m, 1h, 30s, 1h30m)",
			tostring(m.interval))
	end
	if ms < 100 then return "metrics.interval must be at least 100ms" end
	return nil
end

local read = require("saker.fs").read

local CLK_TCK = 100

-- The agent's CPU time in s, and its RSS and VSZ in KiB.
function M.self_usage()
	local stat = read("/proc/self/stat") or ""
	local rest = stat:match("%) (.*)$") or ""
	local f = {}
	for w in rest:gmatch("%S+") do f[#f + 1] = w end
	local cpu = ((tonumber(f[12]) or 0) + (tonumber(f[13]) or 0)) / CLK_TCK
	local vsz = (tonumber(f[21]) or 0) / 1024
	local rss = (tonumber(f[22]) or 0) * 4
	return cpu, rss, vsz
end

local NS = ffi.new("uint64_t", 1000000000)

-- ns since the epoch (whole seconds), as a uint64 that JSON writes whole
local function epoch_ns(sec)
	return ffi.new("uint64_t", math.floor(sec)) * NS
end

local function boot_ns()
	local up = tonumber((read("/proc/uptime") or ""):match("^(%S+)")) or 0
	return epoch_ns(os.time() - up)
end

local function round2(x)
	return math.floor(x * 100 + 0.5) / 100
end

-- Alerts the output channels' queues dropped, all channels.
function M.output_drops(rt)
	local n = 0
	for _, ch in pairs(rt.outs:stats()) do
		if type(ch) == "table" then n = n + (tonumber(ch.dropped) or 0) end
	end
	return n
end

-- A snapshot maker for one runtime (its context, outputs, rule counts).
function M.new(rt)
	local cpu = M.self_usage()
	return setmetatable({ rt = rt, start = os.time(), st = ffi.new("struct saker_stats"),
		prev = { events = 0, received = 0, drops = 0, cpu = cpu, t = os.time() } }, S)
end

-- The counters now, with Falco's names (output_fields of the alert).
function S:snapshot()
	local rt, st, prev = self.rt, self.st, self.prev
	C.saker_stats_get(rt.s, st)
	local now = os.time()
	local events, received, drops = tonumber(st.events), tonumber(st.received), tonumber(st.drops)
	local cpu, rss, vsz = M.self_usage()
	local dt = math.max(1, now - prev.t)
	local out_drops = M.output_drops(rt)
	local total = 0
	local per_rule = {}
	for name, n in pairs(rt.matches) do
		total = total + n
		per_rule[name] = n
	end
	local m = rt.cfg.metrics or {}
	local snap = {
		["evt.source"] = "syscall",
		["evt.hostname"] = require("saker.alert").hostname,
		["falco.version"] = version.saker,
		["falco.start_ts"] = epoch_ns(self.start),
		["falco.duration_sec"] = now - self.start,
		["falco.host_boot_ts"] = boot_ns(),
		["falco.host_num_cpus"] = tonumber(st.ncpus),
		["falco.kernel_release"] = (read("/proc/sys/kernel/osrelease") or ""):gsub("%s+$", ""),
		["falco.num_evts"] = events,
		["falco.num_evts_prev"] = prev.events,
		["falco.evts_rate_sec"] = round2((events - prev.events) / dt),
		["falco.outputs_queue_num_drops"] = out_drops,
		["scap.engine_name"] = "saker_bpf",
	}
	if m.resource_utilization_enabled ~= false then
		snap["falco.cpu_usage_perc"] = round2(100 * (cpu - prev.cpu) / dt)
		if m.convert_memory_to_mb ~= false then
			snap["falco.memory_rss_mb"], snap["falco.memory_vsz_mb"] = round2(rss / 1024), round2(vsz / 1024)
		else
			snap["falco.memory_rss_kb"], snap["falco.memory_vsz_kb"] = rss, vsz
		end
	end
	if m.state_counters_enabled ~= false then
		snap["falco.n_threads"], snap["falco.n_fds"] = tonumber(st.threads), tonumber(st.fds)
	end
	if m.kernel_event_counters_enabled ~= false then
		local n_evts, n_drops = received - prev.received, drops - prev.drops
		snap["scap.n_evts"], snap["scap.n_evts_prev"] = received, prev.received
		snap["scap.n_drops"], snap["scap.n_drops_prev"] = drops, prev.drops
		snap["scap.n_drops_perc"] = n_evts + n_drops > 0 and round2(100 * n_drops / (n_evts + n_drops)) or 0
	end
	if m.rules_counters_enabled ~= false then
		snap["falco.rules.matches_total"] = total
		for name, n in pairs(per_rule) do snap["falco.rules." .. name] = n end
	end
	self.prev = { events = events, received = received, drops = drops, cpu = cpu, t = now }
	return snap
end

M.RULE = { name = "Falco internal: metrics snapshot", priority = "Informational", priority_num = 6,
	source = "internal", tags = {} }
M.MESSAGE = "Falco metrics snapshot"

-- For metrics.output_file: the snapshot as one JSON line.
function M.json_line(snap, ts)
	return json.encode({ hostname = snap["evt.hostname"], output = M.MESSAGE, output_fields = snap,
		priority = M.RULE.priority, rule = M.RULE.name, source = "internal",
		time = require("saker.alert").iso_time(ts) }) .. "\n"
end

return M
