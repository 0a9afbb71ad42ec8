-- SPDX-License-Identifier: Apache-2.0
-- stdout is a queued channel like the others: with stdout a pipe nobody
-- reads, capture and the file channel go on, and what stdout could not
-- take is counted as dropped.
local agent = require("agent")

local describe_live = agent.is_root() and describe or pending

describe_live("stdout output", function()
	it("never stalls capture when nobody reads it", function()
		local dir = agent.tmpdir()
		finally(function()
			agent.sh("kill -INT $(cat " .. dir .. "/pid) 2>/dev/null; sleep 1; pkill -f 'sleep 77' ; rm -rf " .. dir)
		end)
		agent.write(dir .. "/rules.yaml", string.format([[
- rule: stdout flood
  desc: every open of the flood
  condition: evt.type in (open, openat) and fd.name startswith "%s/flood-"
  output: flood %%fd.name %%proc.cmdline %%user.name %%proc.pname %%evt.time
  priority: NOTICE
]], dir))
		-- a reader that never reads: sleep holds the fifo's read end
		assert.is_true(agent.sh(string.format("mkfifo %s/fifo && (sleep 77 < %s/fifo &)", dir, dir)))
		assert.is_true(agent.sh(string.format(
			"%s/saker -r %s/rules.yaml -o file_output.enabled=true -o file_output.filename=%s/alerts"
			.. " -o file_output.keep_alive=true > %s/fifo 2> %s/err & echo $! > %s/pid",
			agent.home, dir, dir, dir, dir, dir)))
		assert.is_true(agent.wait_for(function() return agent.read(dir .. "/err"):find("rules loaded", 1, true) end, 10))
		local count = 20000
		assert.is_true(agent.sh(string.format([[python3 -c '
import os
for i in range(%d):
    os.close(os.open("%s/flood-%%d" %% (i %% 8), os.O_RDONLY | os.O_CREAT, 0o600))']], count, dir)))
		-- alerts in the file (the command line spans lines: count the rule's text)
		local function lines()
			local n = 0
			for _ in agent.read(dir .. "/alerts"):gmatch("Notice flood ") do n = n + 1 end
			return n
		end
		assert.is_true(agent.wait_for(function() return lines() >= count end, 10), "file got " .. lines())
		assert.equal(count, lines())
		local pid = agent.read(dir .. "/pid"):match("%d+")
		agent.sh("kill -INT " .. pid)
		assert.is_true(agent.wait_for(function() return not agent.sh("kill -0 " .. pid .. " 2>/dev/null") end, 10))
		local dropped = tonumber(agent.read(dir .. "/err"):match("output stdout: %d+ sent, (%d+) dropped"))
		assert.is_true(dropped and dropped > 0, agent.read(dir .. "/err"))
	end)
end)
