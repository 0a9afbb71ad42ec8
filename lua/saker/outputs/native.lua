-- SPDX-License-Identifier: Apache-2.0
-- saker.outputs.native: falco.yaml's stdout, file, syslog, program and http
-- channels, each a C channel (saker.outputs.channel) opened from its keys.
-- M.list(cfg) -> { {kind, opts}, ... } for the enabled ones.
local alert = require("saker.alert")

local M = {}

local FACILITY = {
	kern = 0, user = 1, mail = 2, daemon = 3, auth = 4, syslog = 5, lpr = 6, news = 7,
	uucp = 8, cron = 9, authpriv = 10, ftp = 11, local0 = 16, local1 = 17, local2 = 18,
	local3 = 19, local4 = 20, local5 = 21, local6 = 22, local7 = 23,
}
M.FACILITY = FACILITY

local function line_format(cfg)
	if cfg.json_output then return function(a) return alert.json(a, cfg) end end
	return function(a) return alert.text(a, cfg) end
end
M.line_format = line_format

local function on(t) return type(t) == "table" and t.enabled == true end

-- The enabled channels: { kind =, opts = (struct saker_out_opts fields),
-- format = function(alert) -> line }.
function M.list(cfg)
	local o = cfg.outputs or {}
	local q = o.queue_kb
	local fmt = line_format(cfg)
	local list = {}
	if not (cfg.stdout_output and cfg.stdout_output.enabled == false) then
		-- stdout is a channel like the others: a blocked reader (a pipe
		-- nobody drains) fills its queue, never the engine
		list[#list + 1] = { kind = "stdout", format = fmt, opts = { queue_kb = q } }
	end
	if on(cfg.file_output) then
		local f = cfg.file_output
		list[#list + 1] = { kind = "file", format = fmt, opts = {
			target = f.filename, keep_alive = f.keep_alive, queue_kb = q } }
	end
	if on(cfg.syslog_output) then
		local s = o.syslog or {}
		list[#list + 1] = { kind = "syslog", format = fmt, opts = {
			target = s.socket, facility = FACILITY[tostring(s.facility or "user")],
			queue_kb = q } }
	end
	if on(cfg.program_output) then
		local p = cfg.program_output
		list[#list + 1] = { kind = "program", format = fmt, opts = {
			target = p.program, keep_alive = p.keep_alive, queue_kb = q } }
	end
	if on(cfg.http_output) then
		local h, r = cfg.http_output, o.http or {}
		local ca = h.ca_cert ~= "" and h.ca_cert or h.ca_bundle
		list[#list + 1] = { kind = "http", format = fmt, opts = {
			target = h.url, user_agent = h.user_agent, insecure = h.insecure,
			content_type = cfg.json_output and "application/json" or "text/plain",
			ca_cert = ca, ca_path = h.ca_path,
			client_cert = h.mtls and h.client_cert or nil,
			client_key = h.mtls and h.client_key or nil,
			compress = h.compress_uploads, keep_alive = h.keep_alive,
			retries = r.retries, backoff_ms = r.backoff_ms, timeout_ms = r.timeout_ms,
			queue_kb = q } }
	end
	return list
end

return M
