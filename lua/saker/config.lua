-- SPDX-License-Identifier: Apache-2.0
-- saker.config: falco.yaml-style configuration. Defaults, then the file,
-- then `-o key.path=value` overrides, with the key names of falco.yaml.
--
-- M.load(path_or_nil, overrides) -> cfg, diags   or nil, diags
--   path nil: defaults (and overrides) only; M.default_path() finds the
--   file the CLI uses when -c is not given.
--   overrides: list of "key.path=value" strings. The value is read as YAML
--   (`true`, `5`, `[a, b]`, `{k: v}`, `"quoted"`). A path segment may be
--   indexed: `list[0]=x` sets an element (0-based, as Falco), and
--   `list[]=x` appends one (a saker addition: Falco has no append).
-- diags: { level = "error"|"warning", file=, line=, col=, msg=, code= };
-- errors (bad YAML, a value of the wrong type, an invalid value) make
-- load return nil; unknown keys are warnings and their values are kept.
-- `rules_file` (Falco's old spelling) is read as `rules_files`.
local yaml = require("saker.yaml")
local check = require("saker.config_check")

local M = {}

local type, pairs, ipairs, tostring, tonumber = type, pairs, ipairs, tostring, tonumber
local fmt, match, lower = string.format, string.match, string.lower
local next = next

local function home()
	if SAKER_HOME then return SAKER_HOME end
	local src = debug.getinfo(1, "S").source:sub(2)
	return src:match("^(.*)/lua/saker/config%.lua$") or "."
end
M.home = home()

-- The schema is the shape of the defaults: a key's type is the type of its
-- default, a table is a map of keys, except where marked below.

local function defaults()
	return {
		rules_files = { M.home .. "/rules" },
		rules = {},
		config_files = {},
		append_output = {},
		priority = "debug",
		json_output = false,
		json_include_output_property = true,
		json_include_tags_property = true,
		json_include_output_fields_property = true,
		time_format_iso_8601 = false,
		buffered_outputs = false,
		rule_matching = "all",
		watch_config_files = true,
		log_level = "info",
		log_stderr = true,
		log_syslog = false,
		stdout_output = { enabled = true },
		file_output = { enabled = false, keep_alive = false, filename = "./events.txt" },
		syslog_output = { enabled = false },
		program_output = { enabled = false, keep_alive = false, program = "" },
		http_output = {
			enabled = false, url = "", user_agent = "saker", insecure = false,
			ca_cert = "", ca_bundle = "", ca_path = "/etc/ssl/certs", mtls = false,
			client_cert = "", client_key = "", compress_uploads = false, keep_alive = false,
		},
		grpc_output = { enabled = false },
		grpc = { enabled = false, bind_address = "unix:///run/saker/saker.sock", threadiness = 0,
			private_key = "", cert_chain = "", root_certs = "" },
		syscall_event_drops = {
			threshold = 0.1, actions = { "log", "alert" }, rate = 0.03333, max_burst = 1,
		},
		webserver = {
			enabled = true, threadiness = 0, listen_port = 8765, listen_address = "0.0.0.0",
			k8s_healthz_endpoint = "/healthz", ssl_enabled = false,
			ssl_certificate = "/etc/saker/saker.pem", prometheus_metrics_enabled = false,
		},
		-- Falco's ring size index: n is 2^(n-1) MiB (4: 8 MiB); saker.ring_kb wins
		syscall_buf_size_preset = 4,
		syscall_drop_failed_exit = false,
		-- syscalls captured beside those the rules name (build.select)
		base_syscalls = { custom_set = {}, repair = false, all = false },
		-- Falco's driver choice: saker always runs its own probe live; replay
		-- reads engine.replay.capture_file, as -e does
		engine = { kind = "modern_ebpf", replay = { capture_file = "" } },
		-- record a .scap file when a rule fires (saker.record); ms
		capture = { enabled = false, path_prefix = "/tmp/saker", mode = "rules", default_duration = 5000 },
		-- where container runtimes keep their files, read for container.*
		-- and k8s.* (container_meta.c): runc, crun, containerd, cri-o,
		-- podman, docker
		container_metadata = { enabled = true, roots = {
			"/run/runc", "/run/crun", "/run/docker/runtime-runc/moby",
			"/run/containerd/runc/k8s.io", "/run/containerd/runc/moby", "/run/containerd/runc/default",
			"/run/containerd/io.containerd.runtime.v2.task/k8s.io",
			"/run/containerd/io.containerd.runtime.v2.task/moby",
			"/run/containerd/io.containerd.runtime.v2.task/default",
			"/run/containers/storage/overlay-containers", "/var/lib/containers/storage/overlay-containers",
			"/var/lib/docker/containers",
		} },
		metrics = {
			enabled = false, interval = "1h", output_rule = true, output_file = "",
			rules_counters_enabled = true, resource_utilization_enabled = true,
			state_counters_enabled = true, kernel_event_counters_enabled = true,
			convert_memory_to_mb = true,
		},
		saker = {},
		-- saker's own output settings (README, "Outputs")
		outputs = {
			queue_kb = 1024,
			syslog = { socket = "/dev/log", facility = "user" },
			http = { retries = 3, backoff_ms = 200, timeout_ms = 5000 },
			throttle = { enabled = false, rate = 1, burst = 10, dedup_window = 0, dedup_fields = {} },
			plugins_dir = M.home .. "/plugins/outputs",
			plugin_timeout_ms = 1000,
			plugin_max_failures = 5,
			plugins = {},
		},
	}
end

-- Lists of strings, open maps (any keys) and free-form values.
local SCHEMA_LISTS = { rules_files = true, ["syscall_event_drops.actions"] = true,
	["base_syscalls.custom_set"] = true,
	["outputs.throttle.dedup_fields"] = true, ["container_metadata.roots"] = true }
local SCHEMA_FREE = { saker = true }
local SCHEMA_ANY = { rules = true, ["outputs.plugins"] = true, append_output = true, config_files = true }

local function kind_of(path, v)
	if SCHEMA_LISTS[path] then return "list" end
	if SCHEMA_ANY[path] then return "any" end
	if SCHEMA_FREE[path] then return "free" end
	local t = type(v)
	if t == "table" then return "map" end
	return t -- boolean, number, string
end

function M.defaults()
	return defaults()
end

function M.default_path()
	for _, p in ipairs({ "/etc/saker/saker.yaml", "./saker.yaml" }) do
		local f = io.open(p, "rb")
		if f then
			f:close()
			return p
		end
	end
	return nil
end

local function add(diags, level, code, msg, file, line, col)
	diags[#diags + 1] = { level = level, code = code, msg = msg, file = file, line = line, col = col }
end

local TYPE_NAME = {
	boolean = "a boolean", number = "a number", string = "a string", map = "a mapping",
	list = "a list of strings",
}

-- The boolean spellings falco.yaml's reader (yaml-cpp) accepts.
local BOOLS = {
	y = true, Y = true, yes = true, Yes = true, YES = true, on = true, On = true, ON = true,
	n = false, N = false, no = false, No = false, NO = false, off = false, Off = false,
	OFF = false,
}

-- Check a plain value against the kind expected at path. Returns the value
-- to store (strings accept any scalar, as falco.yaml's readers do) or nil,
-- message.
local function coerce(kind, v)
	if kind == "any" then return v end
	local t = type(v)
	if kind == "string" then
		if t == "string" then return v end
		if t == "number" or t == "boolean" then return tostring(v) end
	elseif kind == "number" then
		if t == "number" then return v end
	elseif kind == "boolean" then
		if t == "boolean" then return v end
		if t == "string" and BOOLS[v] ~= nil then return BOOLS[v] end
	elseif kind == "list" then
		if t == "table" and (#v > 0 or next(v) == nil) then
			local out = {}
			for i, e in ipairs(v) do
				local te = type(e)
				if te ~= "string" and te ~= "number" then return nil end
				out[i] = tostring(e)
			end
			return out
		end
		if t == "string" then return { v } end
	elseif kind == "map" or kind == "free" then
		if t == "table" and #v == 0 then return v end
	end
	return nil
end

-- falco.yaml's environment expansion in values: "${NAME}" is the
-- variable's value ("" when unset), "$${NAME}" a literal "${NAME}".
local function expand_env(v)
	if type(v) == "string" then
		return (v:gsub("(%$?)%${([%w_]+)}", function(escaped, name)
			if escaped == "$" then return "${" .. name .. "}" end
			return os.getenv(name) or ""
		end))
	elseif type(v) == "table" then
		for k, x in pairs(v) do v[k] = expand_env(x) end
	end
	return v
end

-- How a file merges into what is loaded (config_files' strategy):
-- "override" replaces values; "append" (config_files' default) also appends
-- to lists; "add-only" sets only keys no file set yet. set: the dotted
-- paths some file has set, for add-only.
local function append_list(old, new)
	if type(old) ~= "table" or type(new) ~= "table" or #new == 0 and next(new) ~= nil then return new end
	local out = {}
	for _, v in ipairs(old) do out[#out + 1] = v end
	for _, v in ipairs(new) do out[#out + 1] = v end
	return out
end

-- falco.yaml keys that have no meaning for saker, and why: they load with
-- a warning that says so rather than "unknown".
local FALCO_ONLY = {
	load_plugins = "Falco's native (.so) plugins; saker's plugins are Lua (outputs.plugins)",
	plugins = "Falco's native (.so) plugins; saker's plugins are Lua (outputs.plugins)",
	modern_bpf = "saker's probe uses one ring buffer for all CPUs",
	libs_logger = "saker has no libs logger",
	metadata_download = "saker has no Kubernetes metadata client",
	container_engines = "saker reads the container id from the cgroup path",
	output_timeout = "saker's output channels never block the engine",
	outputs_queue = "saker's queues are sized by outputs.queue_kb",
	syscall_event_timeouts = "saker polls the ring buffer on a 10 ms tick",
	falco_libs = "Falco's libs tuning",
	["outputs.rate"] = "Falco's old alert throttling; saker's is outputs.throttle",
	["outputs.max_burst"] = "Falco's old alert throttling; saker's is outputs.throttle",
	["http_output.echo"] = "saker does not print the receiver's answers",
	["syscall_event_drops.simulate_drops"] = "saker does not simulate drops",
	["metrics.libbpf_stats_enabled"] = "make bench reports the probe's BPF time",
	["metrics.include_empty_values"] = "snapshots carry every value they have",
}

local function unknown_key(path)
	local why = FALCO_ONLY[path] or FALCO_ONLY[path:match("^[^.]+")]
	if why then return fmt("'%s' is a Falco key saker does not use (%s)", path, why) end
	return fmt("Unknown configuration key '%s'", path)
end

-- Merge a node of the file into cfg[key], following the schema in def.
local function merge_node(cfg, def, key, node, path, file, diags, knode, how)
	local kind = def ~= nil and kind_of(path, def) or nil
	if how.mode == "add-only" and how.set[path] then return end
	if kind == nil then
		add(diags, "warning", "CONFIG_UNKNOWN_KEY", unknown_key(path),
			file, knode.line, knode.col)
		cfg[key] = expand_env(yaml.plain(node))
		how.set[path] = true
		return
	end
	if node.kind == "scalar" and not node.quoted and yaml.scalar(node) == nil then
		return -- null: keep the default
	end
	if kind == "map" and node.kind == "map" then
		for i = 1, #node.keys do
			local k = node.keys[i]
			if k.kind == "scalar" then
				merge_node(cfg[key], def[k.value], k.value, node.values[i],
					path .. "." .. k.value, file, diags, k, how)
			end
		end
		return
	end
	local v, ok = expand_env(yaml.plain(node)), nil
	ok = coerce(kind, v)
	if ok == nil then
		add(diags, "error", "CONFIG_TYPE", fmt("Key '%s' must be %s", path,
			TYPE_NAME[kind] or kind), file, node.line, node.col)
		return
	end
	if how.mode == "append" and (kind == "list" or kind == "any") then ok = append_list(cfg[key], ok) end
	cfg[key] = ok
	how.set[path] = true
end

local function merge_file(cfg, path, diags, how)
	local f, err = io.open(path, "rb")
	if not f then
		add(diags, "error", "CONFIG_READ", "Could not read configuration file: " .. tostring(err),
			path)
		return
	end
	local text = f:read("*a")
	f:close()
	local docs, perr = yaml.load(text, path)
	if not docs then
		add(diags, "error", "CONFIG_YAML_PARSE", perr.msg, path, perr.line, perr.col)
		return
	end
	local root = docs[1]
	if root == nil or (root.kind == "scalar" and yaml.scalar(root) == nil) then return end
	if root.kind ~= "map" then
		add(diags, "error", "CONFIG_YAML_VALIDATE", "Configuration is not a YAML mapping",
			path, root.line, root.col)
		return
	end
	local def = defaults()
	for i = 1, #root.keys do
		local k = root.keys[i]
		if k.kind == "scalar" then
			local name = k.value == "rules_file" and "rules_files" or k.value
			merge_node(cfg, def[name], name, root.values[i], name, path, diags, k, how)
		end
	end
end

-- Split "a.b[1].c[]" into { "a", "b", 2, "c", "[]" } (indexes 1-based).
local function split_path(s)
	local out = {}
	for seg in (s .. "."):gmatch("([^.]*)%.") do
		local name, rest = match(seg, "^([^%[%]]+)(.*)$")
		if not name then return nil end
		out[#out + 1] = name
		while rest ~= "" do
			local idx, more = match(rest, "^%[(%d*)%](.*)$")
			if not idx then return nil end
			out[#out + 1] = idx == "" and "[]" or tonumber(idx) + 1
			rest = more
		end
	end
	return out
end

local function override(cfg, opt, diags)
	local key, value = match(opt, "^([^=]+)=(.*)$")
	local segs = key and split_path(key)
	if not segs then
		add(diags, "error", "CONFIG_OPTION", fmt("Invalid option '%s': expected key.path=value", opt),
			"-o")
		return
	end
	if segs[1] == "rules_file" then segs[1] = "rules_files" end
	local v
	local docs, perr = yaml.load(value, "-o")
	if not docs then
		add(diags, "error", "CONFIG_OPTION", fmt("Invalid value in '%s': %s", opt, perr.msg), "-o")
		return
	end
	if docs[1] then v = yaml.plain(docs[1]) end
	if v == nil then v = "" end
	-- walk to the parent, creating maps and lists as needed
	local def = defaults()
	local t, d, path = cfg, def, ""
	local free = false
	for i = 1, #segs - 1 do
		local s = segs[i]
		path = type(s) == "number" and path .. "[" .. (s - 1) .. "]"
			or (path == "" and s or path .. "." .. s)
		if type(t[s]) ~= "table" then t[s] = {} end
		t = t[s]
		d = type(d) == "table" and d[s] or nil
		free = free or SCHEMA_FREE[path] or SCHEMA_ANY[path] or false
	end
	local last = segs[#segs]
	if last == "[]" then last = #t + 1 end
	local full = type(last) == "number" and path or (path == "" and last or path .. "." .. last)
	local kind
	if type(last) == "number" then
		kind = SCHEMA_LISTS[full] and "string" or nil
	else
		kind = d ~= nil and kind_of(full, d[last]) or nil
		if d ~= nil and d[last] == nil then kind = nil end
	end
	if not free and type(last) ~= "number" and (d == nil or d[last] == nil) then
		add(diags, "warning", "CONFIG_UNKNOWN_KEY", unknown_key(full),
			"-o")
	end
	if kind then
		local ok = coerce(kind, v)
		if ok == nil then
			add(diags, "error", "CONFIG_TYPE", fmt("Option '%s' must be %s (-o '%s')", full,
				TYPE_NAME[kind] or kind, opt), "-o")
			return
		end
		v = ok
	end
	t[last] = v
end

-- Checks of values (not types), once everything is merged.
local function validate(cfg, diags, file)
	check.values(cfg, function(msg) add(diags, "error", "CONFIG_VALUE", msg, file) end)
end

-- Normalized minimum priority name ("Warning") of a config.
function M.priority(cfg)
	return check.PRIORITY[lower(cfg.priority)]
end

-- The config files each loaded config came from: the main file, then the
-- files its config_files named (what a hot-reload watcher has to watch).
local loaded_files = setmetatable({}, { __mode = "k" })

function M.files(cfg)
	return loaded_files[cfg] or {}
end

local STRATEGIES = { append = true, override = true, ["add-only"] = true }

-- config_files (Falco 0.38): files and directories (their *.yaml, sorted)
-- merged after the main file, in order, each with its strategy (append by
-- default). config_files inside them are not followed.
local function merge_included(cfg, main, diags, how, files)
	local entries = cfg.config_files
	if type(entries) ~= "table" then
		add(diags, "error", "CONFIG_TYPE", "Key 'config_files' must be a list", main)
		return
	end
	for _, e in ipairs(entries) do
		local p, strategy = e, "append"
		if type(e) == "table" then p, strategy = e.path, e.strategy or "append" end
		if type(p) ~= "string" or not STRATEGIES[strategy] then
			add(diags, "error", "CONFIG_VALUE", "each 'config_files' entry is a path or "
				.. "{path: PATH, strategy: append|override|add-only}", main)
			return
		end
		for _, f in ipairs(require("saker.rules.load").expand({ p })) do
			local fh = io.open(f, "r")
			if fh then
				fh:close()
				how.mode = strategy
				merge_file(cfg, f, diags, how)
				cfg.config_files = entries
				files[#files + 1] = f
			else
				add(diags, "warning", "CONFIG_READ", "config_files: cannot read " .. f, main)
			end
		end
	end
end

function M.load(path, overrides)
	local diags = {}
	local cfg = defaults()
	local how, files = { mode = "override", set = {} }, { path }
	if path then
		merge_file(cfg, path, diags, how)
		merge_included(cfg, path, diags, how, files)
	end
	loaded_files[cfg] = files
	for _, opt in ipairs(overrides or {}) do override(cfg, opt, diags) end
	for _, d in ipairs(diags) do
		if d.level == "error" then return nil, diags end
	end
	validate(cfg, diags, path)
	for _, d in ipairs(diags) do
		if d.level == "error" then return nil, diags end
	end
	return cfg, diags
end

function M.format_diag(d)
	local where = d.file or "<config>"
	if d.line then where = where .. ":" .. d.line .. ":" .. (d.col or 1) end
	return fmt("%s: %s: %s", where, d.level, d.msg)
end

return M
