-- SPDX-License-Identifier: Apache-2.0
-- Falco's `capture` config on a replayed trace: a rule that fires writes a
-- .scap file holding the event that fired and every event up to its
-- capture_duration after the last firing; the file reads back, is
-- owner-only and never replaces one that exists.
package.path = "tests/compat/?.lua;" .. package.path
local cmp = require("scapcmp")
local json = require("dkjson")

local TRACE = "../shared/scap/traces/libs_curl_google.scap"
local RULE = [[
- rule: curl opens
  desc: a file opened by curl
  condition: evt.type in (open, openat) and evt.dir = < and proc.name = curl
  output: "curl opened %%fd.name at %%evt.rawtime"
  priority: WARNING
%s
]]

-- stdout and stderr together, and the exit status
local function sh(cmd)
	local p = io.popen(cmd .. " 2>&1; echo \"rc=$?\"")
	local out = p:read("*a")
	p:close()
	return out:gsub("rc=%d+\n$", ""), tonumber(out:match("rc=(%d+)\n$"))
end

-- event times of a capture, in order (as strings of ns: exact)
local function times(path)
	local rows = cmp.saker_rows(path, { "evt.num", "evt.rawtime" })
	local nums = {}
	for num in pairs(rows) do nums[#nums + 1] = num end
	table.sort(nums)
	local out = {}
	for i, num in ipairs(nums) do out[i] = rows[num][2] end
	return out
end

local function u64(s) return tonumber(s:sub(1, -7)) * 1000000ULL + tonumber(s:sub(-6)) end

describe("capture (record on alert), replayed", function()
	local tmp

	before_each(function() tmp = io.popen("mktemp -d /tmp/saker-rec.XXXXXX"):read("*l") end)
	after_each(function() os.execute("rm -rf " .. tmp) end)

	local function replay(rule_extra, opts)
		local f = assert(io.open(tmp .. "/r.yaml", "w"))
		f:write(RULE:format(rule_extra))
		f:close()
		return sh(string.format("./saker -e %s -r %s/r.yaml -o json_output=true -o webserver.enabled=false "
			.. "-o capture.enabled=true -o capture.path_prefix=%s/cap %s", TRACE, tmp, tmp, opts or ""))
	end

	local function files()
		local out = {}
		for p in io.popen("ls " .. tmp .. "/cap_*.scap 2>/dev/null"):lines() do out[#out + 1] = p end
		return out
	end

	it("writes the events from the first firing to capture_duration after the last", function()
		-- 1 ms: the trace (74 ms) holds several recordings, each ended inside it
		local out, rc = replay("  capture: true\n  capture_duration: 1")
		assert.are.equal(0, rc, out)
		local alerts = {}
		for line in out:gmatch("[^\n]+") do
			local a = json.decode(line)
			-- from the text: as a JSON number, a time in ns is not exact
			if a and a.rule == "curl opens" then alerts[#alerts + 1] = u64(a.output:match(" at (%d+)$")) end
		end
		local got = files()
		assert.is_true(#got >= 2, #got .. " capture files")
		local all = times(TRACE)
		for _, path in ipairs(got) do
			local ev = times(path)
			local first, last = u64(ev[1]), u64(ev[#ev])
			-- named after the event that fired; it is the file's first
			local ts, num = path:match("_(%d+)_(%d+)%.scap$")
			assert.are.equal(ts, ev[1])
			assert.is_truthy(tonumber(num))
			-- the end: 1 ms after the last firing inside the file
			local stop = first
			for _, t in ipairs(alerts) do
				if t >= first and t <= last and t > stop then stop = t end
			end
			stop = stop + 1000000ULL
			assert.is_true(last <= stop)
			-- and nothing the trace had before that end is missing
			local inside = 0
			for _, t in ipairs(all) do
				local v = u64(t)
				if v >= first and v <= stop then inside = inside + 1 end
			end
			assert.are.equal(inside, #ev)
			assert.are.equal("600", io.popen("stat -c %a " .. path):read("*l"))
		end
		assert.is_truthy(out:find("capture: wrote", 1, true))
	end)

	it("records only rules with capture: true, unless capture.mode is all_rules", function()
		local _, rc = replay("")
		assert.are.equal(0, rc)
		assert.are.equal(0, #files())
		_, rc = replay("", "-o capture.mode=all_rules -o capture.default_duration=1")
		assert.are.equal(0, rc)
		assert.is_true(#files() >= 1)
	end)

	it("never replaces a file that exists", function()
		replay("  capture: true")
		local path = files()[1]
		assert.is_truthy(path)
		local f = assert(io.open(path, "w"))
		f:write("keep")
		f:close()
		local out, rc = replay("  capture: true")
		assert.are.equal(0, rc)
		assert.are.equal("keep", io.open(path):read("*a"))
		assert.is_truthy(out:find("cannot create the capture file " .. path .. ": File exists", 1, true), out)
	end)

	it("refuses a bad capture.mode with a message", function()
		local out, rc = replay("  capture: true", "-o capture.mode=sometimes")
		assert.are_not.equal(0, rc)
		assert.is_truthy(out:find("capture.mode must be 'rules' or 'all_rules'", 1, true), out)
	end)
end)
