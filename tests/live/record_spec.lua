-- SPDX-License-Identifier: Apache-2.0
-- Falco's `capture`, live (root + BPF): a rule with `capture: true` fires
-- on a real open; the agent writes a .scap file that starts with that
-- event, holds what followed for capture_duration, and is closed by the
-- clock while the agent runs on.
package.path = "tests/compat/?.lua;" .. package.path
local agent = require("agent")
local cmp = require("scapcmp")

local describe_live = agent.is_root() and describe or pending

describe_live("capture (record on alert), live", function()
	it("records the firing event and the next capture_duration ms", function()
		local dir = agent.tmpdir()
		local marker = dir .. "/marker"
		agent.write(marker, "x\n")
		local a = agent.start(([[
- rule: marker read
  desc: the test's marker file is opened
  condition: evt.type in (open, openat, openat2) and fd.name = %s
  output: "marker opened by %%proc.name"
  priority: WARNING
  capture: true
  capture_duration: 300
]]):format(marker), "-o capture.enabled=true -o capture.path_prefix=" .. dir .. "/rec")
		finally(function()
			a:cleanup()
			agent.sh("rm -rf " .. dir)
		end)
		agent.sh("cat " .. marker .. " >/dev/null")
		assert.is_truthy(a:wait_alert(function(x) return x.rule == "marker read" end, 5))
		assert.is_true(agent.wait_for(function() return a:stderr():find("capture: wrote", 1, true) end, 5),
			a:stderr())
		assert.is_true(a:alive())
		local path = a:stderr():match("capture: wrote (%S+) %(")
		local rows, n = cmp.saker_rows(path, { "evt.num", "evt.rawtime", "fd.name", "proc.name", "evt.type" })
		assert.is_true(n >= 1)
		assert.are.same({ marker, "cat" }, { rows[1][3], rows[1][4] })
		local first = tonumber(rows[1][2])
		for _, r in pairs(rows) do
			assert.is_true(tonumber(r[2]) - first <= 300e6, r[2])
		end
		if cmp.have_sysdig() then
			local _, sn, serr = cmp.sysdig_rows(path, { "evt.num", "evt.type" })
			assert.are.equal(n, sn, serr)
		end
	end)
end)
