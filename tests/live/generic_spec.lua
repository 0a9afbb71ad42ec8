-- SPDX-License-Identifier: Apache-2.0
-- Syscalls the probe has no decoder for, live: a rule that names one
-- (evt.type = getppid, evt.type = kill) makes the kernel send it as a
-- generic event, and the rule fires with evt.type set to the syscall.
local agent = require("agent")

local describe_live = agent.is_root() and describe or pending

describe_live("generic syscalls", function()
	local a, tag

	setup(function()
		tag = "generic" .. agent.read("/proc/sys/kernel/random/uuid"):sub(1, 8)
		a = agent.start(string.format([[
- rule: getppid %s
  desc: a syscall with no event of its own
  condition: evt.type = getppid and proc.name = perl and proc.cmdline contains %s
  output: "getppid by %%proc.name (%%proc.cmdline) %%evt.type"
  priority: NOTICE
- rule: kill %s
  desc: a syscall that has events of its own in the table, not decoded by the probe
  condition: evt.type = kill and evt.dir = < and proc.name = perl and proc.cmdline contains %s
  output: "kill by %%proc.name %%evt.type"
  priority: NOTICE
]], tag, tag, tag, tag))
	end)

	teardown(function()
		if a then a:cleanup() end
	end)

	it("fires a rule on getppid, a syscall the probe does not decode", function()
		assert.is_true(agent.sh("perl -e 'getppid(); # " .. tag .. "'"))
		local al = a:wait_alert(function(x) return x.rule == "getppid " .. tag end)
		assert.is_table(al, a:stderr())
		assert.equal("getppid", al.output_fields["evt.type"])
		assert.equal("perl", al.output_fields["proc.name"])
	end)

	it("fires a rule on kill, sent as a generic event", function()
		assert.is_true(agent.sh("perl -e 'kill 0, $$; # " .. tag .. "'"))
		local al = a:wait_alert(function(x) return x.rule == "kill " .. tag end)
		assert.is_table(al, a:stderr())
		assert.equal("kill", al.output_fields["evt.type"])
		assert.equal("perl", al.output_fields["proc.name"])
	end)
end)
