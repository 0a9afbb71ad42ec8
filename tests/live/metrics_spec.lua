-- SPDX-License-Identifier: Apache-2.0
-- falco.yaml's `metrics`, live: a snapshot every interval as the internal
-- alert "Falco internal: metrics snapshot" and as a JSON line in
-- metrics.output_file, with the events seen and a rule's alert count.
local agent = require("agent")
local json = require("dkjson")

local describe_live = agent.is_root() and describe or pending

describe_live("metrics snapshots", function()
	local dir

	setup(function() dir = agent.tmpdir() end)
	teardown(function() agent.sh("rm -rf " .. dir) end)

	it("come as internal alerts and file lines, and count a rule's alerts", function()
		local tag = dir:match("([^/]+)$")
		local file = dir .. "/metrics.jsonl"
		local a = agent.start(string.format([[
- rule: metrics %s
  desc: counted in the snapshots
  condition: evt.type in (open, openat) and fd.name = %s/marker
  output: "marker opened by %%proc.name"
  priority: WARNING
]], tag, dir), string.format("-o metrics.enabled=true -o metrics.interval=1s -o metrics.output_file=%s "
			.. "-o metrics.convert_memory_to_mb=false", file))
		finally(function() a:cleanup() end)
		assert.is_true(agent.sh("touch " .. dir .. "/marker && cat " .. dir .. "/marker"))
		assert.is_table(a:wait_alert(function(x) return x.rule == "metrics " .. tag end), a:stderr())
		local snap = a:wait_alert(function(x)
			return x.rule == "Falco internal: metrics snapshot"
				and (x.output_fields["falco.rules.metrics " .. tag] or 0) >= 1
		end, 5)
		assert.is_table(snap, a:stderr())
		assert.equal("internal", snap.source)
		assert.equal("Informational", snap.priority)
		local f = snap.output_fields
		assert.is_true(f["falco.num_evts"] > 0)
		assert.is_true(f["scap.n_evts"] >= f["falco.num_evts"] - f["falco.num_evts_prev"])
		assert.is_true(f["falco.memory_rss_kb"] > 1000)
		assert.is_nil(f["falco.memory_rss_mb"])
		assert.is_true(f["falco.rules.matches_total"] >= 1)
		assert.equal(0, f["scap.n_drops"])
		a:stop()
		local lines = 0
		for line in agent.read(file):gmatch("[^\n]+") do
			local j = json.decode(line)
			assert.equal("Falco internal: metrics snapshot", j.rule)
			assert.is_number(j.output_fields["falco.num_evts"])
			lines = lines + 1
		end
		assert.is_true(lines >= 1)
	end)
end)
