-- SPDX-License-Identifier: Apache-2.0
-- Per-rule throttling: a token bucket per rule and a dedup window keyed
-- by rule and chosen fields, on the alerts' own times; off by default.
local u = require("outputs_util")
local throttle = require("saker.outputs.throttle")
local outputs = require("saker.outputs")

local function at(rule, sec, fields)
	local a = u.alert(rule, "warning", fields)
	a.ts = require("ffi").new("uint64_t", sec * 1e9)
	return a
end

describe("throttle", function()
	it("is off by default", function()
		assert.is_nil(throttle.new(u.config().outputs.throttle))
	end)

	it("lets a burst through, then `rate` a second, per rule", function()
		local th = throttle.new({ enabled = true, rate = 2, burst = 3, dedup_window = 0 })
		local passed = 0
		for i = 0, 9 do
			if th:allow(at("flood", 1000 + i * 0.01)) then passed = passed + 1 end
		end
		assert.equals(3, passed) -- the burst; 0.09 s refills less than one token
		assert.is_true(th:allow(at("other", 1000.1))) -- another rule has its own bucket
		assert.is_true(th:allow(at("flood", 1000.6)))  -- 0.5 s at 2/s: one token
		assert.is_false(th:allow(at("flood", 1000.61)))
		assert.equals(8, th.suppressed.flood)
		assert.equals(8, th.total)
	end)

	it("drops repeats of the same rule and fields within the dedup window", function()
		local th = throttle.new({ enabled = true, rate = 0, burst = 1, dedup_window = 10,
			dedup_fields = { "proc.name" } })
		assert.is_true(th:allow(at("r", 100, { ["proc.name"] = "a" })))
		assert.is_false(th:allow(at("r", 105, { ["proc.name"] = "a" })))
		assert.is_true(th:allow(at("r", 105, { ["proc.name"] = "b" })))
		assert.is_true(th:allow(at("q", 105, { ["proc.name"] = "a" })))
		assert.is_true(th:allow(at("r", 111, { ["proc.name"] = "a" })))
	end)

	it("keeps one flooding rule from burying the others in a channel", function()
		local dir = u.tmpdir()
		local path = dir .. "/ev"
		local outs = outputs.open(u.config({ "file_output.enabled=true", "json_output=true",
			"file_output.filename=" .. path, "outputs.throttle.enabled=true",
			"outputs.throttle.rate=1", "outputs.throttle.burst=5" }))
		for i = 1, 1000 do outs:emit(at("flood", 50 + i * 0.001)) end
		outs:emit(at("rare", 51))
		outs:close()
		local rules = {}
		for _, l in ipairs(u.lines(path)) do
			local r = require("dkjson").decode(l).rule
			rules[r] = (rules[r] or 0) + 1
		end
		u.sh("rm -rf " .. dir)
		assert.same({ flood = 5, rare = 1 }, rules)
		assert.equals(995, outs:stats().throttled)
	end)
end)
