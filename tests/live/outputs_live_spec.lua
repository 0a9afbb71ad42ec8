-- SPDX-License-Identifier: Apache-2.0
-- The agent's channels live: alerts from real syscalls reach stdout, a
-- file rotated under the agent (SIGUSR1) and a program, while an HTTP
-- receiver that never answers stalls neither capture nor the others.
local agent = require("agent")
local u = require("outputs_util")

local rules = [[
- rule: outputs live write
  desc: a file below the test's directory opened for writing
  condition: evt.type in (open, openat, openat2, creat) and fd.name startswith "%DIR%/w" and evt.is_open_write = true
  output: wrote %fd.name by %proc.name
  priority: WARNING
]]

local describe_live = agent.is_root() and describe or pending

describe_live("outputs, live", function()
	local a, dir, recv

	setup(function()
		dir = agent.tmpdir()
		recv = u.receiver(dir, "http", "--hang")
		a = agent.start(rules:gsub("%%DIR%%", dir), table.concat({
			"-o file_output.enabled=true", "-o file_output.keep_alive=true",
			"-o file_output.filename=" .. dir .. "/events.txt",
			"-o program_output.enabled=true", "-o program_output.keep_alive=true",
			"-o program_output.program='cat >> " .. dir .. "/prog.out'",
			"-o http_output.enabled=true", "-o http_output.url=http://127.0.0.1:" .. recv.port .. "/",
			"-o outputs.http.timeout_ms=1000", "-o outputs.http.retries=0",
		}, " "))
	end)

	teardown(function()
		if a then a:cleanup() end
		if recv then u.stop(recv) end
		agent.sh("rm -rf " .. dir)
	end)

	local function count(path, pat)
		local n = 0
		for _, l in ipairs(u.lines(path)) do
			if l:find(pat, 1, true) then n = n + 1 end
		end
		return n
	end

	it("delivers to stdout, file and program while http hangs", function()
		for i = 1, 40 do agent.write(dir .. "/w" .. i, "x") end
		local function all(path) return count(path, dir .. "/w40") == 1 end
		assert.is_true(u.wait(function()
			return #a:alerts() >= 40 and all(dir .. "/events.txt") and all(dir .. "/prog.out")
		end, 10), a:stderr())
		assert.equals(40, count(dir .. "/events.txt", "outputs live write"))
		assert.equals(40, count(dir .. "/prog.out", "outputs live write"))
		assert.is_true(#u.lines(recv.log) == 0)
	end)

	it("reopens the file on SIGUSR1 after rotation", function()
		assert(os.rename(dir .. "/events.txt", dir .. "/events.txt.1"))
		agent.sh("kill -USR1 " .. a.pid)
		agent.sleep(0.5)
		agent.write(dir .. "/wrotated", "x")
		assert.is_true(u.wait(function() return count(dir .. "/events.txt", "wrotated") == 1 end, 5),
			a:stderr())
		assert.equals(0, count(dir .. "/events.txt.1", "wrotated"))
		assert.equals(1, #u.lines(dir .. "/events.txt"))
	end)

	it("stops promptly and reports the http failures", function()
		assert.is_true(a:stop())
		local err = a:stderr()
		assert.matches("output http: %d+ sent, %d+ dropped, %d+ failed", err)
		assert.matches("output file: 41 sent, 0 dropped, 0 failed", err)
	end)
end)
