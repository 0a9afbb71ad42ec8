-- SPDX-License-Identifier: Apache-2.0
-- A running ./saker for live tests: started with the test's own rules and
-- JSON output, read back as decoded alerts, stopped with SIGINT.
local json = require("dkjson")

local M = {}

M.home = (debug.getinfo(1, "S").source:sub(2):match("^(.*)/tests/live/agent%.lua$")) or "."

function M.is_root()
	local p = io.popen("id -u")
	local uid = p:read("*l")
	p:close()
	return uid == "0"
end

function M.sh(cmd)
	local ok = os.execute(cmd)
	return ok == true or ok == 0
end

function M.tmpdir()
	local p = io.popen("mktemp -d /tmp/saker-live.XXXXXX")
	local d = p:read("*l")
	p:close()
	return d
end

function M.write(path, text)
	local f = assert(io.open(path, "w"))
	f:write(text)
	f:close()
end

local function read(path)
	local f = io.open(path, "r")
	if not f then return "" end
	local s = f:read("*a")
	f:close()
	return s
end
M.read = read

local function sleep(s) os.execute("sleep " .. s) end
M.sleep = sleep

local Agent = {}
Agent.__index = Agent

-- ./saker with these command-line words, JSON alerts, unbuffered, and no
-- webserver unless the words turn it on (agents of tests run side by side);
-- its output and log go to files in a temp dir of its own.
function M.spawn(words)
	local dir = M.tmpdir()
	local cmd = string.format("%s/saker -o json_output=true -o webserver.enabled=false -U %s >%s/out 2>%s/err & echo $!",
		M.home, words, dir, dir)
	local p = io.popen(cmd)
	local pid = p:read("*l")
	p:close()
	local a = setmetatable({ pid = pid, dir = dir }, Agent)
	a:wait_ready()
	return a
end

-- rules: YAML text of the test's rules; extra: more command-line words.
function M.start(rules, extra)
	local path = os.tmpname()
	M.write(path, rules)
	local a = M.spawn("-r " .. path .. " " .. (extra or ""))
	a.rules_file = path
	return a
end

-- Running: a process that exited but was not reaped yet (a zombie: its
-- parent, the shell that started it, is gone) is not.
function Agent:alive()
	local stat = read("/proc/" .. self.pid .. "/stat")
	return stat ~= "" and not stat:match("^%d+ %(.*%) Z ")
end

-- The agent logs "N rules loaded" once the probe is attached and selected.
function Agent:wait_ready()
	for _ = 1, 100 do
		if read(self.dir .. "/err"):find("rules loaded", 1, true) then return true end
		if not self:alive() then
			error("saker exited at start:\n" .. read(self.dir .. "/err"))
		end
		sleep(0.1)
	end
	error("saker did not start within 10 s:\n" .. read(self.dir .. "/err"))
end

function Agent:alerts()
	local list = {}
	for line in read(self.dir .. "/out"):gmatch("[^\n]+") do
		local a = json.decode(line)
		if a then list[#list + 1] = a end
	end
	return list
end

-- The first alert for which pred(alert) is true, waiting up to timeout s.
function Agent:wait_alert(pred, timeout)
	for _ = 1, (timeout or 5) * 10 do
		for _, a in ipairs(self:alerts()) do
			if pred(a) then return a end
		end
		sleep(0.1)
	end
	return nil
end

function Agent:stop()
	M.sh("kill -INT " .. self.pid .. " 2>/dev/null")
	for _ = 1, 50 do
		if not self:alive() then break end
		sleep(0.1)
	end
	local still = self:alive()
	if still then M.sh("kill -KILL " .. self.pid) end
	return not still
end

function Agent:cleanup()
	self:stop()
	M.sh("rm -rf " .. self.dir)
	if self.rules_file then os.remove(self.rules_file) end
end

function Agent:stderr() return read(self.dir .. "/err") end

-- pred() true within timeout s (5 by default), polling every 0.1 s.
function M.wait_for(pred, timeout)
	for _ = 1, (timeout or 5) * 10 do
		if pred() then return true end
		sleep(0.1)
	end
	return false
end

-- How many hot reloads (done or failed) the agent has logged.
function Agent:reloads()
	local n = 0
	for _ in self:stderr():gmatch("hot reload %(") do n = n + 1 end
	return n
end

-- Wait until the agent logged more reloads than n.
function Agent:wait_reload(n)
	return M.wait_for(function() return self:reloads() > n end)
end

return M
