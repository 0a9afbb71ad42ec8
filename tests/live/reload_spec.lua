-- SPDX-License-Identifier: Apache-2.0
-- Hot reload with the agent running: a rules directory changes under it
-- (a file added, edited in place, renamed in, broken, deleted) and the
-- rules that fire follow, the pid never changes, a broken file keeps the
-- old rules and raises an internal alert, and a steady stream of triggering
-- events across 20 reloads loses none.
local agent = require("agent")

local describe_live = agent.is_root() and describe or pending

-- A rule that fires on an open of <dir>/<tag>-marker with this output.
local function rule(tag, dir, text)
	return string.format([[
- rule: reload %s
  desc: test rule %s
  condition: evt.type in (open, openat) and fd.name startswith "%s/%s-marker"
  output: %s %%fd.name
  priority: NOTICE
]], tag, tag, dir, tag, text or tag)
end

describe_live("hot reload", function()
	local a, rules, work


	local seq = 0
	-- Open <work>/<tag>-marker-<seq> and return the name opened.
	local function touch(tag)
		seq = seq + 1
		local name = string.format("%s/%s-marker-%d", work, tag, seq)
		agent.write(name, "x")
		return name
	end

	local function fired(tag, name, timeout)
		return a:wait_alert(function(x)
			return x.rule == "reload " .. tag and x.output_fields["fd.name"] == name
		end, timeout)
	end

	setup(function()
		rules = agent.tmpdir()
		work = agent.tmpdir()
		agent.write(rules .. "/a.yaml", rule("A", work))
		a = agent.spawn("-r " .. rules)
	end)

	teardown(function()
		if a then a:cleanup() end
		agent.sh("rm -rf " .. rules .. " " .. work)
	end)

	it("runs the rules of the directory at start", function()
		assert.is_truthy(fired("A", touch("A")), a:stderr())
	end)

	it("loads a file added to the directory", function()
		local n = a:reloads()
		agent.write(rules .. "/b.yaml", rule("B", work))
		assert.is_true(a:wait_reload(n), a:stderr())
		assert.is_truthy(fired("B", touch("B")), a:stderr())
	end)

	it("follows a rule edited in place", function()
		local n = a:reloads()
		agent.write(rules .. "/a.yaml", rule("A", work, "edited"))
		assert.is_true(a:wait_reload(n), a:stderr())
		local al = fired("A", touch("A"))
		assert.is_truthy(al, a:stderr())
		assert.is_truthy(al.output:find("edited " .. work, 1, true))
	end)

	it("loads a file renamed into the directory, as editors and ConfigMaps do", function()
		local n = a:reloads()
		agent.write(work .. "/c.tmp", rule("C", work))
		assert.is_true(agent.sh("mv " .. work .. "/c.tmp " .. rules .. "/c.yaml"))
		assert.is_true(a:wait_reload(n), a:stderr())
		assert.is_truthy(fired("C", touch("C")), a:stderr())
	end)

	it("keeps the old rules when a file is broken, and says where", function()
		local n = a:reloads()
		agent.write(rules .. "/d.yaml", "- rule: broken\n  desc: x\n  condition: proc.name = (\n  output: x\n  priority: NOTICE\n")
		assert.is_true(a:wait_reload(n), a:stderr())
		assert.is_truthy(a:stderr():find(rules .. "/d.yaml:3:", 1, true), a:stderr())
		local internal = a:wait_alert(function(x) return x.rule == "Falco internal: hot restart failure" end)
		assert.is_truthy(internal, a:stderr())
		assert.equal("internal", internal.source)
		assert.is_truthy(internal.output:find("d.yaml:3:", 1, true))
		for _, tag in ipairs({ "A", "B", "C" }) do
			assert.is_truthy(fired(tag, touch(tag)), tag)
		end
	end)

	it("drops the rules of a deleted file", function()
		local n = a:reloads()
		os.remove(rules .. "/d.yaml")
		assert.is_true(a:wait_reload(n), a:stderr())
		n = a:reloads()
		os.remove(rules .. "/b.yaml")
		assert.is_true(a:wait_reload(n), a:stderr())
		local b = touch("B")
		-- A after B: once A's alert is in, B's would have been too
		assert.is_truthy(fired("A", touch("A")), a:stderr())
		assert.is_nil(fired("B", b, 0.1))
	end)

	it("loses no event across 20 reloads under a steady stream", function()
		local n = a:reloads()
		agent.write(rules .. "/s.yaml", rule("S", work))
		assert.is_true(a:wait_reload(n), a:stderr())
		-- the stream: opens until told to stop, then the count in the done file
		local stop, done = work .. "/stream.stop", work .. "/stream.done"
		agent.sh(string.format([[python3 -c '
import os, time
n = 0
while not os.path.exists("%s"):
    fd = os.open("%s/S-marker-stream-%%d" %% (n %% 16), os.O_RDONLY | os.O_CREAT, 0o600); os.close(fd)
    n += 1
    if n %% 20 == 0: time.sleep(0.01)
open("%s", "w").write(str(n))' >/dev/null 2>&1 &]], stop, work, done))
		-- 20 reloads while it runs: a.yaml rewritten with the same content
		for i = 1, 20 do
			n = a:reloads()
			agent.write(rules .. "/a.yaml", rule("A", work, "edited"))
			assert.is_true(a:wait_reload(n), "reload " .. i .. ": " .. a:stderr())
		end
		agent.write(stop, "")
		local count
		for _ = 1, 50 do
			count = tonumber(agent.read(done))
			if count then break end
			agent.sleep(0.1)
		end
		assert.is_truthy(count, "the stream did not finish")
		agent.sleep(1)
		local total, seen, dup = 0, {}, 0
		for _, x in ipairs(a:alerts()) do
			if x.rule == "reload S" then
				total = total + 1
				local key = string.format("%.17g", x.output_fields["evt.time"])
				if seen[key] then dup = dup + 1 end
				seen[key] = true
			end
		end
		assert.equal(count, total)
		assert.equal(0, dup)
	end)

	it("is the same process throughout", function()
		assert.is_true(a:alive())
		assert.equal("saker", agent.read("/proc/" .. a.pid .. "/comm"):match("^(%S+)"))
		assert.is_falsy(a:stderr():find("internal error", 1, true))
	end)
end)
