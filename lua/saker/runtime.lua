-- SPDX-License-Identifier: Apache-2.0
-- saker.runtime: the running agent around the event loop: its config, its
-- compiled rules, its output channels, and what happens between events:
-- signals (SIGINT/SIGTERM stop, SIGHUP reloads, SIGUSR1 reopens outputs),
-- the drop monitor and -M once a second, and hot reload when a watched
-- config, rules or plugin file changes (debounced).
--
-- A reload builds the new config, rules and outputs beside the running ones,
-- in slices of SLICE_MS between which the engine goes on with the old rules,
-- then swaps them in between two events; the context (thread and fd tables)
-- and the probe stay. A reload that fails keeps everything as it was, logs
-- every error with file:line:col and raises an internal alert.
local core = require("saker.core")
local config = require("saker.config")
local build = require("saker.rules.build")
local load = require("saker.rules.load")
local outputs = require("saker.outputs")
local alert = require("saker.alert")
local drops = require("saker.drops")
local watch = require("saker.watch")
local clock = require("saker.clock")
local log = require("saker.log")
local web = require("saker.web")
local metrics = require("saker.metrics")
local record = require("saker.record")

local M = {}

local SIGHUP, SIGINT, SIGUSR1, SIGTERM = 1, 2, 10, 15
local DEBOUNCE_MS = 100
local WATCH_EVERY_MS = 20
local SLICE_MS = 5 -- the longest a reload holds the event loop at a time

-- Config keys read once at start: a change is named in the log.
local RESTART_KEYS = { "saker.ring_kb", "syscall_buf_size_preset", "syscall_drop_failed_exit", "webserver", "grpc", "grpc_output", "metrics",
	"watch_config_files", "capture", "container_metadata" }

local RT = {}
RT.__index = RT

-- The text of the configured plugins' files: a changed plugin reloads the
-- outputs even when the config did not change.
local function plugin_sources(cfg)
	local parts = {}
	for _, d in ipairs(require("saker.outputs.plugins").list(cfg, true)) do
		local f = io.open(d.opts.target, "rb")
		parts[#parts + 1] = d.opts.target .. "\0" .. (f and f:read("*a") or "")
		if f then f:close() end
	end
	return table.concat(parts, "\0")
end

local function rule_paths(self, cfg)
	return self.fixed_paths or cfg.rules_files
end

local function get(cfg, dotted)
	local v = cfg
	for k in dotted:gmatch("[^.]+") do
		if type(v) ~= "table" then return nil end
		v = v[k]
	end
	return v
end

local function same(a, b)
	if type(a) ~= "table" or type(b) ~= "table" then return a == b end
	for k, v in pairs(a) do
		if not same(v, b[k]) then return false end
	end
	for k in pairs(b) do
		if a[k] == nil then return false end
	end
	return true
end

-- o: {s, cfg, cfg_path, overrides, rule_paths (from -r, or nil),
--     duration (seconds or nil), every_syscall (-A), live (not a replay)}.
-- Returns the runtime and the rules' diags (warnings), or nil and the diags
-- that stopped it.
function M.new(o)
	local self = setmetatable({
		s = o.s, cfg = o.cfg, cfg_path = o.cfg_path, overrides = o.overrides,
		fixed_paths = o.rule_paths and #o.rule_paths > 0 and o.rule_paths or nil,
		every_syscall = o.every_syscall, reloads = 0, reload_failures = 0,
	}, RT)
	local compiled, diags = build.build(rule_paths(self, o.cfg), o.s, o.cfg)
	self.diags = diags
	if not compiled then return nil, diags end
	self.outs = outputs.open(o.cfg)
	if #self.outs.errors > 0 then
		self.outs:close(0)
		for _, e in ipairs(self.outs.errors) do
			diags[#diags + 1] = { level = "error", msg = e, file = o.cfg_path }
		end
		return nil, diags
	end
	self.plugin_src = plugin_sources(o.cfg)
	self.matches, self.rule_info = {}, {} -- alerts per rule name, for /metrics
	self:adopt(compiled, o.cfg)
	local werr
	self.web, werr = web.start(o.cfg)
	if werr then log.warning("%s; going on without it", werr) end
	if self.web then self.web:update(self) end
	local m = o.cfg.metrics or {}
	if m.enabled == true then
		self.metrics, self.metrics_ms = metrics.new(self), metrics.interval_ms(m.interval)
	end
	self.monitor = drops.new(o.s, o.cfg, function(rule, msg, fields)
		self:internal_alert(rule, msg, fields)
	end)
	self.record = record.new(o.s, o.cfg, o.live)
	local now = clock.ms()
	self.next_sec = now + 1000
	self.next_metrics = self.metrics and now + self.metrics_ms
	self.next_watch = now
	self.deadline = o.duration and now + o.duration * 1000
	self:rewatch()
	return self, diags
end

function RT:adopt(compiled, cfg)
	self.compiled, self.cfg = compiled, cfg
	self.eval, self.rules = compiled.eval, compiled.rules
	for _, r in ipairs(compiled.rules) do self.rule_info[r.name] = r end
	self.first = cfg.rule_matching == "first"
end

function RT:internal_alert(rule, msg, fields)
	self.outs:emit(alert.build(rule, alert.now(), msg, fields, "internal"))
end

-- What a change of which reloads: the config file, the rules files and
-- directories as given, and the files they expanded to.
function RT:watched()
	local list, seen = {}, {}
	local function add(p)
		if p and not seen[p] then
			seen[p] = true
			list[#list + 1] = p
		end
	end
	for _, p in ipairs(config.files(self.cfg)) do add(p) end
	for _, p in ipairs(rule_paths(self, self.cfg)) do add(p) end
	for _, p in ipairs(self.compiled.files or {}) do add(p) end
	for _, p in ipairs(self.outs:files()) do add(p) end
	return list
end

-- Watch what the current config and rules name. The watcher is replaced
-- only when that set changed, and then the new one is made before the old
-- one is read a last time and closed, so that no change falls between them.
function RT:rewatch()
	local paths = self.cfg.watch_config_files ~= false and self:watched() or {}
	local key = table.concat(paths, "\0")
	if key == self.watch_key then return end
	local w, err
	if #paths > 0 then
		w, err = watch.new(paths)
		if not w then log.warning("hot reload: cannot watch files: %s", err) end
	end
	if self.watcher then
		if self.watcher:poll() then self.due = clock.ms() + DEBOUNCE_MS end
		self.watcher:close()
	end
	self.watcher, self.watch_key = w, key
end

local function report(diags)
	local errors = {}
	for _, d in ipairs(diags or {}) do
		local line = load.format_diag(d)
		if d.level == "error" then
			log.error("%s", line)
			errors[#errors + 1] = line
		else
			log.warning("%s", line)
		end
	end
	return errors
end

-- Build the new config, rules and outputs beside the running ones. Runs in
-- a coroutine: yields whenever the current slice (self.slice_end) is used
-- up, so that the engine goes on with the old rules in between.
function RT:prepare()
	local function yield()
		if clock.ms() >= self.slice_end then coroutine.yield() end
	end
	local cfg, cdiags = config.load(self.cfg_path, self.overrides)
	if not cfg then return { diags = cdiags } end
	yield()
	local compiled, diags = build.build(rule_paths(self, cfg), self.s, cfg, yield)
	if not compiled then return { diags = diags } end
	local outs = self.outs
	local src = plugin_sources(cfg)
	if not self:same_outputs(cfg) or src ~= self.plugin_src then
		outs = outputs.open(cfg)
		if #outs.errors > 0 then
			-- a plugin that does not load keeps the old outputs, and the old rules
			outs:close(0)
			for _, e in ipairs(outs.errors) do
				diags[#diags + 1] = { level = "error", msg = e, file = self.cfg_path }
			end
			return { diags = diags }
		end
	end
	return { cfg = cfg, compiled = compiled, outs = outs, diags = diags, plugin_src = src }
end

-- Swap in what prepare made, or keep the old and report. true when swapped.
function RT:finish(new, reason)
	local errors = report(new.diags)
	if not new.compiled then
		self.reload_failures = self.reload_failures + 1
		log.error("hot reload (%s) failed: the previous rules keep running", reason)
		self:internal_alert({ name = "Falco internal: hot restart failure", priority = "Error",
			priority_num = 3, source = "internal", tags = {} },
			"Falco internal: hot restart failure: " .. table.concat(errors, "; "),
			{ reason = reason, errors = #errors })
		self:rewatch()
		return false
	end
	local cfg, compiled = new.cfg, new.compiled
	for _, key in ipairs(RESTART_KEYS) do
		if not same(get(cfg, key), get(self.cfg, key)) then
			log.warning("config key %s changed: it takes effect after a restart", key)
		end
	end
	if new.outs ~= self.outs then
		self.outs:close()
		self.outs = new.outs
	end
	self.plugin_src = new.plugin_src
	if not build.select(self.s, compiled, { every_syscall = self.every_syscall, base = cfg.base_syscalls }) then
		log.error("hot reload: cannot update the probe's syscall selection")
	end
	local old_drops = self.cfg.syscall_event_drops
	self:adopt(compiled, cfg)
	if not same(old_drops, cfg.syscall_event_drops) then
		self.monitor = drops.new(self.s, cfg, function(rule, msg, fields)
			self:internal_alert(rule, msg, fields)
		end)
	end
	log.setup(cfg)
	self.reloads = self.reloads + 1
	log.info("hot reload (%s): %d rules loaded in %d ms (longest pause %d ms)", reason,
		#compiled.rules, clock.ms() - self.reload_started, self.longest_slice)
	self:rewatch()
	return true
end

-- Start a reload (a newer one replaces one under way).
function RT:start_reload(reason)
	self.pending = coroutine.create(function() return self:prepare() end)
	self.pending_reason = reason
	self.reload_started = clock.ms()
	self.longest_slice = 0
end

-- Run the reload under way for one slice; true when it swapped.
function RT:step_reload()
	local t = clock.ms()
	self.slice_end = t + SLICE_MS
	local ok, res = coroutine.resume(self.pending)
	self.longest_slice = math.max(self.longest_slice, clock.ms() - t)
	if coroutine.status(self.pending) ~= "dead" then return false end
	local reason = self.pending_reason
	self.pending = nil
	if not ok then
		res = { diags = { { level = "error", msg = "internal error: " .. tostring(res) } } }
	end
	return self:finish(res, reason)
end

-- The whole reload at once (benchmarks, tests): true when swapped.
function RT:reload(reason)
	self:start_reload(reason)
	local swapped
	repeat swapped = self:step_reload() until not self.pending
	return swapped
end

local OUTPUT_KEYS = { "json_output", "json_include_output_property", "json_include_tags_property",
	"json_include_output_fields_property", "time_format_iso_8601", "buffered_outputs",
	"stdout_output", "file_output", "syslog_output", "program_output", "http_output", "outputs",
	"saker" }

function RT:same_outputs(cfg)
	for _, k in ipairs(OUTPUT_KEYS) do
		if not same(cfg[k], self.cfg[k]) then return false end
	end
	return true
end

-- The engine's tick (see engine.run).
function RT:tick(sig)
	if sig == SIGINT or sig == SIGTERM then return "signal" end
	local swapped = false
	if sig == SIGHUP then
		self:start_reload("SIGHUP")
	elseif sig == SIGUSR1 and self.outs.reopen then
		self.outs:reopen()
	end
	local now = clock.ms()
	if self.watcher and now >= self.next_watch then
		self.next_watch = now + WATCH_EVERY_MS
		if self.watcher:poll() then self.due = now + DEBOUNCE_MS end
	end
	if self.due and now >= self.due then
		self.due = nil
		self:start_reload("files changed")
	end
	if self.pending then swapped = self:step_reload() end
	if self.record then self.record:tick() end
	if now >= self.next_sec then
		self.next_sec = now + 1000
		if self.monitor:check(now / 1000) == "exit" then return "drops" end
		if self.web then self.web:update(self) end
		if self.metrics and now >= self.next_metrics then
			self.next_metrics = now + self.metrics_ms
			self:metrics_snapshot()
		end
	end
	if self.deadline and now >= self.deadline then return "duration" end
	return swapped and "swap" or nil
end

-- metrics: the snapshot as an internal alert and/or a line in output_file.
function RT:metrics_snapshot()
	local m, snap = self.cfg.metrics, self.metrics:snapshot()
	if m.output_rule ~= false then self:internal_alert(metrics.RULE, metrics.MESSAGE, snap) end
	if type(m.output_file) == "string" and m.output_file ~= "" then
		local f, err = io.open(m.output_file, "a")
		if not f then
			log.warning("metrics.output_file %s: %s", m.output_file, tostring(err))
			return
		end
		f:write(metrics.json_line(snap, alert.now()))
		f:close()
	end
end

function RT:close()
	if self.record then self.record:close() end
	if self.web then self.web:stop() end
	if self.watcher then self.watcher:close() end
	self.outs:close()
end

return M
