-- SPDX-License-Identifier: Apache-2.0
-- Ring-buffer overflow: a 16 KiB ring and a burst of opens must drop
-- events; the agent counts them, raises Falco's internal drop alert and
-- keeps running.
local agent = require("agent")

local describe_live = agent.is_root() and describe or pending

describe_live("ring buffer overflow", function()
	it("is counted and reported, never a crash", function()
		local a = agent.start([[
- rule: any open
  desc: every open of the burst
  condition: evt.type = openat and fd.name startswith /tmp/saker-burst
  output: open %fd.name
  priority: DEBUG
]], "-o saker.ring_kb=16 -o syscall_event_drops.threshold=0 -o syscall_event_drops.rate=1000 -o syscall_event_drops.max_burst=1000")
		finally(function() a:cleanup() end)
		-- 200,000 opens as fast as Python can make them
		assert.is_true(agent.sh([[python3 -c '
import os
for i in range(200000):
    os.close(os.open("/tmp/saker-burst-%d" % (i % 8), os.O_RDONLY | os.O_CREAT, 0o600))
for i in range(8):
    os.unlink("/tmp/saker-burst-%d" % i)']]))
		local al = a:wait_alert(function(x) return x.rule == "Falco internal: syscall event drop" end, 5)
		assert.is_truthy(al, a:stderr())
		assert.equal("internal", al.source)
		assert.is_true(al.output_fields.n_drops > 0)
		assert.is_true(a:alive())
		assert.is_true(a:stop())
		local drops = tonumber(a:stderr():match("drops: (%d+)"))
		assert.is_true(drops and drops > 0, a:stderr())
	end)
end)
