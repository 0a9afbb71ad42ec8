-- SPDX-License-Identifier: Apache-2.0
-- `saker -e`: the command line replays a capture without root and without
-- the probe, to Falco's own expected output for the same trace and rules
-- (stdout_output_strict in Falco's regression tests), and stops with exit
-- status 1 and the byte offset on a broken file.
local EXP = "../shared/scap/traces/expectations/falco_059a2818/"
local TRACE = "../shared/scap/traces/falco_cat_write.scap"

local function run(cmd)
	local p = io.popen(cmd .. "; echo \"rc=$?\"")
	local out = p:read("*a")
	p:close()
	local rc = tonumber(out:match("rc=(%d+)\n$"))
	return out:gsub("rc=%d+\n$", ""), rc
end

local function read(path)
	local f = assert(io.open(path, "rb"))
	local s = f:read("*a")
	f:close()
	return s
end

-- As root, drop to nobody (files copied where nobody can read them).
local function unprivileged(tmp, words)
	local id = io.popen("id -u"):read("*l")
	if id ~= "0" then return "./saker " .. words end
	return string.format("cd %s && setpriv --reuid=65534 --regid=65534 --clear-groups %s/saker %s",
		tmp, io.popen("pwd"):read("*l"), words)
end

describe("saker -e", function()
	local tmp

	setup(function()
		tmp = io.popen("mktemp -d /tmp/saker-e.XXXXXX"):read("*l")
		os.execute(string.format("cp %s %s/t.scap && cp %srules/single_rule.yaml %s/r.yaml && chmod -R a+rX %s",
			TRACE, tmp, EXP, tmp, tmp))
	end)
	teardown(function() os.execute("rm -rf " .. tmp) end)

	it("replays unprivileged to Falco's expected output", function()
		local out, rc = run(unprivileged(tmp, "-e t.scap -r r.yaml -o time_format_iso_8601=true 2>/dev/null"))
		assert.are.equal(0, rc)
		local want = read(EXP .. "output_files/single_rule_with_cat_write.txt")
		assert.are.equal(want:gsub("\n*$", ""), out:gsub("\n*$", ""))
	end)

	it("replays the same with Falco's config keys engine.kind=replay and engine.replay.capture_file", function()
		local out, rc = run(unprivileged(tmp, "-r r.yaml -o engine.kind=replay -o engine.replay.capture_file=t.scap "
			.. "-o time_format_iso_8601=true 2>/dev/null"))
		assert.are.equal(0, rc)
		local want = read(EXP .. "output_files/single_rule_with_cat_write.txt")
		assert.are.equal(want:gsub("\n*$", ""), out:gsub("\n*$", ""))
	end)

	it("stops on a truncated file with its byte offset, exit 1", function()
		os.execute(string.format("gzip -dc %s/t.scap | head -c 30000 > %s/cut.scap && chmod a+r %s/cut.scap",
			tmp, tmp, tmp))
		local out, rc = run(unprivileged(tmp, "-e cut.scap -r r.yaml 2>&1 >/dev/null"))
		assert.are.equal(1, rc)
		assert.truthy(out:find("cut.scap: truncated file: block at byte offset %d+ announces %d+ bytes, %d+ are there"))
	end)

	it("refuses a file that is not a capture", function()
		local out, rc = run(unprivileged(tmp, "-e r.yaml -r r.yaml 2>&1 >/dev/null"))
		assert.are.equal(1, rc)
		assert.truthy(out:find("r.yaml: not a scap capture: block type 0x%x+ at byte offset 0"))
	end)
end)
