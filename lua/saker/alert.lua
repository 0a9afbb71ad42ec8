-- SPDX-License-Identifier: Apache-2.0
-- saker.alert: an alert as Falco shapes it. build() makes the record once
-- per alert (never on the per-event path); text() and json() render it the
-- way Falco's outputs do:
--   text: "<time>: <Priority> <output>"
--   json: {"hostname","output","output_fields","priority","rule","source",
--          "tags","time"} on one line, keys sorted.
local ffi = require("ffi")
local json = require("saker.json")

local M = {}

local floor, format, date = math.floor, string.format, os.date

local function read_hostname()
	local f = io.open("/proc/sys/kernel/hostname", "r")
	local h = f and f:read("*l")
	if f then f:close() end
	return h or os.getenv("HOSTNAME") or "localhost"
end
M.hostname = read_hostname()

local NS = 1000000000ULL

local function split(ts)
	return tonumber(ts / NS), tonumber(ts % NS)
end

-- Falco's text time: local HH:MM:SS.nnnnnnnnn, or ISO 8601 with the offset.
function M.text_time(ts, iso)
	local s, ns = split(ts)
	if iso then
		local off = date("%z", s)
		return format("%s.%09d%s", date("%Y-%m-%dT%H:%M:%S", s), ns, off)
	end
	return format("%s.%09d", date("%H:%M:%S", s), ns)
end

-- The JSON "time": UTC, nanoseconds, Z.
function M.iso_time(ts)
	local s, ns = split(ts)
	return format("%s.%09dZ", date("!%Y-%m-%dT%H:%M:%S", s), ns)
end

-- Now, as ns since the epoch, to the second (internal alerts, which no
-- event times).
function M.now()
	return ffi.new("uint64_t", os.time()) * NS
end

-- rule: a compiled rule; ts: uint64 ns since the epoch; msg, fields: what
-- the rule's output formatter returned.
function M.build(rule, ts, msg, fields, source)
	fields = fields or {}
	fields["evt.time"] = ffi.new("uint64_t", ts)
	local tags = {}
	for i, t in ipairs(rule.tags or {}) do tags[i] = t end
	table.sort(tags)
	return {
		ts = ts,
		rule = rule.name,
		priority = rule.priority,
		priority_num = rule.priority_num,
		source = source or rule.source or "syscall",
		tags = json.array(tags),
		message = msg,
		output_fields = fields,
		hostname = M.hostname,
	}
end

function M.text(a, cfg)
	return format("%s: %s %s", M.text_time(a.ts, cfg.time_format_iso_8601), a.priority, a.message)
end

-- The alert as the table its JSON form encodes (also what Lua output
-- plugins receive).
function M.table(a, cfg)
	local t = {
		hostname = a.hostname,
		priority = a.priority,
		rule = a.rule,
		source = a.source,
		time = M.iso_time(a.ts),
	}
	if cfg.json_include_output_property ~= false then t.output = M.text(a, cfg) end
	if cfg.json_include_output_fields_property ~= false then t.output_fields = a.output_fields end
	if cfg.json_include_tags_property ~= false then t.tags = a.tags end
	return t
end

function M.json(a, cfg)
	return json.encode(M.table(a, cfg))
end

return M
