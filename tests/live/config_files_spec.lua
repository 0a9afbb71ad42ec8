-- SPDX-License-Identifier: Apache-2.0
-- falco.yaml's config_files, live: a drop-in directory is merged after the
-- main config at start, and editing a drop-in hot-reloads the agent.
local agent = require("agent")

local describe_live = agent.is_root() and describe or pending

describe_live("config_files", function()
	local dir

	setup(function() dir = agent.tmpdir() end)
	teardown(function() agent.sh("rm -rf " .. dir) end)

	it("applies a drop-in at start and reloads when it changes", function()
		local tag = dir:match("([^/]+)$")
		agent.sh("mkdir -p " .. dir .. "/rules " .. dir .. "/conf.d")
		agent.write(dir .. "/rules/r.yaml", string.format([[
- rule: config files %s
  desc: runs only when the drop-in lets notices through
  condition: evt.type in (open, openat) and fd.name startswith %s/marker
  output: "marker %%fd.name"
  priority: NOTICE
]], tag, dir))
		agent.write(dir .. "/saker.yaml", string.format("rules_files: [%s/rules]\nconfig_files: [%s/conf.d]\n",
			dir, dir))
		agent.write(dir .. "/conf.d/10-priority.yaml", "priority: error\n")
		local a = agent.spawn("-c " .. dir .. "/saker.yaml")
		finally(function() a:cleanup() end)
		assert.is_true(agent.sh("touch " .. dir .. "/marker1 && cat " .. dir .. "/marker1"))
		local n = a:reloads()
		agent.write(dir .. "/conf.d/10-priority.yaml", "priority: debug\n")
		assert.is_true(a:wait_reload(n), a:stderr())
		assert.is_true(agent.sh("touch " .. dir .. "/marker2 && cat " .. dir .. "/marker2"))
		assert.is_table(a:wait_alert(function(x)
			return x.rule == "config files " .. tag and x.output_fields["fd.name"] == dir .. "/marker2"
		end), a:stderr())
		-- the first open came while the drop-in kept notices out
		for _, x in ipairs(a:alerts()) do
			assert.are_not.equal(dir .. "/marker1", x.output_fields["fd.name"])
		end
	end)
end)
