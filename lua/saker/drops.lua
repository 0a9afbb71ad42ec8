-- SPDX-License-Identifier: Apache-2.0
-- saker.drops: Falco's syscall_event_drops. Once a second the runtime asks
-- check(); when the probe dropped events in that second and the share of
-- drops is above `threshold`, the configured actions run (log, alert, exit;
-- ignore does nothing), at most `rate` times a second with bursts of
-- `max_burst` (a token bucket), as Falco does.
local core = require("saker.core")
local log = require("saker.log")
local version = require("saker.version")
local clock = require("saker.clock")

local M = {}

local C, ffi = core.C, core.ffi

local Mon = {}
Mon.__index = Mon

-- emit(rule, msg, fields): raises an internal alert (source "internal").
function M.new(s, cfg, emit)
	local d = cfg.syscall_event_drops or {}
	local actions = {}
	for _, a in ipairs(d.actions or {}) do actions[a] = true end
	local m = setmetatable({
		s = s, emit = emit, actions = actions,
		threshold = d.threshold or 0.1,
		rate = d.rate or 0.03333, burst = d.max_burst or 1,
		st = ffi.new("struct saker_stats"),
		last_events = 0, last_drops = 0, last_t = clock.ms() / 1000,
	}, Mon)
	m.tokens = m.burst
	C.saker_stats_get(s, m.st)
	m.last_events, m.last_drops = tonumber(m.st.events), tonumber(m.st.drops)
	return m
end

-- now: seconds on saker.clock. Returns "exit" when an exit action fired.
function Mon:check(now)
	local dt = now - self.last_t
	if dt < 1 then return nil end
	self.tokens = math.min(self.burst, self.tokens + dt * self.rate)
	self.last_t = now
	C.saker_stats_get(self.s, self.st)
	local events, drops = tonumber(self.st.events), tonumber(self.st.drops)
	local n_evts, n_drops = events - self.last_events, drops - self.last_drops
	self.last_events, self.last_drops = events, drops
	if n_drops <= 0 then return nil end
	local ratio = n_drops / (n_evts + n_drops)
	if ratio <= self.threshold or self.tokens < 1 then return nil end
	self.tokens = self.tokens - 1
	local msg = string.format("Falco internal: syscall event drop. %d system calls dropped in last second.",
		n_drops)
	if self.actions.log then log.warning("%s", msg) end
	if self.actions.alert then
		self.emit({ name = "Falco internal: syscall event drop", priority = "Debug", priority_num = 7,
			source = "internal", tags = {} }, msg, {
			n_drops = n_drops, n_evts = n_evts, ebpf_enabled = 1,
			["saker.version"] = version.saker,
		})
	end
	if self.actions.exit then
		log.error("exiting: syscall event drops over the threshold (syscall_event_drops.actions has exit)")
		return "exit"
	end
	return nil
end

return M
