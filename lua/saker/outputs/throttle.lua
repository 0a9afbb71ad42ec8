-- SPDX-License-Identifier: Apache-2.0
-- saker.outputs.throttle: per-rule limits on alerts, off by default
-- (outputs.throttle.enabled), so that a flood of one rule cannot bury the
-- others. Two checks, on the alert's own time:
--   token bucket per rule: `rate` alerts a second, bursts of `burst`;
--   dedup window: an alert whose rule and dedup_fields values were seen
--   less than `dedup_window` seconds ago is dropped (0: off).
-- allow(alert) -> true, or false when suppressed (counted per rule).
local M = {}

local Th = {}
Th.__index = Th

function M.new(tcfg)
	if not tcfg or tcfg.enabled ~= true then return nil end
	return setmetatable({
		rate = tonumber(tcfg.rate) or 1, burst = tonumber(tcfg.burst) or 10,
		window = tonumber(tcfg.dedup_window) or 0, fields = tcfg.dedup_fields or {},
		buckets = {}, seen = {}, suppressed = {}, total = 0, last_sweep = 0,
	}, Th)
end

local function secs(a)
	return tonumber(a.ts) / 1e9
end

function Th:key(a)
	local parts = { a.rule }
	local f = a.output_fields or {}
	for i, name in ipairs(self.fields) do parts[i + 1] = tostring(f[name]) end
	return table.concat(parts, "\0")
end

-- Forget dedup keys older than the window, once a window.
function Th:sweep(now)
	if now - self.last_sweep < self.window then return end
	self.last_sweep = now
	for k, t in pairs(self.seen) do
		if now - t >= self.window then self.seen[k] = nil end
	end
end

function Th:allow(a)
	local now = secs(a)
	local ok = true
	if self.window > 0 then
		self:sweep(now)
		local k = self:key(a)
		local t = self.seen[k]
		if t and now - t < self.window then ok = false else self.seen[k] = now end
	end
	if ok and self.rate > 0 then
		local b = self.buckets[a.rule]
		if not b then
			b = { tokens = self.burst, t = now }
			self.buckets[a.rule] = b
		end
		b.tokens = math.min(self.burst, b.tokens + (now - b.t) * self.rate)
		b.t = now
		if b.tokens >= 1 then b.tokens = b.tokens - 1 else ok = false end
	end
	if not ok then
		self.suppressed[a.rule] = (self.suppressed[a.rule] or 0) + 1
		self.total = self.total + 1
	end
	return ok
end

return M
