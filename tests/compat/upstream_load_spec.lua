-- SPDX-License-Identifier: Apache-2.0
-- Falco's upstream rules files load and collect with zero errors: stable,
-- incubating and sandbox together, and the deprecated file on its own.
-- They live beside the repository in ../shared/upstream-rules.
local load = require("saker.rules.load")

local function upstream_dir()
	local src = debug.getinfo(1, "S").source:sub(2)
	local repo = src:match("^(.*)/tests/compat/[^/]+$") or "."
	local dir = repo .. "/../shared/upstream-rules"
	local f = io.open(dir .. "/falco_rules.yaml", "rb")
	if not f then return nil, dir end
	f:close()
	return dir
end

local function errors_of(diags)
	local out = {}
	for _, d in ipairs(diags) do
		if d.level == "error" then out[#out + 1] = load.format_diag(d) end
	end
	return out
end

describe("upstream rules load", function()
	local dir, missing = upstream_dir()
	if not dir then
		pending("upstream rules not found at " .. missing .. ": compat skipped")
		return
	end

	it("stable + incubating + sandbox load together with zero errors", function()
		local rs, diags = load.ruleset({
			dir .. "/falco_rules.yaml",
			dir .. "/falco-incubating_rules.yaml",
			dir .. "/falco-sandbox_rules.yaml",
		})
		assert.same({}, errors_of(diags))
		assert.same({}, diags) -- not even a warning
		assert.is_true(#rs.rules > 50)
		assert.equal("0.57.0", rs.required_engine_version)
		-- every rule is complete and located
		for _, r in ipairs(rs.rules) do
			assert.is_string(r.condition, r.name)
			assert.is_string(r.output, r.name)
			assert.is_string(r.desc, r.name)
			assert.is_number(r.priority_num, r.name)
			assert.is_number(r.cond_loc.line, r.name)
			assert.is_number(r.output_loc.line, r.name)
			assert.equal(r, rs.rule_by_name[r.name])
		end
		for name, m in pairs(rs.macros) do
			assert.is_string(m.condition, name)
			assert.is_number(m.cond_loc.line, name)
		end
		for name, l in pairs(rs.lists) do
			assert.is_table(l.items, name)
		end
		-- a rule known to be in the stable file, its tags as written
		local r = rs.rule_by_name["Terminal shell in container"]
		assert.is_table(r)
		assert.equal("Notice", r.priority)
		assert.is_true(#r.tags > 0)
	end)

	it("the deprecated file loads on its own with zero errors", function()
		local rs, diags = load.ruleset({ dir .. "/falco-deprecated_rules.yaml" })
		assert.same({}, errors_of(diags))
		assert.is_true(#rs.rules > 0)
	end)
end)
