-- SPDX-License-Identifier: Apache-2.0
-- Capture files: Falco's regression tests over the traces we have
-- (../shared/scap/traces/expectations/falco_trace_expectations.tsv). Each
-- row whose trace and rules files are here and whose options saker can
-- apply (priority, disabled rules, run/disabled tags, all_events) replays
-- its trace through its rules and must meet the expected detection: some
-- alert or none, and the exact count per rule where the row gives one.
package.path = "tests/compat/?.lua;" .. package.path
local core = require("saker.core")
local load = require("saker.rules.load")
local compile = require("saker.rules.compile")
local json = require("dkjson") -- lua-dkjson (make deps)
local ffi, C = core.ffi, core.C

local EXP = "../shared/scap/traces/expectations/"
local RULES = EXP .. "falco_059a2818/"
local TRACES = "../shared/scap/traces/"

local handled = { priority = true, all_events = true, disabled_rules = true,
	disable_tags = true, run_tags = true, stdout_contains = true }


local function exists(p)
	local f = io.open(p)
	if f then f:close() end
	return f ~= nil
end

local function split(s, sep)
	local out = {}
	for x in (s .. sep):gmatch("(.-)" .. sep) do if x ~= "" then out[#out + 1] = x end end
	return out
end

local function rows()
	local out = {}
	local f = assert(io.open(EXP .. "falco_trace_expectations.tsv"))
	f:read("*l")
	for line in f:lines() do
		local c = split(line:gsub("\t", "\t "), "\t")
		for i = 1, #c do c[i] = c[i]:sub(2) end
		local r = { test = c[2], trace = c[3], rules = c[4], detect = c[5], counts = c[7],
			other = json.decode(c[8] ~= "" and c[8] or "{}") }
		local name = r.trace:match("^trace_files/(.+)$")
		r.path = name and TRACES .. "falco_" .. name
		local ok = r.path and exists(r.path) and r.rules ~= "" and (r.detect == "True" or r.detect == "False")
		for k in pairs(r.other or {}) do if not handled[k] then ok = false end end
		r.rule_paths = {}
		for _, p in ipairs(split(r.rules, ",")) do
			r.rule_paths[#r.rule_paths + 1] = RULES .. p
			if not exists(RULES .. p) then ok = false end
		end
		if ok then out[#out + 1] = r end
	end
	f:close()
	return out
end

local function has_tag(rule, tags)
	for _, t in ipairs(rule.tags or {}) do
		for _, w in ipairs(tags) do if t == w then return true end end
	end
	return false
end

-- Alerts per rule name for the row's options.
local function replay(r)
	local s = assert(core.open({ read_file = r.path }))
	local rs, diags = load.ruleset(r.rule_paths)
	assert(not load.has_errors(diags), "rules do not load")
	local _, minp = load.priority(r.other.priority or "debug")
	local o = r.other
	local compiled, cdiags = compile.ruleset(rs, s, {
		min_priority_num = minp,
		enabled = function(rule)
			if rule.enabled == false then return false end
			for _, sub in ipairs(o.disabled_rules or {}) do
				if rule.name:find(sub, 1, true) then return false end
			end
			if o.disable_tags and has_tag(rule, o.disable_tags) then return false end
			if o.run_tags and not has_tag(rule, o.run_tags) then return false end
			return true
		end,
	})
	for _, d in ipairs(cdiags or {}) do assert(d.level ~= "error", d.msg) end
	local counts, hits, total = {}, {}, 0
	while true do
		local ev = C.saker_next(s, 0)
		if ev == nil then break end
		local n = compiled.eval[ev.kind](hits)
		for i = 1, n do
			local name = compiled.rules[hits[i]].name
			counts[name] = (counts[name] or 0) + 1
			total = total + 1
		end
	end
	assert(C.saker_capture_status(s, nil, 0) == 1)
	core.close(s)
	return counts, total
end

describe("Falco's expected detections on the traces", function()
	local list = rows()

	it("finds rows it can run", function()
		assert.is_true(#list >= 30, "only " .. #list .. " rows")
	end)

	for _, r in ipairs(list) do
		it(r.test .. " (" .. r.trace .. ")", function()
			local counts, total = replay(r)
			if r.detect == "True" then
				assert.is_true(total > 0, "no alert")
			else
				assert.are.equal(0, total)
			end
			for _, kv in ipairs(split(r.counts or "", ";")) do
				local name, n = kv:match("^(.*)=(%d+)$")
				assert.are.equal(tonumber(n), counts[name] or 0, name)
			end
		end)
	end
end)
