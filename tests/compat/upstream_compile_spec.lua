-- SPDX-License-Identifier: Apache-2.0
-- Falco's own rules files (../shared/upstream-rules) load and compile with
-- no error: every field resolves, every operator fits, every rule gets a
-- match function, an output formatter and an evt.type index.
local core = require("saker.core")
local compile = require("saker.rules.compile")
local has_load, load = pcall(require, "saker.rules.load")

local DIR = core.home .. "/../shared/upstream-rules/"

local function errors(diags)
	local out = {}
	for _, d in ipairs(diags) do
		if d.level == "error" then
			out[#out + 1] = string.format("%s:%s:%s: %s: %s", tostring(d.file), tostring(d.line),
				tostring(d.col), tostring(d.name), d.msg)
		end
	end
	return out
end

local function check_files(names)
	local paths = {}
	for i, n in ipairs(names) do paths[i] = DIR .. n end
	local rs, ldiags = load.ruleset(paths)
	assert.are.same({}, errors(ldiags))
	local s = assert(core.open({ live = false }))
	local c, diags = compile.ruleset(rs, s, {})
	assert.are.same({}, errors(diags))
	assert.are.equal(#rs.rules, #c.rules)
	for _, r in ipairs(c.rules) do
		assert.is_function(r.match, r.name)
		assert.is_function(r.format, r.name)
		assert.is_table(r.evttypes, r.name .. " has no evt.type index")
		assert.is_boolean(r.match())
	end
	assert.is_table(c.interest)
	return c
end

describe("upstream rules", function()
	if not has_load then
		pending("saker.rules.load is not there yet")
		return
	end

	it("stable rules compile", function()
		local c = check_files({ "falco_rules.yaml" })
		local names = {}
		for _, n in ipairs(c.interest) do names[n] = true end
		assert.is_true(names.execve and names.openat and names.connect and true or false)
	end)

	it("stable + incubating compile", function()
		check_files({ "falco_rules.yaml", "falco-incubating_rules.yaml" })
	end)

	it("stable + sandbox compile", function()
		check_files({ "falco_rules.yaml", "falco-sandbox_rules.yaml" })
	end)

	it("stable + incubating + sandbox compile together", function()
		local c = check_files({ "falco_rules.yaml", "falco-incubating_rules.yaml", "falco-sandbox_rules.yaml" })
		assert.is_true(#c.rules >= 90, "only " .. #c.rules .. " rules")
	end)
end)
