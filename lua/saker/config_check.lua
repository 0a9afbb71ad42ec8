-- SPDX-License-Identifier: Apache-2.0
-- saker.config_check: checks of a merged config's values (its types were
-- checked while merging, saker.config). values(cfg, bad) calls bad(message)
-- for each wrong value.
local M = {}

local fmt, lower = string.format, string.lower

M.PRIORITY = {
	emergency = "Emergency", alert = "Alert", critical = "Critical", error = "Error",
	warning = "Warning", notice = "Notice", informational = "Informational",
	info = "Informational", debug = "Debug",
}
local LOG_LEVELS = {
	emergency = true, alert = true, critical = true, error = true, warning = true,
	notice = true, info = true, debug = true,
}
local DROP_ACTIONS = { ignore = true, log = true, alert = true, exit = true }

function M.values(cfg, bad)
	if not M.PRIORITY[lower(cfg.priority)] then
		bad(fmt("Invalid priority '%s'", cfg.priority))
	end
	if cfg.rule_matching ~= "all" and cfg.rule_matching ~= "first" then
		bad(fmt("rule_matching must be 'all' or 'first', not '%s'", cfg.rule_matching))
	end
	if not LOG_LEVELS[lower(cfg.log_level)] then
		bad(fmt("Invalid log_level '%s'", cfg.log_level))
	end
	local d = cfg.syscall_event_drops
	if type(d.threshold) ~= "number" or d.threshold < 0 or d.threshold > 1 then
		bad("syscall event drops threshold must be a double in the range [0, 1]")
	end
	local has = {}
	for _, a in ipairs(d.actions) do
		if not DROP_ACTIONS[a] then bad(fmt("Unknown syscall event drop action '%s'", a)) end
		has[a] = true
	end
	if has.ignore and #d.actions > 1 then
		bad("syscall event drop action \"ignore\" cannot be combined with other actions")
	end
	local o = cfg.outputs
	if type(o.plugins) ~= "table" then
		bad("'outputs.plugins' must be a list of {name: NAME, path: FILE, config: {...}}")
	else
		for _, e in ipairs(o.plugins) do
			if type(e) ~= "table" or type(e.name) ~= "string"
				or (e.config ~= nil and type(e.config) ~= "table") then
				bad("each 'outputs.plugins' entry must be {name: NAME, path: FILE, config: {...}} (name required)")
				break
			end
		end
	end
	if not require("saker.outputs.native").FACILITY[tostring(o.syslog.facility)] then
		bad(fmt("Invalid outputs.syslog.facility '%s' (user, daemon, local0 .. local7, ...)",
			tostring(o.syslog.facility)))
	end
	local grpc_err = require("saker.outputs.grpc").check(cfg)
	if grpc_err then bad(grpc_err) end
	local web_err = require("saker.web").check(cfg)
	if web_err then bad(web_err) end
	local known
	for _, n in ipairs(cfg.base_syscalls.custom_set) do
		if not known then
			known = {}
			local C, ffi = require("saker.core").C, require("ffi")
			for t = 0, C.saker_evtype_max() - 1 do known[ffi.string(C.saker_evtype_name(t))] = true end
		end
		if not known[(n:gsub("^!", ""))] then bad(fmt("base_syscalls.custom_set: unknown syscall '%s'", n)) end
	end
	local cap = cfg.capture
	if cap.mode ~= "rules" and cap.mode ~= "all_rules" then
		bad(fmt("capture.mode must be 'rules' or 'all_rules', not '%s'", tostring(cap.mode)))
	end
	if cap.default_duration <= 0 then
		bad(fmt("capture.default_duration must be a positive number of milliseconds, not %s",
			tostring(cap.default_duration)))
	end
	if cap.path_prefix == "" then bad("capture.path_prefix must not be empty") end
	local preset = cfg.syscall_buf_size_preset
	if preset % 1 ~= 0 or preset < 1 or preset > 10 then
		bad(fmt("syscall_buf_size_preset must be 1 to 10 (1 MiB to 512 MiB), not %s", tostring(preset)))
	end
	local kind = cfg.engine.kind
	if kind == "replay" and cfg.engine.replay.capture_file == "" then
		bad("engine.kind is replay but engine.replay.capture_file is empty")
	elseif kind ~= "replay" and kind ~= "modern_ebpf" and kind ~= "ebpf" and kind ~= "kmod" then
		bad(fmt("engine.kind '%s' is not supported: saker captures with its own eBPF probe "
			.. "(modern_ebpf, ebpf and kmod all mean it) or replays a capture (replay)", tostring(kind)))
	end
	local metrics_err = require("saker.metrics").check(cfg)
	if metrics_err then bad(metrics_err) end
	local append_err = require("saker.rules.append").check(cfg.append_output)
	if append_err then bad(append_err) end
	if type(cfg.rules) ~= "table" then
		bad("'rules' must be a list of {enable: ...} / {disable: ...} entries")
		return
	end
	for _, e in ipairs(cfg.rules) do
		local sel = type(e) == "table" and (e.enable or e.disable)
		local ok = sel and type(sel) == "table" and (type(sel.rule) == "string"
			or type(sel.tag) == "string")
		if not ok then
			bad("each 'rules' entry must be {enable: {rule: NAME}} or {disable: {tag: TAG}} (rule or tag)")
			return
		end
	end
end

return M
