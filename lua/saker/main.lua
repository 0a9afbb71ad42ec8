-- SPDX-License-Identifier: Apache-2.0
-- saker.main: what ./saker does with its command line. Returns a function
-- (argv) -> exit code; core/main.c calls it.
local cli = require("saker.cli")
local log = require("saker.log")
local version = require("saker.version")

local function err(fmt, ...)
	io.stderr:write("saker: ", fmt:format(...), "\n")
end

local function print_diags(diags, out, fmt)
	local errors = 0
	for _, d in ipairs(diags or {}) do
		if d.level == "error" then errors = errors + 1 end
		out:write(fmt(d), "\n")
	end
	return errors
end

local function list_fields(source, names_only)
	local core = require("saker.core")
	local C, ffi = core.C, core.ffi
	if source ~= true and source ~= "syscall" then
		err("no fields for source %s (saker has: syscall)", tostring(source))
		return 1
	end
	local types = { [0] = "NONE", "CHARBUF", "FSPATH", "INT64", "UINT64", "BOOL", "IPADDR",
		"IPNET", "PORT", "ABSTIME", "RELTIME", "BYTEBUF" }
	local class
	for i = 0, C.saker_field_count() - 1 do
		local f = C.saker_field_info(i)
		if bit.band(f.flags, C.SAKER_FF_HIDDEN) == 0 then
			local name = ffi.string(f.name)
			local c = name:match("^([^.]+)")
			if c ~= class and not names_only then
				class = c
				io.stdout:write("\nField Class: ", c, "\n\n")
			end
			local arg = ""
			if bit.band(f.flags, C.SAKER_FF_ARG_INDEX) ~= 0 then arg = "[N]" end
			if bit.band(f.flags, C.SAKER_FF_ARG_KEY) ~= 0 then arg = "[KEY]" end
			if names_only then
				io.stdout:write(name, "\n")
			else
				io.stdout:write(string.format("%-32s %-8s %s\n", name .. arg, types[f.type] or "?",
					ffi.string(f.desc)))
			end
		end
	end
	return 0
end

-- --list-events: the newest version of each event in the scap table, then
-- the syscalls that come as generic events.
local function list_events()
	local core = require("saker.core")
	local C, ffi = core.C, core.ffi
	local newest, order, generic = {}, {}, {}
	for t = 0, C.saker_evtype_max() - 1 do
		local name = ffi.string(C.saker_evtype_name(t))
		if C.saker_evtype_generic(t) == 1 then
			generic[#generic + 1] = name
		elseif name ~= "NA" then
			local key = string.char(C.saker_evtype_dir(t)) .. " " .. name
			if not newest[key] then order[#order + 1] = key end
			newest[key] = t
		end
	end
	io.stdout:write("Events (the probe sends exit events; enter events come from captures):\n")
	for _, key in ipairs(order) do
		local t, params = newest[key], {}
		for i = 0, C.saker_evtype_nparams(t) - 1 do params[#params + 1] = ffi.string(C.saker_evtype_param(t, i)) end
		io.stdout:write(key, "(", table.concat(params, ", "), ")\n")
	end
	io.stdout:write("\nSyscalls a rule may name as evt.type (those without an event above",
		" come as generic events, with no arguments):\n")
	for _, name in ipairs(generic) do io.stdout:write(name, "\n") end
	return 0
end

-- -P: the pid in a file for the agent's life; nil and a message on failure.
local function write_pidfile(path)
	local ffi = require("ffi")
	pcall(ffi.cdef, "int getpid(void);")
	local f, e = io.open(path, "w")
	if not f then return nil, e end
	local ok, werr = f:write(tostring(ffi.C.getpid()), "\n")
	f:close()
	if not ok then return nil, werr end
	return true
end

-- --support: versions, the system, the command line, the config file and
-- every rules file with its text, as one JSON document (Falco's keys).
local function support(argv, cfg_path, paths)
	local json = require("saker.json")
	local function read(path) return require("saker.fs").read(path) or "" end
	local function uname(flag)
		local p = io.popen("uname " .. flag .. " 2>/dev/null")
		local v = (p:read("*a") or ""):gsub("%s+$", "")
		p:close()
		return v
	end
	local files = {}
	for _, name in ipairs(require("saker.rules.load").expand(paths)) do
		files[#files + 1] = { name = name, content = read(name) }
	end
	local major, minor, patch = version.engine:match("^(%d+)%.(%d+)%.(%d+)")
	io.stdout:write(json.encode({
		version = version.saker,
		engine_info = { engine_version = version.engine, engine_major = tonumber(major),
			engine_minor = tonumber(minor), engine_patch = tonumber(patch) },
		system_info = { sysname = uname("-s"), nodename = uname("-n"), release = uname("-r"),
			version = uname("-v"), machine = uname("-m") },
		cmdline = "saker " .. table.concat(argv, " "),
		config = cfg_path and read(cfg_path) or "",
		rules_files = files,
	}), "\n")
	return 0
end

local function describe_rules(compiled, name)
	local found = false
	for _, r in ipairs(compiled.rules) do
		if not name then
			io.stdout:write(string.format("%-60s %s\n", r.name, (r.desc or ""):gsub("%s+", " ")))
		elseif r.name == name then
			found = true
			io.stdout:write("Rule: ", r.name, "\nPriority: ", r.priority, "\nTags: ",
				table.concat(r.tags or {}, ", "), "\nDescription:\n  ", r.desc or "", "\n")
		end
	end
	if name and not found then
		err("no rule named %q is loaded", name)
		return 1
	end
	return 0
end

-- After -e: the reader's warnings, and 1 if the file was broken.
local function capture_report(s, opts)
	if not opts.replay then return 0 end
	local core = require("saker.core")
	local msg = core.ffi.new("char[512]")
	local n = core.C.saker_capture_warnings(s, msg, 512)
	if n > 0 then log.warning("%s: %d warnings, the last: %s", opts.replay, n, core.ffi.string(msg)) end
	if core.C.saker_capture_status(s, msg, 512) < 0 then
		err("%s: %s", opts.replay, core.ffi.string(msg))
		return 1
	end
	return 0
end

local function main(argv)
	require("saker.jit").setup()
	local opts, msg = cli.parse(argv)
	if not opts then
		err("%s", msg)
		return 1
	end
	if opts.help then
		io.stdout:write(cli.usage)
		return 0
	end
	if opts.version then
		io.stdout:write("saker version: ", version.saker, "\nengine version: ", version.engine,
			"\nprobe: CO-RE eBPF (tp_btf sys_exit, sched_process_exit), ring buffer\n")
		return 0
	end
	if opts.list_fields then return list_fields(opts.list_fields, opts.names_only) end
	if opts.list_events then return list_events() end

	local config = require("saker.config")
	local load = require("saker.rules.load")
	local cfg_path = opts.config or config.default_path()
	local cfg, cdiags = config.load(cfg_path, opts.overrides)
	if not cfg then
		print_diags(cdiags, io.stderr, config.format_diag)
		return 1
	end
	print_diags(cdiags, io.stderr, config.format_diag)
	log.setup(cfg)
	if not opts.replay and cfg.engine.kind == "replay" then opts.replay = cfg.engine.replay.capture_file end

	local core = require("saker.core")
	if opts.support then
		return support(argv, cfg_path, #opts.rules > 0 and opts.rules or cfg.rules_files)
	end

	local build = require("saker.rules.build")
	if #opts.validate > 0 then
		local s = assert(core.open({ live = false }))
		local _, diags = build.build(opts.validate, s, cfg)
		local errors = print_diags(diags, io.stdout, load.format_diag)
		if errors > 0 then return 1 end
		for _, p in ipairs(opts.validate) do io.stdout:write(p, ": Ok\n") end
		return 0
	end

	local offline = opts.dry_run or opts.list_rules or opts.describe or opts.dump_lua
	local live = not offline and not opts.replay
	local s, oerr = core.open({ live = live, scan_proc = live,
		ring_kb = tonumber(cfg.saker.ring_kb) or 1024 * 2 ^ (cfg.syscall_buf_size_preset - 1),
		drop_failed_exit = cfg.syscall_drop_failed_exit,
		container_roots = live and cfg.container_metadata.enabled
			and table.concat(cfg.container_metadata.roots, "\n") or nil,
		read_file = not offline and opts.replay or nil, write_file = not offline and opts.write or nil })
	if not s then
		err("%s", oerr)
		return 1
	end
	if opts.write_window then core.C.saker_capture_window(s, opts.write_window, opts.write_window) end
	-- -e: the capture's end stops the loops as a signal would
	local function replayed(sig)
		return opts.replay and sig == 0 and core.C.saker_capture_status(s, nil, 0) ~= 0
	end

	local engine = require("saker.engine")
	local paths = #opts.rules > 0 and opts.rules or cfg.rules_files
	if opts.dump then
		build.select(s, { interest = "all" }, { every_syscall = opts.all_events })
		local deadline = opts.duration and os.time() + opts.duration
		engine.dump(s, opts.unbuffered, function(sig)
			if sig == 2 or sig == 15 then return "signal" end
			if replayed(sig) then return "eof" end
			if deadline and os.time() >= deadline then return "duration" end
		end)
		return capture_report(s, opts)
	end

	if opts.dump_lua then
		local rs, diags = load.ruleset(paths)
		if print_diags(diags, io.stderr, load.format_diag) > 0 then return 1 end
		local src, derr = require("saker.rules.compile").dump_lua(rs, s, opts.dump_lua)
		if not src then
			err("%s", derr)
			return 1
		end
		io.stdout:write(src, "\n")
		return 0
	end

	if offline then
		local compiled, diags = build.build(paths, s, cfg)
		print_diags(diags, io.stderr, load.format_diag)
		if not compiled then return 1 end
		if opts.list_rules or opts.describe then return describe_rules(compiled, opts.describe) end
		return 0
	end

	local rt, diags = require("saker.runtime").new({
		s = s, cfg = cfg, cfg_path = cfg_path, overrides = opts.overrides,
		rule_paths = opts.rules, duration = opts.duration, every_syscall = opts.all_events,
		live = live,
	})
	for _, d in ipairs(diags) do
		if d.level == "error" then io.stderr:write(load.format_diag(d), "\n")
		else log.warning("%s", load.format_diag(d)) end
	end
	if not rt then
		err("rules failed to load; not starting")
		return 1
	end
	if not build.select(s, rt.compiled, { every_syscall = opts.all_events, base = cfg.base_syscalls }) then
		err("cannot set the probe's syscall selection")
		return 1
	end
	if opts.pidfile then
		local ok, perr = write_pidfile(opts.pidfile)
		if not ok then
			err("cannot write the pid file: %s", perr)
			rt:close()
			return 1
		end
	end
	log.info("saker %s: %d rules loaded from %s", version.saker, #rt.rules, table.concat(paths, ", "))
	if opts.write_window then rt.on_match = function() core.C.saker_capture_keep(s) end end
	local why = engine.run(s, rt, function(sig)
		if replayed(sig) then return "eof" end
		return rt:tick(sig)
	end)
	rt:close()
	if opts.pidfile then os.remove(opts.pidfile) end
	local st = core.ffi.new("struct saker_stats")
	core.C.saker_stats_get(s, st)
	log.info("events: %s, drops: %s, hot reloads: %d (%d failed)",
		tostring(st.events):gsub("ULL", ""), tostring(st.drops):gsub("ULL", ""), rt.reloads,
		rt.reload_failures)
	local rc = capture_report(s, opts)
	core.close(s)
	return (why == "drops" or rc ~= 0) and 1 or 0
end

return main
