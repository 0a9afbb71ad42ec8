-- SPDX-License-Identifier: Apache-2.0
-- falco.yaml's probe settings, live: syscall_buf_size_preset sizes the ring
-- buffer (2: 2 MiB), syscall_drop_failed_exit keeps failed syscalls in the
-- kernel.
local agent = require("agent")

local describe_live = agent.is_root() and describe or pending

-- max_entries of the agent's BPF ring buffer map, from its fds' fdinfo
local function ring_bytes(pid)
	local p = io.popen("grep -l '^map_type:[[:space:]]*27$' /proc/" .. pid .. "/fdinfo/* 2>/dev/null")
	local file = p:read("*l")
	p:close()
	if not file then return nil end
	return tonumber(agent.read(file):match("max_entries:%s*(%d+)"))
end

describe_live("probe settings", function()
	local dir

	setup(function() dir = agent.tmpdir() end)
	teardown(function() agent.sh("rm -rf " .. dir) end)

	it("syscall_buf_size_preset sizes the ring buffer, saker.ring_kb wins over it", function()
		local a = agent.spawn("-r " .. agent.home .. "/rules -o syscall_buf_size_preset=2")
		finally(function() a:cleanup() end)
		assert.equal(2 * 1024 * 1024, ring_bytes(a.pid))
		local b = agent.spawn("-r " .. agent.home .. "/rules -o syscall_buf_size_preset=2 -o saker.ring_kb=4096")
		local bytes = ring_bytes(b.pid)
		b:cleanup()
		assert.equal(4 * 1024 * 1024, bytes)
	end)

	it("syscall_drop_failed_exit: a failed open never reaches the rules, a good one does", function()
		local tag = dir:match("([^/]+)$")
		local rules = string.format([[
- rule: opens %s
  desc: any open of the test's paths, failed or not
  condition: evt.type in (open, openat) and fd.name startswith %s/x-
  output: "%%fd.name %%evt.res"
  priority: NOTICE
]], tag, dir)
		local function opens(extra)
			local a = agent.start(rules, extra)
			agent.sh("cat " .. dir .. "/x-missing 2>/dev/null; touch " .. dir .. "/x-present && cat " .. dir .. "/x-present")
			local good = a:wait_alert(function(x) return x.output_fields["fd.name"] == dir .. "/x-present" end)
			local failed, err = false, a:stderr()
			for _, x in ipairs(a:alerts()) do
				if x.output_fields["fd.name"] == dir .. "/x-missing" then failed = true end
			end
			a:cleanup()
			assert.is_table(good, err)
			return failed
		end
		assert.is_true(opens(""))
		assert.is_false(opens("-o syscall_drop_failed_exit=true"))
	end)
end)
