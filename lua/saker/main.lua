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

local function rule_paths(opts, cfg)
	if #opts.rules > 0 then return opts.rules end
	return cfg.rules_files
end

-- Load and compile a ruleset against the context s. Returns compiled, diags
-- (every diag of both stages); compiled is nil when any error was found.
local function build_rules(paths, s, cfg)
	local load = require("saker.rules.load")
	local compile = require("saker.rules.compile")
	local selection = require("saker.selection")
	local rs, diags = load.ruleset(paths)
	local has_error = false
	for _, d in ipairs(diags) do
		if d.level == "error" then has_error = true end
	end
	if has_error then return nil, diags end
	local _, min_priority = load.priority(cfg.priority)
	local compiled, cdiags = compile.ruleset(rs, s, {
		rule_matching = cfg.rule_matching,
		min_priority_num = min_priority,
		enabled = selection.make(cfg.rules),
	})
	for _, d in ipairs(cdiags or {}) do
		diags[#diags + 1] = d
		if d.level == "error" then has_error = true end
	end
	if has_error then return nil, diags end
	return compiled, diags
end

local function list_fields(source)
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
			if c ~= class then
				class = c
				io.stdout:write("\nField Class: ", c, "\n\n")
			end
			local arg = ""
			if bit.band(f.flags, C.SAKER_FF_ARG_INDEX) ~= 0 then arg = "[N]" end
			if bit.band(f.flags, C.SAKER_FF_ARG_KEY) ~= 0 then arg = "[KEY]" end
			io.stdout:write(string.format("%-32s %-8s %s\n", name .. arg, types[f.type] or "?",
				ffi.string(f.desc)))
		end
	end
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
	if opts.list_fields then return list_fields(opts.list_fields) end

	local config = require("saker.config")
	local load = require("saker.rules.load")
	local cfg, cdiags = config.load(opts.config or config.default_path(), opts.overrides)
	if not cfg then
		print_diags(cdiags, io.stderr, config.format_diag)
		return 1
	end
	print_diags(cdiags, io.stderr, config.format_diag)
	log.setup(cfg)

	local core = require("saker.core")

	if #opts.validate > 0 then
		local s = assert(core.open({ live = false }))
		local _, diags = build_rules(opts.validate, s, cfg)
		local errors = print_diags(diags, io.stdout, load.format_diag)
		if errors > 0 then return 1 end
		for _, p in ipairs(opts.validate) do io.stdout:write(p, ": Ok\n") end
		return 0
	end

	local offline = opts.dry_run or opts.list_rules or opts.describe or opts.dump_lua
	local s, oerr = core.open({ live = not offline, scan_proc = not offline,
		ring_kb = tonumber(cfg.saker.ring_kb) })
	if not s then
		err("%s", oerr)
		return 1
	end

	local engine = require("saker.engine")
	if opts.dump then
		core.C.saker_interest_all(s)
		core.C.saker_interest_commit(s)
		engine.dump(s, opts)
		return 0
	end

	local paths = rule_paths(opts, cfg)
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

	local compiled, diags = build_rules(paths, s, cfg)
	for _, d in ipairs(diags) do
		if d.level == "error" then io.stderr:write(load.format_diag(d), "\n")
		else log.warning("%s", load.format_diag(d)) end
	end
	if not compiled then
		err("rules failed to load; not starting")
		return 1
	end
	if opts.list_rules or opts.describe then return describe_rules(compiled, opts.describe) end
	if opts.dry_run then return 0 end

	local C = core.C
	C.saker_interest_clear(s)
	if compiled.interest == "all" then
		C.saker_interest_all(s)
	else
		for _, name in ipairs(compiled.interest) do C.saker_interest_add(s, name) end
	end
	if C.saker_interest_commit(s) < 0 then
		err("cannot set the probe's syscall selection")
		return 1
	end

	local outs = require("saker.outputs").open(cfg, { unbuffered = opts.unbuffered })
	log.info("saker %s: %d rules loaded from %s", version.saker, #compiled.rules,
		table.concat(paths, ", "))
	local alert = require("saker.alert")
	local drops = require("saker.drops").new(s, cfg, function(rule, msg, fields)
		outs:emit(alert.build(rule, alert.now(), msg, fields, "internal"))
	end)
	local why = engine.run(s, compiled, outs, {
		first = cfg.rule_matching == "first",
		duration = opts.duration,
		drops = drops,
	})
	outs:close()
	local st = core.ffi.new("struct saker_stats")
	C.saker_stats_get(s, st)
	log.info("events: %s, drops: %s", tostring(st.events):gsub("ULL", ""),
		tostring(st.drops):gsub("ULL", ""))
	core.close(s)
	return why == "drops" and 1 or 0
end

return main
