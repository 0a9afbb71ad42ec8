-- SPDX-License-Identifier: Apache-2.0
-- saker.outputs.channel: a C channel (core/out_*.c) seen from Lua. push()
-- hands the formatted alert to the channel's bounded queue and returns at
-- once; the channel's own thread delivers it. report() logs what was
-- dropped or failed since the last report, at most once per interval.
local core = require("saker.core")
local log = require("saker.log")

local M = {}

local C, ffi = core.C, core.ffi
local push, out_stats, out_error = C.saker_out_push, C.saker_out_stats, C.saker_out_error
local KINDS = {
	file = C.SAKER_OUT_FILE, syslog = C.SAKER_OUT_SYSLOG, program = C.SAKER_OUT_PROGRAM,
	http = C.SAKER_OUT_HTTP, plugin = C.SAKER_OUT_PLUGIN, grpc = C.SAKER_OUT_GRPC,
	stdout = C.SAKER_OUT_STDOUT,
}
local INT_FIELDS = { "keep_alive", "facility", "insecure", "compress", "retries", "backoff_ms",
	"timeout_ms", "embedded", "max_failures", "queue_kb", "threads" }
local STR_FIELDS = { "name", "target", "user_agent", "content_type", "ca_cert", "ca_path",
	"client_cert", "client_key", "home", "config_json", "version" }

local Ch = {}
Ch.__index = Ch

-- kind: "stdout" | "file" | "syslog" | "program" | "http" | "plugin" | "grpc"; o: the fields of
-- struct saker_out_opts (booleans allowed); format(alert) -> line.
-- Returns a channel, or nil, message.
function M.open(kind, o, format)
	local opts = ffi.new("struct saker_out_opts")
	opts.kind = KINDS[kind]
	local keep = {} -- the strings live until saker_out_open has copied them
	for _, k in ipairs(STR_FIELDS) do
		if o[k] ~= nil and o[k] ~= "" then
			keep[#keep + 1] = tostring(o[k])
			opts[k] = keep[#keep]
		end
	end
	for _, k in ipairs(INT_FIELDS) do
		local v = o[k]
		if v == true then v = 1 elseif v == false or v == nil then v = 0 end
		opts[k] = v
	end
	local err = ffi.new("char[512]")
	local c = C.saker_out_open(opts, err, 512)
	if c == nil then return nil, ffi.string(err) end
	return setmetatable({
		c = c, name = o.name or kind, format = format,
		st = ffi.new("struct saker_out_stats"), errbuf = ffi.new("char[512]"),
		reported = { dropped = 0, failed = 0, errors = 0ULL }, last_report = 0,
		interval = o.report_interval or 10,
	}, Ch)
end

function Ch:emit(a)
	local line = self.format(a)
	push(self.c, line, #line, a.priority_num or 5)
end

function Ch:reopen() C.saker_out_reopen(self.c) end

-- { queued, sent, dropped, failed, errors, pending, disabled, last_error }
function Ch:stats()
	local st = self.st
	out_stats(self.c, st)
	local seq = out_error(self.c, self.errbuf, 512)
	return {
		queued = tonumber(st.queued), sent = tonumber(st.sent),
		dropped = tonumber(st.dropped), failed = tonumber(st.failed),
		errors = tonumber(st.errors), pending = st.pending, disabled = st.disabled ~= 0,
		last_error = seq > 0 and ffi.string(self.errbuf) or nil,
	}
end

-- Log drops, failures and new errors since the last report, rate limited
-- to one message per interval (seconds); force: now, whatever the time.
function Ch:report(now, force)
	if not force and now - self.last_report < self.interval then return end
	local s, r = self:stats(), self.reported
	local dd, df = s.dropped - r.dropped, s.failed - r.failed
	local new_err = s.errors > r.errors
	if dd > 0 or df > 0 or new_err then
		self.last_report = now
		log.warning("output %s: %d dropped, %d failed since the last report%s", self.name, dd, df,
			new_err and ("; last error: " .. s.last_error) or "")
		r.dropped, r.failed, r.errors = s.dropped, s.failed, s.errors
	end
end

function Ch:drain(ms) return C.saker_out_drain(self.c, ms or 0) == 1 end

function Ch:close(ms)
	if not self.c then return end
	self:report(0, true)
	local s = self:stats()
	C.saker_out_close(self.c, ms or 2000)
	self.c = nil
	log.info("output %s: %d sent, %d dropped, %d failed", self.name, s.sent, s.dropped, s.failed)
	self.final = s
end

return M
