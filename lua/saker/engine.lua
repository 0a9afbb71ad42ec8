-- SPDX-License-Identifier: Apache-2.0
-- saker.engine: the event loop. Pulls one event at a time from the C core
-- (the core drains the ring buffer in batches), runs the evaluation function
-- of the event's type (all its rules, compiled together: rules/plan.lua), and
-- hands alerts to the output channels. Nothing on the
-- per-event path allocates; only a matching rule builds an alert.
local core = require("saker.core")
local alert = require("saker.alert")

local M = {}

local C = core.C
local saker_next, signal_take = C.saker_next, C.saker_signal_take

local clock_ms = require("saker.clock").ms
local CHECK_EVERY = 64  -- events between two looks at the clock while events flow
local TICK_MS = 20      -- and the time between two ticks then

-- rt: what the loop runs, which tick may replace between two events:
--   rt.eval, rt.rules (a compiled ruleset), rt.outs (the output channels),
--   rt.first (rule_matching first), rt.record (saker.record, or nil).
-- tick(sig): called when the loop is idle, with the signal caught (0 if
-- none), and every TICK_MS or so with 0 while events flow. It returns nil to go on,
-- "swap" after replacing parts of rt, or a reason to stop, which run
-- returns. No event is lost or seen twice across a swap: the loop is the
-- only reader of events and swaps between two of them.
function M.run(s, rt, tick)
	local eval, rules, outs, last, on_match, matches, record
	local function take()
		eval, rules, outs, on_match, matches = rt.eval, rt.rules, rt.outs, rt.on_match, rt.matches
		record = rt.record
		last = rt.first and 1 or math.huge
	end
	take()
	local hits = {} -- filled by eval[kind]: indices into rules, in rule order
	local n, next_tick = 0, clock_ms() + TICK_MS
	local ev -- the context's event: one address for its life (saker.h)
	while true do
		local p = saker_next(s, 50)
		local why
		if p ~= nil then
			if ev == nil then ev = p end
			local nhits = eval[ev.kind](hits)
			if nhits > 0 then
				if on_match then on_match() end -- rt.on_match: -w --write-window keeps the event
				for i = 1, nhits < last and nhits or last do
					local r = rules[hits[i]]
					local name = r.name
					matches[name] = (matches[name] or 0) + 1
					local msg, fields = r.format()
					outs:emit(alert.build(r, ev.ts, msg, fields))
					if record then record:fired(r, ev) end -- rt.record: Falco's capture
				end
			end
			n = n + 1
			if n >= CHECK_EVERY then
				n = 0
				local now = clock_ms()
				if now >= next_tick then
					next_tick = now + TICK_MS
					why = tick(0)
				end
			end
		else
			outs:flush()
			next_tick = clock_ms() + TICK_MS
			why = tick(signal_take())
		end
		if why == "swap" then
			take()
		elseif why then
			return why
		end
	end
end

-- --dump: every event, one line each, the way sysdig prints them, until
-- tick (as for run) gives a reason to stop.
function M.dump(s, unbuffered, tick)
	local buf = core.ffi.new("char[?]", 8192)
	local out = io.stdout
	local count = 0
	while true do
		local why
		if saker_next(s, 50) ~= nil then
			local n = C.saker_dump_line(s, buf, 8192)
			if n > 0 then out:write(core.ffi.string(buf, n), "\n") end
			if unbuffered then out:flush() end
			count = count + 1
			if count >= CHECK_EVERY then
				count = 0
				why = tick(0)
			end
		else
			out:flush()
			why = tick(signal_take())
		end
		if why and why ~= "swap" then return why end
	end
end

return M
