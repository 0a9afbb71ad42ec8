-- SPDX-License-Identifier: Apache-2.0
-- saker.record: Falco's `capture` config. When a rule fires (one with
-- `capture: true`, or any with `capture.mode: all_rules`), the core writes
-- a .scap file: the state tables, the event that fired, then every event
-- for the rule's `capture_duration` (or `capture.default_duration`), in
-- milliseconds. Another firing meanwhile extends the same file. Files are
-- named <path_prefix>_<event time in ns>_<evt.num>.scap and never
-- overwrite one that exists.
local core = require("saker.core")
local clock = require("saker.clock")
local log = require("saker.log")

local ffi, C = core.ffi, core.C
local fmt = string.format

local M = {}
local Rec = {}
Rec.__index = Rec

local RETRY_MS = 1000 -- after a file cannot be made, the next try

-- cfg.capture; live: a recording also ends when the clock passes its end
-- (a quiet host may send no later event). nil when capture is off.
function M.new(s, cfg, live)
	local c = cfg.capture
	if not c or c.enabled ~= true then return nil end
	return setmetatable({ s = s, prefix = c.path_prefix, all = c.mode == "all_rules",
		default_ms = c.default_duration, live = live, err = ffi.new("char[256]"),
		retry_at = 0 }, Rec)
end

local function digits(u64) return (tostring(u64):gsub("U?LL$", "")) end

-- Log a recording that ended; now_ns (0 in replay) ends one past its end.
function Rec:poll(now_ns)
	if not self.path then return end
	local n = C.saker_record_ended(self.s, now_ns)
	if n > 0 then
		log.info("capture: wrote %s (%s events)", self.path, digits(n))
		self.path = nil
	end
end

-- Rule r fired on event ev.
function Rec:fired(r, ev)
	if not (self.all or r.capture) then return end
	self:poll(0)
	local ms = r.capture_duration or self.default_ms
	local until_ns = ev.ts + ms * 1000000ULL
	if self.path then
		C.saker_record(self.s, self.path, until_ns, nil, 0)
		return
	end
	local now = clock.ms()
	if now < self.retry_at then return end
	local path = fmt("%s_%s_%s.scap", self.prefix, digits(ev.ts), digits(ev.num))
	if C.saker_record(self.s, path, until_ns, self.err, 256) < 0 then
		log.warning("capture: %s", ffi.string(self.err))
		self.retry_at = now + RETRY_MS
		return
	end
	self.path = path
	log.info("capture: recording %s for %d ms (rule '%s')", path, ms, r.name)
end

-- From the loop's tick.
function Rec:tick()
	self:poll(self.live and clock.realtime_ns() or 0)
end

-- At the agent's end: what is recorded so far is the file.
function Rec:close()
	self:poll(0xffffffffffffffffULL)
end

return M
