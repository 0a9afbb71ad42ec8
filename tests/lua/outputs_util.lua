-- SPDX-License-Identifier: Apache-2.0
-- Shared by the outputs specs: temp dirs, real receivers (tests/lua/
-- outputs_receiver.py) started and stopped by pid, alerts, configs.
local json = require("dkjson")

local M = {}

M.home = (debug.getinfo(1, "S").source:sub(2):match("^(.*)/tests/lua/outputs_util%.lua$")) or "."

local function capture(cmd)
	local p = io.popen(cmd)
	local s = p:read("*a")
	p:close()
	return (s:gsub("%s+$", ""))
end
M.capture = capture

function M.sh(cmd)
	local r = os.execute(cmd)
	return r == true or r == 0
end

function M.sleep(s) os.execute("sleep " .. s) end

function M.tmpdir() return capture("mktemp -d /tmp/saker-out.XXXXXX") end

function M.read(path)
	local f = io.open(path, "r")
	if not f then return "" end
	local s = f:read("*a")
	f:close()
	return s
end

function M.lines(path)
	local out = {}
	for l in M.read(path):gmatch("[^\n]+") do out[#out + 1] = l end
	return out
end

-- Wait up to timeout s for pred() to be true.
function M.wait(pred, timeout)
	for _ = 1, (timeout or 5) * 20 do
		if pred() then return true end
		M.sleep(0.05)
	end
	return pred()
end

-- Start a receiver in the background: returns {pid, log, port}.
function M.receiver(dir, kind, ...)
	local args = table.concat({ ... }, " ")
	local log = dir .. "/" .. kind .. "-" .. os.time() .. math.random(100000) .. ".log"
	local portfile = log .. ".port"
	local extra = kind == "http" and (log .. " " .. portfile) or log
	local pid = capture(string.format("python3 %s/tests/lua/outputs_receiver.py %s %s %s >%s.err 2>&1 & echo $!",
		M.home, kind, extra, args, log))
	local r = { pid = pid, log = log }
	if kind == "http" then
		assert(M.wait(function() return M.read(portfile) ~= "" end, 10), M.read(log .. ".err"))
		r.port = tonumber(M.read(portfile))
	end
	return r
end

function M.stop(r) M.sh("kill " .. r.pid .. " 2>/dev/null") end

-- The requests an HTTP receiver logged, decoded.
function M.requests(r)
	local out = {}
	for _, l in ipairs(M.lines(r.log)) do out[#out + 1] = json.decode(l) end
	return out
end

-- A CA, a server certificate for 127.0.0.1 and a client certificate, made
-- by openssl in dir.
function M.make_tls(dir)
	local cmds = {
		"openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=saker-test-ca -keyout ca.key -out ca.pem",
		"openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout srv.key -out srv.csr",
		"printf 'subjectAltName=IP:127.0.0.1\\n' > srv.ext",
		"openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile srv.ext -out srv.pem",
		"openssl req -newkey rsa:2048 -nodes -subj /CN=saker-client -keyout cli.key -out cli.csr",
		"openssl x509 -req -in cli.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -out cli.pem",
	}
	for _, c in ipairs(cmds) do
		assert(M.sh("cd " .. dir .. " && " .. c .. " >/dev/null 2>&1"), c)
	end
	return { ca = dir .. "/ca.pem", cert = dir .. "/srv.pem", key = dir .. "/srv.key",
		client_cert = dir .. "/cli.pem", client_key = dir .. "/cli.key" }
end

-- A config with stdout off and the given -o overrides.
function M.config(overrides)
	local config = require("saker.config")
	local list = { "stdout_output.enabled=false" }
	for _, o in ipairs(overrides or {}) do list[#list + 1] = o end
	local cfg, diags = config.load(nil, list)
	assert(cfg, diags and diags[1] and diags[1].msg)
	return cfg
end

-- An alert as the engine builds it.
function M.alert(rule, prio, fields, msg)
	local alert = require("saker.alert")
	local load = require("saker.rules.load")
	local name, num = load.priority(prio or "warning")
	return alert.build({ name = rule or "r", priority = name, priority_num = num, tags = { "b", "a" } },
		alert.now(), msg or "something happened", fields or { ["proc.name"] = "cat", ["fd.name"] = "/etc/x" })
end

return M
