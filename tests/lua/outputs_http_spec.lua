-- SPDX-License-Identifier: Apache-2.0
-- The HTTP channel against real servers on loopback: plain, gzip, TLS with
-- a self-signed CA, mTLS, a server that answers 500 then recovers, and one
-- that hangs while the other channels carry on.
local u = require("outputs_util")
local outputs = require("saker.outputs")
local json = require("dkjson")

local PRIORITIES = { Emergency = true, Alert = true, Critical = true, Error = true,
	Warning = true, Notice = true, Informational = true, Debug = true }

describe("http output", function()
	local dir, recv
	setup(function() dir = u.tmpdir() end)
	teardown(function() u.sh("rm -rf " .. dir) end)
	after_each(function() if recv then u.stop(recv) end recv = nil end)

	local function http_cfg(url, more)
		local o = { "json_output=true", "http_output.enabled=true", "http_output.url=" .. url,
			"outputs.http.backoff_ms=50" }
		for _, m in ipairs(more or {}) do o[#o + 1] = m end
		return u.config(o)
	end

	it("POSTs JSON that Falcosidekick accepts, with the user agent", function()
		recv = u.receiver(dir, "http")
		local outs = outputs.open(http_cfg("http://127.0.0.1:" .. recv.port .. "/alerts",
			{ "http_output.user_agent=saker-test/1.0" }))
		outs:emit(u.alert("Read sensitive file", "warning", { ["proc.name"] = "cat", ["fd.name"] = "/etc/shadow" }))
		outs:close()
		local reqs = u.requests(recv)
		assert.equals(1, #reqs)
		local r = reqs[1]
		assert.equals("/alerts", r.path)
		assert.equals("application/json", r.headers["content-type"])
		assert.equals("saker-test/1.0", r.headers["user-agent"])
		local a = json.decode(r.body)
		-- what Falcosidekick checks: output_fields not empty, a known
		-- priority, an RFC 3339 time; and the rule and output it shows
		assert.is_true(next(a.output_fields) ~= nil)
		assert.equals("cat", a.output_fields["proc.name"])
		assert.is_true(PRIORITIES[a.priority])
		assert.matches("^%d%d%d%d%-%d%d%-%d%dT%d%d:%d%d:%d%d%.%d%d%d%d%d%d%d%d%dZ$", a.time)
		assert.equals("Read sensitive file", a.rule)
		assert.equals("syscall", a.source)
		assert.matches("Warning something happened", a.output)
		assert.same({ "a", "b" }, a.tags)
	end)

	it("posts text/plain when json_output is off", function()
		recv = u.receiver(dir, "http")
		local outs = outputs.open(u.config({ "http_output.enabled=true",
			"http_output.url=http://127.0.0.1:" .. recv.port .. "/" }))
		outs:emit(u.alert())
		outs:close()
		local r = u.requests(recv)[1]
		assert.equals("text/plain", r.headers["content-type"])
		assert.matches("Warning something happened$", r.body)
	end)

	it("gzips bodies when compress_uploads is on", function()
		recv = u.receiver(dir, "http")
		local outs = outputs.open(http_cfg("http://127.0.0.1:" .. recv.port .. "/",
			{ "http_output.compress_uploads=true" }))
		outs:emit(u.alert("gz"))
		outs:close()
		local r = u.requests(recv)[1]
		assert.equals("gzip", r.headers["content-encoding"])
		assert.equals("gz", json.decode(r.body).rule) -- the receiver inflated it
	end)

	it("retries with backoff when the server answers 500, then delivers", function()
		recv = u.receiver(dir, "http", "--fail", "2")
		local outs = outputs.open(http_cfg("http://127.0.0.1:" .. recv.port .. "/",
			{ "outputs.http.retries=3" }))
		outs:emit(u.alert("retry-me"))
		outs:close()
		local reqs = u.requests(recv)
		assert.equals(3, #reqs)
		assert.same({ 500, 500, 200 }, { reqs[1].code, reqs[2].code, reqs[3].code })
		local st = outs:stats().http
		assert.equals(1, st.sent)
		assert.equals(0, st.failed)
	end)

	it("counts a failure when retries run out", function()
		recv = u.receiver(dir, "http", "--fail", "5")
		local outs = outputs.open(http_cfg("http://127.0.0.1:" .. recv.port .. "/",
			{ "outputs.http.retries=1" }))
		outs:emit(u.alert())
		outs:close()
		local st = outs:stats().http
		assert.equals(1, st.failed)
		assert.matches("answered 500", st.last_error)
		assert.equals(2, #u.requests(recv))
	end)

	describe("over TLS", function()
		local tls
		setup(function() tls = u.make_tls(dir) end)

		it("verifies the server against ca_cert", function()
			recv = u.receiver(dir, "http", "--tls", tls.cert, tls.key)
			local url = "https://127.0.0.1:" .. recv.port .. "/"
			local outs = outputs.open(http_cfg(url, { "http_output.ca_cert=" .. tls.ca }))
			outs:emit(u.alert("tls"))
			outs:close()
			assert.equals(1, outs:stats().http.sent)
			assert.equals("tls", json.decode(u.requests(recv)[1].body).rule)
		end)

		it("refuses a server the system CAs do not know, unless insecure", function()
			recv = u.receiver(dir, "http", "--tls", tls.cert, tls.key)
			local url = "https://127.0.0.1:" .. recv.port .. "/"
			local outs = outputs.open(http_cfg(url, { "outputs.http.retries=0" }))
			outs:emit(u.alert())
			outs:close()
			local st = outs:stats().http
			assert.equals(1, st.failed)
			assert.matches("certificate", st.last_error)
			assert.equals(0, #u.requests(recv))
			outs = outputs.open(http_cfg(url, { "http_output.insecure=true" }))
			outs:emit(u.alert())
			outs:close()
			assert.equals(1, outs:stats().http.sent)
		end)

		it("presents a client certificate (mTLS)", function()
			recv = u.receiver(dir, "http", "--tls", tls.cert, tls.key, "--ca", tls.ca)
			local url = "https://127.0.0.1:" .. recv.port .. "/"
			local outs = outputs.open(http_cfg(url, { "http_output.ca_cert=" .. tls.ca,
				"outputs.http.retries=0" }))
			outs:emit(u.alert("no-cert"))
			outs:close()
			assert.equals(1, outs:stats().http.failed)
			outs = outputs.open(http_cfg(url, { "http_output.ca_cert=" .. tls.ca,
				"http_output.mtls=true", "http_output.client_cert=" .. tls.client_cert,
				"http_output.client_key=" .. tls.client_key }))
			outs:emit(u.alert("with-cert"))
			outs:close()
			assert.equals(1, outs:stats().http.sent)
			local reqs = u.requests(recv)
			assert.equals(1, #reqs)
			assert.equals("with-cert", json.decode(reqs[1].body).rule)
		end)
	end)

	it("a server that hangs stalls neither the caller nor the file channel", function()
		recv = u.receiver(dir, "http", "--hang")
		local path = dir .. "/hang-events.txt"
		local outs = outputs.open(http_cfg("http://127.0.0.1:" .. recv.port .. "/", {
			"outputs.http.timeout_ms=3000", "outputs.http.retries=0", "outputs.queue_kb=4",
			"file_output.enabled=true", "file_output.filename=" .. path }))
		local clock = require("saker.outputs.helpers").now
		-- batches of 10 (each queue holds 4 KiB, about 11 alerts): the file
		-- channel delivers every batch while http is stuck
		local took = 0
		for b = 0, 19 do
			local t0 = clock()
			for i = 1, 10 do outs:emit(u.alert("r" .. (b * 10 + i))) end
			took = took + clock() - t0
			assert.is_true(u.wait(function() return #u.lines(path) == b * 10 + 10 end, 3))
		end
		-- one emit waiting on the stuck receiver would take its 3 s timeout
		assert.is_true(took < 2, "emit took " .. took .. " s")
		local st = outs:stats()
		assert.equals(0, st.http.sent)
		assert.is_true(st.http.dropped > 0) -- a 4 KiB queue cannot hold 200 alerts
		assert.equals(200, st.file.sent)
		local t0 = clock()
		outs:close(500)
		assert.is_true(clock() - t0 < 3)
	end)
end)
