-- SPDX-License-Identifier: Apache-2.0
-- saker.web: falco.yaml's webserver (core/web.c serves it on threads of its
-- own): GET <k8s_healthz_endpoint> answers {"status": "ok"} for Kubernetes
-- probes, GET /versions the versions, and with prometheus_metrics_enabled
-- GET /metrics the counters below in Prometheus' text format, made here
-- once a second (runtime tick), never per event.
local core = require("saker.core")
local json = require("saker.json")
local version = require("saker.version")
local metrics = require("saker.metrics")

local C, ffi = core.C, core.ffi
local format, concat = string.format, table.concat

local M = {}
local W = {}
W.__index = W

-- A config error for config.validate, or nil.
function M.check(cfg)
	local w = cfg.webserver or {}
	if w.enabled ~= true then return nil end
	local addr = tostring(w.listen_address)
	if not addr:match("^%d+%.%d+%.%d+%.%d+$") and not addr:find(":", 1, true) then
		return format("webserver.listen_address %s is not an IPv4 or IPv6 address", addr)
	end
	if type(w.listen_port) ~= "number" or w.listen_port < 1 or w.listen_port > 65535 or w.listen_port % 1 ~= 0 then
		return format("webserver.listen_port %s is not a port (1-65535)", tostring(w.listen_port))
	end
	if type(w.k8s_healthz_endpoint) ~= "string" or w.k8s_healthz_endpoint:sub(1, 1) ~= "/" then
		return "webserver.k8s_healthz_endpoint must be a path starting with /"
	end
	if w.ssl_enabled == true then
		local f = io.open(tostring(w.ssl_certificate), "r")
		if not f then
			return format("webserver.ssl_enabled: cannot read ssl_certificate %s (a PEM with the key and the chain)",
				tostring(w.ssl_certificate))
		end
		f:close()
	end
	return nil
end

local function versions()
	local major, minor, patch = version.engine:match("^(%d+)%.(%d+)%.(%d+)")
	return json.encode({
		saker_version = version.saker, engine_version = minor, engine_version_semver = version.engine,
		engine_major = major, engine_patch = patch,
	})
end

-- The running webserver, or nil when disabled; nil, message when it cannot
-- serve (the port in use): capture goes on without it.
function M.start(cfg)
	local w = cfg.webserver or {}
	if w.enabled ~= true then return nil end
	local o = ffi.new("struct saker_web_opts")
	local keep = { tostring(w.listen_address), tostring(w.k8s_healthz_endpoint), versions(),
		w.ssl_enabled == true and tostring(w.ssl_certificate) or nil }
	o.address, o.port, o.healthz, o.versions = keep[1], w.listen_port, keep[2], keep[3]
	o.threads = tonumber(w.threadiness) or 0
	o.pem = keep[4]
	o.metrics = w.prometheus_metrics_enabled == true and 1 or 0
	local err = ffi.new("char[256]")
	local h = C.saker_web_start(o, err, 256)
	if h == nil then return nil, ffi.string(err) end
	return setmetatable({ h = h, metrics = o.metrics == 1, start = os.time() }, W)
end

local function label(v)
	return (tostring(v):gsub("[\\\"\n]", { ["\\"] = "\\\\", ['"'] = '\\"', ["\n"] = "\\n" }))
end

-- rt: the runtime (its stats, per-rule match counts and outputs).
function W:update(rt)
	if not self.metrics then return end
	local st = ffi.new("struct saker_stats")
	C.saker_stats_get(rt.s, st)
	local out = {}
	local function metric(name, kind, help, lines)
		out[#out + 1] = format("# HELP %s %s\n# TYPE %s %s", name, help, name, kind)
		for _, l in ipairs(lines) do out[#out + 1] = name .. l end
	end
	metric("falcosecurity_falco_version_info", "gauge", "saker's version and the Falco engine version it implements",
		{ format('{version="%s",engine_version="%s"} 1', label(version.saker), label(version.engine)) })
	metric("falcosecurity_falco_start_timestamp_nanoseconds", "gauge", "when the agent started",
		{ format(" %d000000000", self.start) })
	metric("falcosecurity_scap_n_evts_total", "counter", "events read from the kernel",
		{ " " .. tostring(st.received):gsub("ULL", "") })
	metric("falcosecurity_scap_n_drops_total", "counter", "events the kernel could not queue",
		{ " " .. tostring(st.drops):gsub("ULL", "") })
	metric("falcosecurity_falco_num_evts_total", "counter", "events the rules saw",
		{ " " .. tostring(st.events):gsub("ULL", "") })
	metric("falcosecurity_falco_n_threads_current", "gauge", "threads in the thread table",
		{ " " .. tostring(st.threads):gsub("ULL", "") })
	metric("falcosecurity_falco_n_fds_current", "gauge", "entries in the fd tables",
		{ " " .. tostring(st.fds):gsub("ULL", "") })
	local _, rss = metrics.self_usage()
	metric("falcosecurity_falco_memory_rss_bytes", "gauge", "resident memory of the agent",
		{ " " .. rss * 1024 })
	metric("falcosecurity_falco_outputs_queue_num_drops_total", "counter", "alerts the output queues dropped",
		{ " " .. metrics.output_drops(rt) })
	local lines = {}
	for name, n in pairs(rt.matches) do
		local r = rt.rule_info[name] or {}
		lines[#lines + 1] = format('{priority="%d",rule_name="%s",source="syscall",tags="%s"} %d',
			r.priority_num or 7, label(name), label(concat(r.tags or {}, ",")), n)
	end
	table.sort(lines)
	metric("falcosecurity_falco_rules_matches_total", "counter", "alerts per rule", lines)
	local text = concat(out, "\n") .. "\n"
	C.saker_web_set_metrics(self.h, text, #text)
end

function W:stop()
	C.saker_web_stop(self.h)
end

return M
