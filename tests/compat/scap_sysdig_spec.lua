-- SPDX-License-Identifier: Apache-2.0
-- Capture files: every trace in ../shared/scap/traces/ replays through saker
-- with the values `sysdig -r TRACE -p '*...'` prints for the same fields,
-- event by event (evt.num, evt.type, evt.dir, proc.*, fd.*, user.uid).
-- Differences that come from sysdig 0.29 itself or from a documented saker
-- choice are counted by class (scapcmp.lua); any other one fails.
package.path = "tests/compat/?.lua;" .. package.path
local cmp = require("scapcmp")

local TRACES = "../shared/scap/traces/"

-- Classes saker once had and fixed (Falco's semantics): none may reappear.
local FIXED = {
	["pipe: saker names it pipe:[inode]"] = true,
	["socket without a connection: saker reads zero addresses"] = true,
	["failed open: saker has no fd, sysdig shows the path"] = true,
	["failed unix connect: saker keeps no fd, sysdig names the tuple"] = true,
	["fd with an empty name: saker reads it as missing"] = true,
}

local function traces()
	local list = {}
	local p = io.popen("ls " .. TRACES .. "*.scap 2>/dev/null")
	for f in p:lines() do list[#list + 1] = f end
	p:close()
	return list
end

describe("scap replay against sysdig 0.29", function()
	local have = cmp.have_sysdig()

	it("has sysdig and the traces", function()
		assert.is_true(have, "sysdig is not installed (make deps)")
		assert.is_true(#traces() >= 9)
	end)

	for _, path in ipairs(traces()) do
		it(path:match("[^/]+$") .. " gives sysdig's values", function()
			if not have then return end
			local n, bad, classes = cmp.compare(path, 20)
			local lines = {}
			for why, count in pairs(classes) do lines[#lines + 1] = string.format("%6d  %s", count, why) end
			table.sort(lines)
			io.stderr:write(string.format("\n%s: %d events compared\n%s\n", path:match("[^/]+$"), n,
				table.concat(lines, "\n")))
			assert.are.same({}, bad)
			for why in pairs(FIXED) do
				assert.is_nil(classes[why], why .. " is fixed: it must not come back")
			end
		end)
	end

	it("counts the events sysdig shows in every trace (MANIFEST)", function()
		if not have then return end
		local f = assert(io.open(TRACES .. "MANIFEST.tsv"))
		f:read("*l")
		for line in f:lines() do
			local cols = {}
			for c in (line .. "\t"):gmatch("([^\t]*)\t") do cols[#cols + 1] = c end
			local _, n = cmp.saker_rows(TRACES .. cols[1])
			assert.are.equal(tonumber(cols[11]), n, cols[1])
		end
		f:close()
	end)
end)
