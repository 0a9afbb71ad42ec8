-- SPDX-License-Identifier: Apache-2.0
-- Command-line flags that only show with the probe running: -A (every
-- syscall, undecoded ones as generic events) and -P (a pid file for the
-- agent's life).
local agent = require("agent")

local describe_live = agent.is_root() and describe or pending

describe_live("command line, live", function()
	local dir

	setup(function() dir = agent.tmpdir() end)
	teardown(function() agent.sh("rm -rf " .. dir) end)

	it("-A with --dump shows syscalls no rule names, by their own name", function()
		local tag = dir:match("([^/]+)$")
		local p = io.popen(string.format("%s/saker --dump -A -U -M 60 >%s/dump 2>%s/err & echo $!",
			agent.home, dir, dir))
		local pid = p:read("*l")
		p:close()
		-- capturing once events come out
		assert.is_true(agent.wait_for(function() return #agent.read(dir .. "/dump") > 0 end, 10))
		local dump
		assert.is_true(agent.wait_for(function()
			agent.sh("perl -e 'getppid(); # " .. tag .. "'")
			dump = agent.read(dir .. "/dump")
			return dump:find(" perl %(%d+%) < getppid") ~= nil
		end, 10), agent.read(dir .. "/err"))
		agent.sh("kill -INT " .. pid)
		assert.is_true(agent.wait_for(function()
			return not agent.sh("kill -0 " .. pid .. " 2>/dev/null")
		end, 10))
		-- every generic event is named after its syscall
		assert.is_nil(dump:find(" < syscall ", 1, true))
	end)

	it("-P writes the agent's pid while it runs and removes the file at exit", function()
		local pidfile = dir .. "/saker.pid"
		local a = agent.spawn("-r " .. agent.home .. "/rules -P " .. pidfile)
		finally(function() a:cleanup() end)
		assert.equal(a.pid, (agent.read(pidfile):gsub("%s+$", "")))
		assert.is_true(a:stop())
		assert.is_nil(io.open(pidfile, "r"))
	end)

	it("-P to a path that cannot be written refuses to start", function()
		local ok = agent.sh(string.format("%s/saker -r %s/rules -P %s/no/such/dir/pid -M 1 >/dev/null 2>%s/perr",
			agent.home, agent.home, dir, dir))
		assert.is_false(ok)
		assert.truthy(agent.read(dir .. "/perr"):find("cannot write the pid file", 1, true))
	end)
end)
