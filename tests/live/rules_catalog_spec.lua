-- SPDX-License-Identifier: Apache-2.0
-- The default rules as a catalog (no kernel needed): they load and compile
-- without a warning, every threat of design.md section 5 has a rule, and
-- every rule has a desc, an output naming the process, its parent and the
-- container, a priority, MITRE tags and exactly one threat tag.
local load = require("saker.rules.load")
local agent = require("agent")

local threats = {
	"privileged_container", "namespace_change", "write_etc", "write_binary_dir",
	"read_sensitive", "symlink", "chmod_chown", "network", "process_spawn", "shell", "ssh",
	"coreutils_mutation", "login_mutation", "shadowutils_mutation",
}

describe("default rules catalog", function()
	local path = agent.home .. "/rules/saker_rules.yaml"
	local rs, diags = load.ruleset({ path })

	it("load without errors or warnings", function()
		local msgs = {}
		for _, d in ipairs(diags) do msgs[#msgs + 1] = load.format_diag(d) end
		assert.same({}, msgs)
	end)

	it("pass saker -V (parse, expand, type checks, code generation)", function()
		assert.is_true(agent.sh(agent.home .. "/saker -V " .. path .. " >/dev/null 2>&1"))
	end)

	it("cover every threat, each rule with exactly one threat tag", function()
		local is_threat, covered = {}, {}
		for _, t in ipairs(threats) do is_threat[t] = true end
		for _, r in ipairs(rs.rules) do
			local n = 0
			for _, t in ipairs(r.tags) do
				if is_threat[t] then
					n = n + 1
					covered[t] = true
				end
			end
			assert.equal(1, n, r.name .. ": threat tags")
		end
		for _, t in ipairs(threats) do assert.is_true(covered[t] == true, "no rule for " .. t) end
	end)

	it("describe who did what: desc, output fields, priority, MITRE tags", function()
		for _, r in ipairs(rs.rules) do
			assert.is_true(#r.desc > 20, r.name .. ": desc")
			for _, f in ipairs({ "%proc.name", "%proc.cmdline", "%user.name", "%container.id" }) do
				if not (f == "%proc.name" and r.output:find("%proc.exepath", 1, true)) then
					assert.truthy(r.output:find(f, 1, true), r.name .. ": output lacks " .. f)
				end
			end
			assert.truthy(r.output:find("%proc.pname", 1, true) or r.output:find("%proc.pcmdline", 1, true),
				r.name .. ": output lacks the parent")
			assert.is_true(r.priority_num ~= nil, r.name .. ": priority")
			local mitre, tech = false, false
			for _, t in ipairs(r.tags) do
				if t:match("^mitre_") then mitre = true end
				if t:match("^T%d%d%d%d") then tech = true end
			end
			assert.is_true(mitre and tech, r.name .. ": MITRE tags")
		end
	end)
end)
