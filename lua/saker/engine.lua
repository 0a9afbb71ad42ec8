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
local clock = os.time

local SIGHUP, SIGINT, SIGUSR1, SIGTERM = 1, 2, 10, 15
M.SIGHUP, M.SIGUSR1 = SIGHUP, SIGUSR1

-- s: context; rs: compiled ruleset (eval, rules); outs: output channel set.
-- opts: {first = bool (rule_matching first), duration = seconds or nil,
--        drops = a saker.drops monitor or nil,
--        on_signal = function(sig) for SIGHUP/SIGUSR1, may return a new ruleset}.
-- Returns why it stopped: "signal" (SIGINT/SIGTERM), "duration" or "drops".
function M.run(s, rs, outs, opts)
	local eval, rules = rs.eval, rs.rules
	local hits = {} -- filled by eval[type]: indices into rules, in rule order
	local last = opts.first and 1 or math.huge
	local deadline = opts.duration and clock() + opts.duration
	local drops = opts.drops
	local last_sec = clock()

	-- Once a second: the drop monitor and the duration.
	local function tick()
		local now = clock()
		if now == last_sec then return nil end
		last_sec = now
		if drops and drops:check(now) == "exit" then return "drops" end
		if deadline and now >= deadline then return "duration" end
		return nil
	end

	local n = 0
	local ev -- the context's event: one address for its life (saker.h)
	while true do
		local p = saker_next(s, 100)
		if p ~= nil then
			if ev == nil then ev = p end
			local nhits = eval[ev.type](hits)
			if nhits > 0 then
				for i = 1, nhits < last and nhits or last do
					local r = rules[hits[i]]
					local msg, fields = r.format()
					outs:emit(alert.build(r, ev.ts, msg, fields))
				end
			end
			n = n + 1
			if n >= 65536 then
				n = 0
				local why = tick()
				if why then return why end
			end
		else
			local sig = signal_take()
			if sig == SIGINT or sig == SIGTERM then return "signal" end
			if sig ~= 0 and opts.on_signal then
				local new = opts.on_signal(sig)
				if new then eval, rules = new.eval, new.rules end
			end
			local why = tick()
			if why then return why end
			outs:flush()
		end
	end
end

-- --dump: every event, one line each, the way sysdig prints them.
function M.dump(s, opts)
	local buf = core.ffi.new("char[?]", 8192)
	local deadline = opts.duration and clock() + opts.duration
	local out = io.stdout
	while true do
		local ev = saker_next(s, 100)
		if ev ~= nil then
			local n = C.saker_dump_line(s, buf, 8192)
			if n > 0 then out:write(core.ffi.string(buf, n), "\n") end
			if opts.unbuffered then out:flush() end
		else
			local sig = signal_take()
			if sig == SIGINT or sig == SIGTERM then return end
			if deadline and clock() >= deadline then return end
			out:flush()
		end
	end
end

return M
