-- SPDX-License-Identifier: Apache-2.0
-- The file, syslog and program channels against real receivers.
local u = require("outputs_util")
local outputs = require("saker.outputs")

describe("file output", function()
	local dir
	before_each(function() dir = u.tmpdir() end)
	after_each(function() u.sh("rm -rf " .. dir) end)

	it("appends one line per alert, text or JSON", function()
		local path = dir .. "/events.txt"
		local outs = outputs.open(u.config({ "file_output.enabled=true",
			"file_output.filename=" .. path }))
		outs:emit(u.alert("r1"))
		outs:emit(u.alert("r2", "error"))
		outs:close()
		local lines = u.lines(path)
		assert.equals(2, #lines)
		assert.matches("^%d%d:%d%d:%d%d%.%d+: Warning something happened$", lines[1])
		assert.matches(": Error something happened$", lines[2])
		outs = outputs.open(u.config({ "file_output.enabled=true", "json_output=true",
			"file_output.filename=" .. path }))
		outs:emit(u.alert("r3"))
		outs:close()
		lines = u.lines(path)
		assert.equals(3, #lines)
		assert.equals("r3", require("dkjson").decode(lines[3]).rule)
		assert.equals(3, outs:stats().file.sent + 2)
	end)

	it("follows a file rotated under it after reopen (SIGUSR1), keep_alive on", function()
		local path = dir .. "/events.txt"
		local outs = outputs.open(u.config({ "file_output.enabled=true",
			"file_output.keep_alive=true", "file_output.filename=" .. path }))
		outs:emit(u.alert("before"))
		assert.is_true(u.wait(function() return outs:stats().file.sent == 1 end))
		assert(os.rename(path, path .. ".1"))
		outs:emit(u.alert("still-old")) -- the open file is the rotated one
		assert.is_true(u.wait(function() return outs:stats().file.sent == 2 end))
		outs:reopen()
		outs:emit(u.alert("after", "warning", nil, "after rotation"))
		outs:close()
		assert.equals(2, #u.lines(path .. ".1"))
		local new = u.lines(path)
		assert.equals(1, #new)
		assert.matches("after rotation$", new[1])
	end)

	it("counts a file it cannot open as a failure with a clear error", function()
		local ch = require("saker.outputs.channel")
		local c, err = ch.open("file", { target = dir .. "/no/such/dir/x" }, tostring)
		assert.is_nil(c)
		assert.matches("cannot open .*no/such/dir/x", err)
	end)
end)

describe("syslog output", function()
	local dir
	before_each(function() dir = u.tmpdir() end)
	after_each(function() u.sh("rm -rf " .. dir) end)

	it("sends datagrams with facility and the rule's priority as severity", function()
		local sock = dir .. "/log.sock"
		local r = u.receiver(dir, "syslog", sock)
		assert.is_true(u.wait(function() return u.sh("test -S " .. sock) end))
		local outs = outputs.open(u.config({ "syslog_output.enabled=true",
			"outputs.syslog.socket=" .. sock, "outputs.syslog.facility=local3" }))
		outs:emit(u.alert("r1", "warning"))
		outs:emit(u.alert("r2", "critical"))
		outs:close()
		assert.is_true(u.wait(function() return #u.lines(r.log) == 2 end))
		u.stop(r)
		local lines = u.lines(r.log)
		-- local3 = 19: 19 * 8 + 4 (Warning), 19 * 8 + 2 (Critical)
		assert.matches("^<156>%a%a%a [ %d]%d %d%d:%d%d:%d%d saker%[%d+%]: %d%d:.* Warning something happened$", lines[1])
		assert.matches("^<154>", lines[2])
	end)

	it("warns and counts failures when no syslog socket exists, without failing", function()
		local outs = outputs.open(u.config({ "syslog_output.enabled=true",
			"outputs.syslog.socket=" .. dir .. "/absent.sock" }))
		outs:emit(u.alert())
		assert.is_true(u.wait(function() return outs:stats().syslog.failed == 1 end))
		local st = outs:stats().syslog
		assert.matches("cannot connect to .*absent.sock", st.last_error)
		outs:close()
	end)

	it("rejects an unknown facility in the config", function()
		local cfg, diags = require("saker.config").load(nil, { "outputs.syslog.facility=nope" })
		assert.is_nil(cfg)
		assert.matches("facility", diags[#diags].msg)
	end)
end)

describe("program output", function()
	local dir
	before_each(function() dir = u.tmpdir() end)
	after_each(function() u.sh("rm -rf " .. dir) end)

	it("keep_alive: one process gets every alert on its stdin", function()
		local out = dir .. "/out"
		local outs = outputs.open(u.config({ "program_output.enabled=true",
			"program_output.keep_alive=true",
			"program_output.program='echo $$ >> " .. dir .. "/pids; cat >> " .. out .. "'" }))
		for i = 1, 5 do outs:emit(u.alert("r" .. i)) end
		outs:close()
		assert.equals(5, #u.lines(out))
		assert.equals(1, #u.lines(dir .. "/pids"))
	end)

	it("without keep_alive: one process per alert", function()
		local out = dir .. "/out"
		local outs = outputs.open(u.config({ "program_output.enabled=true",
			"program_output.program='echo $$ >> " .. dir .. "/pids; cat >> " .. out .. "'" }))
		for i = 1, 3 do outs:emit(u.alert("r" .. i)) end
		outs:close()
		assert.equals(3, #u.lines(out))
		assert.equals(3, #u.lines(dir .. "/pids"))
	end)

	it("keep_alive: a program that dies is started again", function()
		local out = dir .. "/out"
		local outs = outputs.open(u.config({ "program_output.enabled=true",
			"program_output.keep_alive=true",
			"program_output.program='head -n 1 >> " .. out .. "'" }))
		for i = 1, 3 do
			outs:emit(u.alert("r" .. i))
			assert.is_true(u.wait(function() return #u.lines(out) >= i end))
			u.sleep(0.2) -- head has exited
		end
		outs:close()
		assert.equals(3, #u.lines(out))
	end)
end)
