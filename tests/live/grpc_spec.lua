-- SPDX-License-Identifier: Apache-2.0
-- The gRPC API live: a real client (Python's grpcio, stubs generated from
-- core/proto/ by python3-grpc-tools, tests/live/grpc_client.py) subscribes
-- over a unix socket and over TCP with mutual TLS, a rule fires on a
-- marker file, and every response field is checked against the JSON alert
-- of the same event. Clients without a valid certificate are refused; a
-- client that never reads stalls neither the agent nor its other channels.
local agent = require("agent")
local json = require("dkjson")

local PY = "/usr/bin/python3" -- Debian's, which has grpcio
local CLIENT = agent.home .. "/tests/live/grpc_client.py"

local rules = [[
- rule: grpc live open
  desc: a marker below the test's directory opened
  condition: evt.type in (open, openat, openat2) and fd.name startswith "%DIR%/m"
  output: opened %fd.name by %proc.name (pid=%proc.pid sip=%fd.sip write=%evt.is_open_write)
  priority: NOTICE
  tags: [grpc_test, filesystem]
]]

local PRIORITY = { Emergency = 0, Alert = 1, Critical = 2, Error = 3, Warning = 4, Notice = 5,
	Informational = 6, Debug = 7 }

local function has_grpc_python()
	return agent.sh(PY .. " -c 'import grpc, grpc_tools' 2>/dev/null")
end

local describe_live = (agent.is_root() and has_grpc_python()) and describe or pending

local function lines(path)
	local out = {}
	for l in agent.read(path):gmatch("[^\n]+") do out[#out + 1] = l end
	return out
end

local function wait(pred, seconds)
	for _ = 1, (seconds or 10) * 10 do
		if pred() then return true end
		agent.sleep(0.1)
	end
	return pred()
end

local function free_port()
	local p = io.popen(PY .. " -c 'import socket; s=socket.socket(); s.bind((\"127.0.0.1\", 0));"
		.. " print(s.getsockname()[1])'")
	local port = p:read("*l")
	p:close()
	return port
end

-- A CA, a server certificate for 127.0.0.1, a client certificate, and in
-- rogue/ a client certificate from another CA (beside the real ca.crt).
local function make_certs(dir)
	local sh = table.concat({
		"set -e; cd " .. dir,
		"o() { openssl \"$@\" >/dev/null 2>&1; }",
		"o req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 1 -subj /CN=saker-test-ca",
		"printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\n' > san.ext",
		"o req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=localhost",
		"o x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 1 -extfile san.ext",
		"o req -newkey rsa:2048 -nodes -keyout client.key -out client.csr -subj /CN=client",
		"o x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out client.crt -days 1",
		"mkdir rogue; cp ca.crt rogue/ca.crt",
		"o req -x509 -newkey rsa:2048 -nodes -keyout rogue/rca.key -out rogue/rca.crt -days 1 -subj /CN=rogue-ca",
		"o req -newkey rsa:2048 -nodes -keyout rogue/client.key -out rogue/client.csr -subj /CN=client",
		"o x509 -req -in rogue/client.csr -CA rogue/rca.crt -CAkey rogue/rca.key -CAcreateserial -out rogue/client.crt -days 1",
	}, "\n")
	assert(agent.sh("sh -c '" .. sh:gsub("'", "'\\''") .. "'"), "openssl failed")
end

-- words: ADDR [--tls DIR NAME] MODE ARGS. Runs to the end: its output lines.
local function client(stubs, words)
	local p = io.popen(PY .. " " .. CLIENT .. " " .. stubs .. " " .. words .. " 2>&1")
	local out = p:read("*a")
	p:close()
	local list = {}
	for l in out:gmatch("[^\n]+") do list[#list + 1] = l end
	return list
end

-- A client in the background, its output in file; returns its pid once
-- it is subscribed ("ready").
local function background(stubs, words, file)
	local p = io.popen(PY .. " " .. CLIENT .. " " .. stubs .. " " .. words .. " >" .. file
		.. " 2>&1 & echo $!")
	local pid = p:read("*l")
	p:close()
	assert.is_true(wait(function() return agent.read(file):find("ready\n", 1, true) ~= nil end, 10),
		"client did not subscribe: " .. agent.read(file))
	return pid
end

local function responses(file)
	local list = {}
	for _, l in ipairs(lines(file)) do
		if l:sub(1, 1) == "{" then list[#list + 1] = json.decode(l) end
	end
	return list
end

-- The raw JSON line of the agent's alert for marker path.
local function json_line(a, path)
	for _, l in ipairs(lines(a.dir .. "/out")) do
		if l:find('"fd.name":' .. json.encode(path), 1, true) then return l end
	end
end

local function find(list, path)
	for _, r in ipairs(list) do
		if r.output_fields and r.output_fields["fd.name"] == path then return r end
	end
end

-- Every field of response r against the agent's JSON alert (raw line, so
-- 64-bit numbers are compared as written).
local function same_as_json(r, line)
	local j = json.decode(line)
	assert.equals(j.time, r.iso)
	assert.equals(PRIORITY[j.priority], r.priority)
	assert.equals(0, r.source_deprecated) -- SYSCALL
	assert.equals(j.source, r.source)
	assert.equals(j.rule, r.rule)
	assert.equals(j.output, r.output)
	assert.equals(j.hostname, r.hostname)
	assert.same(j.tags, r.tags)
	for k in pairs(j.output_fields) do
		assert.is_not_nil(r.output_fields[k], "missing output field " .. k)
	end
	for k, v in pairs(r.output_fields) do
		local written = v == "<NA>" and "null" or json.encode(v)
		local raw = line:find(json.encode(k) .. ":" .. written, 1, true)
			or line:find(json.encode(k) .. ":" .. v, 1, true)
		assert.is_truthy(raw, k .. " = " .. v .. " not in " .. line)
	end
	assert.equals("<NA>", r.output_fields["fd.sip"])
	assert.equals("true", r.output_fields["evt.is_open_write"])
end

describe_live("gRPC API, live", function()
	local dir, stubs

	setup(function()
		dir = agent.tmpdir()
		stubs = dir .. "/stubs"
		assert(agent.sh("mkdir -p " .. stubs .. " && " .. PY .. " -m grpc_tools.protoc -I"
			.. agent.home .. "/core/proto --python_out=" .. stubs .. " --grpc_python_out=" .. stubs
			.. " " .. agent.home .. "/core/proto/*.proto"))
		make_certs(dir)
	end)

	teardown(function()
		agent.sh("rm -rf " .. dir)
	end)

	local function start(extra)
		return agent.start(rules:gsub("%%DIR%%", dir), "-o grpc.enabled=true -o grpc_output.enabled=true "
			.. extra)
	end

	local function touch(name)
		local path = dir .. "/" .. name
		local f = assert(io.open(path, "w"))
		f:close()
		return path
	end

	describe("over a unix socket", function()
		local a, sock

		setup(function()
			sock = dir .. "/run/saker.sock"
			a = start("-o grpc.bind_address=unix://" .. sock)
		end)

		teardown(function()
			if a then a:cleanup() end
		end)

		it("creates the socket with mode 0660", function()
			local p = io.popen("stat -c %a " .. sock)
			assert.equals("660", p:read("*l"))
			p:close()
		end)

		it("sub streams the alert, every field as in the JSON alert", function()
			local out = dir .. "/sub.out"
			background(stubs, "unix://" .. sock .. " sub 1 10", out)
			local path = touch("m-unix")
			assert.is_true(wait(function() return find(responses(out), path) ~= nil end), agent.read(out))
			assert.is_true(wait(function() return json_line(a, path) ~= nil end), a:stderr())
			same_as_json(find(responses(out), path), json_line(a, path))
		end)

		it("get streams what was queued since the last get, then nothing", function()
			client(stubs, "unix://" .. sock .. " get")
			local p1, p2 = touch("m-get1"), touch("m-get2")
			assert.is_true(wait(function() return json_line(a, p2) ~= nil end), a:stderr())
			local got = {}
			assert.is_true(wait(function()
				for _, l in ipairs(client(stubs, "unix://" .. sock .. " get")) do
					got[#got + 1] = json.decode(l)
				end
				return find(got, p2) ~= nil
			end, 5))
			assert.is_not_nil(find(got, p1))
			same_as_json(find(got, p2), json_line(a, p2))
			assert.same({}, client(stubs, "unix://" .. sock .. " get"))
		end)

		it("serves falco.version.service", function()
			local v = json.decode(client(stubs, "unix://" .. sock .. " version")[1])
			local version = require("saker.version")
			assert.equals(version.saker, v.version)
			assert.equals(version.engine, v.engine_version)
			local maj, min = version.engine:match("^(%d+)%.(%d+)")
			assert.equals(tonumber(min), v.engine_minor)
			assert.equals(tonumber(maj), v.engine_major or 0)
		end)
	end)

	describe("over TCP", function()
		it("refuses to start without mutual TLS", function()
			local rf = dir .. "/rules.yaml"
			agent.write(rf, rules:gsub("%%DIR%%", dir))
			local p = io.popen(agent.home .. "/saker -r " .. rf .. " -o grpc.enabled=true"
				.. " -o grpc_output.enabled=true -o grpc.bind_address=127.0.0.1:" .. free_port()
				.. " -o grpc.private_key=" .. dir .. "/server.key 2>&1; echo \"exit $?\"")
			local out = p:read("*a")
			p:close()
			assert.matches("needs mutual TLS", out)
			assert.matches("exit 1\n$", out)
		end)

		it("serves a client with a valid certificate and refuses the others", function()
			local addr = "127.0.0.1:" .. free_port()
			local a = start(table.concat({ "-o grpc.bind_address=" .. addr,
				"-o grpc.private_key=" .. dir .. "/server.key",
				"-o grpc.cert_chain=" .. dir .. "/server.crt",
				"-o grpc.root_certs=" .. dir .. "/ca.crt" }, " "))
			local ok, err = pcall(function()
				local out = dir .. "/tls.out"
				background(stubs, addr .. " --tls " .. dir .. " client sub 1 10", out)
				local path = touch("m-tls")
				assert.is_true(wait(function() return find(responses(out), path) ~= nil end),
					agent.read(out))
				assert.is_true(wait(function() return json_line(a, path) ~= nil end), a:stderr())
				same_as_json(find(responses(out), path), json_line(a, path))
				-- another CA's certificate, no certificate, no TLS at all
				for _, words in ipairs({ "--tls " .. dir .. "/rogue client", "--tls " .. dir .. " -", "" }) do
					local r = client(stubs, addr .. " " .. words .. " version")
					assert.matches("^error UNAVAILABLE", r[1] or "", 1)
				end
				assert.is_true(a:alive())
			end)
			a:cleanup()
			assert(ok, err)
		end)
	end)

	it("a client that never reads stalls neither the agent nor the other channels", function()
		local sock = dir .. "/stall.sock"
		local events = dir .. "/events.txt"
		local a = start(table.concat({ "-o grpc.bind_address=unix://" .. sock,
			"-o outputs.queue_kb=128", "-o file_output.enabled=true",
			"-o file_output.filename=" .. events }, " "))
		local ok, err = pcall(function()
			local staller = background(stubs, "unix://" .. sock .. " stall 60", dir .. "/stall.out")
			local n = 3000
			for i = 1, n do touch("m-stall" .. i) end
			local last = dir .. "/m-stall" .. n
			assert.is_true(wait(function() return json_line(a, last) ~= nil end, 20), a:stderr())
			assert.equals(n, #a:alerts())
			assert.is_true(wait(function() return #lines(events) == n end, 10))
			-- a reading client subscribed now still gets new alerts at once
			local out = dir .. "/after.out"
			background(stubs, "unix://" .. sock .. " sub 1 10", out)
			local path = touch("m-after")
			assert.is_true(wait(function() return find(responses(out), path) ~= nil end, 5),
				agent.read(out))
			assert.is_true(a:stop())
			local dropped = a:stderr():match("output grpc: %d+ sent, (%d+) dropped")
			assert.is_truthy(tonumber(dropped) and tonumber(dropped) > 0, a:stderr())
			agent.sh("kill " .. staller)
		end)
		a:cleanup()
		assert(ok, err)
	end)
end)
