-- SPDX-License-Identifier: Apache-2.0
-- saker.rules.build: a ruleset from rules files to compiled functions, as
-- the agent runs it: load, collect, compile with the config's selection,
-- priority minimum and rule_matching. Used at start, by -V and by hot
-- reload; never leaves a partial ruleset.
local load = require("saker.rules.load")
local compile = require("saker.rules.compile")
local selection = require("saker.selection")
local core = require("saker.core")

local M = {}

local function has_error(diags)
	for _, d in ipairs(diags) do
		if d.level == "error" then return true end
	end
	return false
end

-- Returns compiled, diags (every diag of every stage); compiled is nil when
-- any error was found. yield (optional) is called between parse and compile
-- steps.
function M.build(paths, s, cfg, yield)
	local rs, diags = load.ruleset(paths, yield)
	if has_error(diags) then return nil, diags end
	local _, min_priority = load.priority(cfg.priority)
	local compiled, cdiags = compile.ruleset(rs, s, {
		rule_matching = cfg.rule_matching,
		min_priority_num = min_priority,
		enabled = selection.make(cfg.rules),
		append_output = cfg.append_output,
		yield = yield,
	})
	for _, d in ipairs(cdiags or {}) do diags[#diags + 1] = d end
	if has_error(diags) then return nil, diags end
	compiled.files = rs.files
	return compiled, diags
end

-- Ask the kernel for the event types the ruleset needs. o.every_syscall
-- (-A, base_syscalls.all): every syscall, undecoded ones as generic events;
-- o.base (falco.yaml's base_syscalls): custom_set names more syscalls,
-- "!name" takes one the rules name away (the state tables' own stay).
-- false on failure.
function M.select(s, compiled, o)
	local C = core.C
	o = o or {}
	local base = o.base or {}
	local every = o.every_syscall or base.all == true
	local drop, extra = {}, {}
	for _, n in ipairs(base.custom_set or {}) do
		if n:sub(1, 1) == "!" then drop[n:sub(2)] = true else extra[#extra + 1] = n end
	end
	C.saker_interest_clear(s)
	if every or compiled.interest == "all" then C.saker_interest_all(s) end
	if every then
		for t = 0, C.saker_evtype_max() - 1 do
			if C.saker_evtype_generic(t) == 1 then C.saker_interest_add(s, C.saker_evtype_name(t)) end
		end
	else
		if compiled.interest ~= "all" then
			for _, name in ipairs(compiled.interest) do
				if not drop[name] then C.saker_interest_add(s, name) end
			end
		end
		for _, name in ipairs(extra) do C.saker_interest_add(s, name) end
	end
	return C.saker_interest_commit(s) >= 0
end

return M
