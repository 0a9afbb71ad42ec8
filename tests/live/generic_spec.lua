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

	it("base_syscalls.custom_set adds a syscall no rule names, and !name takes one away", function()
		local b = agent.start(string.format([[
- rule: wide %s
  desc: names no syscall, so asks the kernel for no generic event
  condition: evt.type != switch and proc.name = perl and proc.cmdline contains %s
  output: "%%evt.type by %%proc.name"
  priority: NOTICE
  warn_evttypes: false
- rule: sendto %s
  desc: a syscall the custom set takes away
  condition: evt.type = sendto and proc.name = perl and proc.cmdline contains %s
  output: "sendto by %%proc.name"
  priority: NOTICE
]], tag, tag, tag, tag), "-o 'base_syscalls.custom_set=[getppid, \"!sendto\"]'")
		finally(function() b:cleanup() end)
		assert.is_true(agent.sh("perl -MSocket -e 'getppid(); socket(my $s, PF_INET, SOCK_DGRAM, 0); "
			.. "send($s, \"x\", 0, pack_sockaddr_in(9, inet_aton(\"127.0.0.1\"))); # " .. tag .. "'"))
		local al = b:wait_alert(function(x)
			return x.rule == "wide " .. tag and x.output_fields["evt.type"] == "getppid"
		end)
		assert.is_table(al, b:stderr())
		-- the wide rule saw the decoded syscalls too, so the stream was there
		assert.is_table(b:wait_alert(function(x)
			return x.rule == "wide " .. tag and x.output_fields["evt.type"] == "socket"
		end))
		for _, x in ipairs(b:alerts()) do assert.are_not.equal("sendto " .. tag, x.rule) end
	end)
end)

