-- SPDX-License-Identifier: Apache-2.0
-- The webserver of falco.yaml, served by a running agent and read with
-- curl on loopback: the Kubernetes health endpoint, /versions, Prometheus
-- metrics that count a rule's alerts, TLS with a PEM of key and chain, a
-- bad address refused at start, a port in use costing only the webserver.
local agent = require("agent")
local json = require("dkjson")

local describe_live = agent.is_root() and describe or pending

local function port()
	return 20000 + tonumber(agent.read("/proc/sys/kernel/random/uuid"):sub(1, 4), 16) % 20000
end

local function curl(args)
	local p = io.popen("curl -s -m 5 " .. args .. " 2>/dev/null")
	local out = p:read("*a")
	p:close()
	return out
end

describe_live("webserver", function()
	local dir

	setup(function() dir = agent.tmpdir() end)
	teardown(function() agent.sh("rm -rf " .. dir) end)

	it("serves health, versions and metrics that count a rule's alerts", function()
		local tag = dir:match("([^/]+)$")
		local p = port()
		local a = agent.start(string.format([[
- rule: web %s
  desc: counted in /metrics
  condition: evt.type in (open, openat) and fd.name = %s/marker
  output: "marker opened by %%proc.name"
  priority: WARNING
  tags: [test]
]], tag, dir), string.format("-o webserver.enabled=true -o webserver.listen_address=127.0.0.1 "
			.. "-o webserver.listen_port=%d -o webserver.prometheus_metrics_enabled=true "
			.. "-o webserver.k8s_healthz_endpoint=/health", p))
		finally(function() a:cleanup() end)
		local base = "http://127.0.0.1:" .. p
		assert.same({ status = "ok" }, json.decode(curl(base .. "/health")))
		assert.equal("404", curl("-o /dev/null -w '%{http_code}' " .. base .. "/healthz"))
		assert.equal("405", curl("-o /dev/null -w '%{http_code}' -X POST " .. base .. "/health"))
		local v = json.decode(curl(base .. "/versions"))
		assert.equal(require("saker.version").engine, v.engine_version_semver)
		assert.is_true(agent.sh("cat " .. dir .. "/marker 2>/dev/null; touch " .. dir .. "/marker && cat "
			.. dir .. "/marker && cat " .. dir .. "/marker"))
		assert.is_table(a:wait_alert(function(x) return x.rule == "web " .. tag end), a:stderr())
		local want = string.format('falcosecurity_falco_rules_matches_total{priority="4",rule_name="web %s",'
			.. 'source="syscall",tags="test"} ', tag)
		local metrics
		assert.is_true(agent.wait_for(function()
			metrics = curl(base .. "/metrics")
			local n = tonumber(metrics:match(want:gsub("%p", "%%%0") .. "(%d+)"))
			return n ~= nil and n >= 2
		end, 5), metrics)
		assert.truthy(metrics:find("# TYPE falcosecurity_scap_n_evts_total counter", 1, true))
		assert.is_true(tonumber(metrics:match("\nfalcosecurity_scap_n_evts_total (%d+)")) > 0)
		a:stop()
		-- the agent is gone, and so is its webserver
		assert.equal("000", curl("-o /dev/null -w '%{http_code}' " .. base .. "/health"))
	end)

	it("serves over TLS with ssl_enabled and a PEM of key and certificate", function()
		local pem = dir .. "/web.pem"
		assert.is_true(agent.sh(string.format("openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost "
			.. "-days 1 -keyout %s/key -out %s/crt >/dev/null 2>&1 && cat %s/key %s/crt > %s", dir, dir, dir, dir, pem)))
		local p = port()
		local a = agent.spawn(string.format("-r %s/rules -o webserver.enabled=true -o webserver.listen_address=127.0.0.1 "
			.. "-o webserver.listen_port=%d -o webserver.ssl_enabled=true -o webserver.ssl_certificate=%s",
			agent.home, p, pem))
		finally(function() a:cleanup() end)
		assert.same({ status = "ok" }, json.decode(curl("--cacert " .. dir .. "/crt https://localhost:" .. p .. "/healthz")))
		assert.equal("", curl("http://127.0.0.1:" .. p .. "/healthz"))
	end)

	it("refuses a listen address that is not an IP at start", function()
		local ok = agent.sh(string.format("%s/saker -r %s/rules -o webserver.enabled=true "
			.. "-o webserver.listen_address=localhost -M 1 >/dev/null 2>%s/err", agent.home, agent.home, dir))
		assert.is_false(ok)
		assert.truthy(agent.read(dir .. "/err"):find("webserver.listen_address localhost is not an IPv4 or IPv6 address", 1, true))
	end)

	it("goes on capturing without the webserver when its port is taken", function()
		local p = port()
		local first = agent.spawn(string.format("-r %s/rules -o webserver.enabled=true "
			.. "-o webserver.listen_address=127.0.0.1 -o webserver.listen_port=%d", agent.home, p))
		local second
		-- busted keeps one finally per test: it stops both
		finally(function()
			first:cleanup()
			if second then second:cleanup() end
		end)
		second = agent.spawn(string.format("-r %s/rules -o webserver.enabled=true "
			.. "-o webserver.listen_address=127.0.0.1 -o webserver.listen_port=%d", agent.home, p))
		assert.truthy(second:stderr():find("going on without it", 1, true))
		assert.is_true(second:alive())
		assert.same({ status = "ok" }, json.decode(curl("http://127.0.0.1:" .. p .. "/healthz")))
	end)
end)
