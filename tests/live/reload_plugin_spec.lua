-- SPDX-License-Identifier: Apache-2.0
-- Hot reload of an output plugin: a changed plugin file closes the old
-- instance and starts the new one; a plugin that no longer loads keeps the
-- old instance (and the old rules), with an error and an internal alert.
local agent = require("agent")

local describe_live = agent.is_root() and describe or pending

local PLUGIN = [[
local h = require("saker.outputs.helpers")
local P = { schema = { path = { type = "string", required = true } } }
local path
function P.init(c) path = c.path end
function P.emit(a) h.file_append(path, "%s " .. a.rule .. "\n") end
function P.close() h.file_append(path, "closed %s\n") end
return P
]]

describe_live("hot reload of a plugin", function()
	local a, dir

	local function plugin(version)
		agent.write(dir .. "/marker.lua.tmp", PLUGIN:format(version, version))
		assert.is_true(agent.sh("mv " .. dir .. "/marker.lua.tmp " .. dir .. "/marker.lua"))
	end

	local wait_for = agent.wait_for

	local seq = 0
	-- Trigger the rule and wait until the plugin wrote a line for it.
	local function trigger()
		seq = seq + 1
		agent.write(string.format("%s/hit-%d", dir, seq), "x")
		local before = agent.read(dir .. "/plugin.out")
		return wait_for(function() return #agent.read(dir .. "/plugin.out") > #before end)
	end

	local function last_line()
		local out = agent.read(dir .. "/plugin.out")
		return out:match("([^\n]*)\n$")
	end

	setup(function()
		dir = agent.tmpdir()
		plugin("v1")
		agent.write(dir .. "/saker.yaml", string.format([[
outputs:
  plugins:
    - name: marker
      path: %s/marker.lua
      config: {path: %s/plugin.out}
]], dir, dir))
		agent.write(dir .. "/rules.yaml", string.format([[
- rule: plugin hit
  desc: a hit file written
  condition: evt.type in (open, openat) and fd.name startswith "%s/hit-"
  output: hit %%fd.name
  priority: NOTICE
]], dir))
		a = agent.spawn("-c " .. dir .. "/saker.yaml -r " .. dir .. "/rules.yaml")
	end)

	teardown(function()
		if a then a:cleanup() end
		agent.sh("rm -rf " .. dir)
	end)

	it("starts the plugin", function()
		assert.is_true(trigger(), a:stderr())
		assert.equal("v1 plugin hit", last_line())
	end)

	it("closes the old instance and starts the new one when the file changes", function()
		local n = a:reloads()
		plugin("v2")
		assert.is_true(a:wait_reload(n), a:stderr())
		assert.is_truthy(agent.read(dir .. "/plugin.out"):find("closed v1\n", 1, true))
		assert.is_true(trigger(), a:stderr())
		assert.equal("v2 plugin hit", last_line())
	end)

	it("keeps the old instance when the new file does not load", function()
		local n = a:reloads()
		agent.write(dir .. "/marker.lua.tmp", "return { emit = function( }")
		assert.is_true(agent.sh("mv " .. dir .. "/marker.lua.tmp " .. dir .. "/marker.lua"))
		assert.is_true(a:wait_reload(n), a:stderr())
		assert.is_truthy(a:stderr():find("failed: the previous rules keep running", 1, true))
		assert.is_truthy(a:wait_alert(function(x) return x.rule == "Falco internal: hot restart failure" end))
		assert.is_true(trigger(), a:stderr())
		assert.equal("v2 plugin hit", last_line())
		assert.is_true(a:alive())
	end)
end)
