-- SPDX-License-Identifier: Apache-2.0
-- Shared steps of the default rules' live specs: an agent running
-- rules/saker_rules.yaml, alert assertions, and silence checks for benign
-- twins (the benign action, then a marker alert that proves the agent got
-- past it, then no alert of the rule for the benign action).
local agent = require("agent")

local M = {}

function M.start()
	return agent.start(agent.read(agent.home .. "/rules/saker_rules.yaml"))
end

local function has(list, x)
	for _, v in ipairs(list or {}) do
		if v == x then return true end
	end
	return false
end

-- The first alert of `rule` for which match(output_fields) holds.
function M.wait(a, rule, match, timeout)
	return a:wait_alert(function(x)
		return x.rule == rule and match(x.output_fields)
	end, timeout)
end

-- Asserts an alert of `rule` arrives, tagged with `threat` and MITRE tags,
-- and returns it.
function M.expect(a, rule, threat, match)
	local al = M.wait(a, rule, match)
	assert(al, "no '" .. rule .. "' alert; agent stderr:\n" .. a:stderr())
	assert(has(al.tags, threat), "tags lack " .. threat)
	local mitre, tech = false, false
	for _, t in ipairs(al.tags) do
		if t:match("^mitre_") then mitre = true end
		if t:match("^T%d%d%d%d") then tech = true end
	end
	assert(mitre and tech, "tags lack MITRE tactic or technique")
	assert(al.output_fields["proc.name"] ~= nil or al.output_fields["proc.cmdline"] ~= nil,
		"output does not name the process")
	return al
end

local marker_n = 0

-- A marker alert: a symlink to /etc/shadow named after `tag` in `dir`.
-- Waits for it, so every event before it has been through the engine.
function M.marker(a, dir)
	marker_n = marker_n + 1
	local link = string.format("%s/marker-%d", dir, marker_n)
	assert(agent.sh("ln -s /etc/shadow " .. link))
	local al = M.wait(a, "Link over sensitive file", function(f)
		return f["fs.path.target"] == link
	end, 10)
	assert(al, "marker alert missing; agent stderr:\n" .. a:stderr())
	os.remove(link)
end

-- Asserts no alert of `rule` matched, once the marker has gone through.
function M.silent(a, rule, match, dir)
	M.marker(a, dir)
	for _, x in ipairs(a:alerts()) do
		if x.rule == rule and match(x.output_fields) then
			error("unexpected '" .. rule .. "' alert: " .. x.output)
		end
	end
end

-- `sh -c script` in a private mount namespace (tmpfs over what it mounts).
function M.private(script)
	return agent.sh("unshare -m sh -c '" .. script .. "' >/dev/null 2>&1")
end

-- A link named `name` in `dir` to `target`: the process runs with that comm.
function M.alias(dir, name, target)
	local p = dir .. "/" .. name
	assert(agent.sh(string.format("ln -sf %s %s", target, p)))
	return p
end

return M
